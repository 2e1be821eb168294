package org.vfioinspector.app.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code probe --json --host lab:qemu-q35} against what a real Linux 7.2 kernel answered on the same devices
 * (facts §9), field by field. The same comparison runs against the real kernel under QEMU in KernelLabIT.
 */
class LabProbeConformanceTest {
    private static JsonNode probe(String... args) throws Exception {
        return ProbeConformance.cliJson(args);
    }

    @Test
    void probeMatchesSection9() throws Exception {
        JsonNode lab = probe("probe", "--json", "--host", "lab:qemu-q35");
        List<String> diffs = ProbeConformance.expectedFieldsMatch(ProbeConformance.section9(), lab, false);
        assertTrue(diffs.isEmpty(), "lab:qemu-q35 differs from facts §9:\n  " + String.join("\n  ", diffs));
        assertEquals("linux-7.2", lab.path("kernel").path("profile").asText());
        assertTrue(lab.path("host").path("lab").asBoolean());
    }

    @Test
    void revokeSequenceMatchesSection9() throws Exception {
        JsonNode lab = probe("probe", "--json", "--revoke", "--host", "lab:qemu-q35");
        List<String> diffs = ProbeConformance.expectedFieldsMatch(ProbeConformance.section9(), lab, true);
        assertTrue(diffs.isEmpty(), "lab:qemu-q35 --revoke differs from facts §9:\n  " + String.join("\n  ", diffs));
        for (JsonNode d : lab.path("devices")) {
            if (!d.path("deviceFlags").toString().contains("RESET")) {
                assertEquals(1, d.path("revoke").size(), d.path("bdf") + ": a device without reset gets one step");
                assertEquals("EINVAL", d.path("revoke").get(0).path("result").asText(), d.path("bdf").asText());
            }
        }
    }

    /** The comparison can fail: one changed answer is reported with its device, region and field. */
    @Test
    void aDifferenceIsReported() throws Exception {
        JsonNode lab = probe("probe", "--json", "--host", "lab:qemu-q35", "--device", "0000:00:05.0");
        ObjectNode bar0 = (ObjectNode) lab.path("devices").get(0).path("regions").get(0);
        bar0.put("dmabuf", "ok");
        List<String> diffs = ProbeConformance.identical(lab, probe("probe", "--json", "--host", "lab:qemu-q35",
                "--device", "0000:00:05.0"), false);
        assertEquals(List.of("0000:00:05.0 region 0 dmabuf: expected \"EINVAL\", got \"ok\""), diffs);
        assertFalse(ProbeConformance.expectedFieldsMatch(ProbeConformance.section9(), lab, false).isEmpty());
    }
}
