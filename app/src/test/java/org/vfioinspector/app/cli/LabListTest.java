package org.vfioinspector.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.TreeMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vfioinspector.bridge.lab.scenario.ScenarioLoader;

/** {@code list --host lab:...}: a lab host is listed like a real one, and marked as a lab. */
class LabListTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static Path snapshot;

    @BeforeAll
    static void extract() throws Exception {
        snapshot = Snapshots.extract(tmp);
    }

    /**
     * The lab scenario of the real kernel's device set lists exactly what that real kernel wrote to sysfs: every
     * device (IDs, class, driver, group) with every BAR, and every group.
     */
    @Test
    void qemuQ35HostDriversListsLikeTheRealSnapshot() throws Exception {
        JsonNode real = listJson("sysfs:" + snapshot);
        JsonNode lab = listJson("lab:qemu-q35-host-drivers");
        assertEquals(summary(real.path("devices"), true), summary(lab.path("devices"), true));
        assertEquals(groups(real), groups(lab));
    }

    /** qemu-q35 is the same machine with every probed device of facts §9 bound to vfio-pci. */
    @Test
    void qemuQ35HasTheSameDevicesAndBars() throws Exception {
        JsonNode real = listJson("sysfs:" + snapshot);
        JsonNode lab = listJson("lab:qemu-q35");
        assertEquals(summary(real.path("devices"), false), summary(lab.path("devices"), false));
        assertEquals(groups(real), groups(lab));
        for (JsonNode d : lab.path("devices")) {
            String bdf = d.path("bdf").asText();
            if (bdf.equals("0000:00:07.0") || bdf.equals("0000:00:06.0")) {
                assertEquals("vfio-pci", d.path("driver").asText(), bdf);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"qemu-q35", "qemu-q35-host-drivers", "gpu-server", "s390-ism", "s390-ism-fixed",
        "type1-p2p-hazard"})
    void everyBuiltInScenarioListsAsALab(String name) throws Exception {
        assertTrue(ScenarioLoader.BUILT_IN.contains(name));
        JsonNode lab = listJson("lab:" + name);
        assertEquals("lab", lab.path("host").path("kind").asText());
        assertEquals(name, lab.path("host").path("lab").path("scenario").asText());
        assertTrue(lab.path("host").path("lab").path("profile").asText().startsWith("linux-"));
        assertTrue(lab.path("devices").size() > 0);
        assertEquals(0, lab.path("errors").size(), lab.path("errors").toString());
        Snapshots.Result text = Snapshots.cli("list", "--host", "lab:" + name);
        assertEquals(0, text.exit(), text.err());
        assertTrue(text.out().startsWith("LAB host lab:" + name), text.out());
    }

    @Test
    void badScenarioFileIsAUsageErrorNamingLineAndColumn(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.yaml");
        java.nio.file.Files.writeString(bad, "format: 1\nname: broken\nprofile: [unclosed\n");
        Snapshots.Result r = Snapshots.cli("list", "--host", "lab:" + bad);
        assertEquals(Cli.EXIT_USAGE, r.exit());
        assertTrue(r.err().contains(bad.toString()) && r.err().matches("(?s).*:\\d+:\\d+.*"), r.err());
        Snapshots.Result unknown = Snapshots.cli("list", "--host", "lab:no-such-scenario");
        assertEquals(Cli.EXIT_USAGE, unknown.exit());
        assertTrue(unknown.err().contains("qemu-q35"), unknown.err());
    }

    private static JsonNode listJson(String host) throws Exception {
        Snapshots.Result r = Snapshots.cli("list", "--json", "--host", host);
        assertEquals(0, r.exit(), r.err());
        return JSON.readTree(r.out());
    }

    private static Map<String, String> summary(JsonNode devices, boolean withDriver) {
        Map<String, String> out = new TreeMap<>();
        for (JsonNode d : devices) {
            StringBuilder s = new StringBuilder(d.path("vendor").asText() + ":" + d.path("device").asText() + " class "
                    + d.path("class").asText() + " group " + d.path("iommuGroup").asText());
            if (withDriver) {
                s.append(" driver ").append(d.path("driver").asText());
            }
            for (JsonNode r : d.path("regions")) {
                s.append(String.format(" [%d %s pf=%s 0x%x+0x%x]", r.path("index").asInt(), r.path("kind").asText(),
                        r.path("prefetchable").asBoolean(), r.path("start").asLong(), r.path("size").asLong()));
            }
            out.put(d.path("bdf").asText(), s.toString());
        }
        return out;
    }

    private static Map<Integer, String> groups(JsonNode list) {
        Map<Integer, String> out = new TreeMap<>();
        for (JsonNode g : list.path("groups")) {
            out.put(g.path("id").asInt(), g.path("type").asText() + " " + g.path("devices"));
        }
        return out;
    }
}
