package org.vfioinspector.bridge.sysfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vfioinspector.bridge.model.Blocker;
import org.vfioinspector.bridge.model.HostInventory;
import org.vfioinspector.bridge.model.IommuGroup;
import org.vfioinspector.bridge.model.KernelInfo;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.model.PciDevice;
import org.vfioinspector.bridge.model.ReadFailure;
import org.vfioinspector.bridge.model.RegionKind;
import org.vfioinspector.bridge.model.ReservedRegion;
import org.vfioinspector.bridge.model.Sriov;
import org.vfioinspector.bridge.pciids.PciIds;

/** Whole-host scans over fake sysfs trees with the kernel's link shapes. */
class HostScannerTreeTest {
    @TempDir
    Path tmp;
    FakeSysfs fs;

    @BeforeEach
    void setUp() {
        fs = new FakeSysfs(tmp);
    }

    private HostInventory scan() throws HostUnreadableException {
        return new HostScanner(fs.paths(), PciIds.empty()).scan();
    }

    private static PciAddress a(String bdf) {
        return PciAddress.parse(bdf);
    }

    @Test
    void linkShapesAreTheKernels() throws Exception {
        FakeSysfs.Group g = fs.group(11);
        fs.device("0000:00:08.0").classCode("0x060400").driver("pcieport");
        fs.device("0000:01:00.0", List.of("0000:00:08.0")).driver("vfio-pci").group(g);
        assertEquals("../../../devices/pci0000:00/0000:00:08.0/0000:01:00.0",
                Files.readSymbolicLink(fs.sys("bus/pci/devices/0000:01:00.0")).toString());
        Path dev = fs.sys("devices/pci0000:00/0000:00:08.0/0000:01:00.0");
        assertEquals("../../../../bus/pci/drivers/vfio-pci", Files.readSymbolicLink(dev.resolve("driver")).toString());
        assertEquals("../../../../kernel/iommu_groups/11",
                Files.readSymbolicLink(dev.resolve("iommu_group")).toString());
        assertEquals("../../../../devices/pci0000:00/0000:00:08.0/0000:01:00.0",
                Files.readSymbolicLink(fs.sys("kernel/iommu_groups/11/devices/0000:01:00.0")).toString());
        assertEquals("../../../bus/pci/drivers/pcieport",
                Files.readSymbolicLink(fs.sys("devices/pci0000:00/0000:00:08.0/driver")).toString());
        assertEquals(dev.toRealPath(), fs.sys("kernel/iommu_groups/11/devices/0000:01:00.0").toRealPath());
    }

    @Test
    void fullDevice() throws Exception {
        FakeSysfs.Group g = fs.group(3);
        fs.device("0000:00:03.0").ids("0x1234", "0x11e8").classCode("0x00ff00").file("revision", "0x10\n")
                .file("numa_node", "0\n").file("reset_method", "flr bus\n").file("driver_override", "vfio-pci\n")
                .resource("0x00000000fea00000 0x00000000feafffff 0x0000000000040200", "", "0x00000000fd800000 "
                        + "0x00000000fdffffff 0x000000000014220c").driver("vfio-pci").group(g).vfioDev("vfio0");
        HostInventory h = scan();
        assertEquals(List.of(), h.failed());
        PciDevice d = h.device(a("0000:00:03.0")).orElseThrow();
        assertEquals(0x1234, d.vendorId());
        assertEquals(0x11e8, d.deviceId());
        assertEquals(Optional.of(0x8086), d.subsystemVendor());
        assertEquals(Optional.of(0x10), d.revision());
        assertEquals(0x00ff00, d.classCode());
        assertEquals(Optional.of("vfio-pci"), d.driver());
        assertEquals(Optional.of("vfio-pci"), d.driverOverride());
        assertEquals(Optional.of(3), d.iommuGroup());
        assertEquals(Optional.of(0), d.numaNode());
        assertEquals(Optional.of(List.of("flr", "bus")), d.resetMethods());
        assertEquals(Optional.of("vfio0"), d.vfioDevice());
        assertEquals(List.of(), d.upstream());
        assertEquals(2, d.regions().size());
        assertEquals(RegionKind.MEM32, d.regions().get(0).kind());
        assertEquals(2, d.regions().get(1).index());
        assertEquals(RegionKind.MEM64, d.regions().get(1).kind());
        assertTrue(d.regions().get(1).prefetchable());

        IommuGroup group = h.group(3).orElseThrow();
        assertEquals(Optional.of("DMA"), group.type());
        assertEquals(List.of(new ReservedRegion(0xfee00000L, 0xfeefffffL, "msi")), group.reservedRegions());
        assertEquals(List.of(a("0000:00:03.0")), group.devices());
        assertTrue(group.viability().viable());
    }

