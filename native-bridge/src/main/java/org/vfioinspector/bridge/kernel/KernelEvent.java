package org.vfioinspector.bridge.kernel;

import java.util.Optional;
import org.vfioinspector.bridge.model.PciAddress;

/**
 * Something the kernel did to a device's mappings or dma-bufs, as seen live: from tracefs function-entry probes on
 * a real kernel, from the model on the lab kernel. Both speak in the same kernel function names.
 *
 * @param timestampNanos kernel timestamp (trace clock) or the lab kernel's clock, in nanoseconds
 * @param kind           what happened
 * @param function       the kernel function that was entered, e.g. "vfio_pci_dma_buf_move"
 * @param device         the device concerned, when it can be told
 * @param dmaBufInode    inode of the dma-buf concerned (as in fdinfo's "ino:"), or -1 when it cannot be told
 * @param detail         the raw probe line or model note, for the timeline's details
 */
public record KernelEvent(long timestampNanos, Kind kind, String function, PciAddress device, long dmaBufInode,
                          String detail) {
    /** The kinds of event a user cares about. */
    public enum Kind {
        /** vfio_pci_dma_buf_move(revoked=1): every dma-buf of the device is revoked. */
        REVOKE,
        /** vfio_pci_dma_buf_move(revoked=0): revoked dma-bufs become usable again (importers must re-map). */
        RESTORE,
        /** vfio_pci_dma_buf_cleanup: the device was closed; its dma-bufs are revoked for good. */
        PERMANENT,
        /** dma_buf_invalidate_mappings: importers were told to drop their mappings. */
        INVALIDATE,
        /** vfio_pci_zap_and_down_write_memory_lock: BAR mmaps were zapped. */
        ZAP,
        /** vfio_pci_dma_buf_release: the last reference to a dma-buf went away. */
        RELEASE
    }

    public Optional<PciAddress> deviceIfKnown() {
        return Optional.ofNullable(device);
    }
}
