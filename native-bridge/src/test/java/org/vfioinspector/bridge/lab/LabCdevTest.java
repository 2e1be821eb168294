package org.vfioinspector.bridge.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vfioinspector.bridge.kernel.Errno;
import org.vfioinspector.bridge.kernel.Kernel;
import org.vfioinspector.bridge.kernel.KernelException;
import org.vfioinspector.bridge.kernel.Mapping;
import org.vfioinspector.bridge.lab.scenario.LabScenario;
import org.vfioinspector.bridge.lab.scenario.ScenarioLoader;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.rules.KernelProfiles;
import org.vfioinspector.bridge.session.DeviceSession;
import org.vfioinspector.bridge.session.DeviceTarget;
import org.vfioinspector.bridge.session.OpenPath;
import org.vfioinspector.bridge.uapi.Iommufd;
import org.vfioinspector.bridge.uapi.Vfio;
import org.vfioinspector.bridge.uapi.VfioBytes;
import org.vfioinspector.bridge.uapi.VfioDeviceInfo;

/**
 * The lab's cdev + iommufd path (drivers/vfio/device_cdev.c, drivers/iommu/iommufd/) on qemu-q35 (linux-7.2, which
 * has iommufd and the cdev, as the harness's built kernel): the nodes, BIND_IOMMUFD / ATTACH / DETACH and their
 * refusals — the ones the real kernel gave in the harness (kernel-lab/README "What KernelLabIT proves":
 * open-unwind's BIND EBUSY while the group is open and the group's open EBUSY while the cdev is bound) and the
 * kernel's argument checks — and the IOAS a bound device's DMA goes through.
 */
class LabCdevTest {
    private static final PciAddress EDU = PciAddress.parse("0000:00:03.0");
    private static final PciAddress TESTDEV = PciAddress.parse("0000:00:04.0");
    private LabKernel k;

    @BeforeEach
    void setUp() throws Exception {
        k = LabKernel.of("qemu-q35");
    }

    private String cdev(PciAddress bdf) {
        return "vfio/devices/" + k.vfioDevices().get(bdf);
    }

    private static byte[] bind(int iommufd) {
        return Iommufd.BindIommufd.request(iommufd);
    }

    private static String errno(Executable e) {
        return assertThrows(KernelException.class, e::run).errnoName();
    }

    @FunctionalInterface
    private interface Executable {
        void run() throws KernelException;
    }

    private int ioasAlloc(int io) throws KernelException {
        byte[] a = Iommufd.IoasAlloc.request();
        k.ioctl(io, Vfio.IOMMU_IOAS_ALLOC, a);
        return Iommufd.IoasAlloc.outIoasId(a);
    }

    @Test
    void everyVfioPciDeviceHasACdevNodeWhereTheProfileHasIommufdAndNoneWithoutIt() throws Exception {
        Map<PciAddress, String> names = k.vfioDevices();
        assertEquals(7, names.size(), names.toString());
        assertEquals(List.of("vfio0", "vfio1", "vfio2", "vfio3", "vfio4", "vfio5", "vfio6"),
                names.values().stream().sorted().toList());
        List<String> nodes = k.deviceNodes();
        assertTrue(nodes.contains("iommu"), nodes.toString());
        names.values().forEach(n -> assertTrue(nodes.contains("vfio/devices/" + n), nodes.toString()));

        LabScenario q35 = ScenarioLoader.load("qemu-q35");
        LabKernel debian = new LabKernel(q35.withProfile(KernelProfiles.byName("linux-7.2-noiommufd").orElseThrow()));
        assertEquals(names, debian.vfioDevices(), "vfio-dev is in sysfs without the cdev too (Debian's kernel)");
        assertTrue(debian.deviceNodes().stream().noneMatch(n -> n.equals("iommu") || n.startsWith("vfio/devices/")),
                debian.deviceNodes().toString());
        assertEquals("ENOENT", errno(() -> debian.open("vfio/devices/vfio0", Kernel.O_RDWR)));
        LabKernel noCdev = new LabKernel(q35.withProfile(q35.profile().with(Map.of("cdev", false))));
        assertTrue(noCdev.deviceNodes().contains("iommu"));
        assertTrue(noCdev.deviceNodes().stream().noneMatch(n -> n.startsWith("vfio/devices/")));
    }

