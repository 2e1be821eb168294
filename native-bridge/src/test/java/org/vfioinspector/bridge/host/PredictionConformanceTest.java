package org.vfioinspector.bridge.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.vfioinspector.bridge.lab.scenario.LabScenario;
import org.vfioinspector.bridge.lab.scenario.ScenarioLoader;
import org.vfioinspector.bridge.rules.KernelProfiles;

/**
 * Prediction = the kernel's answer, on every BAR of every built-in scenario, of the scenario fixtures (the fuzz
 * corpus) and of a host whose facts the kernel must derive (a bus reset with a sibling), under every profile.
 */
class PredictionConformanceTest {
    static Stream<String> scenarios() throws IOException {
        List<String> out = new ArrayList<>(ScenarioLoader.BUILT_IN);
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/org/vfioinspector/bridge/fuzz/"
                + "ParserFuzzTestInputs/scenario"))) {
            files.filter(f -> f.toString().endsWith(".yaml")).sorted().forEach(f -> out.add(f.toString()));
        }
        out.add("src/test/resources/org/vfioinspector/bridge/host/pci-bridge-siblings.yaml");
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void predictedEqualsAnsweredUnderEveryProfile(String scenario) throws Exception {
        LabScenario s = ScenarioLoader.load(scenario);
        PredictionCheck.Result r = PredictionCheck.check(s, KernelProfiles.all());
        assertTrue(r.compared() > 0, scenario + ": nothing was compared");
        assertEquals(List.of(), r.mismatches(), scenario);
    }
}
