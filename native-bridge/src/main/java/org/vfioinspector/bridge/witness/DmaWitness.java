package org.vfioinspector.bridge.witness;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.vfioinspector.bridge.kernel.Kernel;
import org.vfioinspector.bridge.kernel.KernelException;
import org.vfioinspector.bridge.kernel.Mapping;
import org.vfioinspector.bridge.session.DeviceSession;
import org.vfioinspector.bridge.session.DeviceTarget;
import org.vfioinspector.bridge.session.DmaBuf;
import org.vfioinspector.bridge.session.OpenPath;
import org.vfioinspector.bridge.session.RegionInfo;
import org.vfioinspector.bridge.session.SessionException;
import org.vfioinspector.bridge.session.VfioContainer;
import org.vfioinspector.bridge.uapi.Vfio;
import org.vfioinspector.bridge.uapi.VfioDeviceInfo;
import org.vfioinspector.bridge.uapi.VfioDmaBuf;

/**
 * The DMA witness (facts §11): an edu device's DMA engine reads the first bytes of a peer device's BAR through the
 * IOMMU, before and after the events that should cut it off, and the bytes it got are compared with what the peer's
 * own mapping read. Each look is four transfers: a RAM page of {@link #FILL} bytes into edu's buffer, the buffer back
 * to a second RAM page (so a fill that did not happen is caught), the peer's IOVA into the buffer, and the buffer to
 * the second page again, which is then read. A DMA that did not reach the peer leaves the fill pattern (or, when the
 * IOMMU faulted the read, the zeros QEMU delivers for it).
 *
 * <p>Two halves: {@link #type1} maps the peer's BAR mmap into edu's container with VFIO_IOMMU_MAP_DMA (type1 reads
 * the PFN and keeps no link to the peer) and shows that edu still reaches it after the peer is unmapped, closed,
 * detached and unbound; {@link #dmaBuf} exports the BAR as a dma-buf, maps it with IOMMU_IOAS_MAP_FILE into edu's IOAS
 * and shows that memory-off, reset and close each cut edu off, and that a new map after memory-on reaches again.
 *
 * <p>Writes to devices: edu's registers and bus mastering, the peer's BAR page (only with
 * {@link Options#writePattern}, for a RAM-like BAR such as ivshmem's BAR2) and its command register, reset and
 * binding (dma-buf: memory-off/on, reset; type1: unbind and, with {@link Options#rebind}, bind again).
 */
public final class DmaWitness {
    public static final String OPEN = "open";
    public static final String ENGINE = "engine";
    public static final String MAP_RAM = "map-ram";
    public static final String PEER_BYTES = "peer-bytes";
    public static final String MAP_DMA = "map-dma";
    public static final String REACH_MAPPED = "reach-mapped";
    public static final String MUNMAP = "munmap";
    public static final String CLOSE_DEVICE = "close-device";
    public static final String CLOSE_GROUP = "close-group";
    public static final String UNBIND = "unbind";
    public static final String REACH_AFTER_UNBIND = "reach-after-unbind";
    public static final String REBIND = "rebind";
    public static final String EXPORT = "export";
    public static final String MAP_FILE = "map-file";
    public static final String MEMORY_OFF = "memory-off";
    public static final String REACH_MEMORY_OFF = "reach-memory-off";
    public static final String MAP_FILE_REVOKED = "map-file-revoked";
    public static final String MEMORY_ON = "memory-on";
    public static final String REACH_MEMORY_ON = "reach-memory-on";
    public static final String UNMAP = "unmap";
    public static final String MAP_FILE_AGAIN = "map-file-again";
    public static final String REACH_REMAPPED = "reach-remapped";
    public static final String RESET = "reset";
    public static final String REACH_RESET = "reach-reset";
    public static final String PEER_BYTES_AFTER_RESET = "peer-bytes-after-reset";
    public static final String UNMAP_AFTER_RESET = "unmap-after-reset";
    public static final String MAP_FILE_AFTER_RESET = "map-file-after-reset";
    public static final String REACH_RESET_REMAPPED = "reach-reset-remapped";
    public static final String CLOSE_PEER = "close-peer";
    public static final String REACH_CLOSED = "reach-closed";
    public static final String UNMAP_AFTER_CLOSE = "unmap-after-close";
    public static final String MAP_FILE_CLOSED = "map-file-closed";

