package org.vfioinspector.bridge.pciids;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vfioinspector.bridge.model.PciNames;

class PciIdsTest {
    static final String TEXT = String.join("\n",
            "#",
            "#\tList of PCI ID's",
            "# Version: 2024.01.01",
            "1234  Technical Corp.",
            "1af4  Red Hat, Inc.",
            "\t1009  Virtio filesystem",
            "\t1110  Inter-VM shared memory",
            "\t\t1af4 1100  QEMU Virtual Machine",
            "8086  Intel Corporation",
            "\t10d3  82574L Gigabit Network Connection",
            "\t\t8086 0000  82574L Gigabit Network Connection",
            "\t\t8086 a01f  Gigabit CT Desktop Adapter",
            "zzzz  not a vendor line",
            "\tbad line",
            "# List of known device classes, subclasses and programming interfaces",
            "C 01  Mass storage controller",
            "\t06  SATA controller",
            "\t\t01  AHCI 1.0",
            "\t08  Non-Volatile memory controller",
            "\t\t02  NVM Express",
            "C 02  Network controller",
            "\t00  Ethernet controller",
            "C ff  Unassigned class",
            "");

    @Test
    void vendorsDevicesSubsystems() {
        PciIds ids = PciIds.parse(TEXT.lines().toList());
        assertEquals(Optional.of("Intel Corporation"), ids.vendor(0x8086));
        assertEquals(Optional.of("Technical Corp."), ids.vendor(0x1234));
        assertEquals(Optional.of("82574L Gigabit Network Connection"), ids.device(0x8086, 0x10d3));
        assertEquals(Optional.of("Inter-VM shared memory"), ids.device(0x1af4, 0x1110));
        assertEquals(Optional.of("Gigabit CT Desktop Adapter"), ids.subsystem(0x8086, 0x10d3, 0x8086, 0xa01f));
        assertEquals(Optional.of("QEMU Virtual Machine"), ids.subsystem(0x1af4, 0x1110, 0x1af4, 0x1100));
        assertEquals(Optional.empty(), ids.device(0x1234, 0x11e8));
        assertEquals(Optional.empty(), ids.vendor(0x10de));
        assertEquals(Optional.empty(), ids.device(0x8086, 0x1009), "devices belong to their vendor");
    }

    @Test
    void classesSubclassesProgIf() {
        PciIds ids = PciIds.parse(TEXT.lines().toList());
        assertEquals(Optional.of("Non-Volatile memory controller"), ids.className(0x010802));
        assertEquals(Optional.of("NVM Express"), ids.progIf(0x010802));
        assertEquals(Optional.of("SATA controller"), ids.className(0x010601));
        assertEquals(Optional.of("AHCI 1.0"), ids.progIf(0x010601));
        assertEquals(Optional.of("Ethernet controller"), ids.className(0x020000));
        assertEquals(Optional.empty(), ids.progIf(0x020000));
        assertEquals(Optional.of("Network controller"), ids.className(0x028000), "falls back to the base class");
        assertEquals(Optional.of("Unassigned class"), ids.className(0xff0000));
        assertEquals(Optional.empty(), ids.className(0x0c0500));
    }

    @Test
    void namesBundle() {
        PciIds ids = PciIds.parse(TEXT.lines().toList());
        PciNames n = ids.names(0x8086, 0x10d3, Optional.of(0x8086), Optional.of(0xa01f), 0x020000);
        assertEquals(new PciNames(Optional.of("Intel Corporation"), Optional.of("82574L Gigabit Network Connection"),
                Optional.of("Gigabit CT Desktop Adapter"), Optional.of("Ethernet controller"), Optional.empty()), n);
        assertEquals(Optional.empty(), ids.names(0x8086, 0x10d3, Optional.empty(), Optional.of(0xa01f), 0x020000)
                .subsystem());
    }

    @Test
    void emptyAndMissing(@TempDir Path tmp) {
        assertTrue(PciIds.empty().isEmpty());
        assertEquals(PciNames.NONE, PciIds.empty().names(0x8086, 0x10d3, Optional.empty(), Optional.empty(), 0x020000));
        PciIds none = PciIds.loadFirst(List.of(tmp.resolve("nope/pci.ids"), tmp.resolve("also-not")));
        assertTrue(none.isEmpty());
        assertEquals(Optional.empty(), none.source());
    }

