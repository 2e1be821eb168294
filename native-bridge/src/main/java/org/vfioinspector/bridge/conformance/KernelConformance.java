package org.vfioinspector.bridge.conformance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.vfioinspector.bridge.kernel.Attachment;
import org.vfioinspector.bridge.kernel.Kernel;
import org.vfioinspector.bridge.kernel.KernelException;
import org.vfioinspector.bridge.kernel.Mapping;
import org.vfioinspector.bridge.kernel.iommufd.IommufdImporter;
import org.vfioinspector.bridge.model.PciDevice;
import org.vfioinspector.bridge.model.Region;
import org.vfioinspector.bridge.model.RegionKind;
import org.vfioinspector.bridge.session.DeviceSession;
import org.vfioinspector.bridge.session.DeviceTarget;
import org.vfioinspector.bridge.session.DmaBuf;
import org.vfioinspector.bridge.session.OpenPath;
import org.vfioinspector.bridge.session.Outcome;
import org.vfioinspector.bridge.session.RegionInfo;
import org.vfioinspector.bridge.uapi.Iommufd;
import org.vfioinspector.bridge.uapi.Vfio;
import org.vfioinspector.bridge.uapi.VfioDmaBuf;

/**
 * The kernel-level conformance suite: the same cases on any {@link Kernel} — the lab in {@code mvn test}, the real
 * kernels of the harness inside the guest ({@code vfio-inspector conformance --json}). Each case asserts what facts
 * §9 and §11 measured and the kernel's own iommufd selftest asserts, on whichever vfio-pci devices of the host fit;
 * a case that this kernel or host cannot run is SKIP with the reason. Cases change device state (reset, memory
 * enable, close, unbind and bind again), as {@code probe --revoke} does.
 */
public final class KernelConformance {
    private static final long PAGE = Vfio.PAGE_SIZE;
    private static final int OPEN_FLAGS = Kernel.O_RDWR | Kernel.O_CLOEXEC;

    private final Kernel kernel;
    private final List<PciDevice> devices;

    /** @param devices the host's vfio-pci devices with an IOMMU group (from its sysfs) */
    public KernelConformance(Kernel kernel, List<PciDevice> devices) {
        this.kernel = kernel;
        this.devices = devices.stream().filter(d -> d.iommuGroup().isPresent()
                && d.driver().filter(DeviceTarget.VFIO_PCI::equals).isPresent()).toList();
    }

    /** A failed expectation. */
    private static final class Mismatch extends Exception {
        private static final long serialVersionUID = 1L;

        Mismatch(String message) {
            super(message);
        }
    }

    /** A case the host or kernel cannot run. */
    private static final class Skip extends Exception {
        private static final long serialVersionUID = 1L;

        Skip(String reason) {
            super(reason);
        }
    }

    @FunctionalInterface
    private interface Body {
        String run() throws Exception;
    }

    /** The cases, in order (unbind last: it changes the host most). */
    public List<String> names() {
        return List.of("open-legacy", "open-cdev", "cdev-bind-refusals", "region-info", "mmap", "dmabuf-edge-cases",
                "iommufd-map-file",
                "importer-memory-revoke-restore", "importer-reset", "importer-close-permanent", "bar-memory-off-on",
                "type1-map-dma-memory-off", "type1-map-dma-unbind");
    }

    public List<ConformanceCase> run() {
        List<ConformanceCase> out = new ArrayList<>();
        for (String n : names()) {
            out.add(run(n));
        }
        return out;
    }