    /** The byte edu's buffer is filled with before each look, and the byte the copy-out page is filled with. */
    public static final int FILL = DmaReader.FILL;
    public static final int OUT_MARK = DmaReader.OUT_MARK;

    private static final long PAGE = Vfio.PAGE_SIZE;

    /**
     * How a run is set up.
     *
     * @param peerIova     IOVA of the peer's BAR page in edu's domain (page aligned, below edu's DMA mask)
     * @param ramIova      IOVA of the two RAM pages (page aligned, not overlapping the peer's)
     * @param count        bytes each look transfers (1..4096, a multiple of 4)
     * @param writePattern write a known pattern into the peer's BAR page first (only for RAM-like BARs)
     * @param rebind       type1: bind the peer to vfio-pci again at the end
     * @param dmaMask      edu's DMA mask
     * @param pause        how to wait between polls of edu's command register
     * @param pollMillis   poll interval
     * @param maxPolls     polls per transfer before giving up
     */
    public record Options(long peerIova, long ramIova, int count, boolean writePattern, boolean rebind, long dmaMask,
            EduDmaEngine.Pause pause, long pollMillis, int maxPolls) {
        public Options {
            if (peerIova % PAGE != 0 || ramIova % PAGE != 0 || peerIova < 0 || ramIova < 0) {
                throw new IllegalArgumentException("IOVAs must be page aligned: peer 0x" + Long.toHexString(peerIova)
                        + ", ram 0x" + Long.toHexString(ramIova));
            }
            if (ramIova < peerIova + 0x10000 + PAGE && peerIova < ramIova + 2 * PAGE) {
                throw new IllegalArgumentException("the RAM pages at 0x" + Long.toHexString(ramIova)
                        + " overlap the peer's IOVAs from 0x" + Long.toHexString(peerIova));
            }
            if (count <= 0 || count > PAGE || count % 4 != 0) {
                throw new IllegalArgumentException("count " + count + ": expected a multiple of 4 in 4..4096");
            }
        }

        /** The IOVAs of facts §11 (peer 0x100000, RAM 0x200000), 64 bytes, edu's default mask, 5 ms polls for 10 s. */
        public static Options defaults(boolean writePattern, boolean rebind) {
            return new Options(0x100000, 0x200000, 64, writePattern, rebind, EduDmaEngine.DEFAULT_DMA_MASK,
                    Thread::sleep, 5, 2000);
        }

        public Options withPause(EduDmaEngine.Pause p, long millis, int polls) {
            return new Options(peerIova, ramIova, count, writePattern, rebind, dmaMask, p, millis, polls);
        }
    }

    private final Kernel kernel;
    private final DeviceTarget engineTarget;
    private final DeviceTarget peerTarget;
    private final int peerBar;
    private final Options options;
    private final String half;
    private final List<WitnessStep> steps = new ArrayList<>();
    private DmaReader reader;
    private byte[] expected;

    private DmaWitness(Kernel kernel, String half, DeviceTarget engineTarget, DeviceTarget peerTarget, int peerBar,
            Options options) {
        this.kernel = kernel;
        this.half = half;
        this.engineTarget = engineTarget;
        this.peerTarget = peerTarget;
        this.peerBar = peerBar;
        this.options = options;
        if (peerBar < 0 || peerBar > Vfio.VFIO_PCI_BAR5_REGION_INDEX) {
            throw new IllegalArgumentException("peer BAR " + peerBar + ": expected 0..5");
        }
        if (engineTarget.bdf().equals(peerTarget.bdf())) {
            throw new IllegalArgumentException("the engine and the peer are both " + peerTarget.bdf());
        }
    }

