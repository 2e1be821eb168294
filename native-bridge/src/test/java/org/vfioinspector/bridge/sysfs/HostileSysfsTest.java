package org.vfioinspector.bridge.sysfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vfioinspector.bridge.model.HostInventory;
import org.vfioinspector.bridge.model.IommuGroup;
import org.vfioinspector.bridge.model.KernelInfo;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.model.ReadFailure;
import org.vfioinspector.bridge.pciids.PciIds;

/**
 * Crafted snapshots (issue 19): each input once stopped the scan with a stack trace, hung it, or made a device
 * vanish or a group look viable. Every one is now one device's (or one fact's) failure naming its file, and every
 * healthy device is still listed.
 */
class HostileSysfsTest {
    @TempDir
    Path tmp;
    FakeSysfs fs;

    @BeforeEach
    void setUp() {
        fs = new FakeSysfs(tmp);
        fs.device("0000:00:01.0").driver("vfio-pci").group(fs.group(1)); // the healthy one
    }

    private HostInventory scan() throws HostUnreadableException {
        return new HostScanner(fs.paths(), PciIds.empty()).scan();
    }

    private static ReadFailure failure(HostInventory h, String subject) {
        return h.failed().stream().filter(f -> f.subject().equals(subject)).findFirst()
                .orElseThrow(() -> new AssertionError("no failure of " + subject + " in " + h.failed()));
    }

    private static void healthyListed(HostInventory h) {
        assertTrue(h.device(PciAddress.parse("0000:00:01.0")).isPresent(), h.failed().toString());
    }

    @Test
    void anElevenDigitVirtfnIsThatDevicesFailure() throws Exception {
        FakeSysfs.Device pf = fs.device("0000:00:02.0").sriov(8, 1);
        FakeSysfs.Device vf = fs.device("0000:00:02.1");
        FakeSysfs.link(pf.dir.resolve("virtfn99999999999"), vf.dir);
        HostInventory h = scan();
        healthyListed(h);
        ReadFailure f = failure(h, "0000:00:02.0");
        assertEquals("bus/pci/devices/0000:00:02.0/virtfn99999999999", f.file());
        assertTrue(f.message().contains("from 0 to 65535"), f.message());
    }

    @Test
    void aResourceThatIsDevZeroIsRefusedUnread() throws Exception {
        FakeSysfs.Device d = fs.device("0000:00:03.0");
        Files.createSymbolicLink(d.dir.resolve("resource"), Path.of("/dev/zero"));
        HostInventory h = scan();
        healthyListed(h);
        ReadFailure f = failure(h, "0000:00:03.0");
        assertTrue(f.message().contains("resource") && f.message().contains("not a regular file"), f.message());
    }

    @Test
    void aFifoInPlaceOfAnAttributeIsRefusedUnread() throws Exception {
        FakeSysfs.Device d = fs.device("0000:00:03.0");
        Files.delete(d.dir.resolve("vendor"));
        mkfifo(d.dir.resolve("vendor"));
        HostInventory h = scan(); // before: blocked in open(2) forever
        healthyListed(h);
        ReadFailure f = failure(h, "0000:00:03.0");
        assertTrue(f.message().contains("vendor") && f.message().contains("special file"), f.message());
    }

    static void mkfifo(Path p) throws Exception {
        // no JDK API makes a FIFO; mkfifo(1) is coreutils. The test makes it; the app never starts a process.
        Process pr = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
        assertEquals(0, pr.waitFor());
    }

    @Test
    void elevenDigitVfioNodesAreLeftOutWithAReason() throws Exception {
        fs.rootFile("dev/vfio/99999999999", "").rootFile("dev/vfio/1", "")
                .rootDir("dev/vfio/devices/vfio99999999999").rootDir("dev/vfio/devices/vfio0");
        HostInventory h = scan();
        healthyListed(h);
        assertEquals(List.of(1), h.kernel().vfioGroupNodes());
        assertEquals(List.of("vfio0"), h.kernel().vfioDeviceNodes());
        List<String> files = h.failed().stream().filter(f -> f.subject().equals(KernelInfoReader.SUBJECT))
                .map(ReadFailure::file).toList();
        assertEquals(List.of("dev/vfio/99999999999", "dev/vfio/devices/vfio99999999999"), files);
    }

