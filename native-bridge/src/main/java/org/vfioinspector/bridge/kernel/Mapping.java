package org.vfioinspector.bridge.kernel;

/**
 * A shared mapping of part of a device fd (a BAR, through VFIO). Reads may fault: a revoked mapping raises
 * {@link SigbusException} rather than taking the process down. Closing unmaps.
 */
public interface Mapping extends AutoCloseable {
    /** Length of the mapping in bytes. */
    long length();

    /** The mapping's start address in the process (what VFIO_IOMMU_MAP_DMA takes as vaddr). */
    long vaddr();

    /** Reads the little-endian dword at {@code offset} (relative to the start of the mapping). */
    int readInt(long offset) throws KernelException;

    /** Writes the little-endian dword at {@code offset}. */
    void writeInt(long offset, int value) throws KernelException;

    /** munmap; idempotent. */
    @Override
    void close() throws KernelException;
}