    /** A kernel step; a failure ends the run (what follows would mean nothing). */
    @FunctionalInterface
    private interface Call {
        void run() throws KernelException;
    }

    private static final class Stop extends Exception {
        private static final long serialVersionUID = 1L;

        Stop(String message) {
            super(message, null, false, false);
        }
    }

    private void must(String id, String action, Call call) throws Stop {
        if (!attempt(id, action, call)) {
            WitnessStep s = steps.get(steps.size() - 1);
            throw new Stop(action + ": " + s.detail());
        }
    }

    /** A kernel step whose refusal is an answer worth recording (ENODEV after a revoke); the run goes on. */
    private boolean attempt(String id, String action, Call call) {
        try {
            call.run();
            steps.add(new WitnessStep(id, action, "ok", null, null, null, null));
            return true;
        } catch (KernelException e) {
            steps.add(new WitnessStep(id, action, e.errnoName(), e.getMessage(), null, null, null));
            return false;
        }
    }

    private void skip(String id, String action, String why) {
        steps.add(new WitnessStep(id, action, "skipped: " + why, null, null, null, null));
    }

    private String iova(long v) {
        return "0x" + Long.toHexString(v);
    }

    private String peerBarName() {
        return peerTarget.bdf() + " BAR" + peerBar;
    }

    // ---- the two halves ---------------------------------------------------------------------------------------

    /**
     * The type1 half: engine and peer opened on the legacy path in one container; the peer's BAR page mmap'd and
     * mapped with VFIO_IOMMU_MAP_DMA at {@link Options#peerIova}; a look; then munmap, close of the device fd, close of
     * the group fd (it leaves the container), unbind from vfio-pci; a look again.
     */
    public static WitnessReport type1(Kernel kernel, DeviceTarget engine, DeviceTarget peer, int peerBar,
            Options options) {
        return new DmaWitness(kernel, WitnessReport.TYPE1, engine, peer, peerBar, options).runType1();
    }

    /**
     * The dma-buf half: edu on the cdev path (its own iommufd and IOAS), the peer on any path; the peer's BAR page
     * exported and mapped with IOMMU_IOAS_MAP_FILE at {@link Options#peerIova}; looks after the map, memory-off (and a
     * MAP_FILE attempt while revoked), memory-on, unmap + map again, reset + map again (when the peer has a reset),
     * close of the peer's device fd (and a MAP_FILE attempt after it).
     */
    public static WitnessReport dmaBuf(Kernel kernel, DeviceTarget engine, DeviceTarget peer, int peerBar,
            Options options) {
        return new DmaWitness(kernel, WitnessReport.DMA_BUF, engine, peer, peerBar, options).runDmaBuf();
    }

