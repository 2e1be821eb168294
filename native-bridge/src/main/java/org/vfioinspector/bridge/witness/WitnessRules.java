package org.vfioinspector.bridge.witness;

import org.vfioinspector.bridge.revocation.RevocationTracker;
import org.vfioinspector.bridge.rules.Verdict;

/**
 * What a device's DMA from an IOVA will reach, before it is tried: from how the IOVA was mapped and what the kernel did
 * to that mapping since (facts §5.4, §7, §11). YES means the read reaches the mapped BAR, NO that the IOMMU faults it.
 */
public final class WitnessRules {
    /** How the IOVA got mapped in the engine's domain. */
    public enum Mapped {
        /** Nothing the inspector mapped is there. */
        NOTHING,
        /** VFIO_IOMMU_MAP_DMA of a peer's BAR mmap into the engine's type1 container (the old P2P path). */
        TYPE1,
        /** IOMMU_IOAS_MAP_FILE of a peer's dma-buf into the IOAS the engine is attached to. */
        DMA_BUF
    }

    private WitnessRules() {
    }

    /**
     * @param how            how the IOVA was mapped
     * @param peerUnbound    the peer (the BAR's device) was unbound from vfio-pci since
     * @param attachment     DMA_BUF: the attachment's state as the revocation tracker has it (ACTIVE after a map)
     */
    public static Verdict dma(Mapped how, boolean peerUnbound, RevocationTracker.State attachment) {
        return switch (how) {
            case NOTHING -> Verdict.no("intel-iommu", "nothing is mapped at this IOVA: the read faults (DMAR fault "
                    + "reason 0x06, PTE Read access is not set) and edu's buffer reads zeros", null);
            case TYPE1 -> peerUnbound
                    ? Verdict.yes("vfio_iommu_type1_map_dma", "type1 programmed the PFN it read from the peer's BAR "
                    + "mmap (follow_pfnmap) and nothing tells it the peer is gone: the IOMMU still reaches its MMIO "
                    + "(use-after-free, facts §7)")
                    : Verdict.yes("vfio_iommu_type1_map_dma", "type1 programmed the PFN it read from the peer's BAR "
                    + "mmap (follow_pfnmap): the read reaches the BAR");
            case DMA_BUF -> switch (attachment == null ? RevocationTracker.State.DEAD : attachment) {
                case ACTIVE -> Verdict.yes("iopt_map_file_pages", "MAP_FILE mapped the dma-buf's physical range: the "
                        + "read reaches the BAR, peer to peer");
                case REVOKED -> Verdict.no("iopt_revoke_notify", "the revoke unmapped the area from every domain: the "
                        + "read faults", null);
                case RESTORED -> Verdict.no("vfio_pci_dma_buf_move", "revoked=0 only clears the flag: the area stays "
                        + "unmapped until IOMMU_IOAS_UNMAP and MAP_FILE again (map again): the read faults", null);
                case DEAD -> Verdict.no("vfio_pci_dma_buf_cleanup", "revoked for good (the peer was closed): the area "
                        + "stays unmapped, MAP_FILE answers ENODEV: the read faults", null);
            };
        };
    }
}