    @Test
    void aRebindTakesTheLowestFreeName() throws Exception {
        Map<PciAddress, String> boot = k.vfioDevices();
        List<PciAddress> order = new ArrayList<>(boot.keySet());
        PciAddress second = order.get(1);
        PciAddress fourth = order.get(3);
        assertEquals("vfio1", boot.get(second), boot.toString());
        assertEquals("vfio3", boot.get(fourth), boot.toString());
        k.writeAttribute("bus/pci/drivers/vfio-pci/unbind", fourth.toString());
        k.writeAttribute("bus/pci/drivers/vfio-pci/unbind", second.toString());
        assertFalse(k.vfioDevices().containsKey(fourth));
        // ida_alloc: the fourth device, bound first, gets vfio1 (the lowest free), the second then vfio3
        k.writeAttribute("bus/pci/drivers/vfio-pci/bind", fourth.toString());
        k.writeAttribute("bus/pci/drivers/vfio-pci/bind", second.toString());
        assertEquals("vfio1", k.vfioDevices().get(fourth));
        assertEquals("vfio3", k.vfioDevices().get(second));
        assertEquals(boot.values().stream().sorted().toList(), k.vfioDevices().values().stream().sorted().toList());
    }

    @Test
    void aCdevFileAnswersNothingButBindUntilItIsBound() throws Exception {
        int d = k.open(cdev(EDU), Kernel.O_RDWR);
        assertEquals("EINVAL", errno(() -> k.ioctl(d, Vfio.VFIO_DEVICE_GET_INFO, VfioDeviceInfo.request(24))));
        assertEquals("EINVAL", errno(() -> k.pread(d, new byte[4], Vfio.vfioPciIndexToOffset(0))));
        assertEquals("EINVAL", errno(() -> k.mmap(d, Vfio.vfioPciIndexToOffset(0), 4096, Kernel.PROT_READ)));
        assertEquals("EINVAL", errno(() -> k.ioctl(d, Vfio.VFIO_DEVICE_RESET, 0)));
        assertEquals(0, k.openCount(EDU), "opening the cdev does not open the device");
        k.close(d);
        assertEquals(0, k.openCount(EDU));
    }

    @Test
    void bindChecksItsArgumentsAndTheIommufdFd() throws Exception {
        int d = k.open(cdev(EDU), Kernel.O_RDWR);
        int io = k.open("iommu", Kernel.O_RDWR);
        byte[] shortArg = bind(io);
        VfioBytes.put32(shortArg, 0, 12);
        assertEquals("EINVAL", errno(() -> k.ioctl(d, Vfio.VFIO_DEVICE_BIND_IOMMUFD, shortArg)));
        byte[] flags = bind(io);
        VfioBytes.put32(flags, Iommufd.BindIommufd.OFF_FLAGS, 2);
        assertEquals("EINVAL", errno(() -> k.ioctl(d, Vfio.VFIO_DEVICE_BIND_IOMMUFD, flags)));
        assertEquals("EINVAL", errno(() -> k.ioctl(d, Vfio.VFIO_DEVICE_BIND_IOMMUFD, bind(-1))));
        assertEquals("EBADF", errno(() -> k.ioctl(d, Vfio.VFIO_DEVICE_BIND_IOMMUFD, bind(999))));
        int container = k.open("vfio/vfio", Kernel.O_RDWR);
        assertEquals("EBADFD", errno(() -> k.ioctl(d, Vfio.VFIO_DEVICE_BIND_IOMMUFD, bind(container))));
        assertEquals(0, k.openCount(EDU), "a refused bind opens nothing");

        byte[] ok = bind(io);
        assertEquals(0, k.ioctl(d, Vfio.VFIO_DEVICE_BIND_IOMMUFD, ok));
        int devid = Iommufd.BindIommufd.outDevid(ok);
        assertTrue(devid > 0);
        assertEquals(1, k.openCount(EDU), "the bind is the device's first open");
        assertEquals("EINVAL", errno(() -> k.ioctl(d, Vfio.VFIO_DEVICE_BIND_IOMMUFD, bind(io))), "bound already");
        int second = k.open(cdev(EDU), Kernel.O_RDWR);
        assertEquals("EINVAL", errno(() -> k.ioctl(second, Vfio.VFIO_DEVICE_BIND_IOMMUFD, bind(io))),
                "vfio_df_open: the cdev path opens a device once");
        byte[] info = VfioDeviceInfo.request(24);
        k.ioctl(d, Vfio.VFIO_DEVICE_GET_INFO, info);
        assertEquals(Vfio.VFIO_PCI_NUM_REGIONS, VfioDeviceInfo.decode(info).numRegions());
        k.close(second);
        k.close(d);
        assertEquals(0, k.openCount(EDU), "closing the bound cdev file closes the device");
    }

