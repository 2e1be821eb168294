package org.vfioinspector.bridge.exercise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Crafted exercises (issue 19): numbers out of range and huge text are errors naming the field, not traces. */
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
}
