package org.vfioinspector.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code list --brief}: one line per device, agreeing with {@code list --json} field by field. */
class ListBriefTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"qemu-q35", "qemu-q35-host-drivers", "gpu-server", "s390-ism", "s390-ism-fixed",
        "type1-p2p-hazard"})
    void oneLinePerDeviceAsJsonSaysIt(String scenario) throws Exception {
        Snapshots.Result brief = Snapshots.cli("list", "--brief", "--host", "lab:" + scenario);
        assertEquals(0, brief.exit(), brief.err());
        Snapshots.Result json = Snapshots.cli("list", "--json", "--host", "lab:" + scenario);
        JsonNode root = JSON.readTree(json.out());
        List<String> lines = brief.out().lines().toList();
        assertEquals(ListBrief.HEADER, Arrays.asList(lines.get(0).split("\\s+")));
        Map<String, List<String>> byBdf = new TreeMap<>();
        for (String l : lines.subList(1, lines.size())) {
            List<String> cells = Arrays.asList(l.split("\\s+", ListBrief.HEADER.size()));
            byBdf.put(cells.get(0), cells);
        }
        assertEquals(root.path("devices").size(), lines.size() - 1, "one line per device:\n" + brief.out());
        for (JsonNode d : root.path("devices")) {
            List<String> c = byBdf.get(d.path("bdf").asText());
            assertEquals(d.path("iommuGroup").isNull() ? "-" : d.path("iommuGroup").asText(), c.get(1));
            assertEquals(d.path("vendor").asText() + ":" + d.path("device").asText(), c.get(3));
            assertEquals(d.path("class").asText(), c.get(4));
            assertEquals(d.path("driver").isNull() ? "-" : d.path("driver").asText(), c.get(5));
            int bars = 0;
            int mmap = 0;
            int export = 0;
            List<String> disagree = new ArrayList<>();
            for (JsonNode r : d.path("regions")) {
                if (r.path("index").asInt() == 6) {
                    continue;
                }
                bars++;
                mmap += r.path("mmap").path("verdict").asText().equals("yes") ? 1 : 0;
                export += r.path("dmabuf").path("verdict").asText().equals("yes") ? 1 : 0;
                if (r.path("disagree").asBoolean()) {
                    disagree.add(r.path("name").asText());
                }
            }
            assertTrue(c.get(6).startsWith(mmap + "/" + bars), c.toString());
            assertTrue(c.get(7).startsWith(export + "/" + bars), c.toString());
            assertEquals(disagree.isEmpty() ? "-" : String.join(",", disagree), c.get(8));
            JsonNode name = d.path("names").path("device");
            assertTrue(c.get(9).endsWith(name.isNull() ? "device " + d.path("device").asText() : name.asText()),
                    c.toString());
        }
    }

    @Test
    void theUnmappableIsmBarIsMarkedAsADisagreement() {
        Snapshots.Result r = Snapshots.cli("list", "--brief", "--host", "lab:s390-ism");
        String ism = r.out().lines().filter(l -> l.startsWith("0001:00:00.0")).findFirst().orElseThrow();
        List<String> c = Arrays.asList(ism.split("\\s+", ListBrief.HEADER.size()));
        assertEquals(List.of("0/1", "1/1", "BAR2"), c.subList(6, 9), ism);
        // a verdict that cannot be known is counted apart, never as yes or no
        String other = r.out().lines().filter(l -> l.startsWith("0002:00:00.0")).findFirst().orElseThrow();
        assertEquals("0/1?1", Arrays.asList(other.split("\\s+")).get(7), other);
    }

    @Test
    void briefAndJsonOrExplainAreRefused() {
        for (String other : List.of("--json", "--explain")) {
            Snapshots.Result r = Snapshots.cli("list", "--brief", other, "--host", "lab:qemu-q35");
            assertEquals(Cli.EXIT_USAGE, r.exit());
            assertTrue(r.err().contains("--brief cannot be combined with " + other), r.err());
        }
    }
}