    public ConformanceCase run(String name) {
        Body body = switch (name) {
            case "open-legacy" -> this::openLegacy;
            case "open-cdev" -> this::openCdev;
            case "cdev-bind-refusals" -> this::cdevBindRefusals;
            case "region-info" -> this::regionInfo;
            case "mmap" -> this::mmap;
            case "dmabuf-edge-cases" -> this::dmabufEdgeCases;
            case "iommufd-map-file" -> this::iommufdMapFile;
            case "importer-memory-revoke-restore" -> this::importerMemory;
            case "importer-reset" -> this::importerReset;
            case "importer-close-permanent" -> this::importerClose;
            case "bar-memory-off-on" -> this::barMemoryOffOn;
            case "type1-map-dma-memory-off" -> this::type1MemoryOff;
            case "type1-map-dma-unbind" -> this::type1Unbind;
            default -> throw new IllegalArgumentException("no conformance case " + name + "; known: " + names());
        };
        try {
            return new ConformanceCase(name, ConformanceCase.Status.PASS, body.run());
        } catch (Skip s) {
            return new ConformanceCase(name, ConformanceCase.Status.SKIP, s.getMessage());
        } catch (Mismatch m) {
            return new ConformanceCase(name, ConformanceCase.Status.FAIL, m.getMessage());
        } catch (Exception e) {
            return new ConformanceCase(name, ConformanceCase.Status.FAIL, "unexpected: " + e);
        }
    }

