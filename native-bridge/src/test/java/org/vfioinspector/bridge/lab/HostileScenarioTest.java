package org.vfioinspector.bridge.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vfioinspector.bridge.lab.scenario.LabScenario;
import org.vfioinspector.bridge.lab.scenario.ScenarioException;
import org.vfioinspector.bridge.lab.scenario.ScenarioLoader;

/**
 * Crafted scenarios (issue 19): each was accepted and then built wrongly, escaped the lab's tree, hung the parser
 * or failed with a Java class name. Each is now refused at load with FILE:LINE:COLUMN and what was expected, or
 * accepted and built as written.
 */
class HostileScenarioTest {
    static final String HEAD = "format: 1\nname: t\nprofile: linux-7.2\n";
    static final String DEV = "  - {bdf: \"0000:00:03.0\", vendor: \"1234\", device: \"11e8\", class: \"0x00ff00\"";

    @TempDir
    Path tmp;

    private static ScenarioException refused(String text) {
        return assertThrows(ScenarioException.class, () -> ScenarioLoader.parse(text, "h.yaml"), text);
    }

    @Test
    void aDriverThatIsAPathNeverLeavesTheLabTree() throws Exception {
        Path lab = Files.createDirectories(tmp.resolve("lab"));
        String text = HEAD + "devices:\n" + DEV + ", driver: \"../../../../../../../../escaped\"}\ngroups: []\n";
        ScenarioException e = assertThrows(ScenarioException.class, () -> {
            LabHostTree.write(new LabKernel(ScenarioLoader.parse(text, "h.yaml")), lab);
        });
        assertEquals(5, e.line());
        assertTrue(e.getMessage().contains("devices[0].driver") && e.getMessage().contains("not a path"),
                e.getMessage());
        assertFalse(Files.exists(tmp.resolve("escaped")));
        assertTrue(e.getMessage().startsWith("h.yaml:5:"), e.getMessage());
        ScenarioException abs = refused(HEAD + "devices:\n" + DEV + ", driver: /tmp/x/abs}\ngroups: []\n");
        assertTrue(abs.getMessage().contains("driver"), abs.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "negative NUMA node | , numaNode: -2} | 5 | devices[0].numaNode: NUMA node -2; expected -1",
        "9-bit revision | , revision: 0x1ff} | 5 | devices[0].revision: revision 0x1ff; expected 8 bits",
        "ROM size 0 | , rom: {address: 0xfe800000, size: 0}} | 5 | ROM size 0; expected a power of two",
        "negative ROM size | , rom: {address: 0xfe800000, size: -4K}} | 5 | ROM size -4096; expected a power of two",
        "BAR value over 32 bits | , bars: [{index: 0, kind: mem32, address: 0xfea00000, size: 4K, value: 0x1ffffffff}]} "
                + "| 5 | expected a 32-bit value",
    })
    void devicesTheLabCannotBuildAreRefused(String what, String tail, int line, String message) {
        ScenarioException e = refused(HEAD + "devices:\n" + DEV + tail + "\ngroups: []\n");
        assertEquals(line, e.line(), e.getMessage());
        assertTrue(e.column() > 0, e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void negativeGroupEmptyReleaseNewlineReleaseAndNoDevicesAreRefused() {
        ScenarioException g = refused(HEAD + "devices:\n" + DEV + "}\ngroups:\n  - {id: -1, devices: []}\n");
        assertTrue(g.getMessage().contains("groups[0].id: group -1"), g.getMessage());
        assertEquals(7, g.line());
        ScenarioException r = refused(HEAD + "release: \"7.2\\nforged\"\ndevices:\n" + DEV + "}\ngroups: []\n");
        assertTrue(r.getMessage().contains("release: '7.2\\nforged'"), r.getMessage());
        assertEquals(4, r.line());
        ScenarioException empty = refused(HEAD + "release: \"\"\ndevices:\n" + DEV + "}\ngroups: []\n");
        assertTrue(empty.getMessage().contains("expected a kernel release"), empty.getMessage());
        ScenarioException none = refused(HEAD + "devices: []\ngroups: []\n");
        assertTrue(none.getMessage().contains("devices: an empty list"), none.getMessage());
    }

    @Test
    void aDuplicateKeyIsRefusedNotSilentlyWinning() {
        ScenarioException e = refused(HEAD + "devices:\n" + DEV + "}\ngroups: []\ndevices: []\n");
        assertEquals(7, e.line(), e.getMessage());
        assertTrue(e.getMessage().contains("duplicate key 'devices'"), e.getMessage());
    }

    @Test
    void anUnquoted64BitAddressIsAcceptedAndBuiltAsWritten() throws Exception {
        LabScenario s = ScenarioLoader.parse(HEAD + "devices:\n" + DEV + ", bars: [{index: 0, kind: mem64, "
                + "address: 0xfffffff000000000, size: 1M}]}\ngroups: []\n", "h.yaml");
        assertEquals(0xfffffff000000000L, s.devices().get(0).bars().get(0).address());
        ScenarioException e = refused(HEAD + "devices:\n" + DEV + ", bars: [{index: 0, kind: mem64, "
                + "address: 0x1fffffff000000000, size: 1M}]}\ngroups: []\n");
        assertTrue(e.getMessage().contains("does not fit 64 bits"), e.getMessage());
    }

    @Test
    void oneHugeLineIsRefusedBeforeTheParserRuns() {
        // one 100 MB string never finished parsing; a 1 MiB line took seconds
        ScenarioException line = refused(HEAD + "description: " + "x".repeat(1 << 20) + "\ndevices:\n" + DEV
                + "}\ngroups: []\n");
        assertEquals(4, line.line());
        assertTrue(line.getMessage().contains("the limit is 64 KiB per line"), line.getMessage());
        // a long description over many lines is fine (linear)
        String para = ("  " + "word ".repeat(14) + "\n").repeat(20_000);
        assertEquals(1_420_000, assertDoesNotThrowLoad(HEAD + "description: |\n" + para + "devices:\n" + DEV
                + "}\ngroups: []\n").description().length());
    }

    private static LabScenario assertDoesNotThrowLoad(String text) {
        try {
            return ScenarioLoader.parse(text, "h.yaml");
        } catch (ScenarioException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    @Test
    void aFileOverTheLimitIsRefusedBeforeItIsRead() throws Exception {
        Path big = tmp.resolve("big.yaml");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(3L << 30); // a sparse 3 GB file: refused by its size, never loaded
        }
        ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioLoader.load(big));
        assertTrue(e.getMessage().startsWith(big.toString()) && e.getMessage().contains("the limit is 64 MiB"),
                e.getMessage());
    }

    @Test
    void unreadableFilesAreNamedInWordsNotJavaClasses() throws Exception {
        ScenarioException dir = assertThrows(ScenarioException.class, () -> ScenarioLoader.load(tmp));
        assertTrue(dir.getMessage().contains("a directory"), dir.getMessage());
        Path bad = tmp.resolve("bad.yaml");
        Files.write(bad, (HEAD + "description: caf\u00e9").getBytes(StandardCharsets.ISO_8859_1));
        ScenarioException utf = assertThrows(ScenarioException.class, () -> ScenarioLoader.load(bad));
        assertTrue(utf.getMessage().contains("not UTF-8 text (byte 53 is not UTF-8); expected a scenario YAML file"), utf.getMessage());
        for (ScenarioException e : new ScenarioException[] {dir, utf}) {
            assertFalse(e.getMessage().contains("java."), e.getMessage());
            assertFalse(e.getMessage().contains("Exception"), e.getMessage());
        }
    }
}
