package org.vfioinspector.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code list}'s per-BAR verdicts: the s390 ISM divergence, the proposal profile, and a real host's snapshot. */
class ListVerdictsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static Path snapshot;

    @BeforeAll
    static void extract() throws Exception {
        snapshot = Snapshots.extract(tmp);
    }

    @Test
    void s390IsmBar2MmapRefusedExportAllowedUnder72() throws Exception {
        JsonNode doc = listJson("lab:s390-ism");
        assertEquals("linux-7.2", doc.path("host").path("profile").path("name").asText());
        assertTrue(doc.path("host").path("profile").path("reason").asText().contains("scenario"));
        assertEquals("s390x", doc.path("host").path("arch").path("name").asText());
        JsonNode bar2 = region(doc, "0001:00:00.0", 2);
        assertEquals("no", bar2.path("mmap").path("verdict").asText());
        assertEquals("EINVAL", bar2.path("mmap").path("errno").asText());
        assertTrue(bar2.path("mmap").path("rule").asText().startsWith("vfio_pci_core_mmap: "));
        assertEquals("yes", bar2.path("dmabuf").path("verdict").asText());
        assertTrue(bar2.path("dmabuf").path("errno").isNull());
        assertTrue(bar2.path("disagree").asBoolean());
        assertTrue(device(doc, "0001:00:00.0").path("nonMappableBars").path("value").asBoolean());
        assertTrue(device(doc, "0001:00:00.0").path("nonMappableBars").path("rule").asText()
                .contains("zpci_ism_bar_no_mmap"));
    }

    @Test
    void s390IsmBothRefusedUnderTheProposalProfile() throws Exception {
        String yaml;
        try (InputStream in = ListVerdictsTest.class.getResourceAsStream(
                "/org/vfioinspector/bridge/lab/scenarios/s390-ism.yaml")) {
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Path f = tmp.resolve("s390-ism-proposal.yaml");
        Files.writeString(f, yaml.replace("profile: linux-7.2", "profile: proposal-evans-bar-mmap"));
        JsonNode doc = listJson("lab:" + f);
        assertEquals("proposal", doc.path("host").path("profile").path("kind").asText());
        JsonNode bar2 = region(doc, "0001:00:00.0", 2);
        assertEquals("no", bar2.path("mmap").path("verdict").asText());
        assertEquals("no", bar2.path("dmabuf").path("verdict").asText());
        assertEquals("EINVAL", bar2.path("dmabuf").path("errno").asText());
        assertFalse(bar2.path("disagree").asBoolean());
    }

    @Test
    void textSaysDisagreeUpFrontWithBothRulesAndExplainAddsRules() {
        Snapshots.Result r = Snapshots.cli("list", "--host", "lab:s390-ism");
        assertEquals(0, r.exit(), r.err());
        String head = r.out().substring(0, r.out().indexOf("IOMMU group 0"));
        assertTrue(head.contains("DISAGREE: mmap and dma-buf export differ on 0001:00:00.0 BAR2"), head);
        assertTrue(r.out().contains("mmap no (EINVAL)  dma-buf yes  DISAGREE"), r.out());
        assertTrue(r.out().contains("mmap:    vfio_pci_core_mmap"), r.out());
        assertTrue(r.out().contains("dma-buf: vfio_pci_core_feature_dma_buf"), r.out());
        Snapshots.Result plain = Snapshots.cli("list", "--host", "lab:qemu-q35");
        Snapshots.Result explained = Snapshots.cli("list", "--explain", "--host", "lab:qemu-q35");
        assertFalse(plain.out().contains("reset: pci_probe_reset_function"), plain.out());
        assertTrue(explained.out().contains("reset: pci_probe_reset_function"), explained.out());
        assertTrue(explained.out().contains("(row 5)"), explained.out());
    }

    /**
     * The real Linux 7.2.13 kernel's own sysfs predicts what that kernel answered (facts §9), and the lab scenario
     * of that host (no restOfPageFree, no vfioReset) predicts exactly the same for every region and device.
     */
    @Test
    void realSnapshotPredictsSection9AndItsScenarioAgreesWithoutOverrides() throws Exception {
        JsonNode real = listJson("sysfs:" + snapshot);
        JsonNode ivshmem0 = region(real, "0000:00:05.0", 0);
        assertEquals("yes", ivshmem0.path("mmap").path("verdict").asText());
        assertEquals("no", ivshmem0.path("dmabuf").path("verdict").asText());
        assertEquals("EINVAL", ivshmem0.path("dmabuf").path("errno").asText());
        assertTrue(ivshmem0.path("disagree").asBoolean());
        assertTrue(ivshmem0.path("restOfPageFree").path("value").asBoolean());
        JsonNode rom = region(real, "0000:00:06.0", 6);
        assertEquals("EINVAL", rom.path("mmap").path("errno").asText());
        assertEquals("ENODEV", rom.path("dmabuf").path("errno").asText());
        assertFalse(device(real, "0000:00:06.0").path("vfioReset").path("value").asBoolean());
        assertFalse(device(real, "0000:00:03.0").path("vfioReset").path("value").asBoolean());
        assertTrue(device(real, "0000:00:07.0").path("vfioReset").path("value").asBoolean());
        assertTrue(device(real, "0000:01:00.0").path("vfioReset").path("value").asBoolean());
        assertTrue(device(real, "0000:02:00.0").path("vfioReset").path("value").asBoolean());
        assertEquals(verdicts(real), verdicts(listJson("lab:qemu-q35-host-drivers")));
    }

    private static Map<String, String> verdicts(JsonNode doc) {
        Map<String, String> out = new TreeMap<>();
        for (JsonNode d : doc.path("devices")) {
            String bdf = d.path("bdf").asText();
            out.put(bdf + " reset", d.path("vfioReset").path("value").asText());
            for (JsonNode r : d.path("regions")) {
                out.put(bdf + " " + r.path("name").asText(), r.path("mmap").path("verdict").asText() + "/"
                        + r.path("mmap").path("errno").asText() + " " + r.path("dmabuf").path("verdict").asText() + "/"
                        + r.path("dmabuf").path("errno").asText() + " " + r.path("disagree").asBoolean());
            }
        }
        return out;
    }

    private static JsonNode device(JsonNode doc, String bdf) {
        for (JsonNode d : doc.path("devices")) {
            if (d.path("bdf").asText().equals(bdf)) {
                return d;
            }
        }
        throw new AssertionError("no device " + bdf);
    }

    private static JsonNode region(JsonNode doc, String bdf, int index) {
        for (JsonNode r : device(doc, bdf).path("regions")) {
            if (r.path("index").asInt() == index) {
                return r;
            }
        }
        throw new AssertionError(bdf + " has no region " + index);
    }

    private static JsonNode listJson(String host) throws Exception {
        Snapshots.Result r = Snapshots.cli("list", "--json", "--host", host);
        assertEquals(0, r.exit(), r.err());
        return JSON.readTree(r.out());
    }
}
