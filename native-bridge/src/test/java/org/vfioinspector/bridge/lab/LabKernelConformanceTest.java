package org.vfioinspector.bridge.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.vfioinspector.bridge.kernel.Kernel;
import org.vfioinspector.bridge.kernel.KernelEvent;
import org.vfioinspector.bridge.kernel.KernelException;
import org.vfioinspector.bridge.kernel.Mapping;
import org.vfioinspector.bridge.kernel.SigbusException;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.session.RegionInfo;
import org.vfioinspector.bridge.uapi.CapabilityChain;
import org.vfioinspector.bridge.uapi.Iommufd;
import org.vfioinspector.bridge.uapi.Vfio;
import org.vfioinspector.bridge.uapi.VfioBytes;
import org.vfioinspector.bridge.uapi.VfioDeviceInfo;
import org.vfioinspector.bridge.uapi.VfioDmaBuf;
import org.vfioinspector.bridge.uapi.VfioGroupStatus;
import org.vfioinspector.bridge.uapi.VfioInfoCap;
import org.vfioinspector.bridge.uapi.VfioRegionInfo;

/** The lab kernel, driven through raw uapi bytes, reproduces facts §9 (Linux 7.2.13, QEMU q35). */
class LabKernelConformanceTest {
    static final long PAGE = 4096;
    static final int GET_DMABUF = Vfio.VFIO_DEVICE_FEATURE_GET | Vfio.VFIO_DEVICE_FEATURE_DMA_BUF;
    static final int OPEN_FLAGS = Kernel.O_RDWR | Kernel.O_CLOEXEC;
    LabKernel k;

    @BeforeEach
    void setUp() throws Exception {
        k = LabKernel.of("qemu-q35");
    }