    /** open-unwind's real refusals on the built kernel (KernelLabIT): both EBUSY, and each path works after. */
    @Test
    void theGroupAndTheCdevExcludeEachOther() throws Exception {
        int io = k.open("iommu", Kernel.O_RDWR);
        int[] legacy = LabKernelConformanceTest.openDevice(k, EDU.toString(), 3);
        int d = k.open(cdev(EDU), Kernel.O_RDWR);
        assertEquals("EBUSY", errno(() -> k.ioctl(d, Vfio.VFIO_DEVICE_BIND_IOMMUFD, bind(io))),
                "BIND_IOMMUFD while the group is open");
        // the group's fd closed, its device still open through it: the group file is still held
        k.close(legacy[1]);
        assertEquals("EBUSY", errno(() -> k.ioctl(d, Vfio.VFIO_DEVICE_BIND_IOMMUFD, bind(io))));
        assertEquals("EBUSY", errno(() -> k.open("vfio/3", Kernel.O_RDWR)), "one opener of the group");
        k.close(legacy[2]);
        k.close(legacy[0]);
        assertEquals(0, k.ioctl(d, Vfio.VFIO_DEVICE_BIND_IOMMUFD, bind(io)));
        KernelException busy = assertThrows(KernelException.class, () -> k.open("vfio/3", Kernel.O_RDWR));
        assertEquals("EBUSY", busy.errnoName(), "the group's open while the cdev is bound");
        assertTrue(busy.remedy().orElse("").contains("cdev"), busy.toString());
        k.close(d);
        k.close(LabKernelConformanceTest.openDevice(k, EDU.toString(), 3)[0]);
    }

    @Test
    void attachTakesAnIoasOrHwptAndAnswersTheHwpt() throws Exception {
        int io = k.open("iommu", Kernel.O_RDWR);
        int d = k.open(cdev(EDU), Kernel.O_RDWR);
        byte[] b = bind(io);
        k.ioctl(d, Vfio.VFIO_DEVICE_BIND_IOMMUFD, b);
        int devid = Iommufd.BindIommufd.outDevid(b);
        int ioas = ioasAlloc(io);
        assertNotEquals(devid, ioas, "one id space per iommufd");
        assertEquals("ENOENT", errno(() -> k.ioctl(d, Vfio.VFIO_DEVICE_ATTACH_IOMMUFD_PT,
                Iommufd.AttachIommufdPt.request(999))));
        assertEquals("EINVAL", errno(() -> k.ioctl(d, Vfio.VFIO_DEVICE_ATTACH_IOMMUFD_PT,
                Iommufd.AttachIommufdPt.request(devid))), "a device is no page table");
        byte[] badFlags = Iommufd.AttachIommufdPt.request(ioas);
        VfioBytes.put32(badFlags, Iommufd.AttachIommufdPt.OFF_FLAGS, 2);
        assertEquals("EINVAL", errno(() -> k.ioctl(d, Vfio.VFIO_DEVICE_ATTACH_IOMMUFD_PT, badFlags)));
        byte[] at = Iommufd.AttachIommufdPt.request(ioas);
        k.ioctl(d, Vfio.VFIO_DEVICE_ATTACH_IOMMUFD_PT, at);
        int hwpt = Iommufd.AttachIommufdPt.ptId(at);
        assertTrue(hwpt != ioas && hwpt != devid, "pt_id out is the auto domain's HWPT: " + hwpt);
        byte[] again = Iommufd.AttachIommufdPt.request(hwpt);
        k.ioctl(d, Vfio.VFIO_DEVICE_ATTACH_IOMMUFD_PT, again);
        assertEquals(hwpt, Iommufd.AttachIommufdPt.ptId(again), "attaching to the HWPT itself");
        assertEquals("EBUSY", errno(() -> k.ioctl(io, Vfio.IOMMU_DESTROY, Iommufd.destroy(ioas))));
        assertEquals("EBUSY", errno(() -> k.ioctl(io, Vfio.IOMMU_DESTROY, Iommufd.destroy(devid))));
        byte[] detach = new byte[12];
        VfioBytes.put32(detach, 0, 12);
        k.ioctl(d, Vfio.VFIO_DEVICE_DETACH_IOMMUFD_PT, detach);
        assertEquals(0, k.ioctl(io, Vfio.IOMMU_DESTROY, Iommufd.destroy(ioas)));
        assertEquals("ENOENT", errno(() -> k.ioctl(io, Vfio.IOMMU_DESTROY, Iommufd.destroy(hwpt))),
                "the IOAS took its HWPT with it");
        // the legacy file has no cdev ioctls
        int[] other = LabKernelConformanceTest.openDevice(k, TESTDEV.toString(), 4);
        assertEquals("EINVAL", errno(() -> k.ioctl(other[2], Vfio.VFIO_DEVICE_BIND_IOMMUFD, bind(io))));
        assertEquals("ENOTTY", errno(() -> k.ioctl(other[2], Vfio.VFIO_DEVICE_ATTACH_IOMMUFD_PT,
                Iommufd.AttachIommufdPt.request(ioas))));
    }

