package org.vfioinspector.bridge.exercise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.vfioinspector.bridge.lab.scenario.ScenarioLoader;

/** The exercise format: the built-ins load, and bad files are refused naming FILE:LINE:COLUMN and what was expected. */
class ExerciseLoaderTest {
    private static final String GOOD = """
            format: 1
            name: demo
            title: Demo
            scenario: qemu-q35
            intro: Try it.
            realHost:
              needs: a vfio-pci device
              devices:
                - {driver: vfio-pci}
            steps:
              - title: Export
                instructions: Export something.
                check:
                  - {action: export, result: ok, device: $dev}
            """;

    @Test
    void everyBuiltInLoadsAndNamesABuiltInScenario() throws Exception {
        for (String n : ExerciseLoader.BUILT_IN) {
            Exercise e = ExerciseLoader.builtIn(n);
            assertEquals(n, e.name());
            assertTrue(ScenarioLoader.BUILT_IN.contains(e.scenario()), e.scenario());
            assertFalse(e.steps().isEmpty());
        }
    }

    @Test
    void aGoodFileLoads() throws Exception {
        Exercise e = ExerciseLoader.parse(GOOD, "demo.yaml");
        assertEquals("demo", e.name());
        assertEquals(1, e.steps().get(0).check().expects().size());
        assertEquals("$dev", e.steps().get(0).check().expects().get(0).conditions().get("device"));
    }

    private static ExerciseException bad(String text) {
        return assertThrows(ExerciseException.class, () -> ExerciseLoader.parse(text, "x.yaml"));
    }

    @Test
    void wrongFormatNamesLineAndColumn() {
        ExerciseException e = bad(GOOD.replace("format: 1", "format: 2"));
        assertEquals(1, e.line());
        assertTrue(e.getMessage().startsWith("x.yaml:1:9: format: format 2 is not supported"), e.getMessage());
    }

    @Test
    void unknownKeyNamesItsPlaceAndTheKnownKeys() {
        ExerciseException e = bad(GOOD.replace("    instructions: Export something.",
                "    instructions: Export something.\n    hnit: typo"));
        assertEquals(13, e.line(), e.getMessage());
        assertTrue(e.problem().contains("unknown key 'hnit'") && e.problem().contains("hint"), e.getMessage());
    }

    @Test
    void aCheckNeedsExactlyOneKind() {
        ExerciseException e = bad(GOOD.replace("{action: export, result: ok, device: $dev}",
                "{action: export, event: revoke}"));
        assertEquals(14, e.line());
        assertEquals(9, e.column());
        assertTrue(e.problem().startsWith("steps[0].check[0]: expected exactly one of"), e.getMessage());
    }

    @Test
    void badDeviceEventAndAfterAreNamed() {
        assertTrue(bad(GOOD.replace("device: $dev", "device: zz:05.0")).problem()
                .contains("steps[0].check[0].device: 'zz:05.0' is not a PCI address"));
        assertTrue(bad(GOOD.replace("action: export, result: ok, device: $dev", "event: explode")).problem()
                .contains("unknown event 'explode'"));
        assertTrue(bad(GOOD.replace("device: $dev}", "device: $dev, after: 0}")).problem()
                .contains("not an earlier expectation"));
    }

    @Test
    void missingPartsSayWhatIsExpected() {
        assertTrue(bad(GOOD.replace("intro: Try it.\n", "")).problem().startsWith("intro: missing; expected"));
        assertTrue(bad(GOOD.replace("    barMaxSize", "").replace("{driver: vfio-pci}",
                "{driver: vfio-pci, barMaxSize: 4Q}")).problem().contains("is not a size"));
        assertTrue(bad("format: [1]").problem().contains("format: wrong type"));
        ExerciseException syntax = bad("format: 1\nname: \"unclosed\n");
        assertTrue(syntax.line() > 0 && syntax.problem().startsWith("YAML syntax error"), syntax.getMessage());
    }
}
