package org.vfioinspector.bridge.lab;

import org.vfioinspector.bridge.kernel.KernelException;
import org.vfioinspector.bridge.kernel.Mapping;
import org.vfioinspector.bridge.kernel.SigbusException;
import org.vfioinspector.bridge.lab.scenario.LabScenario;
import org.vfioinspector.bridge.rules.RevocationRules;
import org.vfioinspector.bridge.rules.Verdict;

/**
 * A BAR mmap of the lab process (the VMA vfio_pci_core_mmap set up). Every access is a fault the model decides, as
 * vfio_pci_mmap_huge_fault does: SIGBUS while the device's memory decoding is off or it is in D3hot, and after
 * munmap. The mapping holds its device file open, so the device is closed only when both are gone. The rest of a
 * sub-page BAR's page reads 0 (the "vfio sub-page reserved" dummy page); writes are kept (BARs behave as memory).
 */
final class LabBarMapping implements Mapping {
    private final LabState state;
    private final LabDeviceFile file;
    final LabDevice dev;
    final int index;
    final long offset;
    final long length;
    final long vaddr;
    boolean closed;

    LabBarMapping(LabState state, LabDeviceFile file, int index, long offset, long length, long vaddr) {
        this.state = state;
        this.file = file;
        this.dev = file.dev;
        this.index = index;
        this.offset = offset;
        this.length = length;
        this.vaddr = vaddr;
    }

    /** The user virtual address the lab gave this mapping (for VFIO_IOMMU_MAP_DMA of P2P the old way). */
    @Override
    public long vaddr() {
        return vaddr;
    }

    @Override
    public long length() {
        return length;
    }

    /** Whether [address, address + size) of the process lies in this live mapping. */
    boolean covers(long address, long size) {
        return !closed && address >= vaddr && address + size <= vaddr + length;
    }

    @Override
    public int readInt(long at) throws KernelException {
        synchronized (state.lock) {
            check(at);
            long pos = offset + at;
            LabScenario.Bar b = dev.sd.bar(index).orElseThrow();
            if (pos >= b.size()) {
                return 0;   // the rest of a sub-page BAR's page: the "vfio sub-page reserved" dummy
            }
            return dev.mmioRead(index, pos);
        }
    }

    @Override
    public void writeInt(long at, int value) throws KernelException {
        synchronized (state.lock) {
            check(at);
            long pos = offset + at;
            if (pos >= dev.sd.bar(index).orElseThrow().size()) {
                return;
            }
            dev.mmioWrite(index, pos, value);
        }
    }

    private void check(long at) throws KernelException {
        if (closed || at < 0 || at + 4 > length) {
            throw new SigbusException("mmap read", dev.bdf() + " BAR" + index + " +0x" + Long.toHexString(at));
        }
        Verdict v = RevocationRules.fault(dev.memoryEnabled(), false);
        if (v.refused()) {
            throw new SigbusException("mmap read", dev.bdf() + " BAR" + index);
        }
    }

    /** munmap: the mapping's reference on its device file goes (the last one closes the device). */
    @Override
    public void close() {
        synchronized (state.lock) {
            if (!closed) {
                closed = true;
                file.put();
            }
        }
    }
}
