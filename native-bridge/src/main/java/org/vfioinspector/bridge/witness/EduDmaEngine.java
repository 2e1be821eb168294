package org.vfioinspector.bridge.witness;

import org.vfioinspector.bridge.kernel.Kernel;
import org.vfioinspector.bridge.kernel.KernelException;
import org.vfioinspector.bridge.kernel.Mapping;
import org.vfioinspector.bridge.session.DeviceSession;
import org.vfioinspector.bridge.session.RegionInfo;
import org.vfioinspector.bridge.session.SessionException;
import org.vfioinspector.bridge.uapi.Vfio;

/**
 * QEMU's {@code edu} device (1234:11e8, hw/misc/edu.c) driven through VFIO: its DMA engine, whose transfers go
 * through the IOMMU domain the device is attached to, is what makes a peer mapping visible. Registers (BAR0, 4- or
 * 8-byte accesses; this class writes dwords, which set the 64-bit registers' low half and clear the high half):
 * 0x80 source bus address, 0x88 destination, 0x90 count, 0x98 command (bit 0 start, cleared by the device when the
 * transfer is done; bit 1 direction: 0 = from a bus address into edu's buffer, 1 = from the buffer to a bus address;
 * bit 2 raise an interrupt). The 4 KiB buffer is addressed as 0x40000..0x40fff by these registers and is not readable
 * through the BAR. edu masks bus addresses with its DMA mask (28 bits unless QEMU's {@code dma_mask} property says
 * otherwise), so an address above it would silently be clamped: this class refuses it instead. The transfer runs
 * from a timer 100 ms (virtual time) after the start bit is written.
 */
public final class EduDmaEngine {
    /** edu's identification register (BAR0 offset 0): major 1, minor 0, 0xed. */
    public static final int IDENT = 0x010000ed;
    public static final int REG_IDENT = 0x00;
    public static final int REG_DMA_SRC = 0x80;
    public static final int REG_DMA_DST = 0x88;
    public static final int REG_DMA_COUNT = 0x90;
    public static final int REG_DMA_CMD = 0x98;
    public static final int CMD_START = 0x1;
    public static final int CMD_TO_BUS = 0x2;
    /** Where the DMA registers see edu's internal buffer, and its size. */
    public static final long BUFFER = 0x40000;
    public static final int BUFFER_SIZE = 4096;
    /** edu's default DMA mask: 28 bits (bus addresses below 256 MiB). */
    public static final long DEFAULT_DMA_MASK = (1L << 28) - 1;

    /** QEMU's edu: PCI vendor 1234, device 11e8. */
    public static final int VENDOR = 0x1234;
    public static final int DEVICE = 0x11e8;

    /** Whether a PCI ID is edu's (a device the witness can drive on a real host). */
    public static boolean isEdu(int vendor, int device) {
        return vendor == VENDOR && device == DEVICE;
    }

    /** How the engine waits between polls of the command register (injectable so the lab does not sleep). */
    @FunctionalInterface
    public interface Pause {
        void pause(long millis) throws InterruptedException;
    }

    private final DeviceSession session;
    private final Mapping bar0;
    private final long dmaMask;
    private final Pause pause;
    private final long pollMillis;
    private final int maxPolls;
    private int transfers;

    private EduDmaEngine(DeviceSession session, Mapping bar0, long dmaMask, Pause pause, long pollMillis,
            int maxPolls) {
        this.session = session;
        this.bar0 = bar0;
        this.dmaMask = dmaMask;
        this.pause = pause;
        this.pollMillis = pollMillis;
        this.maxPolls = maxPolls;
    }