    @Test
    void equalValuesOfOneScanAreOneInstance() throws Exception {
        // a big host repeats drivers, IDs, bridges and reserved regions (BENCHMARKS.md, ninth round): held once
        FakeSysfs.Group g1 = fs.group(1);
        FakeSysfs.Group g2 = fs.group(2);
        fs.device("0000:00:08.0").classCode("0x060400").driver("pcieport");
        fs.device("0000:01:00.0", List.of("0000:00:08.0")).file("revision", "0x01\n").file("numa_node", "0\n")
                .file("reset_method", "flr\n").driver("vfio-pci").group(g1);
        fs.device("0000:01:00.1", List.of("0000:00:08.0")).file("revision", "0x01\n").file("numa_node", "0\n")
                .file("reset_method", "flr\n").driver("vfio-pci").group(g2);
        HostInventory h = scan();
        assertEquals(List.of(), h.failed());
        PciDevice bridge = h.device(a("0000:00:08.0")).orElseThrow();
        PciDevice f0 = h.device(a("0000:01:00.0")).orElseThrow();
        PciDevice f1 = h.device(a("0000:01:00.1")).orElseThrow();
        assertEquals(List.of(a("0000:00:08.0")), f0.upstream());
        assertSame(f0.upstream(), f1.upstream());
        assertSame(bridge.address(), f0.upstream().get(0));
        assertSame(f0.driver(), f1.driver());
        assertSame(f0.revision(), f1.revision());
        assertSame(f0.numaNode(), f1.numaNode());
        assertSame(f0.resetMethods(), f1.resetMethods());
        assertSame(f0.names(), f1.names());
        assertSame(f0.address(), h.group(1).orElseThrow().devices().get(0));
        assertEquals(h.group(1).orElseThrow().reservedRegions(), h.group(2).orElseThrow().reservedRegions());
        assertSame(h.group(1).orElseThrow().reservedRegions(), h.group(2).orElseThrow().reservedRegions());
        assertSame(h.group(1).orElseThrow().type(), h.group(2).orElseThrow().type());
        // what differs stays apart
        assertEquals(Optional.of(1), f0.iommuGroup());
        assertEquals(Optional.of(2), f1.iommuGroup());
    }

    /** A config header: vendor, device, revision, class, header type and (type 0) subsystem IDs; the rest zero. */
    private static byte[] header(int length, int vendor, int device, int revision, int headerType, int subVendor,
                                 int subDevice) {
        byte[] b = new byte[length];
        java.nio.ByteBuffer le = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        le.putShort(0, (short) vendor).putShort(2, (short) device);
        if (length > 0x2f) {
            b[8] = (byte) revision;
            b[0x0e] = (byte) headerType;
            le.putShort(0x2c, (short) subVendor).putShort(0x2e, (short) subDevice);
        }
        return b;
    }

    @Test
    void theIdsComeFromTheConfigHeaderNotFiveFiles() throws Exception {
        FakeSysfs.Device dev = fs.device("0000:00:03.0").remove("vendor").remove("device").remove("revision")
                .remove("subsystem_vendor").remove("subsystem_device");
        Files.write(dev.dir.resolve("config"), header(64, 0x1af4, 0x1041, 0x01, 0, 0x1af4, 0x1100));
        // an endpoint's full config space without an SR-IOV capability: its sriov files are not read (this one
        // would fail the device)
        FakeSysfs.Device full = fs.device("0000:00:04.0").file("sriov_totalvfs", "many\n");
        Files.write(full.dir.resolve("config"), header(4096, 0x8086, 0x10d3, 0, 0, 0x8086, 0));
        HostInventory h = scan();
        assertEquals(List.of(), h.failed());
        PciDevice d = h.device(a("0000:00:03.0")).orElseThrow();
        assertEquals(0x1af4, d.vendorId());
        assertEquals(0x1041, d.deviceId());
        assertEquals(Optional.of(0x01), d.revision());
        assertEquals(Optional.of(0x1af4), d.subsystemVendor());
        assertEquals(Optional.of(0x1100), d.subsystemDevice());
        assertEquals(0x020000, d.classCode(), "the class is the kernel's file (a quirk may change it)");
        assertEquals(64, d.config().orElseThrow().readable());
        assertEquals(Optional.empty(), h.device(a("0000:00:04.0")).orElseThrow().sriov());
    }

