package org.vfioinspector.bridge.rules;

import java.util.List;

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
            return Verdict.yes(MAP, "in-kernel importer without a PCI device (iommufd) maps the physical ranges");
        }
        Verdict d = distance(exporter, imp.device(), topo);
        if (!d.allowed()) {
            return Verdict.no(MAP, d.rule().condition(), Errno.EINVAL);
        }
        return Verdict.yes(MAP, d.rule().condition());
    }

    /** pci_p2pdma_map_type(provider, importer device): BUS_ADDR, THRU_HOST_BRIDGE or NOT_SUPPORTED. */
    public static Verdict distance(PciAddress provider, PciAddress client, P2pTopology topo) {
        if (provider.equals(client)) {
            return Verdict.yes(P2P, "importer is the exporting device itself → PCI_P2PDMA_MAP_BUS_ADDR (dma address = "
                    + "BAR bus address)");
        }
        List<PciAddress> up = topo.upstreamBridges(provider);
        List<PciAddress> uc = topo.upstreamBridges(client);
        PciAddress common = null;
        for (PciAddress b : up) {
            if (uc.contains(b)) {
                common = b;
                break;
            }
        }
        boolean acs = false;
        if (common != null) {
            for (PciAddress b : up) {
                if (b.equals(common)) {
                    break;
                }
                acs |= topo.acsRedirect(b);
            }
            for (PciAddress b : uc) {
                if (b.equals(common)) {
                    break;
                }
                acs |= topo.acsRedirect(b);
            }
            acs |= topo.acsRedirect(common);
            if (!acs) {
                return Verdict.yes(P2P, provider + " and " + client + " meet at " + common
                        + " without ACS redirect → PCI_P2PDMA_MAP_BUS_ADDR");
            }
        }
        String via = common == null ? "they share no upstream bridge, so traffic crosses the host bridge"
                : "ACS redirect below " + common + " sends traffic through the host bridge";
        if (topo.hostBridgeWhitelisted(provider)) {
            return Verdict.yes(P2P, via + "; host bridge " + topo.hostBridgeId(provider)
                    + " is in the p2pdma whitelist → PCI_P2PDMA_MAP_THRU_HOST_BRIDGE");
        }
        return Verdict.no(P2P, via + "; host bridge " + topo.hostBridgeId(provider)
                + " is not in the p2pdma whitelist → PCI_P2PDMA_MAP_NOT_SUPPORTED", Errno.EINVAL);
    }
}
