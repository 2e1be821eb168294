package org.vfioinspector.app.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.vfioinspector.app.kernellab.VerdictsVsProbe;

/**
 * On every built-in lab host, {@code list --json}'s verdicts equal what the lab kernel answers to {@code probe}: the
 * CLI's promise, checked here on the model and in KernelLabIT on both real kernels.
 */
class LabVerdictsVsProbeTest {
    @ParameterizedTest(name = "lab:{0}")
    @ValueSource(strings = {"qemu-q35", "qemu-q35-host-drivers", "gpu-server", "s390-ism", "s390-ism-fixed",
            "type1-p2p-hazard"})
    void everyVerdictIsWhatTheKernelAnswers(String scenario) throws Exception {
        JsonNode list = ProbeConformance.cliJson("list", "--json", "--host", "lab:" + scenario);
        JsonNode probe = ProbeConformance.cliJson("probe", "--json", "--host", "lab:" + scenario);
        VerdictsVsProbe.Result r = VerdictsVsProbe.compare(list, probe);
        assertTrue(r.diffs().isEmpty(), "lab:" + scenario + ": " + r.compared() + " verdicts compared, "
                + r.diffs().size() + " differ:\n  " + String.join("\n  ", r.diffs()));
        assertTrue(r.compared() > 0, "lab:" + scenario + ": nothing compared");
    }

    /** The comparison can fail: a changed prediction is named with device, BAR, both answers and the rule. */
    @Test
    void aWrongPredictionIsNamed() throws Exception {
        JsonNode list = ProbeConformance.cliJson("list", "--json", "--host", "lab:qemu-q35");
        JsonNode probe = ProbeConformance.cliJson("probe", "--json", "--host", "lab:qemu-q35", "--device",
                "0000:00:05.0");
        for (JsonNode d : list.path("devices")) {
            if (d.path("bdf").asText().equals("0000:00:05.0")) {
                ObjectNode bar0 = (ObjectNode) d.path("regions").get(0).path("dmabuf");
                bar0.put("verdict", "yes");
            }
        }
        VerdictsVsProbe.Result r = VerdictsVsProbe.compare(list, probe);
        assertEquals(1, r.diffs().size(), r.diffs().toString());
        assertTrue(r.diffs().get(0).startsWith("0000:00:05.0 BAR0 dmabuf: list predicted yes, the kernel answered "
                + "EINVAL"), r.diffs().get(0));
    }
}
