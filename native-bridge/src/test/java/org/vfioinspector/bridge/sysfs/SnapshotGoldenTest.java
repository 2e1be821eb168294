package org.vfioinspector.bridge.sysfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vfioinspector.bridge.model.Blocker;
import org.vfioinspector.bridge.model.HostInventory;
import org.vfioinspector.bridge.model.IommuGroup;
import org.vfioinspector.bridge.model.KernelInfo;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.model.PciDevice;
import org.vfioinspector.bridge.model.Region;
import org.vfioinspector.bridge.model.ReservedRegion;
import org.vfioinspector.bridge.pciids.PciIds;

/**
 * The real Linux 7.2.13 sysfs snapshot of QEMU q35 + VT-d (src/test/resources/sysfs/*.md lists what it holds):
 * every device, every BAR and every group.
 */
class SnapshotGoldenTest {
    @TempDir
    static Path tmp;
    static HostInventory host;

    @BeforeAll
    static void scan() throws Exception {
        Path root = SnapshotFixture.extract(SnapshotFixture.Q35, tmp);
        host = new HostScanner(HostPaths.under(root), PciIds.empty()).scan();
    }

    /** BDF, vendor:device, class, driver ("-" = none), group, regions "INDEX KIND[/pref] START SIZE". */
    static final String[][] DEVICES = {
        {"0000:00:00.0", "8086:29c0", "060000", "-", "0"},
        {"0000:00:01.0", "1af4:1009", "000200", "virtio-pci", "1",
            "0 io 0xd100 64", "1 mem32 0xfeb64000 4K", "4 mem64/pref 0xfe400000 16K"},
        {"0000:00:02.0", "1af4:1009", "000200", "virtio-pci", "2",
            "0 io 0xd1c0 32", "1 mem32 0xfeb65000 4K", "4 mem64/pref 0xfe404000 16K"},
        {"0000:00:03.0", "1234:11e8", "00ff00", "vfio-pci", "3", "0 mem32 0xfea00000 1M"},
        {"0000:00:04.0", "1b36:0005", "00ff00", "vfio-pci", "4", "0 mem32 0xfeb66000 4K", "1 io 0xd000 256"},
        {"0000:00:05.0", "1af4:1110", "050000", "vfio-pci", "5",
            "0 mem32 0xfeb67000 256", "2 mem64/pref 0xfd800000 8M"},
        {"0000:00:06.0", "8086:100e", "020000", "e1000", "6",
            "0 mem32 0xfeb40000 128K", "1 io 0xd140 64", "6 rom/pref 0xfeb00000 256K"},
        {"0000:00:07.0", "1b36:0010", "010802", "nvme", "7", "0 mem64 0xfeb60000 16K"},
        {"0000:00:08.0", "1b36:000c", "060400", "pcieport", "8", "0 mem32 0xfeb68000 4K"},
        {"0000:00:09.0", "1b36:000c", "060400", "pcieport", "9", "0 mem32 0xfeb69000 4K"},
        {"0000:00:1f.0", "8086:2918", "060100", "-", "10"},
        {"0000:00:1f.2", "8086:2922", "010601", "-", "10", "4 io 0xd1e0 32", "5 mem32 0xfeb6a000 4K"},
        {"0000:00:1f.3", "8086:2930", "0c0500", "-", "10", "4 io 0x700 64"},
        {"0000:01:00.0", "8086:10d3", "020000", "vfio-pci", "11", "0 mem32 0xfe840000 128K",
            "1 mem32 0xfe860000 128K", "2 io 0xc000 32", "3 mem32 0xfe880000 16K", "6 rom/pref 0xfe800000 256K"},
        {"0000:02:00.0", "1234:11e8", "00ff00", "vfio-pci", "12", "0 mem32 0xfe600000 1M"},
    };

    static String describe(Region r) {
        return r.index() + " " + r.kind().label() + (r.prefetchable() ? "/pref" : "") + " 0x"
                + Long.toHexString(r.start()) + " " + org.vfioinspector.bridge.model.Sizes.human(r.size());
    }

    @Test
    void everyDeviceAndEveryBar() {
        assertEquals(List.of(), host.failed());
        assertEquals(Arrays.stream(DEVICES).map(d -> d[0]).toList(),
                host.devices().stream().map(d -> d.address().toString()).toList());
        for (String[] row : DEVICES) {
            PciDevice d = host.device(PciAddress.parse(row[0])).orElseThrow();
            assertEquals(row[1], String.format("%04x:%04x", d.vendorId(), d.deviceId()), row[0]);
            assertEquals(row[2], String.format("%06x", d.classCode()), row[0]);
            assertEquals(row[3].equals("-") ? Optional.empty() : Optional.of(row[3]), d.driver(), row[0]);
            assertEquals(Optional.of(Integer.parseInt(row[4])), d.iommuGroup(), row[0]);
            assertEquals(Arrays.asList(row).subList(5, row.length),
                    d.regions().stream().map(SnapshotGoldenTest::describe).toList(), row[0]);
            assertEquals(Optional.of(-1), d.numaNode(), row[0]);
            assertEquals(Optional.empty(), d.vfioDevice(), row[0]);
            assertEquals(Optional.empty(), d.sriov(), row[0]);
        }
    }

