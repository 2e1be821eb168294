package org.vfioinspector.bridge.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared guards: the bounded reader, the number parser, the name validator, the text escaping. */
class InputTest {
    @TempDir
    Path tmp;

    @Test
    void theReaderStopsAtItsBoundAndRefusesWhatIsNotARegularFile() throws Exception {
        Path f = tmp.resolve("attr");
        Files.writeString(f, "x".repeat(100));
        assertEquals(100, InputFiles.read(f, 100).length);
        RefusedFileException big = assertThrows(RefusedFileException.class, () -> InputFiles.read(f, 99));
        assertEquals(f + ": 100 bytes; the limit is 99 bytes: refused unread", big.getMessage());
        RefusedFileException dir = assertThrows(RefusedFileException.class, () -> InputFiles.read(tmp, 99));
        assertTrue(dir.getMessage().contains("a directory, not a regular file"), dir.getMessage());
        assertThrows(NoSuchFileException.class, () -> InputFiles.read(tmp.resolve("none"), 99));
        RefusedFileException zero = assertThrows(RefusedFileException.class,
                () -> InputFiles.read(Path.of("/dev/zero"), 99));
        assertTrue(zero.getMessage().contains("special file"), zero.getMessage());
    }

    @Test
    void numbersAreRangeCheckedNeverWrapped() {
        assertEquals(4096, Numbers.size("4K", 1, Long.MAX_VALUE));
        assertEquals(64L << 30, Numbers.size("64GiB", 1, Long.MAX_VALUE));
        assertTrue(assertThrows(Numbers.OutOfRange.class, () -> Numbers.size("99999999999G", 1, Long.MAX_VALUE))
                .getMessage().contains("does not fit 64 bits"));
        assertThrows(Numbers.OutOfRange.class, () -> Numbers.size("99999999999999999999", 1, Long.MAX_VALUE));
        assertThrows(Numbers.OutOfRange.class, () -> Numbers.decimalInt("99999999999", 0, Integer.MAX_VALUE));
        assertEquals("'-2' is out of range; expected a number from -1 to 7",
                assertThrows(Numbers.OutOfRange.class, () -> Numbers.decimal("-2", -1, 7)).getMessage());
    }

    @Test
    void namesAreOneComponent() {
        assertTrue(Names.isName("vfio-pci"));
        assertTrue(Names.isName("pci_stub"));
        for (String bad : new String[] {"..", ".", "../x", "/tmp/x", "a/b", "", "a\nb", ".hidden", "x".repeat(65)}) {
            assertFalse(Names.isName(bad), bad);
            assertThrows(IllegalArgumentException.class, () -> Names.child(Path.of("/lab"), bad));
        }
    }

    @Test
    void escapingLeavesNothingATerminalActsOn() {
        assertEquals("e1000\\nIOMMU group 77\\x1b[2J\\u202e\\\\", TextEscape.escape("e1000\nIOMMU group 77\u001b[2J\u202e\\"));
        String plain = "Intel Corporation 82574L";
        assertTrue(plain == TextEscape.escape(plain), "no copy when nothing needs escaping");
    }
}