    private WitnessReport runType1() {
        String error = null;
        VfioContainer[] container = new VfioContainer[1];
        DeviceSession[] b = new DeviceSession[1];
        DeviceSession[] a = new DeviceSession[1];
        boolean unbound = false;
        try {
            must(OPEN, "open " + engineTarget.bdf() + " and " + peerTarget.bdf() + " (legacy path, one type1 "
                    + "container)", () -> {
                        container[0] = VfioContainer.open(kernel);
                        b[0] = DeviceSession.open(kernel, engineTarget, OpenPath.LEGACY, container[0]);
                        a[0] = DeviceSession.open(kernel, peerTarget, OpenPath.LEGACY, container[0]);
                    });
            setUp(b[0]);
            Mapping[] peerMap = new Mapping[1];
            must(PEER_BYTES, "mmap " + peerBarName() + " page 0" + (options.writePattern() ? ", write a pattern" : "")
                    + ", read its first " + options.count() + " bytes", () -> peerMap[0] = peerBytes(a[0], 0xA0));
            must(MAP_DMA, "VFIO_IOMMU_MAP_DMA of the " + peerBarName() + " mmap at iova " + iova(options.peerIova())
                    + " (type1 follows the PFN)", () -> b[0].mapDma(peerMap[0].vaddr(), options.peerIova(), PAGE));
            look(REACH_MAPPED, "while mapped");
            must(MUNMAP, "munmap of the " + peerBarName() + " mmap", () -> a[0].unmap(peerMap[0]));
            must(CLOSE_DEVICE, "close of " + peerTarget.bdf() + "'s device fd", () -> a[0].closeDevice());
            must(CLOSE_GROUP, "close of group " + peerTarget.group() + "'s fd (the group leaves the container)",
                    () -> {
                        DeviceSession s = a[0];
                        a[0] = null;
                        s.close();
                    });
            must(UNBIND, "unbind " + peerTarget.bdf() + " from vfio-pci",
                    () -> kernel.writeAttribute("bus/pci/drivers/vfio-pci/unbind", peerTarget.bdf().toString()));
            unbound = true;
            look(REACH_AFTER_UNBIND, "after " + peerTarget.bdf() + " was unbound");
        } catch (Stop s) {
            error = s.getMessage();
        } finally {
            error = closeAll(error, a[0], b[0], container[0]);
            if (unbound && options.rebind()) {
                attempt(REBIND, "bind " + peerTarget.bdf() + " to vfio-pci again",
                        () -> kernel.writeAttribute("bus/pci/drivers/vfio-pci/bind", peerTarget.bdf().toString()));
            }
        }
        return report(error);
    }

    private WitnessReport runDmaBuf() {
        String error = null;
        DeviceSession[] b = new DeviceSession[1];
        DeviceSession[] a = new DeviceSession[1];
        try {
            must(OPEN, "open " + engineTarget.bdf() + " on the cdev path (iommufd, IOAS) and " + peerTarget.bdf(),
                    () -> {
                        b[0] = DeviceSession.open(kernel, engineTarget, OpenPath.CDEV);
                        a[0] = DeviceSession.open(kernel, peerTarget, OpenPath.AUTO);
                    });
            setUp(b[0]);
            must(PEER_BYTES, "mmap " + peerBarName() + " page 0" + (options.writePattern() ? ", write a pattern" : "")
                    + ", read its first " + options.count() + " bytes, munmap", () -> a[0].unmap(peerBytes(a[0], 0xC0)));
            DmaBuf[] buf = new DmaBuf[1];
            must(EXPORT, "export " + peerBarName() + " [0, 4 KiB) as a dma-buf", () -> buf[0] = a[0].exportDmaBuf(
                    peerBar, List.of(new VfioDmaBuf.Range(0, PAGE)), Kernel.O_RDWR | Kernel.O_CLOEXEC, null));
            long at = options.peerIova();
            must(MAP_FILE, "IOMMU_IOAS_MAP_FILE of the dma-buf at iova " + iova(at) + " of " + engineTarget.bdf()
                    + "'s IOAS", () -> b[0].mapDmaBufAt(buf[0], at));
            look(REACH_MAPPED, "through the dma-buf");

            must(MEMORY_OFF, "clear PCI_COMMAND_MEMORY of " + peerTarget.bdf() + " (revokes its dma-bufs)",
                    () -> a[0].setMemoryEnabled(false));
            look(REACH_MEMORY_OFF, "with the peer's memory off");
            attempt(MAP_FILE_REVOKED, "IOMMU_IOAS_MAP_FILE of the revoked dma-buf at iova " + iova(at + 0x10000),
                    () -> b[0].mapDmaBufAt(buf[0], at + 0x10000));
            must(MEMORY_ON, "set PCI_COMMAND_MEMORY of " + peerTarget.bdf() + " again",
                    () -> a[0].setMemoryEnabled(true));
            look(REACH_MEMORY_ON, "after memory-on, the old mapping kept");
            attempt(UNMAP, "IOMMU_IOAS_UNMAP of iova " + iova(at), () -> b[0].unmapIova(at, PAGE));
            attempt(MAP_FILE_AGAIN, "IOMMU_IOAS_MAP_FILE of the dma-buf at iova " + iova(at) + " again",
                    () -> b[0].mapDmaBufAt(buf[0], at));
            look(REACH_REMAPPED, "after a new map");

            VfioDeviceInfo[] info = new VfioDeviceInfo[1];
            must("device-info", "VFIO_DEVICE_GET_INFO of " + peerTarget.bdf(), () -> info[0] = a[0].deviceInfo());
            String reset = "VFIO_DEVICE_RESET of " + peerTarget.bdf();
            if ((info[0].flags() & Vfio.VFIO_DEVICE_FLAGS_RESET) == 0) {
                skip(RESET, reset, peerTarget.bdf() + " has no reset (DEVICE_INFO lacks RESET)");
            } else if (attempt(RESET, reset, () -> a[0].reset())) {
                look(REACH_RESET, "after the reset, the old mapping kept");
                rereadPeer(a[0]);
                attempt(UNMAP_AFTER_RESET, "IOMMU_IOAS_UNMAP of iova " + iova(at), () -> b[0].unmapIova(at, PAGE));
                attempt(MAP_FILE_AFTER_RESET, "IOMMU_IOAS_MAP_FILE of the dma-buf at iova " + iova(at) + " again",
                        () -> b[0].mapDmaBufAt(buf[0], at));
                look(REACH_RESET_REMAPPED, "after the reset and a new map");
            }

            must(CLOSE_PEER, "close of " + peerTarget.bdf() + "'s device fd (its last user: the dma-buf is revoked "
                    + "for good)", () -> a[0].closeDevice());
            look(REACH_CLOSED, "after the peer's device fd was closed");
            attempt(UNMAP_AFTER_CLOSE, "IOMMU_IOAS_UNMAP of iova " + iova(at), () -> b[0].unmapIova(at, PAGE));
            attempt(MAP_FILE_CLOSED, "IOMMU_IOAS_MAP_FILE of the dma-buf at iova " + iova(at) + " after the close",
                    () -> b[0].mapDmaBufAt(buf[0], at));
        } catch (Stop s) {
            error = s.getMessage();
        } finally {
            error = closeAll(error, a[0], b[0], null);
        }
        return report(error);
    }