    /** IOMMU_IOAS_MAP pins process memory: lab RAM yes, another device's BAR mmap no (EFAULT), once a domain exists. */
    @Test
    void ioasMapPinsMemoryButNotABarMmap() throws Exception {
        int[] peer = LabKernelConformanceTest.openDevice(k, TESTDEV.toString(), 4);
        Mapping bar = k.mmap(peer[2], Vfio.vfioPciIndexToOffset(0), 4096, Kernel.PROT_READ);
        Mapping ram = k.allocateRam(8192);
        int io = k.open("iommu", Kernel.O_RDWR);
        int ioas = ioasAlloc(io);
        int flags = Vfio.IOMMU_IOAS_MAP_FIXED_IOVA | Vfio.IOMMU_IOAS_MAP_READABLE | Vfio.IOMMU_IOAS_MAP_WRITEABLE;
        // no device attached yet: nothing is pinned, the BAR mapping is taken ...
        k.ioctl(io, Vfio.IOMMU_IOAS_MAP, new Iommufd.IoasMap(flags, ioas, bar.vaddr(), 4096, 0x300000).encode());
        int d = k.open(cdev(EDU), Kernel.O_RDWR);
        k.ioctl(d, Vfio.VFIO_DEVICE_BIND_IOMMUFD, bind(io));
        // ... and refused when a device's domain needs its pages
        assertEquals("EFAULT", errno(() -> k.ioctl(d, Vfio.VFIO_DEVICE_ATTACH_IOMMUFD_PT,
                Iommufd.AttachIommufdPt.request(ioas))));
        k.ioctl(io, Vfio.IOMMU_IOAS_UNMAP, Iommufd.IoasUnmap.of(ioas, 0x300000, 4096).encode());
        k.ioctl(d, Vfio.VFIO_DEVICE_ATTACH_IOMMUFD_PT, Iommufd.AttachIommufdPt.request(ioas));
        assertEquals("EFAULT", errno(() -> k.ioctl(io, Vfio.IOMMU_IOAS_MAP,
                new Iommufd.IoasMap(flags, ioas, bar.vaddr(), 4096, 0x300000).encode())));
        assertEquals("EINVAL", errno(() -> k.ioctl(io, Vfio.IOMMU_IOAS_MAP,
                new Iommufd.IoasMap(Vfio.IOMMU_IOAS_MAP_FIXED_IOVA, ioas, ram.vaddr(), 8192, 0x200000).encode())),
                "neither readable nor writeable");
        k.ioctl(io, Vfio.IOMMU_IOAS_MAP, new Iommufd.IoasMap(flags, ioas, ram.vaddr(), 8192, 0x200000).encode());
        assertEquals("EEXIST", errno(() -> k.ioctl(io, Vfio.IOMMU_IOAS_MAP,
                new Iommufd.IoasMap(flags, ioas, ram.vaddr(), 4096, 0x201000).encode())));
    }

