package org.vfioinspector.bridge.witness;

import java.util.Arrays;
import org.vfioinspector.bridge.kernel.Kernel;
import org.vfioinspector.bridge.kernel.KernelException;
import org.vfioinspector.bridge.kernel.Mapping;
import org.vfioinspector.bridge.session.DeviceSession;
import org.vfioinspector.bridge.session.SessionException;
import org.vfioinspector.bridge.uapi.Vfio;

/**
 * A device's DMA engine made ready to read what its IOMMU domain maps at an IOVA, one read at a time: the try-it
 * panel's "DMA through device B from IOVA …" and each look of {@link DmaWitness}. It holds edu's engine on an open
 * session (BAR0 mmap, bus mastering) and two RAM pages mapped in the same domain at {@link #ramIova()}
 * (VFIO_IOMMU_MAP_DMA into the session's type1 container, or IOMMU_IOAS_MAP into its IOAS on the cdev path), so it
 * works on any {@link Kernel} whose device does DMA through its IOMMU: the real one with QEMU's edu, the lab's model.
 *
 * <p>One read is four transfers: the first RAM page, filled with {@link #FILL}, into edu's buffer; the buffer out to
 * the second page (checked: a fill that did not arrive means the witness cannot see); the IOVA into the buffer; the
 * buffer out to the second page again, which is then read. A read the IOMMU faulted leaves zeros (QEMU hands them),
 * one that never ran leaves the fill.
 *
 * <p>Not thread-safe: one thread per session, as {@link DeviceSession}. Writes to the engine device only.
 */
public final class DmaReader implements AutoCloseable {
    /** The byte edu's buffer is filled with before each read, and the byte the copy-out page is marked with. */
    public static final int FILL = 0x55;
    public static final int OUT_MARK = 0x33;
    private static final long PAGE = Vfio.PAGE_SIZE;

    private final DeviceSession session;
    private final EduDmaEngine engine;
    private final Mapping ram;
    private final long ramIova;

    private DmaReader(DeviceSession session, EduDmaEngine engine, Mapping ram, long ramIova) {
        this.session = session;
        this.engine = engine;
        this.ram = ram;
        this.ramIova = ramIova;
    }

    /**
     * Opens edu's engine on {@code session} (checks its identification register, sets bus mastering) and maps two RAM
     * pages at {@code ramIova} of its domain. Nothing is left behind when a step fails.
     *
     * @param ramIova page aligned, below the engine's DMA mask, clear of what else the domain maps
     */
    public static DmaReader open(Kernel kernel, DeviceSession session, long ramIova, long dmaMask,
            EduDmaEngine.Pause pause, long pollMillis, int maxPolls) throws KernelException {
        if (ramIova < 0 || ramIova % PAGE != 0 || ramIova + 2 * PAGE - 1 > dmaMask) {
            throw new IllegalArgumentException(String.format("RAM iova 0x%x: expected page aligned, its two pages "
                    + "below the DMA mask 0x%x", ramIova, dmaMask));
        }
        EduDmaEngine e = EduDmaEngine.open(session, dmaMask, pause, pollMillis, maxPolls);
        try {
            return of(kernel, session, e, ramIova);
        } catch (KernelException | RuntimeException x) {
            e.close();
            throw x;
        }
    }

    /**
     * A reader on an engine opened already ({@link EduDmaEngine#open}): maps its two RAM pages at {@code ramIova}
     * (the RAM is released again when that fails; the engine stays the caller's until this returns).
     */
    public static DmaReader of(Kernel kernel, DeviceSession session, EduDmaEngine engine, long ramIova)
            throws KernelException {
        if (ramIova < 0 || ramIova % PAGE != 0) {
            throw new IllegalArgumentException(String.format("RAM iova 0x%x: expected page aligned", ramIova));
        }
        Mapping ram = kernel.allocateRam(2 * PAGE);
        try {
            session.mapRam(ram, ramIova);
            return new DmaReader(session, engine, ram, ramIova);
        } catch (KernelException | RuntimeException x) {
            try {
                ram.close();
            } catch (KernelException c) {
                x.addSuppressed(c);
            }
            throw x;
        }
    }

    /** The engine's session. */
    public DeviceSession session() {
        return session;
    }

    /** Where the two RAM pages sit in the engine's domain. */
    public long ramIova() {
        return ramIova;
    }

    /** Transfers started so far. */
    public int transfers() {
        return engine.transfers();
    }

    /**
     * One DMA read of {@code count} bytes from {@code iova}, compared with {@code expected} (null: nothing expected
     * there). A kernel refusal (the engine's BAR0 mapping faults, the engine hangs) is thrown; what the read brought
     * back, whatever it is, is the answer.
     *
     * @param count 4..4096, a multiple of 4
     */
    public DmaRead read(long iova, int count, byte[] expected) throws KernelException {
        if (count <= 0 || count > PAGE || count % 4 != 0) {
            throw new IllegalArgumentException("count " + count + ": expected a multiple of 4 in 4..4096");
        }
        if (expected != null && expected.length != count) {
            throw new IllegalArgumentException(expected.length + " expected bytes for a read of " + count);
        }
        String where = session.target().bdf().toString();
        long fillPage = ramIova;
        long outPage = ramIova + PAGE;
        write(ram, 0, filled(count, FILL));
        engine.toBuffer(fillPage, 0, count);
        write(ram, PAGE, filled(count, OUT_MARK));
        engine.fromBuffer(0, outPage, count);
        if (!DmaRead.allEqual(read(ram, PAGE, count), FILL)) {
            throw new SessionException("edu DMA", where, "filling edu's buffer from RAM did not arrive: the witness "
                    + "cannot see (is bus mastering on, RAM mapped?)", null);
        }
        engine.toBuffer(iova, 0, count);
        write(ram, PAGE, filled(count, OUT_MARK));
        engine.fromBuffer(0, outPage, count);
        byte[] seen = read(ram, PAGE, count);
        if (DmaRead.allEqual(seen, OUT_MARK)) {
            throw new SessionException("edu DMA", where, "copying edu's buffer out to RAM did not arrive", null);
        }
        return new DmaRead(where, iova, count, DmaRead.classify(seen, expected), hex(seen),
                expected == null ? null : hex(expected));
    }

    /** Unmaps edu's BAR0 and the RAM (the session, and with it the domain's mappings, stay the caller's). */
    @Override
    public void close() throws KernelException {
        engine.close();
        ram.close();
    }

    // ---- bytes ------------------------------------------------------------------------------------------------

    static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }

    /** Dword writes (what a BAR mapping takes), little-endian. */
    static void write(Mapping m, long offset, byte[] bytes) throws KernelException {
        for (int i = 0; i < bytes.length; i += 4) {
            int v = (bytes[i] & 0xff) | (bytes[i + 1] & 0xff) << 8 | (bytes[i + 2] & 0xff) << 16
                    | (bytes[i + 3] & 0xff) << 24;
            m.writeInt(offset + i, v);
        }
    }

    /** Dword reads, little-endian: {@code n} bytes (a multiple of 4) from {@code offset} of a mapping. */
    public static byte[] read(Mapping m, long offset, int n) throws KernelException {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i += 4) {
            int v = m.readInt(offset + i);
            b[i] = (byte) v;
            b[i + 1] = (byte) (v >>> 8);
            b[i + 2] = (byte) (v >>> 16);
            b[i + 3] = (byte) (v >>> 24);
        }
        return b;
    }

    public static String hex(byte[] b) {
        StringBuilder s = new StringBuilder(b.length * 2);
        for (byte x : b) {
            s.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        }
        return s.toString();
    }
}