    // ---- pieces -----------------------------------------------------------------------------------------------

    /** edu's engine (BAR0 mmap, bus mastering) and the two RAM pages mapped in its domain. */
    private void setUp(DeviceSession b) throws Stop {
        EduDmaEngine[] engine = new EduDmaEngine[1];
        must(ENGINE, "mmap " + engineTarget.bdf() + " BAR0, check edu's identification register, set bus "
                + "mastering", () -> engine[0] = EduDmaEngine.open(b, options.dmaMask(), options.pause(),
                        options.pollMillis(), options.maxPolls()));
        try {
            must(MAP_RAM, "map two RAM pages at iova " + iova(options.ramIova()) + " ("
                    + (b.openPath() == OpenPath.CDEV ? "IOMMU_IOAS_MAP" : "VFIO_IOMMU_MAP_DMA") + ")",
                    () -> reader = DmaReader.of(kernel, b, engine[0], options.ramIova()));
        } finally {
            if (reader == null) {
                engine[0].close();
            }
        }
    }

    /** Maps the peer's BAR page, writes the pattern when asked, and keeps what it reads as the expected bytes. */
    private Mapping peerBytes(DeviceSession a, int base) throws KernelException {
        RegionInfo bar = a.regionInfo(peerBar);
        if (!bar.mmappable() || bar.size() < PAGE) {
            throw new SessionException("mmap", peerBarName(), bar.mmappable() ? "the BAR is " + bar.size()
                    + " bytes, less than a page" : "the BAR is not mmap-able", "Pick a memory BAR of at least 4 KiB.");
        }
        Mapping m = a.mmap(bar, PAGE, Kernel.PROT_READ | (options.writePattern() ? Kernel.PROT_WRITE : 0));
        int n = options.count();
        if (options.writePattern()) {
            byte[] p = new byte[n];
            for (int i = 0; i < n; i++) {
                p[i] = (byte) (base + i);
            }
            write(m, 0, p);
        }
        expected = read(m, 0, n);
        if (allEqual(expected, FILL) || allEqual(expected, 0)) {
            a.unmap(m);
            throw new SessionException("mmap", peerBarName(), "its first bytes read as " + hex(expected) + ", which a "
                    + "DMA that did not happen would also leave", "Use --write-pattern on a RAM-like BAR.");
        }
        return m;
    }