    static JsonNode expected() throws Exception {
        try (InputStream in = LabKernelConformanceTest.class.getResourceAsStream("/conformance/linux-7.2-qemu-q35.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    static Stream<JsonNode> devices() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        expected().get("devices").forEach(out::add);
        return out.stream();
    }

    /** Legacy path: container, group, SET_CONTAINER, SET_IOMMU(TYPE1v2), GET_DEVICE_FD. Returns {container, group, device}. */
    static int[] openDevice(Kernel k, String bdf, int group) throws KernelException {
        int c = k.open("vfio/vfio", Kernel.O_RDWR);
        assertEquals(Vfio.VFIO_API_VERSION, k.ioctl(c, Vfio.VFIO_GET_API_VERSION, 0));
        assertEquals(1, k.ioctl(c, Vfio.VFIO_CHECK_EXTENSION, Vfio.VFIO_TYPE1v2_IOMMU));
        int g = k.open("vfio/" + group, Kernel.O_RDWR);
        byte[] st = VfioGroupStatus.request();
        k.ioctl(g, Vfio.VFIO_GROUP_GET_STATUS, st);
        assertTrue(VfioGroupStatus.decode(st).viable());
        k.ioctl(g, Vfio.VFIO_GROUP_SET_CONTAINER, Iommufd.u32Arg(c));
        k.ioctl(c, Vfio.VFIO_SET_IOMMU, Vfio.VFIO_TYPE1v2_IOMMU);
        int d = k.ioctl(g, Vfio.VFIO_GROUP_GET_DEVICE_FD, VfioBytes.cString(bdf));
        return new int[] {c, g, d};
    }

    static String result(KernelException e) {
        return e.errnoName();
    }

    static int exportDmaBuf(Kernel k, int dev, int index, long len) throws KernelException {
        byte[] arg = VfioDmaBuf.of(index, OPEN_FLAGS, List.of(new VfioDmaBuf.Range(0, len))).featureRequest(GET_DMABUF);
        return k.ioctl(dev, Vfio.VFIO_DEVICE_FEATURE, arg);
    }

    static String hex(int v) {
        return String.format("0x%08x", v);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void everyRegionAsSection9(JsonNode dev) throws Exception {
        int[] fds = openDevice(k, dev.get("bdf").asText(), dev.get("group").asInt());
        int d = fds[2];
        byte[] info = VfioDeviceInfo.request(VfioDeviceInfo.SIZE);
        k.ioctl(d, Vfio.VFIO_DEVICE_GET_INFO, info);
        VfioDeviceInfo di = VfioDeviceInfo.decode(info);
        List<String> devFlags = new ArrayList<>();
        if (di.canReset()) {
            devFlags.add("RESET");
        }
        if (di.isPci()) {
            devFlags.add("PCI");
        }
        assertEquals(dev.get("deviceFlags").toString(), new ObjectMapper().writeValueAsString(devFlags));
        assertEquals(9, di.numRegions());
        for (JsonNode want : dev.get("regions")) {
            int index = want.get("index").asInt();
            String where = dev.get("bdf").asText() + " region " + index + ": ";
            String ri;
            VfioRegionInfo r = null;
            List<VfioInfoCap> caps = List.of();
            byte[] buf = VfioRegionInfo.request(index, VfioRegionInfo.SIZE);
            try {
                k.ioctl(d, Vfio.VFIO_DEVICE_GET_REGION_INFO, buf);
                r = VfioRegionInfo.decode(buf);
                if (r.argsz() > buf.length) {
                    buf = VfioRegionInfo.request(index, r.argsz());
                    k.ioctl(d, Vfio.VFIO_DEVICE_GET_REGION_INFO, buf);
                    r = VfioRegionInfo.decode(buf);
                    assertEquals(VfioRegionInfo.SIZE, r.capOffset(), where + "cap_offset after re-query");
                }
                caps = CapabilityChain.read(buf, VfioRegionInfo.SIZE, r.capOffset());
                ri = "ok";
            } catch (KernelException e) {
                ri = result(e);
            }
            assertEquals(want.get("regionInfo").asText(), ri, where + "regionInfo");
            if (r != null) {
                assertEquals(want.get("size").asLong(), r.size(), where + "size");
                List<String> flags = new ArrayList<>();
                String[] names = {"READ", "WRITE", "MMAP", "CAPS"};
                for (int b = 0; b < 4; b++) {
                    if (r.has(1 << b)) {
                        flags.add(names[b]);
                    }
                }
                assertEquals(want.get("flags").toString(), new ObjectMapper().writeValueAsString(flags), where + "flags");
                List<String> capNames = new ArrayList<>();
                for (VfioInfoCap c : caps) {
                    capNames.add(c instanceof VfioInfoCap.MsixMappable ? "MSIX_MAPPABLE" : "CAP_" + c.id());
                }
                assertEquals(want.get("caps").toString(), new ObjectMapper().writeValueAsString(capNames), where + "caps");
            }
            if (r != null && r.size() > 0) {
                long len = RegionInfo.pageSpan(r.size());
                String mm;
                Integer mv = null;
                try (Mapping m = k.mmap(d, r.offset(), len, Kernel.PROT_READ)) {
                    mv = m.readInt(0);
                    mm = "ok";
                } catch (SigbusException e) {
                    mm = "SIGBUS";
                } catch (KernelException e) {
                    mm = result(e);
                }
                if (want.hasNonNull("mmap")) {
                    assertEquals(want.get("mmap").asText(), mm, where + "mmap");
                }
                if (want.has("mmapValue")) {
                    assertEquals(want.get("mmapValue").asText(), hex(mv), where + "mmapValue");
                }
                byte[] four = new byte[4];
                String pr;
                try {
                    k.pread(d, four, r.offset());
                    pr = "ok";
                } catch (KernelException e) {
                    pr = result(e);
                }
                if (want.hasNonNull("pread")) {
                    assertEquals(want.get("pread").asText(), pr, where + "pread");
                }
                if (want.has("preadValue")) {
                    assertEquals(want.get("preadValue").asText(), hex(VfioBytes.u32(four, 0)), where + "preadValue");
                }
            }
            long size = r == null ? 0 : r.size();
            String db;
            try {
                k.close(exportDmaBuf(k, d, index, RegionInfo.pageSpan(size)));
                db = "ok";
            } catch (KernelException e) {
                db = result(e);
            }
            assertEquals(want.get("dmabuf").asText(), db, where + "dmabuf");
        }
        if (dev.get("deviceFlags").toString().contains("RESET")) {
            revokeSteps(d, dev);
        } else {
            KernelException e = assertThrows(KernelException.class, () -> k.ioctl(d, Vfio.VFIO_DEVICE_RESET, 0));
            assertEquals("EINVAL", e.errnoName(), "VFIO_DEVICE_RESET without reset method");
        }
    }

    /** The probe contract's --revoke steps: reset, memory-off, memory-on, close. */
    void revokeSteps(int d, JsonNode dev) throws Exception {
        List<Integer> bufs = new ArrayList<>();
        int firstMmapBar = -1;
        for (JsonNode r : dev.get("regions")) {
            if (r.get("dmabuf").asText().equals("ok") && r.get("index").asInt() < 6) {
                long len = RegionInfo.pageSpan(r.get("size").asLong());
                bufs.add(exportDmaBuf(k, d, r.get("index").asInt(), len));
            }
            if (firstMmapBar < 0 && "ok".equals(r.get("mmap").asText(null))) {
                firstMmapBar = r.get("index").asInt();
            }
        }
        Set<Long> inodes = new LinkedHashSet<>();
        for (int b : bufs) {
            inodes.add(k.inodeOf(b));
        }
        Mapping map = k.mmap(d, Vfio.vfioPciIndexToOffset(firstMmapBar), PAGE, Kernel.PROT_READ);
        long barOff = Vfio.vfioPciIndexToOffset(firstMmapBar);
        List<KernelEvent> seen = new ArrayList<>();
        k.events().subscribe(seen::add);
        for (JsonNode step : dev.get("revoke")) {
            seen.clear();
            String name = step.get("step").asText();
            String res = "ok";
            try {
                switch (name) {
                    case "reset":
                        k.ioctl(d, Vfio.VFIO_DEVICE_RESET, 0);
                        break;
                    case "memory-off":
                    case "memory-on":
                        memory(k, d, name.equals("memory-on"));
                        break;
                    default:
                        map.close();
                        k.close(d);
                }
            } catch (KernelException e) {
                res = result(e);
            }
            assertEquals(step.get("result").asText(), res, name);
            if (!name.equals("close")) {
                String mr;
                try {
                    map.readInt(0);
                    mr = "ok";
                } catch (KernelException e) {
                    mr = result(e);
                }
                assertEquals(step.get("mmapRead").asText(), mr, name + " mmapRead");
                String pr;
                try {
                    k.pread(d, new byte[4], barOff);
                    pr = "ok";
                } catch (KernelException e) {
                    pr = result(e);
                }
                assertEquals(step.get("pread").asText(), pr, name + " pread");
            }
            assertEquals(step.get("events").toString(), new ObjectMapper().writeValueAsString(transitions(seen, inodes)),
                    name + " events " + seen);
        }
    }

    /** The probe contract's reading of events: distinct transitions on the exported dma-bufs, in order. */
    static List<String> transitions(List<KernelEvent> events, Set<Long> inodes) {
        Set<String> out = new LinkedHashSet<>();
        boolean cleanup = false;
        for (int i = 0; i < events.size(); i++) {
            KernelEvent e = events.get(i);
            boolean touches = i + 1 < events.size() && events.get(i + 1).kind() == KernelEvent.Kind.INVALIDATE
                    && inodes.contains(events.get(i + 1).dmaBufInode());
            switch (e.kind()) {
                case PERMANENT:
                    cleanup = true;
                    out.add("permanent");
                    break;
                case REVOKE:
                    if (!cleanup && touches) {
                        out.add("revoke");
                    }
                    break;
                case RESTORE:
                    if (!cleanup && (touches || !e.detail().contains("no dma-buf"))) {
                        out.add("restore");
                    }
                    break;
                default:
                    break;
            }
        }
        return new ArrayList<>(out);
    }

    // ------------------------------------------------------------------ §9 DMA-BUF argument semantics

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "GET one page | 65536 | 0 | 0 | 0:4096 | ok",
        "SET | 131072 | 0 | 0 | 0:4096 | EINVAL",
        "GET+SET | 196608 | 0 | 0 | 0:4096 | EINVAL",
        "PROBE+GET | 327680 | 0 | 0 | 0:4096 | ok",
        "PROBE+SET | 393216 | 0 | 0 | 0:4096 | EINVAL",
        "nr_ranges 0 | 65536 | 0 | 0 | - | EINVAL",
        "flags 1 | 65536 | 1 | 0 | 0:4096 | EINVAL",
        "offset 8 | 65536 | 0 | 0 | 8:4096 | EINVAL",
        "length 100 | 65536 | 0 | 0 | 0:100 | EINVAL",
        "BAR + 1 page | 65536 | 0 | 0 | 0:8392704 | EINVAL",
        "offset = BAR size | 65536 | 0 | 0 | 8388608:4096 | EINVAL",
        "slice [1 page, 1 page] | 65536 | 0 | 0 | 4096:4096 | ok",
        "2 ranges | 65536 | 0 | 0 | 0:4096,8192:4096 | ok",
        "2 overlapping ranges | 65536 | 0 | 0 | 0:8192,4096:4096 | ok",
        "open_flags 0x7fffffff | 65536 | 0 | 2147483647 | 0:4096 | ok",
    })
    void dmaBufArgumentSemantics(String what, int featureFlags, int dbFlags, int openFlags, String ranges, String want)
            throws Exception {
        int d = openDevice(k, "0000:00:05.0", 5)[2];
        List<VfioDmaBuf.Range> rs = new ArrayList<>();
        if (!ranges.equals("-")) {
            for (String r : ranges.split(",")) {
                String[] p = r.split(":");
                rs.add(new VfioDmaBuf.Range(Long.parseLong(p[0]), Long.parseLong(p[1])));
            }
        }
        byte[] arg = new VfioDmaBuf(2, openFlags, dbFlags, rs.size(), rs)
                .featureRequest(featureFlags | Vfio.VFIO_DEVICE_FEATURE_DMA_BUF);
        String got;
        try {
            int fd = k.ioctl(d, Vfio.VFIO_DEVICE_FEATURE, arg);
            got = "ok";
            if ((featureFlags & Vfio.VFIO_DEVICE_FEATURE_PROBE) != 0) {
                assertEquals(0, fd, "PROBE returns 0");
            }
        } catch (KernelException e) {
            got = e.errnoName();
        }
        assertEquals(want, got, what);
    }

    @Test
    void dmaBufFdAndFormats() throws Exception {
        int d = openDevice(k, "0000:00:05.0", 5)[2];
        int fd = exportDmaBuf(k, d, 2, 8 << 20);
        assertEquals("EINVAL", assertThrows(KernelException.class, () -> k.mmap(fd, 0, PAGE, Kernel.PROT_READ))
                .errnoName(), "dma-buf mmap: no mmap op");
        assertEquals("ESPIPE", assertThrows(KernelException.class, () -> k.pread(fd, new byte[4], 0)).errnoName(),
                "pread of a dma-buf fd: no FMODE_PREAD (the real 7.2.13 kernel in the harness)");
        long ino = k.inodeOf(fd);
        String fdinfo = k.fdinfo(fd).orElseThrow();
        assertEquals("pos:\t0\nflags:\t02000002\nmnt_id:\t16\nino:\t" + ino + "\nsize:\t8388608\ncount:\t1\n"
                + "exp_name:\tvfio_pci_core\n", fdinfo);
        String bufinfo = k.dmaBufInfo().orElseThrow();
        assertTrue(bufinfo.startsWith("\nDma-buf Objects:\nsize    \tflags   \tmode    \tcount   \texp_name\tino     \tname\n"),
                bufinfo);
        assertTrue(bufinfo.contains(String.format("08388608\t00000002\t02080007\t00000001\tvfio_pci_core\t%08d\t<none>\n"
                + "\tAttached Devices:\nTotal 0 devices attached\n\n", ino)), bufinfo);
        assertTrue(bufinfo.endsWith("\nTotal 1 objects, 8388608 bytes\n"), bufinfo);
        // Neither shows the revoked state: identical before and after a revoke.
        memory(k, d, false);
        assertEquals(fdinfo, k.fdinfo(fd).orElseThrow());
        assertEquals(bufinfo, k.dmaBufInfo().orElseThrow());
        // Export while memory is disabled succeeds (born revoked): an importer's attach → ENODEV.
        int born = exportDmaBuf(k, d, 2, PAGE);
        assertEquals("ENODEV", assertThrows(KernelException.class, () -> k.importerAttach("self-ivshmem", born))
                .errnoName());
        // An attached importer shows up and count becomes 2.
        memory(k, d, true);
        k.importerAttach("testdev", fd);
        assertTrue(k.dmaBufInfo().orElseThrow().contains("00000002\tvfio_pci_core\t" + String.format("%08d", ino)
                + "\t<none>\n\tAttached Devices:\n\t0000:00:04.0\nTotal 1 devices attached\n"));
        k.close(fd);
        k.close(born);
        assertTrue(k.dmaBufInfo().orElseThrow().contains("Total 1 objects"), "the attachment keeps the buffer alive");
    }

    // ------------------------------------------------------------------ §9 revocation table

    static void memory(Kernel k, int d, boolean on) throws KernelException {
        byte[] cmd = new byte[2];
        k.pread(d, cmd, Vfio.vfioPciIndexToOffset(7) + 4);
        VfioBytes.put16(cmd, 0, on ? VfioBytes.u16(cmd, 0) | 2 : VfioBytes.u16(cmd, 0) & ~2);
        k.pwrite(d, cmd, Vfio.vfioPciIndexToOffset(7) + 4);
    }

    @Test
    void importerViewOfRevocation() throws Exception {
        int d = openDevice(k, "0000:00:05.0", 5)[2];
        int fd = exportDmaBuf(k, d, 2, 8 << 20);
        int self = k.importerAttach("self-ivshmem", fd);
        assertEquals(0xfd800000L, k.importerMap(self), "self map: dma address = BAR bus address");
        int other = k.importerAttach("testdev", fd);
        assertEquals("EINVAL", assertThrows(KernelException.class, () -> k.importerMap(other)).errnoName(),
                "P2P between two root-bus devices under 8086:29c0");
        assertEquals("EOPNOTSUPP", assertThrows(KernelException.class, () -> k.importerAttach("pinned-testdev", fd))
                .errnoName());
        assertEquals("EOPNOTSUPP", assertThrows(KernelException.class, () -> k.importerAttach("nop2p-testdev", fd))
                .errnoName());
        memory(k, d, false);
        LabKernel.AttachmentView v = k.attachments().get(0);
        assertFalse(v.mapped());
        assertEquals(1, v.invalidations());
        assertEquals(1, k.attachments().get(1).invalidations(), "revoke callbacks still arrive on the P2P importer");
        assertEquals("ENODEV", assertThrows(KernelException.class, () -> k.importerMap(self)).errnoName());
        memory(k, d, true);
        assertEquals(0xfd800000L, k.importerMap(self), "map OK again after MEM set");
        // Reset is not possible on ivshmem; close of the last user = permanent.
        k.close(d);
        assertEquals("ENODEV", assertThrows(KernelException.class, () -> k.importerMap(self)).errnoName());
        openDevice(k, "0000:00:03.0", 3);
        assertTrue(k.open("vfio/vfio", 0) > 0);
    }

    @Test
    void reopenDoesNotResurrect() throws Exception {
        int[] fds = openDevice(k, "0000:00:03.0", 3);
        int fd = exportDmaBuf(k, fds[2], 0, 1 << 20);
        int a = k.importerAttach("self-edu", fd);
        k.close(fds[2]);
        int d2 = k.ioctl(fds[1], Vfio.VFIO_GROUP_GET_DEVICE_FD, VfioBytes.cString("0000:00:03.0"));
        assertEquals("ENODEV", assertThrows(KernelException.class, () -> k.importerMap(a)).errnoName());
        assertTrue(k.attachments().get(0).bufDead());
        int fresh = exportDmaBuf(k, d2, 0, 1 << 20);
        assertEquals(0xfea00000L, k.importerMap(k.importerAttach("self-edu", fresh)), "only new exports work");
    }

    @Test
    void mmapKeepsDeviceOpenAndGetDeviceFdAgain() throws Exception {
        int[] fds = openDevice(k, "0000:00:03.0", 3);
        int buf = exportDmaBuf(k, fds[2], 0, 1 << 20);
        Mapping m = k.mmap(fds[2], 0, PAGE, Kernel.PROT_READ);
        List<KernelEvent> seen = new ArrayList<>();
        k.events().subscribe(seen::add);
        k.close(fds[2]);
        assertTrue(seen.isEmpty(), "close while an mmap exists: nothing");
        assertEquals(0x010000ed, m.readInt(0), "mmap keeps working");
        int d2 = k.ioctl(fds[1], Vfio.VFIO_GROUP_GET_DEVICE_FD, VfioBytes.cString("0000:00:03.0"));
        assertEquals(2, k.openCount(PciAddress.parse("0000:00:03.0")));
        k.close(d2);
        m.close();
        assertEquals(List.of("vfio_pci_dma_buf_cleanup", "vfio_pci_dma_buf_move", "dma_buf_invalidate_mappings",
                "vfio_pci_dma_buf_move"), seen.stream().map(KernelEvent::function).toList());
        seen.clear();
        k.close(buf);
        assertEquals(KernelEvent.Kind.RELEASE, seen.get(0).kind());
        assertTrue(k.dmaBufInfo().orElseThrow().endsWith("\nTotal 0 objects, 0 bytes\n"));
    }

    @Test
    void importerThatDoesNotUnmapBlocksTheConfigWrite() throws Exception {
        int d = openDevice(k, "0000:00:05.0", 5)[2];
        int fd = exportDmaBuf(k, d, 2, 8 << 20);
        int lazy = k.importerAttach("lazy-ivshmem", fd);
        k.importerMap(lazy);
        KernelException e = assertThrows(KernelException.class, () -> memory(k, d, false));
        assertEquals(KernelException.Kind.BLOCKED, e.kind());
        assertEquals("BLOCKED", e.errnoName());
        assertTrue(e.waitsFor().orElseThrow().contains("wait_for_completion"), e.getMessage());
        assertEquals(1, k.blocked().size());
        k.importerUnmap(lazy);
        assertTrue(k.blocked().isEmpty(), "unblocked when the importer unmapped");
    }

    @Test
    void unbindBlocksWhileOpenAndCompletesAfterMunmap() throws Exception {
        int[] fds = openDevice(k, "0000:00:03.0", 3);
        int buf = exportDmaBuf(k, fds[2], 0, 1 << 20);
        Mapping m = k.mmap(fds[2], 0, PAGE, Kernel.PROT_READ);
        assertTrue(assertThrows(KernelException.class, () -> k.writeAttribute("bus/pci/drivers/vfio-pci/unbind",
                "0000:00:03.0")).isBlocked());
        k.close(fds[2]);
        assertEquals("vfio-pci", k.driverOf(PciAddress.parse("0000:00:03.0")).orElseThrow(), "still blocked: mmap alive");
        m.close();
        assertTrue(k.driverOf(PciAddress.parse("0000:00:03.0")).isEmpty(), "unbind completed after munmap");
        assertTrue(k.dmaBufInfo().orElseThrow().contains("Total 1 objects"), "dma-buf fd survives unbind");
        k.close(buf);
        assertFalse(k.deviceNodes().contains("vfio/3"));
    }

    @Test
    void resetEventsInOrder() throws Exception {
        int d = openDevice(k, "0000:00:07.0", 7)[2];
        int fd = exportDmaBuf(k, d, 0, 16384);
        List<KernelEvent> seen = new ArrayList<>();
        k.events().subscribe(seen::add);
        k.ioctl(d, Vfio.VFIO_DEVICE_RESET, 0);
        assertEquals(List.of(KernelEvent.Kind.ZAP, KernelEvent.Kind.REVOKE, KernelEvent.Kind.INVALIDATE,
                KernelEvent.Kind.RESTORE, KernelEvent.Kind.INVALIDATE), seen.stream().map(KernelEvent::kind).toList());
        assertEquals(k.inodeOf(fd), seen.get(2).dmaBufInode());
    }

    // ------------------------------------------------------------------ other scenarios

    @ParameterizedTest(name = "{0}: mmap {1}, dma-buf {2}")
    @CsvSource({"s390-ism, EINVAL, ok", "s390-ism-fixed, EINVAL, EINVAL"})
    void s390Divergence(String scenario, String mmap, String dmabuf) throws Exception {
        LabKernel s = LabKernel.of(scenario);
        int d = openDevice(s, "0001:00:00.0", 0)[2];
        byte[] ri = VfioRegionInfo.request(2, 32);
        s.ioctl(d, Vfio.VFIO_DEVICE_GET_REGION_INFO, ri);
        assertEquals(256L << 40, VfioRegionInfo.decode(ri).size());
        assertFalse(VfioRegionInfo.decode(ri).has(Vfio.VFIO_REGION_INFO_FLAG_MMAP));
        assertEquals(mmap, assertThrows(KernelException.class,
                () -> s.mmap(d, Vfio.vfioPciIndexToOffset(2), PAGE, Kernel.PROT_READ)).errnoName());
        String got;
        try {
            s.close(exportDmaBuf(s, d, 2, 1L << 30));
            got = "ok";
        } catch (KernelException e) {
            got = e.errnoName();
        }
        assertEquals(dmabuf, got);
    }

    @Test
    void type1HazardSurvivesUnbindWhileDmaBufImporterIsRevoked() throws Exception {
        LabKernel h = LabKernel.of("type1-p2p-hazard");
        int[] a = openDevice(h, "0000:00:03.0", 3);
        int c2 = h.open("vfio/vfio", 0);
        int g4 = h.open("vfio/4", 0);
        h.ioctl(g4, Vfio.VFIO_GROUP_SET_CONTAINER, Iommufd.u32Arg(c2));
        h.ioctl(c2, Vfio.VFIO_SET_IOMMU, Vfio.VFIO_TYPE1v2_IOMMU);
        // The old way: mmap A's BAR2 and VFIO_IOMMU_MAP_DMA that vaddr into B's container.
        LabBarMapping bar = (LabBarMapping) h.mmap(a[2], Vfio.vfioPciIndexToOffset(2), 1 << 20,
                Kernel.PROT_READ);
        byte[] map = new byte[32];
        VfioBytes.put32(map, 0, 32);
        VfioBytes.put32(map, 4, 3);
        VfioBytes.put64(map, 8, bar.vaddr());
        VfioBytes.put64(map, 16, 0x100000000L);
        VfioBytes.put64(map, 24, 1 << 20);
        h.ioctl(c2, Vfio.VFIO_IOMMU_MAP_DMA, map);
        // The new way: a dma-buf of the same BAR, imported by B's driver.
        int buf = exportDmaBuf(h, a[2], 2, 1 << 20);
        int att = h.importerAttach("nic-b", buf);
        assertEquals(0x800000000L, h.importerMap(att));
        // A goes away: munmap, close, unbind.
        bar.close();
        h.close(a[2]);
        h.writeAttribute("bus/pci/drivers/vfio-pci/unbind", "0000:00:03.0");
        assertTrue(h.driverOf(PciAddress.parse("0000:00:03.0")).isEmpty());
        List<LabKernel.Type1Mapping> stale = h.staleType1Mappings();
        assertEquals(1, stale.size(), "the type1 mapping survives the unbind: use-after-free");
        assertEquals(0x800000000L, stale.get(0).phys());
        LabKernel.AttachmentView v = h.attachments().get(0);
        assertTrue(v.bufRevoked() && v.bufDead() && !v.mapped(), "the dma-buf importer was revoked");
        assertEquals("ENODEV", assertThrows(KernelException.class, () -> h.importerMap(att)).errnoName());
    }

    /** vfio_dma_do_map → vfio_find_dma: an overlap is EEXIST within one container, while two containers are two IOVA spaces. */
    @Test
    void type1IovaOverlapIsPerContainer() throws Exception {
        LabKernel h = LabKernel.of("type1-p2p-hazard");
        int[] containers = new int[2];
        int[] groups = {3, 4};
        for (int i = 0; i < 2; i++) {
            containers[i] = h.open("vfio/vfio", 0);
            int g = h.open("vfio/" + groups[i], 0);
            h.ioctl(g, Vfio.VFIO_GROUP_SET_CONTAINER, Iommufd.u32Arg(containers[i]));
            h.ioctl(containers[i], Vfio.VFIO_SET_IOMMU, Vfio.VFIO_TYPE1v2_IOMMU);
        }
        Mapping ram0 = h.allocateRam(Vfio.PAGE_SIZE);
        Mapping ram1 = h.allocateRam(Vfio.PAGE_SIZE);
        h.ioctl(containers[0], Vfio.VFIO_IOMMU_MAP_DMA, mapDma(ram0.vaddr(), 0x100000, Vfio.PAGE_SIZE));
        h.ioctl(containers[1], Vfio.VFIO_IOMMU_MAP_DMA, mapDma(ram1.vaddr(), 0x100000, Vfio.PAGE_SIZE));
        assertEquals("EEXIST", assertThrows(KernelException.class, () -> h.ioctl(containers[0],
                Vfio.VFIO_IOMMU_MAP_DMA, mapDma(ram1.vaddr(), 0x100000, Vfio.PAGE_SIZE))).errnoName());
    }

    private static byte[] mapDma(long vaddr, long iova, long size) {
        byte[] map = new byte[32];
        VfioBytes.put32(map, 0, 32);
        VfioBytes.put32(map, 4, 3);
        VfioBytes.put64(map, 8, vaddr);
        VfioBytes.put64(map, 16, iova);
        VfioBytes.put64(map, 24, size);
        return map;
    }

    @Test
    void iommufdMapFileOfDmaBuf() throws Exception {
        int d = openDevice(k, "0000:00:05.0", 5)[2];
        int buf = exportDmaBuf(k, d, 2, 8 << 20);
        int io = k.open("iommu", Kernel.O_RDWR);
        byte[] alloc = Iommufd.IoasAlloc.request();
        k.ioctl(io, Vfio.IOMMU_IOAS_ALLOC, alloc);
        int ioas = Iommufd.IoasAlloc.outIoasId(alloc);
        byte[] mf = Iommufd.IoasMapFile.of(Vfio.IOMMU_IOAS_MAP_READABLE, ioas, buf, 0, 8 << 20, 0).encode();
        k.ioctl(io, Vfio.IOMMU_IOAS_MAP_FILE, mf);
        assertTrue(k.dmaBufInfo().orElseThrow().contains("\tiommu\n"));
        byte[] tooLong = Iommufd.IoasMapFile.of(0, ioas, buf, 0, 16 << 20, 0).encode();
        assertEquals("EINVAL", assertThrows(KernelException.class, () -> k.ioctl(io, Vfio.IOMMU_IOAS_MAP_FILE, tooLong))
                .errnoName());
        memory(k, d, false);
        byte[] again = Iommufd.IoasMapFile.of(0, ioas, buf, 0, PAGE, 0).encode();
        assertEquals("ENODEV", assertThrows(KernelException.class, () -> k.ioctl(io, Vfio.IOMMU_IOAS_MAP_FILE, again))
                .errnoName());
    }

    @Test
    void linux61HasNoDmaBuf() throws Exception {
        String text = new String(LabKernel.class.getResourceAsStream("/org/vfioinspector/bridge/lab/scenarios/qemu-q35.yaml")
                .readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).replace("profile: linux-7.2", "profile: linux-6.1");
        LabKernel old = new LabKernel(org.vfioinspector.bridge.lab.scenario.ScenarioLoader.parse(text, "q35-6.1"));
        int d = openDevice(old, "0000:00:03.0", 3)[2];
        assertEquals("ENOTTY", assertThrows(KernelException.class, () -> exportDmaBuf(old, d, 0, PAGE)).errnoName());
        assertEquals("ENOENT", assertThrows(KernelException.class, () -> old.open("iommu", 0)).errnoName());
    }
}
