package org.vfioinspector.bridge.sysfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.vfioinspector.bridge.model.Region;
import org.vfioinspector.bridge.model.RegionKind;

class ResourceFileTest {
    private static final String F = "bus/pci/devices/0000:01:00.0/resource";
    private static final String ZERO = "0x0000000000000000 0x0000000000000000 0x0000000000000000";

    /** One implemented line at index {@code index} among zero lines. */
    private static String fileWith(int index, String line, int lines) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            sb.append(i == index ? line : ZERO).append('\n');
        }
        return sb.toString();
    }

    @ParameterizedTest(name = "line {0}: {1}")
    @CsvSource({
        // index, line, kind, start, size, prefetchable, readOnly
        "0, 0x00000000fea00000 0x00000000feafffff 0x0000000000040200, MEM32, 0xfea00000, 0x100000, false, false",
        "2, 0x00000000fd800000 0x00000000fdffffff 0x000000000014220c, MEM64, 0xfd800000, 0x800000, true, false",
        "0, 0x00000000feb60000 0x00000000feb63fff 0x0000000000140204, MEM64, 0xfeb60000, 0x4000, false, false",
        "1, 0x000000000000d000 0x000000000000d0ff 0x0000000000040101, IO, 0xd000, 0x100, false, false",
        "6, 0x00000000feb00000 0x00000000feb3ffff 0x0000000000046200, ROM, 0xfeb00000, 0x40000, true, true",
        "6, 0x00000000000c0000 0x00000000000dffff 0x0000000000002200, ROM, 0xc0000, 0x20000, true, false",
        "0, 0x00000000feb67000 0x00000000feb670ff 0x0000000000040200, MEM32, 0xfeb67000, 0x100, false, false",
        "5, 0x0000004000000000 0x00000047ffffffff 0x000000000014220c, MEM64, 0x4000000000, 0x800000000, true, false",
    })
    void decodesOneLine(int index, String line, RegionKind kind, String start, String size, boolean pref,
                        boolean ro) {
        List<Region> regions = ResourceFile.regions(F, fileWith(index, line, 13));
        assertEquals(1, regions.size());
        Region r = regions.get(0);
        assertEquals(index, r.index());
        assertEquals(kind, r.kind());
        assertEquals(Long.decode(start), r.start());
        assertEquals(Long.decode(size), r.size());
        assertEquals(pref, r.prefetchable());
        assertEquals(ro, r.readOnly());
    }

    @Test
    void keepsOnlyBarsAndRomNotSriovOrBridgeWindows() {
        // the root port 0000:00:08.0 of the snapshot: BAR0 plus bridge windows at 13-15
        String text = fileWith(0, "0x00000000feb68000 0x00000000feb68fff 0x0000000000040200", 13)
                + "0x000000000000c000 0x000000000000cfff 0x0000000000000100\n"
                + "0x00000000fe800000 0x00000000fe9fffff 0x0000000000000200\n"
                + "0x00000000fe200000 0x00000000fe3fffff 0x0000000000102201\n" + ZERO + "\n";
        List<Region> regions = ResourceFile.regions(F, text);
        assertEquals(1, regions.size());
        assertEquals(0, regions.get(0).index());
        assertEquals(17, ResourceFile.entries(F, text).size());
        // an SR-IOV BAR at line 7 is not a Region either
        assertTrue(ResourceFile.regions(F, fileWith(7, "0x00000000e0000000 0x00000000e0003fff 0x0000000000140204", 13))
                .isEmpty());
    }

    @Test
    void allZeroFileHasNoRegionsAndEmptyFileIsFine() {
        assertTrue(ResourceFile.regions(F, fileWith(-1, "", 13)).isEmpty());
        assertTrue(ResourceFile.regions(F, "").isEmpty());
    }

    @Test
    void withoutTrailingNewline() {
        List<Region> r = ResourceFile.regions(F, "0x000000000000d100 0x000000000000d13f 0x0000000000040101");
        assertEquals(1, r.size());
        assertEquals(64, r.get(0).size());
        assertFalse(r.get(0).prefetchable());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "0x00000000fea00000 0x00000000feafffff",
        "0x00000000fea00000 0x00000000feafffff 0x0000000000040200 0x0",
        "00000000fea00000 0x00000000feafffff 0x0000000000040200",
        "0x00000000fea00000 0xfeafffzz 0x0000000000040200",
        "0x 0x00000000feafffff 0x0000000000040200",
        "0x00000000feb00000 0x00000000fea00000 0x0000000000040200",
        "0x00000000fea00000 0x00000000feafffff 0x0000000000000400",
        "0x00000000fea00000 0x00000000feafffff 0x0000000000000000",
        "garbage",
    })
    void malformedLineNamesFileAndText(String line) {
        SysfsFormatException e = assertThrows(SysfsFormatException.class,
                () -> ResourceFile.regions(F, fileWith(0, line, 7)));
        assertEquals(F, e.file());
        assertTrue(e.getMessage().startsWith(F + ": found '"), e.getMessage());
        assertFalse(e.text().isEmpty());
        assertFalse(e.expected().isEmpty());
    }

    @Test
    void malformedMessageQuotesTheLine() {
        SysfsFormatException e = assertThrows(SysfsFormatException.class,
                () -> ResourceFile.regions(F, ZERO + "\n0x10 0x20\n"));
        assertEquals("0x10 0x20", e.text());
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void fieldsAreSplitAsTheWhitespacePatternSplitsThem() {
        java.util.Random r = new java.util.Random(3);
        String alphabet = "0x1f \t\u000b\f\r\u2003a";
        for (int n = 0; n < 100_000; n++) {
            StringBuilder b = new StringBuilder();
            for (int k = r.nextInt(12); k > 0; k--) {
                b.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            String line = b.toString().strip();
            org.junit.jupiter.api.Assertions.assertArrayEquals(line.split("\\s+"), ResourceFile.fields(line),
                    "'" + line + "'");
        }
    }

    /**
     * A line as resource_show writes it is read in place; any other through the general split. The same line with a
     * space before it takes the general path (strip removes the space), so both paths must read it alike: the same
     * entry, or a refusal that expects the same. Lines are the kernel's with characters changed at random.
     */
    @Test
    void aLineInTheKernelsFormatReadsAsTheGeneralPathReadsIt() {
        java.util.Random r = new java.util.Random(5);
        String base = "0x00000000fea00000 0x00000000feafffff 0x0000000000040200";
        String alphabet = "0123456789abcdefABCDEFx +-g\u0660\uff10";
        for (int n = 0; n < 100_000; n++) {
            char[] line = base.toCharArray();
            for (int k = r.nextInt(4); k > 0; k--) {
                line[r.nextInt(line.length)] = alphabet.charAt(r.nextInt(alphabet.length()));
            }
            String text = new String(line);
            Object fast = read(text);
            Object general = read(" " + text);
            assertEquals(general, fast, "'" + text + "'");
        }
    }

    /** The entries of a one-line file, or what its refusal expected. */
    private static Object read(String text) {
        try {
            return ResourceFile.entries(F, text);
        } catch (SysfsFormatException e) {
            return e.expected();
        }
    }
}
