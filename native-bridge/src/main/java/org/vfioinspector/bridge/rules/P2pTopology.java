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

    /**
     * Why traffic between the two through the host bridge(s) is not supported (cpu_supports_p2pdma() and
     * host_bridge_whitelist() both say no), or empty when it is. This default serves a host with one host bridge.
     */
    default java.util.Optional<String> hostBridgeRefusal(PciAddress provider, PciAddress client) {
        return hostBridgeWhitelisted(provider) ? java.util.Optional.empty()
                : java.util.Optional.of("host bridge " + hostBridgeId(provider) + " is not in the p2pdma whitelist");
    }

    /** Why the host bridge(s) let the traffic through, for the rule text (when {@link #hostBridgeRefusal} is empty). */
    default String hostBridgeAllowance(PciAddress provider, PciAddress client) {
        return "host bridge " + hostBridgeId(provider) + " is in the p2pdma whitelist";
    }
}
