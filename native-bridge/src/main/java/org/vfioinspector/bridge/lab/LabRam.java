package org.vfioinspector.bridge.lab;

import org.vfioinspector.bridge.kernel.Errno;
import org.vfioinspector.bridge.kernel.KernelException;
import org.vfioinspector.bridge.kernel.Mapping;

/**
 * Anonymous process memory in the lab ({@link LabKernel#allocateRam}): bytes at a lab virtual address that
 * VFIO_IOMMU_MAP_DMA can map for a device. Pages a mapping pinned stay readable by the device after munmap, as
 * pinned pages do.
 */
final class LabRam implements Mapping {
    private final long vaddr;
    private final byte[] bytes;
    private boolean closed;

    LabRam(long vaddr, int length) {
        this.vaddr = vaddr;
        this.bytes = new byte[length];
    }

    @Override
    public long length() {
        return bytes.length;
    }

    @Override
    public long vaddr() {
        return vaddr;
    }

    boolean contains(long address, int count) {
        return address >= vaddr && address + count <= vaddr + bytes.length;
    }

    /** What the device sees at process address {@code address} (inside this memory). */
    synchronized byte[] read(long address, int count) {
        byte[] out = new byte[count];
        System.arraycopy(bytes, (int) (address - vaddr), out, 0, count);
        return out;
    }

    synchronized void write(long address, byte[] data) {
        System.arraycopy(data, 0, bytes, (int) (address - vaddr), data.length);
    }

    private void check(long offset, String op) throws KernelException {
        if (closed) {
            throw new KernelException(op, "anonymous memory (unmapped)", Errno.EBADF);
        }
        if (offset < 0 || offset > bytes.length - 4 || (offset & 3) != 0) {
            throw new KernelException(op, "anonymous memory offset 0x" + Long.toHexString(offset), Errno.EINVAL);
        }
    }

    @Override
    public synchronized int readInt(long offset) throws KernelException {
        check(offset, "mmap read");
        int o = (int) offset;
        return (bytes[o] & 0xff) | (bytes[o + 1] & 0xff) << 8 | (bytes[o + 2] & 0xff) << 16 | (bytes[o + 3] & 0xff) << 24;
    }

    @Override
    public synchronized void writeInt(long offset, int value) throws KernelException {
        check(offset, "mmap write");
        int o = (int) offset;
        for (int k = 0; k < 4; k++) {
            bytes[o + k] = (byte) (value >>> (8 * k));
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
    }
}
