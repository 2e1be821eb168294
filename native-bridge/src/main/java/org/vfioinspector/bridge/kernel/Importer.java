package org.vfioinspector.bridge.kernel;

import java.util.Optional;
import org.vfioinspector.bridge.model.PciAddress;

/**
 * A dma-buf importer: something that attaches to a dma-buf, maps it for DMA, is told by the exporter when the
 * buffer is revoked ({@code invalidate_mappings}) and restored, and detaches. Two sorts live below this interface:
 * on any kernel with iommufd, iommufd itself ({@code IOMMU_IOAS_MAP_FILE} of the dma-buf fd into an IOAS, see
 * {@code bridge.kernel.iommufd.IommufdImporter}); in the lab, the scenario's in-kernel importers, and on a real
 * kernel with the harness's test importer module loaded, a PCI device of choice
 * ({@code bridge.kernel.importer.DeviceImporter}): both through {@link Kernel#importers()}.
 *
 * <p>What the importer learns of a revoke or restore reaches userspace as the kernel's live events
 * ({@link KernelEvents}: the INVALIDATE of the buffer's inode, the device's REVOKE / RESTORE / PERMANENT); the
 * revocation tracker follows attachments by those events.
 */
public interface Importer {
    /** "iommufd", or the scenario importer's name. */
    String name();

    /** The device that does the DMA, when there is one (iommufd: the device attached to the IOAS, if any). */
    Optional<PciAddress> device();

    /**
     * Attaches to the whole dma-buf behind {@code dmaBufFd} and maps it (dma_buf_dynamic_attach, then the first
     * map; iommufd does both in one MAP_FILE). A map the exporter refuses after a successful attach leaves the
     * attachment unmapped (see {@link Attachment#mapRefusal()}).
     */
    Attachment attach(int dmaBufFd) throws KernelException;
}