    /** The bound device holds the iommufd: closing its fd keeps the IOAS (and the device's DMA) until the unbind. */
    @Test
    void theIommufdLivesWhileADeviceIsBoundToIt() throws Exception {
        int io = k.open("iommu", Kernel.O_RDWR);
        int d = k.open(cdev(EDU), Kernel.O_RDWR);
        k.ioctl(d, Vfio.VFIO_DEVICE_BIND_IOMMUFD, bind(io));
        int ioas = ioasAlloc(io);
        k.ioctl(d, Vfio.VFIO_DEVICE_ATTACH_IOMMUFD_PT, Iommufd.AttachIommufdPt.request(ioas));
        int[] peer = LabKernelConformanceTest.openDevice(k, "0000:00:05.0", 5);
        int buf = LabKernelConformanceTest.exportDmaBuf(k, peer[2], 2, 4096);
        k.ioctl(io, Vfio.IOMMU_IOAS_MAP_FILE, Iommufd.IoasMapFile.of(Vfio.IOMMU_IOAS_MAP_FIXED_IOVA
                | Vfio.IOMMU_IOAS_MAP_READABLE, ioas, buf, 0, 4096, 0x100000).encode());
        k.close(io);
        assertTrue(k.dmaBufInfo().orElseThrow().contains("\tiommu\n"), "the area's attachment stays");
        k.close(d);
        assertFalse(k.dmaBufInfo().orElseThrow().contains("\tiommu\n"), "the unbind dropped the last reference");
    }

    // ---- every fd closed in reverse order, also when the cdev open fails half way (OpenUnwindCheck, on the lab) --

    private record Recorder(List<Integer> acquired, List<Integer> closed, List<String> calls, int failAt) {
    }

    private static Kernel recording(Kernel real, Recorder rec) {
        return (Kernel) Proxy.newProxyInstance(Kernel.class.getClassLoader(), new Class<?>[] {Kernel.class},
                (proxy, m, a) -> {
                    String name = m.getName();
                    if (name.equals("open") || name.equals("ioctl")) {
                        rec.calls().add(name);
                        if (rec.calls().size() == rec.failAt()) {
                            throw new KernelException("injected", "step " + rec.failAt(), Errno.EIO.number(), null);
                        }
                    }
                    if (name.equals("close") && a != null && a.length == 1) {
                        rec.closed().add((Integer) a[0]);
                    }
                    Object r;
                    try {
                        r = m.invoke(real, a);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (name.equals("open")) {
                        rec.acquired().add((Integer) r);
                    }
                    return r;
                });
    }

    @Test
    void aCdevOpenThatFailsAtAnyStepClosesWhatItOpenedInReverse() throws Exception {
        DeviceTarget t = new DeviceTarget(EDU, 3, k.vfioDevices().get(EDU), DeviceTarget.VFIO_PCI);
        Recorder clean = new Recorder(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), 0);
        try (DeviceSession s = DeviceSession.open(recording(k, clean), t, OpenPath.CDEV)) {
            assertEquals(OpenPath.CDEV, s.openPath());
            assertEquals(1, k.openCount(EDU));
        }
        // open iommu, open the cdev, BIND_IOMMUFD, IOAS_ALLOC, ATTACH_IOMMUFD_PT
        assertEquals(5, clean.calls().size(), clean.calls().toString());
        List<Integer> reverse = new ArrayList<>(clean.acquired());
        Collections.reverse(reverse);
        assertEquals(reverse, clean.closed());
        for (int step = 1; step <= 5; step++) {
            Recorder rec = new Recorder(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), step);
            KernelException e = assertThrows(KernelException.class,
                    () -> DeviceSession.open(recording(k, rec), t, OpenPath.CDEV));
            assertTrue(e.getMessage().contains("injected"), e.getMessage());
            List<Integer> want = new ArrayList<>(rec.acquired());
            Collections.reverse(want);
            assertEquals(want, rec.closed(), "step " + step);
            assertEquals(0, k.openCount(EDU), "step " + step + " left the device open");
        }
        try (DeviceSession s = DeviceSession.open(k, t, OpenPath.CDEV)) {
            assertEquals(OpenPath.CDEV, s.openPath(), "and it opens cleanly again");
        }
        try (DeviceSession s = DeviceSession.open(k, t, OpenPath.LEGACY)) {
            assertEquals(OpenPath.LEGACY, s.openPath());
        }
    }
}