    /**
     * Maps BAR0 of the session's device, checks that it is an edu (the identification register), and turns bus
     * mastering on through the config region. Waits up to {@code maxPolls} polls {@code pollMillis} apart for each
     * transfer.
     */
    public static EduDmaEngine open(DeviceSession session, long dmaMask, Pause pause, long pollMillis, int maxPolls)
            throws KernelException {
        if (dmaMask <= 0 || pollMillis < 0 || maxPolls <= 0) {
            throw new IllegalArgumentException("dma mask 0x" + Long.toHexString(dmaMask) + ", poll " + pollMillis
                    + " ms, " + maxPolls + " polls");
        }
        RegionInfo bar = session.regionInfo(Vfio.VFIO_PCI_BAR0_REGION_INDEX);
        if (!bar.mmappable() || bar.size() < REG_DMA_CMD + 8) {
            throw new SessionException("edu DMA engine", session.target().bdf() + " BAR0", "BAR0 is "
                    + (bar.mmappable() ? bar.size() + " bytes" : "not mmap-able") + ", not edu's 1 MiB register BAR",
                    "Name an edu device (QEMU -device edu, 1234:11e8) as the DMA engine.");
        }
        Mapping m = session.mmap(bar, bar.pageSpan(), Kernel.PROT_READ | Kernel.PROT_WRITE);
        int ident = m.readInt(REG_IDENT);
        if (ident != IDENT) {
            session.unmap(m);
            throw new SessionException("edu DMA engine", session.target().bdf() + " BAR0", String.format(
                    "identification register reads 0x%08x, not edu's 0x%08x", ident, IDENT),
                    "Name an edu device (QEMU -device edu, 1234:11e8) as the DMA engine.");
        }
        session.setBusMaster(true);
        return new EduDmaEngine(session, m, dmaMask, pause, pollMillis, maxPolls);
    }

    public DeviceSession session() {
        return session;
    }

    /** Transfers started so far. */
    public int transfers() {
        return transfers;
    }

    /** DMA of {@code count} bytes from {@code busAddress} (an IOVA of the device's domain) into the buffer. */
    public void toBuffer(long busAddress, int bufferOffset, int count) throws KernelException {
        transfer(busAddress, BUFFER + bufferOffset, count, 0, busAddress, bufferOffset);
    }

    /** DMA of {@code count} bytes from the buffer to {@code busAddress}. */
    public void fromBuffer(int bufferOffset, long busAddress, int count) throws KernelException {
        transfer(BUFFER + bufferOffset, busAddress, count, CMD_TO_BUS, busAddress, bufferOffset);
    }

    private void transfer(long src, long dst, int count, int direction, long bus, int bufferOffset)
            throws KernelException {
        String where = session.target().bdf() + " DMA";
        if (count <= 0 || bufferOffset < 0 || bufferOffset + (long) count > BUFFER_SIZE) {
            // edu checks the buffer range only to log it (older QEMUs abort): never hand it a bad one
            throw new SessionException("edu DMA", where, "buffer range [0x" + Integer.toHexString(bufferOffset)
                    + ", +" + count + ") is outside edu's " + BUFFER_SIZE + "-byte buffer", null);
        }
        if (bus < 0 || bus + count - 1 > dmaMask || bus + count - 1 > 0xffffffffL) {
            throw new SessionException("edu DMA", where, String.format("bus address 0x%x (+%d) is above edu's DMA "
                    + "mask 0x%x", bus, count, dmaMask), "Use an IOVA below the mask (edu clamps higher ones).");
        }
        int cmd = bar0.readInt(REG_DMA_CMD);
        if ((cmd & CMD_START) != 0) {
            throw new SessionException("edu DMA", where, "a transfer is still running (command register 0x"
                    + Integer.toHexString(cmd) + "); edu ignores register writes until it ends", null);
        }
        bar0.writeInt(REG_DMA_SRC, (int) src);
        bar0.writeInt(REG_DMA_DST, (int) dst);
        bar0.writeInt(REG_DMA_COUNT, count);
        bar0.writeInt(REG_DMA_CMD, CMD_START | direction);
        transfers++;
        for (int poll = 0; poll < maxPolls; poll++) {
            cmd = bar0.readInt(REG_DMA_CMD);
            if ((cmd & CMD_START) == 0) {
                return;
            }
            try {
                pause.pause(pollMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SessionException("edu DMA", where, "interrupted while waiting for the transfer", null);
            }
        }
        throw new SessionException("edu DMA", where, "the transfer did not finish after " + maxPolls + " polls "
                + pollMillis + " ms apart (command register 0x" + Integer.toHexString(cmd) + ")",
                "edu runs a transfer 100 ms (virtual time) after the start bit; a stopped VM clock never runs it.");
    }

    /** Unmaps BAR0 (bus mastering stays as it is: the session's close disables the device). */
    public void close() {
        session.unmap(bar0);
    }
}
