package org.vfioinspector.bridge.exercise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Crafted exercises (issue 19): numbers out of range, huge text and deep nesting are errors naming the field, not
 * traces.
 */
class HostileExerciseTest {
    private static final String GOOD = """
            format: 1
            name: demo
            title: Demo
            scenario: qemu-q35
            intro: Try it.
            realHost:
              needs: a vfio-pci device
              devices:
                - {driver: vfio-pci, barMaxSize: SIZE}
            steps:
              - title: Export
                instructions: Export something.
                check:
                  - {action: export, result: ok, device: $dev}
            """;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"\"99999999999999999999\"", "99999999999999999999", "99999999999G", "-4K", "0"})
    void aSizeOutOfRangeNamesItsFieldAndNeverWraps(String size) {
        ExerciseException e = assertThrows(ExerciseException.class,
                () -> ExerciseLoader.parse(GOOD.replace("SIZE", size), "x.yaml"));
        assertEquals(9, e.line(), e.getMessage());
        assertTrue(e.problem().startsWith("realHost.devices[0].barMaxSize: '"), e.getMessage());
        assertFalse(e.getMessage().contains("NumberFormat"), e.getMessage());
    }

    @Test
    void sizesWithinRangeStillLoad() throws Exception {
        assertEquals(64L << 30, ExerciseLoader.parse(GOOD.replace("SIZE", "64G"), "x.yaml").realHost().devices()
                .get(0).barMaxSize());
    }

    @Test
    void aTwentyMegabyteTitleIsRefusedBeforeParsing() throws Exception {
        Path f = tmp.resolve("big.yaml");
        Files.writeString(f, GOOD.replace("SIZE", "4K").replace("title: Demo", "title: " + "T".repeat(20 << 20)));
        ExerciseException e = assertThrows(ExerciseException.class, () -> ExerciseLoader.load(f));
        assertTrue(e.getMessage().startsWith(f.toString()) && e.getMessage().contains("the limit is 1 MiB"),
                e.getMessage());
        ExerciseException line = assertThrows(ExerciseException.class, () -> ExerciseLoader.parse(
                GOOD.replace("SIZE", "4K").replace("title: Demo", "title: " + "T".repeat(100_000)), "x.yaml"));
        assertEquals(3, line.line(), line.getMessage());
        assertTrue(line.problem().contains("64 KiB per line"), line.getMessage());
    }

    /**
     * A list or mapping nested 990 deep (Jackson's limit is 1000 in all) where a scalar belongs. The error named
     * the value by printing it, a recursion as deep as the nesting: a StackOverflowError on a small stack, and a
     * message of two thousand brackets on any. Run on a 256 KiB stack, where printing overflowed every time.
     */
    @ParameterizedTest
    @ValueSource(strings = {"region", "after", "barMaxSize", "barMinSize"})
    void aDeeplyNestedValueIsAnErrorNotAStackOverflow(String field) throws Exception {
        for (String open : new String[] {"[", "{a: "}) {
            String close = open.equals("[") ? "]" : "}";
            String nested = open.repeat(990) + (open.equals("[") ? "" : "1") + close.repeat(990);
            String doc = field.startsWith("bar")
                    ? GOOD.replace("barMaxSize: SIZE", field + ": " + nested)
                    : GOOD.replace("SIZE", "4K").replace("device: $dev}", "device: $dev, " + field + ": " + nested + "}");
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread t = new Thread(null, () -> {
                try {
                    ExerciseLoader.parse(doc, "deep.yaml");
                } catch (Throwable e) {
                    thrown.set(e);
                }
            }, "small-stack", 256 << 10);
            t.start();
            t.join();
            assertTrue(thrown.get() instanceof ExerciseException, field + " " + open + ": " + thrown.get());
            ExerciseException e = (ExerciseException) thrown.get();
            String kind = open.equals("[") ? "a list" : "a mapping";
            assertTrue(e.problem().contains(field + ": " + kind + " is not"), e.getMessage());
            assertTrue(e.getMessage().length() < 300, e.getMessage());
        }
    }

    @Test
    void anAfterOnAFirstExpectationSaysThereIsNoneBefore() {
        ExerciseException e = assertThrows(ExerciseException.class, () -> ExerciseLoader.parse(
                GOOD.replace("SIZE", "4K").replace("device: $dev}", "device: $dev, after: 0}"), "x.yaml"));
        assertTrue(e.problem().endsWith("'0' is not an earlier expectation of this check; expected no after: on a "
                + "check's first expectation"), e.getMessage());
    }

    @Test
    void anEmptyDeviceAlternativeIsRefused() {
        ExerciseException e = assertThrows(ExerciseException.class, () -> ExerciseLoader.parse(
                GOOD.replace("SIZE", "4K").replace("device: $dev}", "device: '0000:00:03.0|'}"), "x.yaml"));
        assertTrue(e.problem().contains("'' is not a PCI address"), e.getMessage());
    }
}