    @Test
    void vfioDevIsReadWhereSysfsListsItWhateverDevShows() throws Exception {
        fs.device("0000:00:03.0").driver("vfio-pci").vfioDev("vfio0");
        fs.device("0000:00:04.0").driver("e1000").vfioDev("vfio1"); // not a VFIO driver: never asked
        assertEquals(Optional.of("vfio0"), scan().device(a("0000:00:03.0")).orElseThrow().vfioDevice(),
                "no dev/ tree (a snapshot)");
        assertEquals(Optional.empty(), scan().device(a("0000:00:04.0")).orElseThrow().vfioDevice());
        // Debian's 7.2.13 kernel in the harness: sysfs lists vfio-dev/vfio0, dev/vfio has no devices/
        fs.rootDir("dev/vfio");
        assertEquals(Optional.of("vfio0"), scan().device(a("0000:00:03.0")).orElseThrow().vfioDevice(),
                "dev/vfio without devices/ says nothing about sysfs's vfio-dev");
    }

    @Test
    void aKernelWithoutCdevsStopsBeingAskedOnceAVfioDeviceShowsNone() throws Exception {
        // one cdev or none per kernel: after the first VFIO device without vfio-dev the others are not asked,
        // unless one with it was seen (then every device is asked)
        fs.device("0000:00:03.0").driver("vfio-pci");
        fs.device("0000:00:04.0").driver("vfio-pci").vfioDev("vfio0");
        PciDeviceReader reader = new PciDeviceReader(fs.paths(), PciIds.empty());
        assertEquals(Optional.of("vfio0"), reader.read("0000:00:04.0").vfioDevice(), "seen first: asked");
        assertEquals(Optional.empty(), reader.read("0000:00:03.0").vfioDevice());
        assertEquals(Optional.of("vfio0"), reader.read("0000:00:04.0").vfioDevice(), "a cdev seen: still asked");
        PciDeviceReader none = new PciDeviceReader(fs.paths(), PciIds.empty());
        assertEquals(Optional.empty(), none.read("0000:00:03.0").vfioDevice());
        assertEquals(Optional.empty(), none.read("0000:00:04.0").vfioDevice(), "none seen first: not asked");
    }

    @Test
    void theFilesStandInWhereTheHeaderCannot() throws Exception {
        // an SR-IOV VF's header reads ffff for vendor and device: the kernel's files have the IDs
        FakeSysfs.Device vf = fs.device("0000:00:05.0").ids("0x15b3", "0x101e").file("revision", "0x02\n");
        Files.write(vf.dir.resolve("config"), header(256, 0xffff, 0xffff, 0, 0, 0x15b3, 0x0040));
        // a header cut short: the files
        FakeSysfs.Device cut = fs.device("0000:00:06.0").ids("0x8086", "0x1234");
        Files.write(cut.dir.resolve("config"), header(32, 0x1111, 0x2222, 0, 0, 0, 0));
        // a bridge's subsystem IDs are in its SSVID capability, not at 0x2c: its files
        FakeSysfs.Device bridge = fs.device("0000:00:07.0").classCode("0x060400").file("subsystem_vendor",
                "0x1b36\n").file("subsystem_device", "0x0000\n");
        Files.write(bridge.dir.resolve("config"), header(256, 0x1b36, 0x000c, 0, 1, 0xdead, 0xbeef));
        HostInventory h = scan();
        assertEquals(List.of(), h.failed());
        PciDevice d = h.device(a("0000:00:05.0")).orElseThrow();
        assertEquals(0x15b3, d.vendorId());
        assertEquals(0x101e, d.deviceId());
        assertEquals(Optional.of(0x02), d.revision());
        PciDevice c = h.device(a("0000:00:06.0")).orElseThrow();
        assertEquals(0x8086, c.vendorId());
        assertEquals(0x1234, c.deviceId());
        PciDevice b = h.device(a("0000:00:07.0")).orElseThrow();
        assertEquals(0x1b36, b.vendorId());
        assertEquals(0x000c, b.deviceId());
        assertEquals(Optional.of(0x1b36), b.subsystemVendor());
        assertEquals(Optional.of(0x0000), b.subsystemDevice());
    }

