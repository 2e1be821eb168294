package org.vfioinspector.bridge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vfioinspector.bridge.config.Capability.Detail;
import org.vfioinspector.bridge.sysfs.SnapshotFixture;

class ConfigSpaceParserTest {
    static final String F = "bus/pci/devices/0000:00:03.0/config";

    /** A header with a capability list starting at {@code first}. */
    static byte[] header(int size, int first) {
        byte[] b = new byte[size];
        b[0] = (byte) 0x86;
        b[1] = (byte) 0x80;
        b[6] = 0x10; // PCI_STATUS_CAP_LIST
        b[0x34] = (byte) first;
        return b;
    }

    static void cap(byte[] b, int at, int id, int next) {
        b[at] = (byte) id;
        b[at + 1] = (byte) next;
    }

    static void ext(byte[] b, int at, int id, int version, int next) {
        int h = id | version << 16 | next << 20;
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (h >>> (8 * i));
        }
    }

    static void put16(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
    }

    static void put32(byte[] b, int at, int v) {
        put16(b, at, v);
        put16(b, at + 2, v >>> 16);
    }

    @Test
    void decodesEveryNamedCapability() {
        byte[] b = header(4096, 0x40);
        b[0x0e] = (byte) 0x80; // multifunction
        cap(b, 0x40, 0x01, 0x50);
        put16(b, 0x42, 0x0003);
        put16(b, 0x44, 0x0003); // D3hot
        cap(b, 0x50, 0x05, 0x60);
        put16(b, 0x52, 0x0081 | (2 << 1) | (1 << 4)); // enabled, 4 capable, 2 enabled, 64-bit
        cap(b, 0x60, 0x11, 0x70);
        put16(b, 0x62, 0x8000 | 64); // enabled, 65 entries
        put32(b, 0x64, 0x2000 | 4);
        put32(b, 0x68, 0x3000 | 4);
        cap(b, 0x70, 0x09, 0x80);
        cap(b, 0x80, 0x10, 0);
        put16(b, 0x82, 0x0002 | (6 << 4)); // v2, downstream port
        put32(b, 0x8c, 4 | (16 << 4)); // LnkCap 16GT/s x16
        put16(b, 0x92, 3 | (8 << 4)); // LnkSta 8GT/s x8
        ext(b, 0x100, 0x0001, 2, 0x148);
        ext(b, 0x148, 0x000d, 1, 0x150);
        put16(b, 0x14c, 0x5f); // SV TB RR CR UF DT
        put16(b, 0x14e, 0x1d); // SV RR CR UF
        ext(b, 0x150, 0x0015, 1, 0x180);
        put32(b, 0x154, (1 << 12) | (1 << 20)); // 256M and 64G supported
        put32(b, 0x158, 1 | (1 << 5) | (16 << 8)); // BAR1, one resizable BAR, current 64G
        ext(b, 0x180, 0x0010, 1, 0x1c0);
        put16(b, 0x188, 1);
        put16(b, 0x18e, 16);
        put16(b, 0x190, 2);
        put16(b, 0x194, 1);
        put16(b, 0x19a, 0x101e);
        put32(b, 0x1a4, 0xfe000000);
        ext(b, 0x1c0, 0x000f, 1, 0x1d0);
        ext(b, 0x1d0, 0x0013, 1, 0x1e0);
        ext(b, 0x1e0, 0x001b, 1, 0);

        ConfigSpace c = ConfigSpaceParser.parse(F, b);
        assertEquals(List.of(), c.problems());
        assertEquals(4096, c.readable());
        assertTrue(c.multifunction());
        assertEquals(List.of("PM", "MSI", "MSI-X", "Vendor-specific", "PCIe", "AER", "ACS", "ReBAR", "SR-IOV",
                "ATS", "PRI", "PASID"), c.capabilities().stream().map(Capability::id).toList());
        assertEquals(List.of(0x40, 0x50, 0x60, 0x70, 0x80, 0x100, 0x148, 0x150, 0x180, 0x1c0, 0x1d0, 0x1e0),
                c.capabilities().stream().map(Capability::offset).toList());
        assertTrue(c.d3hot());
        assertEquals("D3hot", c.pm().orElseThrow().stateName());
        assertEquals(new Detail.Msi(true, 2, 4, true, false), c.detail(Detail.Msi.class).orElseThrow());
        assertEquals(new Detail.Msix(true, false, 65, 4, 0x2000, 4, 0x3000), c.msix().orElseThrow());
        Detail.Pcie p = c.pcie().orElseThrow();
        assertEquals("switch-downstream", p.portType());
        assertEquals(new Detail.Link("16GT/s", 16, "8GT/s", 8), p.link().orElseThrow());
        assertEquals(List.of("SV", "TB", "RR", "CR", "UF", "DT"), c.acs().orElseThrow().capability());
        assertEquals(List.of("SV", "RR", "CR", "UF"), c.acs().orElseThrow().control());
        Detail.RebarEntry rb = c.rebar().orElseThrow().bars().get(0);
        assertEquals(1, rb.bar());
        assertEquals(64L << 30, rb.currentSize());
        assertEquals(List.of(256L << 20, 64L << 30), rb.supportedSizes());
        Detail.Sriov s = c.detail(Detail.Sriov.class).orElseThrow();
        assertEquals(16, s.totalVfs());
        assertEquals(2, s.numVfs());
        assertEquals(1, s.vfOffset());
        assertEquals(0x101e, s.vfDeviceId());
        assertEquals(0xfe000000L, s.vfBars().get(0));
        assertTrue(c.capabilities().get(7).extended());
    }

    @Test
    void aLoopEndsTheListWithAProblemAndKeepsWhatCameBefore() {
        byte[] b = header(256, 0x40);
        cap(b, 0x40, 0x01, 0x50);
        cap(b, 0x50, 0x05, 0x40); // back to 0x40
        ConfigSpace c = ConfigSpaceParser.parse(F, b);
        assertEquals(List.of("PM", "MSI"), c.capabilities().stream().map(Capability::id).toList());
        assertEquals(1, c.problems().size());
        ConfigSpace.Problem pr = c.problems().get(0);
        assertEquals(F, pr.file());
        assertEquals(0x51, pr.offset());
        assertTrue(pr.message().contains("loop"), pr.message());
    }

    @Test
    void anOutOfRangePointerIsAProblem() {
        byte[] b = header(256, 0x40);
        cap(b, 0x40, 0x01, 0x20); // into the header
        ConfigSpace c = ConfigSpaceParser.parse(F, b);
        assertEquals(1, c.capabilities().size());
        assertEquals(0x41, c.problems().get(0).offset());
        assertTrue(c.problems().get(0).message().contains("outside 0x40-0xfe"), c.problems().get(0).message());
    }

    @Test
    void aTruncatedFileSaysWhatWasReadable() {
        byte[] b = header(64, 0x40);
        ConfigSpace c = ConfigSpaceParser.parse(F, b);
        assertEquals(64, c.readable());
        assertEquals(List.of(), c.capabilities());
        assertTrue(c.part().startsWith("header only"), c.part());
        assertTrue(c.problems().get(0).message().contains("beyond the 64 readable bytes"), c.problems().toString());

        ConfigSpace tiny = ConfigSpaceParser.parse(F, new byte[10]);
        assertEquals(-1, tiny.headerType());
        assertTrue(tiny.problems().get(0).message().contains("64-byte header"));
    }

    @Test
    void aCapabilityCutByTheEndOfTheFileIsMarkedTruncated() {
        byte[] b = header(256, 0xf8);
        cap(b, 0xf8, 0x11, 0); // MSI-X needs 12 bytes: 0xf8 + 12 > 256
        ConfigSpace c = ConfigSpaceParser.parse(F, b);
        assertEquals(new Detail.Truncated(12), c.capabilities().get(0).detail());
    }

    @Test
    void extendedListLoopAndBadPointer() {
        byte[] b = header(4096, 0);
        b[6] = 0;
        ext(b, 0x100, 0x0001, 2, 0x200);
        ext(b, 0x200, 0x000d, 1, 0x100);
        ConfigSpace c = ConfigSpaceParser.parse(F, b);
        assertEquals(List.of("AER", "ACS"), c.capabilities().stream().map(Capability::id).toList());
        assertTrue(c.problems().get(0).message().contains("loop"));

        ext(b, 0x200, 0x000d, 1, 0x0f0 >> 0);
        b[0x202] = (byte) 0xf0; // next = 0x0f0... written directly in bits 31:20
        b[0x203] = 0x00;
        ext(b, 0x200, 0x000d, 1, 0x0f0);
        ConfigSpace bad = ConfigSpaceParser.parse(F, b);
        assertTrue(bad.problems().get(0).message().contains("below 0x100"), bad.problems().toString());
    }

    @Test
    void noCapListBitMeansNoList() {
        byte[] b = header(256, 0x40);
        b[6] = 0;
        cap(b, 0x40, 0x01, 0);
        ConfigSpace c = ConfigSpaceParser.parse(F, b);
        assertTrue(c.capabilities().isEmpty());
        assertFalse(c.d3hot());
    }

    /** The real kernel's files: the e1000e behind the root port (D3, MSI-X table in BAR3) and the root port (ACS). */
    @Test
    void realSnapshotFiles(@TempDir Path tmp) throws Exception {
        Path root = SnapshotFixture.extract(SnapshotFixture.Q35, tmp);
        Path dev = root.resolve("sys/devices/pci0000:00/0000:00:08.0/0000:01:00.0/config");
        ConfigSpace e1000e = ConfigSpaceParser.parse("e1000e", Files.readAllBytes(dev));
        assertEquals(List.of(), e1000e.problems());
        assertEquals(List.of("PM", "MSI", "PCIe", "MSI-X", "AER", "DSN"),
                e1000e.capabilities().stream().map(Capability::id).toList());
        assertEquals(new Detail.Msix(false, false, 5, 3, 0, 3, 0x2000), e1000e.msix().orElseThrow());
        assertTrue(e1000e.d3hot());
        ConfigSpace port = ConfigSpaceParser.parse("rp", Files.readAllBytes(
                root.resolve("sys/devices/pci0000:00/0000:00:08.0/config")));
        assertEquals(List.of("SV", "RR", "CR", "UF"), port.acs().orElseThrow().control());
        assertEquals("root-port", port.pcie().orElseThrow().portType());
        assertEquals(new Detail.Link("16GT/s", 32, "2.5GT/s", 1), port.pcie().orElseThrow().link().orElseThrow());
    }
}
