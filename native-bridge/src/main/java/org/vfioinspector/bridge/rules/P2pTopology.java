package org.vfioinspector.bridge.rules;

import java.util.List;

import org.vfioinspector.bridge.model.PciAddress;

/** What pci_p2pdma_map_type / upstream_bridge_distance need to know about the PCI tree. */
public interface P2pTopology {
    /** The bridges above {@code dev}, nearest first, up to and including its root port (empty on a root bus). */
    List<PciAddress> upstreamBridges(PciAddress dev);

    /** ACS P2P request redirect is enabled on this bridge's downstream port. */
    boolean acsRedirect(PciAddress bridge);

    /** The host bridge above {@code dev} is in the p2pdma whitelist (or is a CPU p2pdma allows by default). */
    boolean hostBridgeWhitelisted(PciAddress dev);

    /** "8086:29c0", for the rule text. */
    String hostBridgeId(PciAddress dev);
}