    /** The report as JSON: {"kernel": ..., "lab": ..., "cases": [{"name", "status", "detail"}]}. */
    public static String toJson(Kernel kernel, List<ConformanceCase> cases) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kernel", kernel.describe());
        m.put("lab", kernel.isLab());
        List<Map<String, Object>> cs = new ArrayList<>();
        for (ConformanceCase c : cases) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("name", c.name());
            x.put("status", c.status().name());
            x.put("detail", c.detail());
            cs.add(x);
        }
        m.put("cases", cs);
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private static void expect(String what, Object want, Object got) throws Mismatch {
        if (!want.equals(got)) {
            throw new Mismatch(what + ": expected " + want + ", the kernel answered " + got);
        }
    }

    private static String answer(ThrowingRunnable r) {
        try {
            r.run();
            return "ok";
        } catch (KernelException e) {
            return e.errnoName();
        }
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws KernelException;
    }

    private DeviceSession open(PciDevice d) throws KernelException {
        return DeviceSession.open(kernel, DeviceTarget.of(d), OpenPath.LEGACY);
    }

    private static Optional<Region> mmioBar(PciDevice d, long minSize) {
        return d.regions().stream().filter(r -> r.isBar() && r.kind() != RegionKind.IO && r.size() >= minSize)
                .findFirst();
    }

    /** A device with an MMIO BAR of at least {@code minSize} whose whole-BAR dma-buf export works, and that BAR. */
    private record Bar(PciDevice device, Region region) {
    }

    private Bar exportableBar(long minSize, boolean needsReset) throws Skip {
        for (PciDevice d : devices) {
            Optional<Region> r = mmioBar(d, minSize);
            if (r.isEmpty()) {
                continue;
            }
            try (DeviceSession s = open(d)) {
                if (needsReset && !s.deviceInfo().canReset()) {
                    continue;
                }
                if (s.exportProbe(r.get().index(), r.get().size()).isOk()) {
                    return new Bar(d, r.get());
                }
            } catch (KernelException e) {
                // not this one
            }
        }
        throw new Skip("no vfio-pci device with an exportable MMIO BAR of at least " + minSize + " bytes"
                + (needsReset ? " and a reset method" : "") + " on this host");
    }

    private void requireIommufd() throws Skip {
        Optional<String> why = IommufdImporter.unavailable(kernel);
        if (why.isPresent()) {
            throw new Skip(why.get());
        }
    }

    private DmaBuf export(DeviceSession s, Region r, List<VfioDmaBuf.Range> ranges) throws KernelException {
        return s.exportDmaBuf(r.index(), ranges, OPEN_FLAGS, null);
    }

    private static List<VfioDmaBuf.Range> whole(long size) {
        return List.of(new VfioDmaBuf.Range(0, RegionInfo.pageSpan(size)));
    }

    private void requireDevices() throws Skip {
        if (devices.isEmpty()) {
            throw new Skip("no device bound to vfio-pci on this host");
        }
    }

    // ---- the cases -------------------------------------------------------------------------------------------

    /** Every vfio-pci device opens on the legacy path (container, group, GET_DEVICE_FD): a PCI device, 9 regions. */
    private String openLegacy() throws Exception {
        requireDevices();
        for (PciDevice d : devices) {
            try (DeviceSession s = open(d)) {
                expect(d.address() + " open path", OpenPath.LEGACY, s.openPath());
                expect(d.address() + " DEVICE_INFO PCI", true, s.deviceInfo().isPci());
                expect(d.address() + " num_regions", Vfio.VFIO_PCI_NUM_REGIONS, s.deviceInfo().numRegions());
            }
        }
        return devices.size() + " device(s) opened through their group";
    }

    /** Every device with a vfio-dev cdev opens on the cdev path (BIND_IOMMUFD, IOAS_ALLOC, ATTACH_IOMMUFD_PT). */
    private String openCdev() throws Exception {
        requireDevices();
        List<PciDevice> withCdev = devices.stream().filter(d -> d.vfioDevice().isPresent()).toList();
        if (withCdev.isEmpty()) {
            throw new Skip("no device has a vfio-dev cdev: this kernel lacks CONFIG_VFIO_DEVICE_CDEV");
        }
        Optional<String> noIommufd = IommufdImporter.unavailable(kernel);
        if (noIommufd.isPresent()) {
            // sysfs lists vfio-dev/vfioN even without VFIO_DEVICE_CDEV (Debian's kernels): the nodes decide
            throw new Skip("the cdev path needs iommufd: " + noIommufd.get());
        }
        for (PciDevice d : withCdev) {
            try (DeviceSession s = DeviceSession.open(kernel, DeviceTarget.of(d), OpenPath.CDEV)) {
                expect(d.address() + " open path", OpenPath.CDEV, s.openPath());
                expect(d.address() + " num_regions", Vfio.VFIO_PCI_NUM_REGIONS, s.deviceInfo().numRegions());
            }
        }
        return withCdev.size() + " device(s) opened through their vfio-dev cdev and iommufd";
    }

    /**
     * The cdev path and the group path exclude each other, and a cdev file does nothing before its bind
     * (drivers/vfio/device_cdev.c, vfio_main.c, group.c): BIND_IOMMUFD while the group is open → EBUSY
     * (vfio_device_block_group); GET_INFO before the bind → EINVAL (access_granted); BIND with an fd that is not an
     * iommufd → EBADFD (iommufd_ctx_from_fd); BIND of a bound file, or of a second cdev file of the open device →
     * EINVAL (vfio_df_open); the group's open while the cdev is bound → EBUSY (cdev_device_open_cnt). Both paths
     * open cleanly afterwards.
     */
    private String cdevBindRefusals() throws Exception {
        requireDevices();
        PciDevice d = devices.stream().filter(x -> x.vfioDevice().isPresent()).findFirst().orElseThrow(() ->
                new Skip("no device has a vfio-dev cdev: this kernel lacks CONFIG_VFIO_DEVICE_CDEV"));
        Optional<String> noIommufd = IommufdImporter.unavailable(kernel);
        if (noIommufd.isPresent()) {
            throw new Skip("the cdev path needs iommufd: " + noIommufd.get());
        }
        DeviceTarget t = DeviceTarget.of(d);
        String node = "vfio/devices/" + d.vfioDevice().get();
        String dev = d.address().toString();
        try (DeviceSession legacy = open(d)) {
            expect(dev + " BIND_IOMMUFD while its group is open", "EBUSY",
                    answer(() -> DeviceSession.open(kernel, t, OpenPath.CDEV).close()));
            legacy.deviceInfo();
        }
        List<Integer> fds = new ArrayList<>();
        try {
            int io = kernel.open("iommu", OPEN_FLAGS);
            fds.add(io);
            int cdev = kernel.open(node, OPEN_FLAGS);
            fds.add(cdev);
            expect(dev + " VFIO_DEVICE_GET_INFO before the bind", "EINVAL", answer(() -> kernel.ioctl(cdev,
                    Vfio.VFIO_DEVICE_GET_INFO, org.vfioinspector.bridge.uapi.VfioDeviceInfo.request(
                    org.vfioinspector.bridge.uapi.VfioDeviceInfo.SIZE))));
            int container = kernel.open("vfio/vfio", OPEN_FLAGS);
            fds.add(container);
            expect(dev + " BIND_IOMMUFD with a container fd", "EBADFD", answer(() -> kernel.ioctl(cdev,
                    Vfio.VFIO_DEVICE_BIND_IOMMUFD, Iommufd.BindIommufd.request(container))));
            expect(dev + " BIND_IOMMUFD", "ok", answer(() -> kernel.ioctl(cdev, Vfio.VFIO_DEVICE_BIND_IOMMUFD,
                    Iommufd.BindIommufd.request(io))));
            expect(dev + " BIND_IOMMUFD of the bound file", "EINVAL", answer(() -> kernel.ioctl(cdev,
                    Vfio.VFIO_DEVICE_BIND_IOMMUFD, Iommufd.BindIommufd.request(io))));
            int second = kernel.open(node, OPEN_FLAGS);
            fds.add(second);
            expect(dev + " BIND_IOMMUFD of a second cdev file", "EINVAL", answer(() -> kernel.ioctl(second,
                    Vfio.VFIO_DEVICE_BIND_IOMMUFD, Iommufd.BindIommufd.request(io))));
            expect(dev + " open of group " + t.group() + " while the cdev is bound", "EBUSY",
                    answer(() -> kernel.close(kernel.open("vfio/" + t.group(), OPEN_FLAGS))));
        } finally {
            for (int i = fds.size() - 1; i >= 0; i--) {
                kernel.close(fds.get(i));
            }
        }
        try (DeviceSession s = DeviceSession.open(kernel, t, OpenPath.CDEV)) {
            expect(dev + " cdev open afterwards", OpenPath.CDEV, s.openPath());
        }
        try (DeviceSession s = open(d)) {
            expect(dev + " legacy open afterwards", OpenPath.LEGACY, s.openPath());
        }
        return dev + ": the group and the cdev exclude each other (EBUSY both ways), the cdev file answers EINVAL before "
                + "its bind, EBADFD for a non-iommufd fd, EINVAL for a second bind; both paths open cleanly after";
    }

    /** Region info agrees with sysfs: each BAR's size; I/O BARs without MMAP; absent BARs size 0; VGA EINVAL. */
    private String regionInfo() throws Exception {
        requireDevices();
        int checked = 0;
        for (PciDevice d : devices) {
            try (DeviceSession s = open(d)) {
                for (int i = 0; i <= Vfio.VFIO_PCI_BAR5_REGION_INDEX; i++) {
                    int index = i;
                    Optional<Region> sys = d.regions().stream().filter(r -> r.index() == index).findFirst();
                    RegionInfo ri = s.regionInfo(i);
                    String where = d.address() + " region " + i;
                    if (sys.isEmpty()) {
                        if (ri.size() != 0 && isUpperHalfOf64(d, i)) {
                            continue;
                        }
                        expect(where + " size (no BAR in sysfs)", 0L, ri.size());
                        continue;
                    }
                    expect(where + " size", sys.get().size(), ri.size());
                    if (sys.get().kind() == RegionKind.IO) {
                        expect(where + " MMAP flag on an I/O BAR", false, ri.mmappable());
                    }
                    checked++;
                }
                boolean vga = (d.classCode() >> 8) == 0x0300;
                if (!vga) {
                    expect(d.address() + " VGA region info", "EINVAL", s.regionInfoOutcome(Vfio.VFIO_PCI_VGA_REGION_INDEX)
                            .result());
                }
            }
        }
        return checked + " BARs agree with sysfs";
    }

    private static boolean isUpperHalfOf64(PciDevice d, int index) {
        return d.regions().stream().anyMatch(r -> r.index() == index - 1 && r.kind() == RegionKind.MEM64);
    }

    /** Every MMAP-flagged MMIO BAR maps and reads; an I/O BAR's mmap is EINVAL. */
    private String mmap() throws Exception {
        requireDevices();
        int mapped = 0;
        int io = 0;
        for (PciDevice d : devices) {
            try (DeviceSession s = open(d)) {
                for (Region r : d.regions()) {
                    if (!r.isBar()) {
                        continue;
                    }
                    RegionInfo ri = s.regionInfo(r.index());
                    Outcome<Integer> o = s.mmapProbe(ri);
                    String where = d.address() + " " + r.name() + " mmap";
                    if (r.kind() == RegionKind.IO) {
                        expect(where, "EINVAL", o.result());
                        io++;
                    } else if (ri.mmappable()) {
                        expect(where, "ok", o.result());
                        mapped++;
                    }
                }
            }
        }
        if (mapped == 0) {
            throw new Skip("no MMAP-flagged MMIO BAR on this host's vfio-pci devices");
        }
        return mapped + " MMIO BAR(s) mapped and read, " + io + " I/O BAR(s) refused";
    }

    /** Facts §9's dma-buf argument semantics, on an MMIO BAR of at least 4 pages. */
    private String dmabufEdgeCases() throws Exception {
        Bar bar = exportableBar(4 * PAGE, false);
        long size = bar.region().size();
        int idx = bar.region().index();
        Object[][] cases = {
            {"GET one page", Vfio.VFIO_DEVICE_FEATURE_GET, 0, List.of(r(0, PAGE)), "ok"},
            {"SET", Vfio.VFIO_DEVICE_FEATURE_SET, 0, List.of(r(0, PAGE)), "EINVAL"},
            {"GET+SET", Vfio.VFIO_DEVICE_FEATURE_GET | Vfio.VFIO_DEVICE_FEATURE_SET, 0, List.of(r(0, PAGE)), "EINVAL"},
            {"PROBE+GET", Vfio.VFIO_DEVICE_FEATURE_PROBE | Vfio.VFIO_DEVICE_FEATURE_GET, 0, List.of(r(0, PAGE)), "ok"},
            {"PROBE+SET", Vfio.VFIO_DEVICE_FEATURE_PROBE | Vfio.VFIO_DEVICE_FEATURE_SET, 0, List.of(r(0, PAGE)),
                "EINVAL"},
            {"nr_ranges 0", Vfio.VFIO_DEVICE_FEATURE_GET, 0, List.of(), "EINVAL"},
            {"flags 1", Vfio.VFIO_DEVICE_FEATURE_GET, 1, List.of(r(0, PAGE)), "EINVAL"},
            {"offset 8", Vfio.VFIO_DEVICE_FEATURE_GET, 0, List.of(r(8, PAGE)), "EINVAL"},
            {"length 100", Vfio.VFIO_DEVICE_FEATURE_GET, 0, List.of(r(0, 100)), "EINVAL"},
            {"BAR + 1 page", Vfio.VFIO_DEVICE_FEATURE_GET, 0, List.of(r(0, size + PAGE)), "EINVAL"},
            {"offset = BAR size", Vfio.VFIO_DEVICE_FEATURE_GET, 0, List.of(r(size, PAGE)), "EINVAL"},
            {"slice [1 page, 1 page]", Vfio.VFIO_DEVICE_FEATURE_GET, 0, List.of(r(PAGE, PAGE)), "ok"},
            {"2 ranges", Vfio.VFIO_DEVICE_FEATURE_GET, 0, List.of(r(0, PAGE), r(2 * PAGE, PAGE)), "ok"},
            {"2 overlapping ranges", Vfio.VFIO_DEVICE_FEATURE_GET, 0, List.of(r(0, 2 * PAGE), r(PAGE, PAGE)), "ok"},
        };
        try (DeviceSession s = open(bar.device())) {
            int dev = deviceFd(s);
            for (Object[] c : cases) {
                @SuppressWarnings("unchecked")
                List<VfioDmaBuf.Range> ranges = (List<VfioDmaBuf.Range>) c[3];
                byte[] arg = new VfioDmaBuf(idx, OPEN_FLAGS, (Integer) c[2], ranges.size(), ranges)
                        .featureRequest((Integer) c[1] | Vfio.VFIO_DEVICE_FEATURE_DMA_BUF);
                String got;
                try {
                    int fd = kernel.ioctl(dev, Vfio.VFIO_DEVICE_FEATURE, arg);
                    got = "ok";
                    if (((Integer) c[1] & Vfio.VFIO_DEVICE_FEATURE_PROBE) == 0) {
                        kernel.close(fd);
                    }
                } catch (KernelException e) {
                    got = e.errnoName();
                }
                expect(bar.device().address() + " " + bar.region().name() + " " + c[0], c[4], got);
            }
            DmaBuf b = export(s, bar.region(), List.of(r(0, PAGE)));
            expect("mmap of the dma-buf fd", "EINVAL", answer(() -> kernel.mmap(b.fd(), 0, PAGE, Kernel.PROT_READ)
                    .close()));
            // the real 7.2.13 kernel answered ESPIPE (no FMODE_PREAD); §9's EINVAL is read(2)'s
            expect("pread of the dma-buf fd", "ESPIPE", answer(() -> kernel.pread(b.fd(), new byte[4], 0)));
        }
        return cases.length + " export arguments on " + bar.device().address() + " " + bar.region().name()
                + " answered as §9, the dma-buf fd refuses mmap (EINVAL) and pread (ESPIPE)";
    }

    private static VfioDmaBuf.Range r(long offset, long length) {
        return new VfioDmaBuf.Range(offset, length);
    }

    /** The session's device fd: the edge cases are raw VFIO_DEVICE_FEATURE arguments the session would not build. */
    private static int deviceFd(DeviceSession s) throws KernelException {
        return s.deviceFd();
    }

    /** The iommufd selftest's dmabuf_simple: MAP_FILE length 0, start = size, size + 1 → EINVAL; 2 ranges → EOPNOTSUPP. */
    private String iommufdMapFile() throws Exception {
        requireIommufd();
        Bar bar = exportableBar(4 * PAGE, false);
        long size = 4 * PAGE;
        try (DeviceSession s = open(bar.device())) {
            DmaBuf b = export(s, bar.region(), List.of(r(0, size)));
            DmaBuf two = export(s, bar.region(), List.of(r(0, PAGE), r(2 * PAGE, PAGE)));
            int io = kernel.open("iommu", Kernel.O_RDWR);
            try {
                int ioas = IommufdImporter.allocIoas(kernel, io);
                expect("MAP_FILE length 0", "EINVAL", mapFile(io, ioas, b.fd(), 0, 0));
                expect("MAP_FILE start = size", "EINVAL", mapFile(io, ioas, b.fd(), size, size));
                expect("MAP_FILE size + 1", "EINVAL", mapFile(io, ioas, b.fd(), 0, size + 1));
                expect("MAP_FILE of a 2-range dma-buf", "EOPNOTSUPP", mapFile(io, ioas, two.fd(), 0, 2 * PAGE));
                expect("MAP_FILE of the whole buffer", "ok", mapFile(io, ioas, b.fd(), 0, size));
            } finally {
                kernel.close(io);
            }
        }
        return "MAP_FILE of a " + bar.region().name() + " dma-buf of " + bar.device().address()
                + " answers as the iommufd selftest's dmabuf_simple";
    }

    private String mapFile(int io, int ioas, int fd, long start, long length) {
        byte[] arg = Iommufd.IoasMapFile.of(Vfio.IOMMU_IOAS_MAP_READABLE | Vfio.IOMMU_IOAS_MAP_WRITEABLE, ioas, fd,
                start, length, 0).encode();
        return answer(() -> kernel.ioctl(io, Vfio.IOMMU_IOAS_MAP_FILE, arg));
    }

    /** dmabuf_revoke and §11 through the importer: memory-off → a new MAP_FILE ENODEV; memory-on → map again ok. */
    private String importerMemory() throws Exception {
        requireIommufd();
        Bar bar = exportableBar(PAGE, false);
        try (DeviceSession s = open(bar.device())) {
            DmaBuf b = export(s, bar.region(), whole(bar.region().size()));
            IommufdImporter imp = s.iommufdImporter();
            Attachment a = imp.attach(b.fd());
            long iova = a.address();
            s.setMemoryEnabled(false);
            expect("a new MAP_FILE while memory is off", "ENODEV", answer(() -> imp.attach(b.fd()).close()));
            expect("map again while memory is off", "ENODEV", answer(a::map));
            s.setMemoryEnabled(true);
            expect("map again after memory-on (unmap, MAP_FILE at the same IOVA)", "ok", answer(a::map));
            expect("IOVA after map again", iova, a.address());
        }
        return "iommufd's attachment to " + bar.device().address() + " " + bar.region().name()
                + " revoked by memory-off (ENODEV) and mapped again after memory-on";
    }

    /** VFIO_DEVICE_RESET revokes and restores: the importer maps again after it. */
    private String importerReset() throws Exception {
        requireIommufd();
        Bar bar = exportableBar(PAGE, true);
        try (DeviceSession s = open(bar.device())) {
            DmaBuf b = export(s, bar.region(), whole(bar.region().size()));
            Attachment a = s.iommufdImporter().attach(b.fd());
            s.reset();
            expect("map again after VFIO_DEVICE_RESET", "ok", answer(a::map));
        }
        return "iommufd's attachment to " + bar.device().address() + " mapped again after the reset";
    }

    /** Close of the device's last fd revokes for good: map again and a new MAP_FILE → ENODEV. */
    private String importerClose() throws Exception {
        requireIommufd();
        Bar bar = exportableBar(PAGE, false);
        try (DeviceSession s = open(bar.device())) {
            DmaBuf b = export(s, bar.region(), whole(bar.region().size()));
            IommufdImporter imp = IommufdImporter.open(kernel);
            try {
                Attachment a = imp.attach(b.fd());
                s.closeDevice();
                expect("map again after close", "ENODEV", answer(a::map));
                expect("a new MAP_FILE after close", "ENODEV", answer(() -> imp.attach(b.fd()).close()));
            } finally {
                imp.close();
            }
        }
        return "iommufd's attachment revoked for good when " + bar.device().address() + " was closed";
    }

    /** Memory-off: a BAR mmap faults (SIGBUS) and pread is EIO; memory-on: both work again. */
    private String barMemoryOffOn() throws Exception {
        requireDevices();
        for (PciDevice d : devices) {
            Optional<Region> r = mmioBar(d, 1);
            if (r.isEmpty()) {
                continue;
            }
            try (DeviceSession s = open(d)) {
                RegionInfo ri = s.regionInfo(r.get().index());
                if (!ri.mmappable()) {
                    continue;
                }
                Mapping m = s.mmap(ri, ri.pageSpan(), Kernel.PROT_READ);
                s.setMemoryEnabled(false);
                expect("mmap read with memory off", "SIGBUS", answer(() -> m.readInt(0)));
                expect("pread with memory off", "EIO", s.preadProbe(ri).result());
                s.setMemoryEnabled(true);
                expect("mmap read with memory on", "ok", answer(() -> m.readInt(0)));
                expect("pread with memory on", "ok", s.preadProbe(ri).result());
                return d.address() + " " + r.get().name() + ": SIGBUS/EIO while memory is off, ok after";
            }
        }
        throw new Skip("no vfio-pci device with a mappable MMIO BAR");
    }

    /** A device alone in its IOMMU group with an MMIO BAR of a page or more, and a device of another group. */
    private record Type1Pair(PciDevice source, Region bar, PciDevice into) {
    }

    private Type1Pair type1Pair() throws Skip {
        requireDevices();
        for (PciDevice a : devices) {
            Optional<Region> r = mmioBar(a, PAGE);
            Optional<PciDevice> b = devices.stream().filter(x -> !x.iommuGroup().equals(a.iommuGroup())).findFirst();
            if (r.isPresent() && b.isPresent() && devices.stream().filter(x -> x.iommuGroup().equals(a.iommuGroup()))
                    .count() == 1) {
                return new Type1Pair(a, r.get(), b.get());
            }
        }
        throw new Skip("needs two vfio-pci devices in different IOMMU groups, the first alone in its group");
    }

    /**
     * VFIO_IOMMU_MAP_DMA of a BAR mmap while that device's memory decoding is off: memory-off zapped the mapping, so
     * type1 must fault the PFN in (vaddr_get_pfns → follow_fault_pfn → fixup_user_fault), vfio-pci's fault handler
     * answers VM_FAULT_SIGBUS and MAP_DMA fails with EFAULT; with memory on again the same map is accepted.
     */
    private String type1MemoryOff() throws Exception {
        Type1Pair pair = type1Pair();
        try (DeviceSession target = open(pair.into()); DeviceSession s = open(pair.source())) {
            RegionInfo ri = s.regionInfo(pair.bar().index());
            if (!ri.mmappable()) {
                throw new Skip(pair.source().address() + " " + pair.bar().name() + " is not mappable");
            }
            Mapping m = s.mmap(ri, PAGE, Kernel.PROT_READ | Kernel.PROT_WRITE);
            s.setMemoryEnabled(false);
            try {
                expect("MAP_DMA of the BAR mmap with memory off", "EFAULT",
                        answer(() -> target.mapDma(m.vaddr(), 1L << 32, PAGE)));
            } finally {
                s.setMemoryEnabled(true);
            }
            expect("MAP_DMA of the BAR mmap with memory on", "ok",
                    answer(() -> target.mapDma(m.vaddr(), 1L << 32, PAGE)));
        }
        return "MAP_DMA of " + pair.source().address() + " " + pair.bar().name() + " into the container of "
                + pair.into().address() + ": EFAULT while memory is off, accepted once it is on";
    }

    /**
     * Facts §7/§11: VFIO_IOMMU_MAP_DMA of another device's BAR mmap into a type1 container is accepted, and
     * nothing stops the unbind of that device (munmap, close) afterwards; the device is bound to vfio-pci again.
     */
    private String type1Unbind() throws Exception {
        Type1Pair pair = type1Pair();
        PciDevice source = pair.source();
        PciDevice into = pair.into();
        Region bar = pair.bar();
        try (DeviceSession target = open(into)) {
            DeviceSession s = open(source);
            try {
                RegionInfo ri = s.regionInfo(bar.index());
                if (!ri.mmappable()) {
                    throw new Skip(source.address() + " " + bar.name() + " is not mappable");
                }
                Mapping m = s.mmap(ri, PAGE, Kernel.PROT_READ | Kernel.PROT_WRITE);
                target.mapDma(m.vaddr(), 1L << 32, PAGE);
            } finally {
                s.close();
            }
            String bdf = source.address().toString();
            kernel.writeAttribute("bus/pci/drivers/vfio-pci/unbind", bdf);
            try {
                expect(bdf + " driver after unbind", Optional.empty(), kernel.driverOf(source.address()));
            } finally {
                kernel.writeAttribute("bus/pci/drivers/vfio-pci/bind", bdf);
            }
        }
        return "MAP_DMA of " + source.address() + " " + bar.name() + " into the container of " + into.address()
                + " accepted; the unbind of " + source.address() + " went through with the mapping in place";
    }
}
