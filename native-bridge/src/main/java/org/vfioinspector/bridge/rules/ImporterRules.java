package org.vfioinspector.bridge.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.vfioinspector.bridge.kernel.Errno;
import org.vfioinspector.bridge.model.PciAddress;

/** The dma-buf importer side: vfio_pci_dma_buf_attach / map (facts §3.2) and the p2pdma distance. */
public final class ImporterRules {
    static final String ATTACH = "vfio_pci_dma_buf_attach";
    static final String MAP = "vfio_pci_dma_buf_map";
    static final String P2P = "pci_p2pdma_map_type";

    private ImporterRules() {
    }

    /** An importer as the exporter sees it. */
    public record Importer(String name, PciAddress device, boolean peer2peer, boolean revocable) {
    }

    /** The dma-buf as the exporter sees it. */
    public record BufState(boolean revoked, boolean cleanedUp) {
    }

    public static Verdict attach(KernelProfile profile, Importer imp, BufState buf) {
        if (!imp.peer2peer()) {
            return Verdict.no(ATTACH, "importer " + imp.name() + " did not set allow_peer2peer", Errno.EOPNOTSUPP);
        }
        if (buf.revoked()) {
            return Verdict.no(ATTACH, "priv->revoked" + (buf.cleanedUp() ? " (device closed: revoked for good)" : ""),
                    Errno.ENODEV);
        }
        if (!imp.revocable()) {
            if (profile.pinnedImporters().equals("attach")) {
                return Verdict.no(ATTACH, "importer " + imp.name() + " cannot handle revocation "
                        + "(!dma_buf_attach_revocable, 61ceaf236115)", Errno.EOPNOTSUPP);
            }
            if (profile.pinnedImporters().equals("pin")) {
                return Verdict.no("vfio_pci_dma_buf_pin", "static importer " + imp.name() + ": dma_buf_attach pins, and "
                        + "the exporter's .pin op refuses", Errno.EOPNOTSUPP);
            }
        }
        return Verdict.yes(ATTACH, "dynamic importer " + imp.name() + " with allow_peer2peer attached");
    }

    /** Map of an attached importer: revoked → ENODEV, then the p2pdma distance between exporter and importer. */
    public static Verdict map(Importer imp, BufState buf, PciAddress exporter, P2pTopology topo) {
        if (buf.revoked()) {
            return Verdict.no(MAP, "priv->revoked" + (buf.cleanedUp() ? " (device closed: revoked for good)" : "")
                    + ": importer must wait for a restore", Errno.ENODEV);
        }
        if (imp.device() == null) {
            // iommufd maps through vfio_pci_dma_buf_iommufd_map(): the BAR's physical range goes into its IOMMU page
            // tables, and pci_p2pdma_map_type() is never asked (facts §11: edu reached ivshmem on q35 that way)
            return Verdict.yes(MAP, "importer without a PCI device (iommufd) takes the BAR's physical range into "
                    + "its IOMMU page tables; no p2pdma distance is asked");
        }
        Verdict d = distance(exporter, imp.device(), topo);
        if (!d.allowed()) {
            return Verdict.no(MAP, d.rule().condition(), Errno.EINVAL);
        }
        return Verdict.yes(MAP, d.rule().condition());
    }

    /**
     * pci_p2pdma_map_type(provider, importer device) as calc_map_type_and_dist() in drivers/pci/p2pdma.c (7.2)
     * decides it: walk up from the provider itself, and for each device on that path look for it on the client's
     * path (the client itself first); the first one found is where the two meet. ACS redirect (RR, CR or EC in the
     * ACS control) on the provider's path up to and including that device, or on the client's path below it, sends
     * the traffic through the host bridge; otherwise it is PCI_P2PDMA_MAP_BUS_ADDR. So the exporting device itself
     * and a bridge above it map by bus address, and devices that meet nowhere go through the host bridge, which
     * must be whitelisted (or the CPU an AMD Zen) for PCI_P2PDMA_MAP_THRU_HOST_BRIDGE, else NOT_SUPPORTED: EINVAL
     * from dma_buf_phys_vec_to_sgt().
     */
    public static Verdict distance(PciAddress provider, PciAddress client, P2pTopology topo) {
        List<PciAddress> up = path(provider, topo);
        List<PciAddress> uc = path(client, topo);
        PciAddress common = null;
        for (PciAddress a : up) {
            if (uc.contains(a)) {
                common = a;
                break;
            }
        }
        String where = common == null ? "" : common.equals(provider) && common.equals(client)
                ? "the importer is the exporting device itself"
                : common.equals(client) ? "the importer " + client + " is a bridge above " + provider
                : provider + " and " + client + " meet at " + common;
        if (common != null) {
            List<PciAddress> redirecting = new ArrayList<>();
            for (PciAddress a : up) {
                if (topo.acsRedirect(a)) {
                    redirecting.add(a);
                }
                if (a.equals(common)) {
                    break;
                }
            }
            for (PciAddress b : uc) {
                if (b.equals(common)) {
                    break;
                }
                if (topo.acsRedirect(b)) {
                    redirecting.add(b);
                }
            }
            if (redirecting.isEmpty()) {
                return Verdict.yes(P2P, where + ", without ACS redirect on the way → PCI_P2PDMA_MAP_BUS_ADDR (dma "
                        + "address = the BAR's bus address)");
            }
            // as the kernel warns it: "to disable ACS redirect for this path, add the kernel parameter: ..."
            where += ", but ACS redirect on " + redirecting + " sends the traffic through the host bridge (the "
                    + "kernel parameter pci=disable_acs_redir=" + redirecting.stream().map(PciAddress::toString)
                    .collect(java.util.stream.Collectors.joining(";")) + " lifts it)";
        } else {
            where = "they share no upstream bridge, so traffic crosses the host bridge";
        }
        Optional<String> refusal = topo.hostBridgeRefusal(provider, client);
        if (refusal.isEmpty()) {
            return Verdict.yes(P2P, where + "; " + topo.hostBridgeAllowance(provider, client)
                    + " → PCI_P2PDMA_MAP_THRU_HOST_BRIDGE");
        }
        return Verdict.no(P2P, where + "; " + refusal.get() + " → PCI_P2PDMA_MAP_NOT_SUPPORTED", Errno.EINVAL);
    }

    /** The device and the bridges above it, nearest first: the walk of pci_upstream_bridge(). */
    private static List<PciAddress> path(PciAddress dev, P2pTopology topo) {
        List<PciAddress> p = new ArrayList<>();
        p.add(dev);
        p.addAll(topo.upstreamBridges(dev));
        return p;
    }
}
