package org.vfioinspector.bridge.lab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * QEMU's edu DMA engine (hw/misc/edu.c) as the lab models it, for a scenario device with {@code dmaEngine: edu}: the
 * BAR0 registers 0x00 (identification 0x010000ed), 0x04 (liveness: reads the inverse of what was written), 0x80
 * source, 0x88 destination, 0x90 count, 0x98 command (bit 0 start, bit 1 direction: 0 = bus address into the buffer,
 * 1 = buffer to a bus address), the 4 KiB buffer addressed as 0x40000, and the 28-bit DMA mask (higher addresses
 * are clamped, as edu does). The lab has no virtual clock: a transfer runs when the start bit is written, so the next
 * poll of the command register sees it done. Where a transfer lands is the {@link Bus}'s business: the lab kernel
 * translates through the device's IOMMU domain, and a read the IOMMU faults fills the buffer with zeros, as QEMU
 * delivers it.
 */
final class LabDmaEngine {
    static final int IDENT = 0x010000ed;
    static final long BUFFER = 0x40000;
    static final int BUFFER_SIZE = 4096;
    static final long DMA_MASK = (1L << 28) - 1;

    /** The device's view of memory: its IOMMU domain, as the kernel programmed it. */
    interface Bus {
        /** The bytes at {@code address}, or null when the IOMMU faults the read (no mapping, no bus mastering). */
        byte[] read(long address, int count);

        /** Writes {@code data} at {@code address}; false when the IOMMU faults the write. */
        boolean write(long address, byte[] data);
    }

    /** One transfer as it ran: for tests and the lab's log (the real kernel's is dmesg's DMAR fault lines). */
    record Transfer(boolean toBus, long busAddress, int count, boolean faulted) {
    }

    private final byte[] buffer = new byte[BUFFER_SIZE];
    private final List<Transfer> transfers = new ArrayList<>();
    private int addr4;
    private long src;
    private long dst;
    private long count;
    private long cmd;

    /** A dword read of BAR0 at {@code offset}; unknown offsets read all ones, as edu answers them. */
    int read(long offset) {
        if (offset == 0x00) {
            return IDENT;
        } else if (offset == 0x04) {
            return addr4;
        } else if (offset == 0x80) {
            return (int) src;
        } else if (offset == 0x88) {
            return (int) dst;
        } else if (offset == 0x90) {
            return (int) count;
        } else if (offset == 0x98) {
            return (int) cmd;
        }
        return 0xffffffff;
    }

    /** A dword write of BAR0; writing the start bit runs the transfer through {@code bus}. */
    void write(long offset, int value, Bus bus) {
        long v = value & 0xffffffffL;
        if (offset == 0x04) {
            addr4 = ~value;
        } else if (offset == 0x80) {
            src = v;
        } else if (offset == 0x88) {
            dst = v;
        } else if (offset == 0x90) {
            count = v;
        } else if (offset == 0x98 && (v & 1) != 0) {
            cmd = v;
            run(bus);
            cmd &= ~1L;
        }
    }

    private void run(Bus bus) {
        boolean toBus = (cmd & 2) != 0;
        long inBuffer = (toBus ? src : dst) - BUFFER;
        if (count <= 0 || inBuffer < 0 || inBuffer + count > BUFFER_SIZE) {
            return;   // edu logs "DMA range ... out of bounds" and copies nothing sensible: the lab copies nothing
        }
        int n = (int) count;
        int at = (int) inBuffer;
        if (toBus) {
            long address = dst & DMA_MASK;
            boolean ok = bus.write(address, Arrays.copyOfRange(buffer, at, at + n));
            transfers.add(new Transfer(true, address, n, !ok));
        } else {
            long address = src & DMA_MASK;
            byte[] data = bus.read(address, n);
            System.arraycopy(data == null ? new byte[n] : data, 0, buffer, at, n);
            transfers.add(new Transfer(false, address, n, data == null));
        }
    }

    List<Transfer> transfers() {
        return List.copyOf(transfers);
    }
}
