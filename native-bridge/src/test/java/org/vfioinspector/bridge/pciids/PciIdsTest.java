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
}
