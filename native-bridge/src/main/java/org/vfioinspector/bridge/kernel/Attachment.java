package org.vfioinspector.bridge.kernel;

import java.util.Optional;

/**
 * One importer's attachment to one dma-buf (struct dma_buf_attachment; for iommufd, the area of an IOAS that
 * MAP_FILE created). A revoke unmaps it in the kernel, and a restore does not map it again: the importer must
 * {@link #map()} again. Closing detaches (iommufd: IOMMU_IOAS_UNMAP of the area).
 */
public interface Attachment extends AutoCloseable {
    /** The importer that holds it. */
    Importer importer();

    /** The dma-buf's inode (as in fdinfo and the kernel's events), or -1 when it cannot be told. */
    long dmaBufInode();

    /** Whether the importer holds a mapping, as far as it knows (the kernel's revoke drops it without asking). */
    boolean mapped();

    /** The DMA address (in-kernel importer) or IOVA (iommufd) of the last successful map; -1 before any. */
    long address();

    /** Why the last map was refused, when it was. */
    Optional<KernelException> mapRefusal();

    /**
     * Maps the buffer (again): iommufd unmaps the area it holds first and maps the file at the same IOVA, as a VMM
     * must after a restore. Returns {@link #address()}.
     */
    long map() throws KernelException;

    /** Drops the mapping (dma_buf_unmap_attachment; iommufd: IOMMU_IOAS_UNMAP of the area). */
    void unmap() throws KernelException;

    /** "importer testdev #2, mapped at 0xfd800000", "iommufd IOAS 1, iova 0x100000000". */
    String describe();

    /** Detaches; idempotent. */
    @Override
    void close() throws KernelException;
}
