package org.vfioinspector.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vfioinspector.app.conformance.ProbeConformance;
import org.vfioinspector.app.kernellab.P2pVsImport;

/**
 * {@code p2p-import} on lab hosts whose scenario gets one in-kernel importer per device (what the test importer
 * module gives a real kernel): every pair's map answer equals {@code list --json}'s p2p verdict, the check
 * KernelLabIT makes on the real iommufd kernel. And without an importer the command says why (exit 3).
 */
class P2pImportCommandTest {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** The built-in scenario with its importers replaced by one dynamic peer2peer importer per device. */
    static Path everyDeviceAnImporter(String scenario, Path tmp) throws Exception {
        ObjectNode s;
        try (InputStream in = org.vfioinspector.bridge.lab.scenario.ScenarioLoader.class.getResourceAsStream(
                "/org/vfioinspector/bridge/lab/scenarios/" + scenario + ".yaml")) {
            s = (ObjectNode) YAML.readTree(in);
        }
        ArrayNode imps = s.putArray("importers");
        for (JsonNode d : s.path("devices")) {
            ObjectNode i = imps.addObject();
            i.put("name", "as-" + d.path("bdf").asText());
            i.put("device", d.path("bdf").asText());
            i.put("peer2peer", true);
            i.put("revocable", true);
            i.put("unmapsInCallback", true);
        }
        Path f = tmp.resolve(scenario + "-importers.yaml");
        YAML.writeValue(f.toFile(), s);
        return f;
    }

    @ParameterizedTest(name = "lab:{0}")
    @ValueSource(strings = {"qemu-q35", "gpu-server", "type1-p2p-hazard"})
    void everyPairIsWhatListPredicted(String scenario, @TempDir Path tmp) throws Exception {
        String host = "lab:" + everyDeviceAnImporter(scenario, tmp);
        JsonNode list = ProbeConformance.cliJson("list", "--json", "--host", host);
        JsonNode sweep = ProbeConformance.cliJson("p2p-import", "--json", "--host", host);
        P2pVsImport.Result r = P2pVsImport.compare(list, sweep);
        assertTrue(r.diffs().isEmpty(), scenario + ": " + r.compared() + " pairs compared, " + r.diffs().size()
                + " differ:\n  " + String.join("\n  ", r.diffs()));
        assertTrue(r.compared() > 0 && r.ok() > 0, scenario + ": " + r);
        System.out.println(scenario + ": " + r.compared() + " pairs (" + r.ok() + " mapped, " + r.refused()
                + " refused) over " + r.exports() + " exported BARs");
    }

    /** The comparison can fail: a verdict changed to "ok" for a pair the kernel refuses is named. */
    @Test
    void aWrongVerdictIsNamed(@TempDir Path tmp) throws Exception {
        String host = "lab:" + everyDeviceAnImporter("qemu-q35", tmp);
        JsonNode list = ProbeConformance.cliJson("list", "--json", "--host", host);
        JsonNode sweep = ProbeConformance.cliJson("p2p-import", "--json", "--host", host);
        for (JsonNode v : list.path("p2p")) {
            if (v.path("exporter").asText().equals("0000:00:05.0") && v.path("importer").asText().equals("0000:00:04.0")) {
                ((ObjectNode) v).put("result", "ok");
            }
        }
        P2pVsImport.Result r = P2pVsImport.compare(list, sweep);
        assertTrue(r.diffs().stream().anyMatch(d -> d.startsWith("0000:00:05.0 BAR2 as 0000:00:04.0: list predicted "
                + "ok")), r.diffs().toString());
    }

    @Test
    void withoutAnImporterItSaysWhy(@TempDir Path tmp) throws Exception {
        Path f = everyDeviceAnImporter("qemu-q35", tmp);
        ObjectNode s = (ObjectNode) YAML.readTree(f.toFile());
        s.remove("importers");
        YAML.writeValue(f.toFile(), s);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(new String[] {"p2p-import", "--host", "lab:" + f},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(P2pImportCommand.EXIT_NO_IMPORTER, code, err.toString(StandardCharsets.UTF_8));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("the lab scenario has none"),
                err.toString(StandardCharsets.UTF_8));
    }
}