    @Test
    void aTwoLineOsreleaseIsAnUnknownReleaseNotTheEnd() throws Exception {
        fs.rootFile("proc/sys/kernel/osrelease", "7.2.0\nforged\n");
        HostInventory h = scan();
        healthyListed(h);
        assertEquals(KernelInfo.UNKNOWN_RELEASE, h.kernel().release());
        assertEquals("proc/sys/kernel/osrelease", failure(h, KernelInfoReader.SUBJECT).file());
    }

    @Test
    void unreadableIommuGroupsDegradeAndNoGroupIsViable() throws Exception {
        // a link loop stands for mode 000 (these tests may run as root, for whom 000 means nothing)
        Path groups = fs.sys("kernel/iommu_groups");
        Path moved = fs.sys("kernel/iommu_groups.real");
        Files.move(groups, moved);
        Files.createSymbolicLink(groups, Path.of("iommu_groups"));
        HostInventory h = scan();
        healthyListed(h);
        IommuGroup g = h.group(1).orElseThrow(); // rebuilt from the device's link, which still resolves
        assertEquals(List.of(PciAddress.parse("0000:00:01.0")), g.devices());
        assertFalse(g.viability().viable(), "a group whose membership cannot be read is never viable");
        assertTrue(failure(h, "iommu groups").message().contains("kernel/iommu_groups"));
    }

    @Test
    void aDeviceItsGroupDoesNotListIsShownInItAndTheGroupIsNotViable() throws Exception {
        FakeSysfs.Group g = fs.group(5);
        FakeSysfs.Device d = fs.device("0000:00:05.0").driver("e1000");
        FakeSysfs.link(d.dir.resolve("iommu_group"), g.dir); // the link, but not the group's devices/ entry
        fs.device("0000:00:06.0").driver("vfio-pci").group(g);
        HostInventory h = scan();
        IommuGroup five = h.group(5).orElseThrow();
        assertEquals(List.of(PciAddress.parse("0000:00:05.0"), PciAddress.parse("0000:00:06.0")), five.devices());
        assertFalse(five.viability().viable());
        assertTrue(failure(h, "iommu group 5").message().contains("0000:00:05.0"));
    }

    @Test
    void aDanglingIommuGroupLinkIsThatDevicesErrorAndTheListingGroupSaysSo() throws Exception {
        FakeSysfs.Group three = fs.group(3);
        FakeSysfs.Device d = fs.device("0000:00:07.0").driver("vfio-pci");
        FakeSysfs.link(three.dir.resolve("devices/0000:00:07.0"), d.dir);
        Files.createSymbolicLink(d.dir.resolve("iommu_group"), Path.of("../../../kernel/iommu_groups/9"));
        HostInventory h = scan();
        ReadFailure f = failure(h, "0000:00:07.0");
        assertEquals("bus/pci/devices/0000:00:07.0/iommu_group", f.file());
        assertTrue(f.message().contains("kernel/iommu_groups/9 does not exist"), f.message());
        IommuGroup g = h.group(3).orElseThrow();
        assertFalse(g.viability().viable());
        assertTrue(g.viability().unknown().get(0).contains("0000:00:07.0"), g.viability().unknown().toString());
    }

    @Test
    void nonCanonicalBdfNamesAreRefusedByName() throws Exception {
        FakeSysfs.Device d = fs.device("0000:00:02.0");
        FakeSysfs.link(fs.sys("bus/pci/devices/ 0000:00:02.0"), d.dir);
        FakeSysfs.link(fs.sys("bus/pci/devices/0000:00:0A.0"), d.dir);
        HostInventory h = scan();
        assertEquals(List.of("0000:00:01.0", "0000:00:02.0"), h.devices().stream()
                .map(x -> x.address().toString()).collect(Collectors.toList()));
        assertTrue(failure(h, " 0000:00:02.0").message().contains("lower-case"));
        assertTrue(failure(h, "0000:00:0A.0").message().contains("lower-case"));
    }
}
