package org.vfioinspector.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `list` on crafted snapshots (issue 19): the text cannot be forged, no device vanishes, messages are words. */
class HostileListTest {
    static final String FORGED = "e1000\nIOMMU group 77 (DMA): viable for VFIO\u001b[2J";

    @TempDir
    Path root;

    private Path sys(String rel) {
        return root.resolve("sys").resolve(rel);
    }

    /** A device at devices/pci0000:00/BDF with the required files and its bus/pci/devices link. */
    private Path device(String bdf) throws Exception {
        Path dir = sys("devices/pci0000:00/" + bdf);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("vendor"), "0x8086\n");
        Files.writeString(dir.resolve("device"), "0x100e\n");
        Files.writeString(dir.resolve("class"), "0x020000\n");
        Files.createDirectories(sys("bus/pci/devices"));
        Files.createSymbolicLink(sys("bus/pci/devices/" + bdf), Path.of("../../../devices/pci0000:00/" + bdf));
        return dir;
    }

    private Path group(int n) throws Exception {
        Path g = sys("kernel/iommu_groups/" + n);
        Files.createDirectories(g.resolve("devices"));
        Files.writeString(g.resolve("type"), "DMA\n");
        return g;
    }

    private static void member(Path dev, Path group, String bdf, boolean listed) throws Exception {
        Files.createSymbolicLink(dev.resolve("iommu_group"), Path.of("../../../kernel/iommu_groups")
                .resolve(group.getFileName()));
        if (listed) {
            Files.createSymbolicLink(group.resolve("devices/" + bdf), Path.of("../../../../devices/pci0000:00/" + bdf));
        }
    }

    @Test
    void aDriverNameCannotForgeALineOrReachTheTerminal() throws Exception {
        Path dev = device("0000:00:03.0");
        Path drv = sys("bus/pci/drivers/" + FORGED);
        Files.createDirectories(drv);
        Files.createSymbolicLink(dev.resolve("driver"), Path.of("../../../bus/pci/drivers/" + FORGED));
        member(dev, group(3), "0000:00:03.0", true);
        Snapshots.Result r = Snapshots.cli("list", "--host", "sysfs:" + root);
        assertEquals(0, r.exit(), r.err());
        assertFalse(r.out().contains("\u001b"), r.out());
        assertFalse(r.out().lines().anyMatch(l -> l.startsWith("IOMMU group 77")), r.out());
        assertTrue(r.out().contains("driver e1000\\nIOMMU group 77 (DMA): viable for VFIO\\x1b[2J"), r.out());
    }

    @Test
    void aDeviceItsGroupDoesNotListIsPrintedAndTheGroupIsNotViable() throws Exception {
        Path g = group(4);
        member(device("0000:00:04.0"), g, "0000:00:04.0", false);
        Snapshots.Result r = Snapshots.cli("list", "--host", "sysfs:" + root);
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("IOMMU group 4 (DMA): NOT viable for VFIO: its membership is unknown"), r.out());
        assertTrue(r.out().contains("\n  0000:00:04.0 [8086:100e]"), r.out());
    }

    @Test
    void unreadableIommuGroupsStillListWithExitZero() throws Exception {
        Path g = group(5);
        member(device("0000:00:05.0"), g, "0000:00:05.0", true);
        // a link loop in place of kernel/iommu_groups: unreadable even for root (mode 000 is not, for root)
        Files.move(sys("kernel/iommu_groups"), sys("kernel/groups.real"));
        Files.createSymbolicLink(sys("kernel/iommu_groups"), Path.of("iommu_groups"));
        Snapshots.Result r = Snapshots.cli("list", "--host", "sysfs:" + root);
        assertEquals(0, r.exit(), r.err() + r.out());
        assertTrue(r.out().contains("0000:00:05.0 [8086:100e]"), r.out());
        assertTrue(r.out().contains("iommu groups: ") && r.out().contains("kernel/iommu_groups"), r.out());
        assertFalse(r.out().contains("viable for VFIO\n"), r.out());
    }

    @Test
    void aPathTheLocaleCannotEncodeIsOneLineSayingWhatToDo() {
        // an unpaired surrogate cannot be encoded in any charset: what LC_ALL=C does to every non-ASCII name
        Snapshots.Result r = Snapshots.cli("list", "--host", "sysfs:/tmp/snap shot \ud800");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("LC_ALL=C.UTF-8"), r.err());
        assertFalse(r.err().contains("Malformed input or input contains unmappable"), r.err());
    }
}