    @Test
    void missingOptionalFilesAreAbsentNotErrors() throws Exception {
        fs.device("0000:00:1f.0").remove("subsystem_vendor").remove("subsystem_device").remove("revision")
                .remove("numa_node").remove("driver_override");
        FakeSysfs.Group g = fs.group(0).remove("type").remove("reserved_regions");
        fs.device("0000:00:00.0").group(g);
        HostInventory h = scan();
        assertEquals(List.of(), h.failed());
        PciDevice d = h.device(a("0000:00:1f.0")).orElseThrow();
        assertEquals(Optional.empty(), d.subsystemVendor());
        assertEquals(Optional.empty(), d.subsystemDevice());
        assertEquals(Optional.empty(), d.revision());
        assertEquals(Optional.empty(), d.numaNode());
        assertEquals(Optional.empty(), d.driverOverride());
        assertEquals(Optional.empty(), d.driver());
        assertEquals(Optional.empty(), d.iommuGroup());
        assertEquals(Optional.empty(), d.resetMethods());
        assertEquals(Optional.empty(), d.vfioDevice());
        assertEquals(Optional.empty(), d.sriov());
        assertEquals(Optional.empty(), d.physfn());
        assertEquals(List.of(), d.regions(), "no resource file: no regions");
        IommuGroup group = h.group(0).orElseThrow();
        assertEquals(Optional.empty(), group.type());
        assertEquals(List.of(), group.reservedRegions());
        assertEquals(List.of(d), h.ungrouped());
    }

    @Test
    void malformedFileFailsOnlyThatDevice() throws Exception {
        FakeSysfs.Group g = fs.group(4);
        fs.device("0000:00:04.0").group(g).driver("e1000").file("vendor", "intel\n");
        fs.device("0000:00:05.0").resource("0x00000000feb67000 0x00000000feb670ff");
        fs.device("0000:00:06.0");
        HostInventory h = scan();
        assertEquals(List.of(a("0000:00:06.0")), h.devices().stream().map(PciDevice::address).toList());
        assertEquals(2, h.failed().size());
        ReadFailure vendor = h.failed().get(0);
        assertEquals("0000:00:04.0", vendor.subject());
        assertEquals("bus/pci/devices/0000:00:04.0/vendor", vendor.file());
        assertEquals(Optional.of("intel\n"), vendor.text());
        assertTrue(vendor.message().contains("0x and 4 hex digits"), vendor.message());
        ReadFailure resource = h.failed().get(1);
        assertEquals("bus/pci/devices/0000:00:05.0/resource", resource.file());
        assertEquals(Optional.of("0x00000000feb67000 0x00000000feb670ff"), resource.text());
        // the failed device's group is still listed, judged by its driver link
        IommuGroup group = h.group(4).orElseThrow();
        assertEquals(List.of(a("0000:00:04.0")), group.devices());
        assertEquals(List.of(new Blocker(a("0000:00:04.0"), "e1000")), group.viability().blockers());
    }

    @Test
    void missingRequiredFileFailsTheDevice() throws Exception {
        fs.device("0000:00:04.0").remove("class");
        fs.device("0000:00:05.0");
        HostInventory h = scan();
        assertEquals(1, h.devices().size());
        assertEquals("bus/pci/devices/0000:00:04.0/class", h.failed().get(0).file());
        assertEquals(Optional.empty(), h.failed().get(0).text());
    }

    @Test
    void aDeviceThatVanishesMidScanIsReportedGoneAndTheRestIsListed() throws Exception {
        FakeSysfs.Group g = fs.group(3);
        fs.device("0000:00:04.0").driver("vfio-pci").group(g);
        fs.device("0000:00:05.0").driver("vfio-pci").group(g);
        fs.device("0000:00:06.0").driver("e1000");
        // the listing still names 0000:00:05.0, but its directory is gone (removed between readdir and the reads)
        Path dir = fs.sys("bus/pci/devices/0000:00:05.0").toRealPath();
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        HostInventory h = scan();
        assertEquals(List.of(a("0000:00:04.0"), a("0000:00:06.0")), h.devices().stream().map(d -> d.address())
                .toList());
        assertEquals(1, h.failed().size());
        assertEquals("0000:00:05.0", h.failed().get(0).subject());
        assertTrue(h.failed().get(0).message().startsWith(HostScanner.GONE), h.failed().get(0).message());
        assertEquals(3, h.groups().get(0).number());
    }