    @Test
    void exactRegionValues() {
        Region rom = host.device(PciAddress.parse("0000:01:00.0")).orElseThrow().regions().get(4);
        assertEquals(6, rom.index());
        assertEquals(0xfe800000L, rom.start());
        assertEquals(0xfe83ffffL, rom.end());
        assertEquals(0x46200L, rom.flags());
        assertTrue(rom.readOnly());
        Region bar2 = host.device(PciAddress.parse("0000:00:05.0")).orElseThrow().regions().get(1);
        assertEquals(8L << 20, bar2.size());
        assertEquals(0x14220cL, bar2.flags());
    }

    @Test
    void attributes() {
        PciDevice edu = host.device(PciAddress.parse("0000:02:00.0")).orElseThrow();
        assertEquals(Optional.of(0x10), edu.revision());
        assertEquals(Optional.of(0x1af4), edu.subsystemVendor());
        assertEquals(Optional.of(0x1100), edu.subsystemDevice());
        assertEquals(Optional.of("vfio-pci"), edu.driverOverride());
        assertEquals(List.of(PciAddress.parse("0000:00:09.0")), edu.upstream());
        assertEquals(Optional.of(List.of("bus")), edu.resetMethods());
        PciDevice e1000e = host.device(PciAddress.parse("0000:01:00.0")).orElseThrow();
        assertEquals(List.of(PciAddress.parse("0000:00:08.0")), e1000e.upstream());
        assertEquals(Optional.of(List.of("pm", "bus")), e1000e.resetMethods());
        assertEquals(Optional.of(List.of("flr")),
                host.device(PciAddress.parse("0000:00:07.0")).orElseThrow().resetMethods());
        long withReset = host.devices().stream().filter(d -> d.resetMethods().isPresent()).count();
        assertEquals(3, withReset);
        PciDevice e1000 = host.device(PciAddress.parse("0000:00:06.0")).orElseThrow();
        assertEquals(Optional.empty(), e1000.driverOverride());
        assertEquals(List.of(), e1000.upstream());
        assertTrue(host.device(PciAddress.parse("0000:00:08.0")).orElseThrow().isBridge());
    }

    /** group: devices, reserved regions; all type DMA. */
    @Test
    void everyGroup() {
        ReservedRegion msi = new ReservedRegion(0xfee00000L, 0xfeefffffL, "msi");
        assertEquals(13, host.groups().size());
        for (IommuGroup g : host.groups()) {
            assertEquals(Optional.of("DMA"), g.type(), "group " + g.number());
            List<ReservedRegion> expected = g.number() == 10
                    ? List.of(new ReservedRegion(0, 0xffffffL, "direct-relaxable"), msi) : List.of(msi);
            assertEquals(expected, g.reservedRegions(), "group " + g.number());
        }
        String members = host.groups().stream().map(g -> g.number() + "=" + g.devices().stream()
                .map(PciAddress::toString).collect(Collectors.joining(","))).collect(Collectors.joining(" "));
        assertEquals("0=0000:00:00.0 1=0000:00:01.0 2=0000:00:02.0 3=0000:00:03.0 4=0000:00:04.0 5=0000:00:05.0 "
                + "6=0000:00:06.0 7=0000:00:07.0 8=0000:00:08.0 9=0000:00:09.0 "
                + "10=0000:00:1f.0,0000:00:1f.2,0000:00:1f.3 11=0000:01:00.0 12=0000:02:00.0", members);
    }

    @Test
    void viability() {
        String blocked = host.groups().stream().filter(g -> !g.viability().viable())
                .map(g -> g.number() + ":" + g.viability().blockers().stream()
                        .map(Blocker::driver).collect(Collectors.joining(",")))
                .collect(Collectors.joining(" "));
        // virtio-pci, e1000 and nvme keep their groups; bridges (pcieport) and driverless devices do not
        assertEquals("1:virtio-pci 2:virtio-pci 6:e1000 7:nvme", blocked);
    }

    @Test
    void kernel() {
        assertEquals(new KernelInfo(KernelInfo.UNKNOWN_RELEASE, true, true, true, false, List.of(), false, List.of(),
                false), host.kernel());
    }
}