    @Test
    void loadFirstTakesTheFirstExistingFile(@TempDir Path tmp) throws Exception {
        Path second = tmp.resolve("hwdata/pci.ids");
        Files.createDirectories(second.getParent());
        Files.writeString(second, TEXT);
        PciIds ids = PciIds.loadFirst(List.of(tmp.resolve("misc/pci.ids"), second));
        assertEquals(Optional.of(second), ids.source());
        assertEquals(Optional.of("Red Hat, Inc."), ids.vendor(0x1af4));
    }

    /** The machine's real database (pciutils / hwdata is a build dependency, see .ci/run). */
    @Test
    void realDatabase() {
        PciIds ids = PciIds.loadDefault();
        assertFalse(ids.isEmpty(), "no pci.ids in " + PciIds.DEFAULT_LOCATIONS + ": install pciutils or hwdata");
        assertEquals(Optional.of("Intel Corporation"), ids.vendor(0x8086));
        assertEquals(Optional.of("Red Hat, Inc."), ids.vendor(0x1af4));
        assertEquals(Optional.of("82574L Gigabit Network Connection"), ids.device(0x8086, 0x10d3));
        assertEquals(Optional.of("Ethernet controller"), ids.className(0x020000));
        assertEquals(Optional.of("PCI bridge"), ids.className(0x060400));
        assertEquals(Optional.of("NVM Express"), ids.progIf(0x010802));
    }

    /**
     * A loaded file is split into vendor blocks parsed on first use; every vendor, device and subsystem of the
     * real database must read the same as the whole file parsed at once.
     */
    @Test
    void loadedFileAnswersLikeTheEagerParse(@TempDir Path tmp) throws Exception {
        Path real = PciIds.DEFAULT_LOCATIONS.stream().filter(Files::isRegularFile).findFirst()
                .orElseThrow(() -> new AssertionError("no pci.ids in " + PciIds.DEFAULT_LOCATIONS
                        + ": install pciutils or hwdata"));
        List<String> lines = new String(Files.readAllBytes(real), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        Path small = tmp.resolve("pci.ids");
        Files.writeString(small, TEXT);
        for (List<String> text : List.of(lines, TEXT.lines().toList())) {
            PciIds eager = PciIds.parse(text);
            Path file = text == lines ? real : small;
            PciIds lazy = PciIds.load(file);
            int vendor = -1;
            int device = -1;
            int checked = 0;
            for (String line : text) {
                if (line.matches("[0-9a-f]{4}  .*")) {
                    vendor = Integer.parseInt(line.substring(0, 4), 16);
                    assertEquals(eager.vendor(vendor), lazy.vendor(vendor), line);
                } else if (line.matches("\t[0-9a-f]{4}  .*") && vendor >= 0) {
                    device = Integer.parseInt(line.substring(1, 5), 16);
                    assertEquals(eager.device(vendor, device), lazy.device(vendor, device), line);
                } else if (line.matches("\t\t[0-9a-f]{4} [0-9a-f]{4}  .*") && vendor >= 0) {
                    int sv = Integer.parseInt(line.substring(2, 6), 16);
                    int sd = Integer.parseInt(line.substring(7, 11), 16);
                    assertEquals(eager.subsystem(vendor, device, sv, sd), lazy.subsystem(vendor, device, sv, sd), line);
                } else if (line.startsWith("C ")) {
                    vendor = -1;
                }
                checked++;
            }
            for (int cls : List.of(0x010802, 0x020000, 0x060400, 0x030200, 0x0c0330, 0xff0000, 0x123456)) {
                assertEquals(eager.className(cls), lazy.className(cls));
                assertEquals(eager.progIf(cls), lazy.progIf(cls));
            }
            assertEquals(eager.vendor(0x10de), lazy.vendor(0x10de));
            assertEquals(eager.vendor(0xfffd), lazy.vendor(0xfffd));
            assertFalse(lazy.isEmpty());
            assertTrue(checked > 10);
        }
    }
}