    @Test
    void nonViableGroupNamesBlockers() throws Exception {
        FakeSysfs.Group g = fs.group(10);
        fs.device("0000:00:1f.0").classCode("0x060100").driver("lpc_ich").group(g);
        fs.device("0000:00:1f.2").classCode("0x010601").driver("vfio-pci").group(g);
        fs.device("0000:00:1f.3").classCode("0x0c0500").driver("i801_smbus").group(g);
        fs.device("0000:00:1f.4").classCode("0x0c0500").driver("pci-stub").group(g);
        fs.device("0000:00:1f.5").classCode("0x0c0500").group(g);
        IommuGroup group = scan().group(10).orElseThrow();
        assertFalse(group.viability().viable());
        assertEquals(List.of(new Blocker(a("0000:00:1f.0"), "lpc_ich"), new Blocker(a("0000:00:1f.3"), "i801_smbus")),
                group.viability().blockers());
        assertEquals(5, group.devices().size());
    }

    @Test
    void bridgeInAGroupIsAllowedWhateverItsDriver() throws Exception {
        FakeSysfs.Group g = fs.group(1);
        fs.device("0000:00:01.0").classCode("0x060400").driver("pcieport").group(g);
        fs.device("0000:01:00.0", List.of("0000:00:01.0")).driver("vfio-pci").group(g);
        fs.device("0000:01:00.1", List.of("0000:00:01.0")).group(g);
        HostInventory h = scan();
        IommuGroup group = h.group(1).orElseThrow();
        assertTrue(group.viability().viable(), group.toString());
        assertTrue(h.device(a("0000:00:01.0")).orElseThrow().isBridge());
        assertEquals(List.of(a("0000:00:01.0")), h.device(a("0000:01:00.0")).orElseThrow().upstream());

        // a non-bridge on the same driver blocks
        fs.device("0000:00:02.0").classCode("0x020000").driver("pcieport").group(g);
        assertEquals(List.of(new Blocker(a("0000:00:02.0"), "pcieport")),
                scan().group(1).orElseThrow().viability().blockers());
    }

    @Test
    void upstreamChainThroughASwitch() throws Exception {
        fs.device("0000:00:01.0").classCode("0x060400");
        fs.device("0000:01:00.0", List.of("0000:00:01.0")).classCode("0x060400");
        fs.device("0000:02:01.0", List.of("0000:00:01.0", "0000:01:00.0")).classCode("0x060400");
        fs.device("0000:03:00.0", List.of("0000:00:01.0", "0000:01:00.0", "0000:02:01.0"));
        assertEquals(List.of(a("0000:00:01.0"), a("0000:01:00.0"), a("0000:02:01.0")),
                scan().device(a("0000:03:00.0")).orElseThrow().upstream());
    }

    /**
     * The kernel's link text ("../../../devices/...") is read as text; a link written any other way (a "." or ".."
     * part, an absolute target, a copied tree's plain directory) by the Path walk, to the same chain.
     */
    @Test
    void upstreamChainWhateverTheLinkLooksLike() throws Exception {
        fs.device("0000:00:01.0").classCode("0x060400");
        fs.device("0000:01:00.0", List.of("0000:00:01.0")).classCode("0x060400");
        fs.device("0000:02:00.0", List.of("0000:00:01.0", "0000:01:00.0"));
        List<PciAddress> chain = List.of(a("0000:00:01.0"), a("0000:01:00.0"));
        Path link = tmp.resolve("sys/bus/pci/devices/0000:02:00.0");
        Path real = link.toRealPath();
        assertEquals("../../../devices/pci0000:00/0000:00:01.0/0000:01:00.0/0000:02:00.0",
                Files.readSymbolicLink(link).toString());
        assertEquals(chain, scan().device(a("0000:02:00.0")).orElseThrow().upstream(), "the kernel's link");
        for (String text : List.of("../../../devices/./pci0000:00/0000:00:01.0/0000:01:00.0/0000:02:00.0",
                "../../../devices/pci0000:00/0000:00:01.0/../0000:00:01.0/0000:01:00.0/0000:02:00.0",
                real.toString())) {
            Files.delete(link);
            Files.createSymbolicLink(link, Path.of(text));
            assertEquals(chain, scan().device(a("0000:02:00.0")).orElseThrow().upstream(), text);
        }
    }

