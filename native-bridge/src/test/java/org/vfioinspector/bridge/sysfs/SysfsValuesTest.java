package org.vfioinspector.bridge.sysfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SysfsValuesTest {
    private static final String F = "bus/pci/devices/0000:00:03.0/x";

    @ParameterizedTest
    @CsvSource({"'0x8086\n',32902", "'0x1af4',6900", "'0x0000\n',0", "'0xFFFF\n',65535", "' 0x10d3 \n',4307"})
    void id16(String text, int expected) {
        assertEquals(expected, SysfsValues.id16(F, text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\n", "8086\n", "0x808\n", "0x80861\n", "0xzzzz\n", "0x8086 0x8086\n", "0x8086\n0x8086\n"})
    void id16Malformed(String text) {
        assertMalformed(SysfsValues::id16, text, "4 hex digits");
    }

    @ParameterizedTest
    @CsvSource({"'0x060400\n',394240", "'0x000200\n',512", "'0x010802\n',67586", "'0xff0000',16711680"})
    void classCode(String text, int expected) {
        assertEquals(expected, SysfsValues.classCode(F, text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0x0604\n", "060400\n", "0x06040000\n", "class\n", ""})
    void classCodeMalformed(String text) {
        assertMalformed(SysfsValues::classCode, text, "6 hex digits");
    }

    @ParameterizedTest
    @CsvSource({"'0x00\n',0", "'0x10\n',16", "'0xff\n',255"})
    void revision(String text, int expected) {
        assertEquals(expected, SysfsValues.revision(F, text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0x0\n", "10\n", "0x100\n", "\n"})
    void revisionMalformed(String text) {
        assertMalformed(SysfsValues::revision, text, "2 hex digits");
    }

    @ParameterizedTest
    @CsvSource({"'-1\n',-1", "'0\n',0", "'3\n',3"})
    void numaNode(String text, int expected) {
        assertEquals(expected, SysfsValues.numaNode(F, text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-2\n", "x\n", "\n", "0x1\n", "1 2\n"})
    void numaNodeMalformed(String text) {
        assertMalformed(SysfsValues::numaNode, text, "NUMA node");
    }

    @ParameterizedTest
    @CsvSource({"'0\n',0", "'7\n',7", "'64\n',64"})
    void count(String text, int expected) {
        assertEquals(expected, SysfsValues.count(F, text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1\n", "seven\n", "\n"})
    void countMalformed(String text) {
        assertMalformed(SysfsValues::count, text, "count");
    }

    @Test
    void resetMethods() {
        assertEquals(List.of("flr"), SysfsValues.resetMethods(F, "flr\n"));
        assertEquals(List.of("pm", "bus"), SysfsValues.resetMethods(F, "pm bus\n"));
        assertEquals(List.of("device_specific", "af_flr", "cxl_bus"),
                SysfsValues.resetMethods(F, "device_specific af_flr cxl_bus\n"));
        assertEquals(List.of(), SysfsValues.resetMethods(F, "\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"FLR\n", "flr,bus\n", "flr\tbus\n", "pm;\n"})
    void resetMethodsMalformed(String text) {
        assertMalformed(SysfsValues::resetMethods, text, "reset method");
    }

    @Test
    void driverOverride() {
        assertEquals(Optional.empty(), SysfsValues.driverOverride(F, "(null)\n"));
        assertEquals(Optional.empty(), SysfsValues.driverOverride(F, "\n"));
        assertEquals(Optional.of("vfio-pci"), SysfsValues.driverOverride(F, "vfio-pci\n"));
        assertEquals(Optional.of("pci-stub"), SysfsValues.driverOverride(F, "pci-stub"));
        assertMalformed(SysfsValues::driverOverride, "vfio pci\n", "driver name");
    }

    @Test
    void groupType() {
        for (String t : List.of("DMA", "DMA-FQ", "identity", "blocked", "unmanaged", "unknown")) {
            assertEquals(t, SysfsValues.groupType(F, t + "\n"));
        }
        assertMalformed(SysfsValues::groupType, "\n", "domain type");
        assertMalformed(SysfsValues::groupType, "DMA FQ\n", "domain type");
    }

    @Test
    void groupNumber() {
        assertEquals(11, SysfsValues.groupNumber(F, "11"));
        assertMalformed(SysfsValues::groupNumber, "eleven", "group number");
        assertMalformed(SysfsValues::groupNumber, "-1", "group number");
    }

    @Test
    void osRelease() {
        assertEquals("7.2.13+deb14-amd64", SysfsValues.osRelease(F, "7.2.13+deb14-amd64\n"));
        assertMalformed(SysfsValues::osRelease, "\n", "kernel release");
        assertMalformed(SysfsValues::osRelease, "6.1\n6.2\n", "kernel release");
    }

    /** The exception names the file, carries the text and says what was expected. */
    static <T> void assertMalformed(BiFunction<String, String, T> parser, String text, String expectedWords) {
        SysfsFormatException e = assertThrows(SysfsFormatException.class, () -> parser.apply(F, text));
        assertEquals(F, e.file());
        assertEquals(text, e.text());
        assertTrue(e.getMessage().startsWith(F + ": found '"), e.getMessage());
        assertTrue(e.getMessage().contains(text.replace("\n", "\\n")), e.getMessage());
        assertTrue(e.expected().contains(expectedWords), e.expected());
    }
}
