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

    /**
     * --revoke attaches iommufd (the importer a real kernel offers userspace) to the first dma-buf and maps it again
     * after every step: what the real iommufd kernel answered (KernelLabIT holds it to the same list). Where the
     * profile has no iommufd, the scenario's own in-kernel importer stands in (pci-testdev, whose map is refused:
     * no P2P between two root-bus devices of q35, facts §9).
     */
    @Test
    void revokeSequenceMapsTheImporterAgainAfterEachStep() throws Exception {
        JsonNode lab = probe("probe", "--json", "--revoke", "--host", "lab:qemu-q35");
        int sequences = 0;
        for (JsonNode d : lab.path("devices")) {
            if (d.path("revoke").size() != 4) {
                assertTrue(d.path("importer").isNull(), d.path("bdf") + ": no sequence, no importer");
                continue;
            }
            sequences++;
            assertTrue(d.path("importer").asText().startsWith("iommufd IOAS"), d.toString());
            List<String> maps = new java.util.ArrayList<>();
            d.path("revoke").forEach(s -> maps.add(s.path("importerMap").asText()));
            assertEquals(List.of("ok", "ENODEV", "ok", "ENODEV"), maps, d.path("bdf").asText());
        }
        assertEquals(3, sequences, "nvme 00:07.0, e1000e 01:00.0 and edu 02:00.0 have a reset");

        String noIommufd = new String(LabProbeConformanceTest.class.getResourceAsStream(
                "/org/vfioinspector/bridge/lab/scenarios/qemu-q35.yaml").readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8).replace("profile: linux-7.2\n", "profile: linux-7.2-noiommufd\n");
        java.nio.file.Path f = java.nio.file.Files.createTempFile("q35-noiommufd", ".yaml");
        try {
            java.nio.file.Files.writeString(f, noIommufd);
            JsonNode d = probe("probe", "--json", "--revoke", "--host", "lab:" + f, "--device", "0000:00:07.0")
                    .path("devices").get(0);
            assertTrue(d.path("importer").asText().startsWith("importer testdev (0000:00:04.0)"), d.toString());
            assertEquals("EINVAL", d.path("revoke").get(0).path("importerMap").asText(), d.toString());
            assertEquals("ENODEV", d.path("revoke").get(3).path("importerMap").asText(), d.toString());
        } finally {
            java.nio.file.Files.deleteIfExists(f);
        }
    }

    /**
     * The lab's cdev path, as on the built iommufd kernel (KernelLabIT's cdevAnswersAsLegacyDoes and
     * autoPicksCdevExactlyWhereTheKernelHasIt): AUTO and CDEV open every device through its cdev and iommufd, and
     * the answers are the legacy path's, device by device, and facts §9's.
     */
    @Test
    void theCdevPathAnswersAsTheLegacyPathAndAsSection9() throws Exception {
        JsonNode cdev = probe("probe", "--json", "--revoke", "--host", "lab:qemu-q35", "--open-path", "CDEV");
        JsonNode legacy = probe("probe", "--json", "--revoke", "--host", "lab:qemu-q35", "--open-path", "LEGACY");
        JsonNode auto = probe("probe", "--json", "--host", "lab:qemu-q35");
        assertEquals(7, cdev.path("devices").size());
        for (JsonNode d : cdev.path("devices")) {
            assertEquals("cdev", d.path("openPath").asText(), d.toString());
            assertEquals("ok", d.path("open").asText(), d.toString());
        }
        legacy.path("devices").forEach(d -> assertEquals("legacy", d.path("openPath").asText(), d.toString()));
        auto.path("devices").forEach(d -> assertEquals("cdev", d.path("openPath").asText(), d.toString()));
        List<String> diffs = ProbeConformance.identical(cdev, legacy, false, true);
        assertTrue(diffs.isEmpty(), "cdev vs legacy on the lab:\n  " + String.join("\n  ", diffs));
        diffs = ProbeConformance.expectedFieldsMatch(ProbeConformance.section9(), cdev, true);
        assertTrue(diffs.isEmpty(), "--open-path CDEV differs from facts §9:\n  " + String.join("\n  ", diffs));
    }

    /**
     * The no-IOMMUFD variant, as Debian's kernel answered in the harness (cdevIsRefusedWhereTheKernelHasNoIommufd):
     * CDEV is refused per device at the open of iommu (ENOENT, saying there is no iommufd and to use the legacy path)
     * and AUTO falls back to legacy.
     */
    @Test
    void withoutIommufdCdevIsRefusedAndAutoFallsBackToLegacy() throws Exception {
        String noIommufd = new String(LabProbeConformanceTest.class.getResourceAsStream(
                "/org/vfioinspector/bridge/lab/scenarios/qemu-q35.yaml").readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8).replace("profile: linux-7.2\n", "profile: linux-7.2-noiommufd\n");
        java.nio.file.Path f = java.nio.file.Files.createTempFile("q35-noiommufd", ".yaml");
        try {
            java.nio.file.Files.writeString(f, noIommufd);
            JsonNode cdev = probe("probe", "--json", "--host", "lab:" + f, "--open-path", "CDEV");
            assertEquals(7, cdev.path("devices").size());
            for (JsonNode d : cdev.path("devices")) {
                assertEquals("cdev", d.path("openPath").asText(), d.toString());
                assertEquals("ENOENT", d.path("open").asText(), d.toString());
                assertTrue(d.path("regions").isEmpty(), d.toString());
                String note = d.path("note").asText();
                assertTrue(note.contains("open on iommu") && note.contains("no iommufd") && note.contains("legacy"),
                        note);
            }
            JsonNode auto = probe("probe", "--json", "--host", "lab:" + f);
            auto.path("devices").forEach(d -> assertEquals("legacy", d.path("openPath").asText(), d.toString()));
            List<String> diffs = ProbeConformance.expectedFieldsMatch(ProbeConformance.section9(), auto, false);
            assertTrue(diffs.isEmpty(), String.join("\n  ", diffs));
        } finally {
            java.nio.file.Files.deleteIfExists(f);
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