    @Test
    void sriovPhysfnAndVirtfn() throws Exception {
        FakeSysfs.Device pf = fs.device("0000:03:00.0").sriov(8, 2).driver("ixgbe");
        FakeSysfs.Device vf0 = fs.device("0000:03:10.0").ids("0x8086", "0x10ed");
        FakeSysfs.Device vf1 = fs.device("0000:03:10.2").ids("0x8086", "0x10ed");
        pf.virtfn(1, vf1).virtfn(0, vf0);
        HostInventory h = scan();
        assertEquals(List.of(), h.failed());
        assertEquals(Optional.of(new Sriov(8, 2, List.of(a("0000:03:10.0"), a("0000:03:10.2")))),
                h.device(a("0000:03:00.0")).orElseThrow().sriov());
        assertEquals(Optional.empty(), h.device(a("0000:03:00.0")).orElseThrow().physfn());
        assertEquals(Optional.of(a("0000:03:00.0")), h.device(a("0000:03:10.2")).orElseThrow().physfn());
        assertEquals(Optional.empty(), h.device(a("0000:03:10.2")).orElseThrow().sriov());
    }

    @Test
    void malformedSriovCountFailsTheDevice() throws Exception {
        fs.device("0000:03:00.0").sriov(8, 2).file("sriov_numvfs", "two\n");
        ReadFailure f = scan().failed().get(0);
        assertEquals("bus/pci/devices/0000:03:00.0/sriov_numvfs", f.file());
    }

    @Test
    void malformedGroupFileIsReportedAndGroupStillListed() throws Exception {
        FakeSysfs.Group g = fs.group(7).file("reserved_regions", "0xfee00000 msi\n");
        fs.device("0000:00:07.0").group(g).driver("nvme");
        HostInventory h = scan();
        IommuGroup group = h.group(7).orElseThrow();
        assertEquals(List.of(), group.reservedRegions());
        assertEquals(List.of(new Blocker(a("0000:00:07.0"), "nvme")), group.viability().blockers());
        assertEquals(1, h.failed().size());
        assertEquals("iommu group 7", h.failed().get(0).subject());
        assertEquals("kernel/iommu_groups/7/reserved_regions", h.failed().get(0).file());
        assertEquals(1, h.devices().size());
    }

    @Test
    void badDirectoryNameFailsOnlyThatEntry() throws Exception {
        fs.device("0000:00:03.0");
        FakeSysfs.mkdirs(fs.sys("bus/pci/devices/not-a-bdf"));
        HostInventory h = scan();
        assertEquals(1, h.devices().size());
        assertEquals("not-a-bdf", h.failed().get(0).subject());
    }

    @Test
    void kernelInfo() throws Exception {
        fs.rootFile("proc/sys/kernel/osrelease", "6.8.0-45-generic\n")
                .rootDir("sys/module/vfio").rootDir("sys/module/vfio_pci").rootDir("sys/class/iommu/dmar0")
                .rootFile("dev/vfio/vfio", "").rootFile("dev/vfio/12", "").rootFile("dev/vfio/3", "")
                .rootFile("dev/vfio/devices/vfio10", "").rootFile("dev/vfio/devices/vfio2", "")
                .rootFile("dev/iommu", "");
        KernelInfo k = scan().kernel();
        assertEquals(new KernelInfo("6.8.0-45-generic", true, true, true, false, List.of(3, 12), true,
                List.of("vfio2", "vfio10"), true), k);
    }

    @Test
    void kernelInfoOfABareTree() throws Exception {
        assertEquals(new KernelInfo("unknown", false, false, false, false, List.of(), false, List.of(), false),
                scan().kernel());
    }

    @Test
    void groupsAloneMeanAnIommuIsActive() throws Exception {
        fs.device("0000:00:00.0").group(fs.group(0));
        assertTrue(scan().kernel().iommuActive());
    }

    @Test
    void noPciDevicesDirectoryIsUnreadable(@TempDir Path empty) {
        HostUnreadableException e = assertThrows(HostUnreadableException.class,
                () -> new HostScanner(HostPaths.under(empty), PciIds.empty()).scan());
        assertTrue(e.getMessage().contains("bus/pci/devices"), e.getMessage());
    }

    @Test
    void namesComeFromPciIds() throws Exception {
        fs.device("0000:00:06.0");
        PciIds ids = PciIds.parse(List.of("8086  Intel Corporation", "\t10d3  82574L Gigabit Network Connection",
                "C 02  Network controller", "\t00  Ethernet controller"));
        PciDevice d = new HostScanner(fs.paths(), ids).scan().devices().get(0);
        assertEquals(Optional.of("Intel Corporation"), d.names().vendor());
        assertEquals(Optional.of("82574L Gigabit Network Connection"), d.names().device());
        assertEquals(Optional.of("Ethernet controller"), d.names().className());
    }
}