    /**
     * A reset may change what a register BAR reads (e1000e's registers return to their defaults): read the peer's
     * bytes again through a new mapping, so the next look compares with what the BAR holds now.
     */
    private void rereadPeer(DeviceSession a) {
        byte[] before = expected;
        attempt(PEER_BYTES_AFTER_RESET, "mmap " + peerBarName() + " page 0 again and read its first " + options.count()
                + " bytes", () -> a.unmap(peerBytes(a, 0xC0)));
        if (expected != null && !Arrays.equals(before, expected)) {
            steps.add(new WitnessStep(PEER_BYTES_AFTER_RESET + "-changed", "compare with the bytes before the reset",
                    "ok", "the reset changed them from " + hex(before) + " to " + hex(expected), null, null, null));
        }
    }

    /** One look (four transfers, see {@link DmaReader}). */
    private void look(String id, String when) throws Stop {
        String action = "edu DMA from iova " + iova(options.peerIova()) + " " + when;
        try {
            DmaRead r = reader.read(options.peerIova(), options.count(), expected);
            String detail = switch (r.outcome()) {
                case REACHED -> "edu's buffer holds " + peerBarName() + "'s bytes";
                case NO_DATA -> "edu's buffer kept the fill pattern: no data arrived";
                case FAULTED -> "edu's buffer reads zeros: the read faulted in the IOMMU";
                default -> "edu's buffer holds other bytes than " + peerBarName() + "'s";
            };
            steps.add(new WitnessStep(id, action, "ok", detail, r.reached() ? WitnessStep.Reach.REACHED
                    : WitnessStep.Reach.NOT_REACHED, r.seen(), r.expected()));
        } catch (KernelException e) {
            steps.add(new WitnessStep(id, action, e.errnoName(), e.getMessage(), null, null, null));
            throw new Stop(action + ": " + e.getMessage());
        }
    }

    private String closeAll(String error, DeviceSession a, DeviceSession b, VfioContainer container) {
        List<String> problems = new ArrayList<>();
        for (AutoCloseable c : new AutoCloseable[] {a, b, container, reader}) {
            if (c == null) {
                continue;
            }
            try {
                c.close();
            } catch (Exception e) {
                problems.add(e.getMessage());
            }
        }
        if (problems.isEmpty()) {
            return error;
        }
        String p = "closing: " + String.join("; ", problems);
        return error == null ? p : error + " (" + p + ")";
    }

    private WitnessReport report(String error) {
        return new WitnessReport(half, kernel.describe(), engineTarget.bdf().toString(), peerTarget.bdf().toString(),
                peerBar, options.peerIova(), options.ramIova(), expected == null ? null : hex(expected), steps, error);
    }

    // ---- bytes ------------------------------------------------------------------------------------------------

    private static boolean allEqual(byte[] b, int value) {
        return DmaRead.allEqual(b, value);
    }

    private static void write(Mapping m, long offset, byte[] bytes) throws KernelException {
        DmaReader.write(m, offset, bytes);
    }

    private static byte[] read(Mapping m, long offset, int n) throws KernelException {
        return DmaReader.read(m, offset, n);
    }

    static String hex(byte[] b) {
        return DmaReader.hex(b);
    }
}
