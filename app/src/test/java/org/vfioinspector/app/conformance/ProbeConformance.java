package org.vfioinspector.app.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.vfioinspector.app.cli.Cli;

/**
 * Compares {@code probe --json} documents field by field: against the measured real-kernel table (facts §9, where
 * only measured fields are present), and lab against real (every field a kernel decides).
 */
public final class ProbeConformance {
    /** The facts §9 table of a real Linux 7.2 kernel on the qemu-q35 device set, in the probe's JSON shape. */
    public static final Path SECTION9 = Path.of("../native-bridge/src/test/resources/conformance/linux-7.2-qemu-q35.json");

    /** Fields that say where an answer came from rather than what the kernel answered. */
    private static final Set<String> PROVENANCE = Set.of("eventSource", "note");

    /** What probe's importer says on a kernel without iommufd (ProbeRunner's remedy text). */
    private static final String NO_IOMMUFD = "CONFIG_IOMMUFD is not set";

    private ProbeConformance() {
    }

    public static JsonNode section9() throws IOException {
        return new ObjectMapper().readTree(SECTION9.toFile());
    }

    /** Runs the CLI in process with {@code args}; asserts it exits 0 and returns its standard output as JSON. */
    public static JsonNode cliJson(String... args) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, String.join(" ", args) + ": " + err.toString(StandardCharsets.UTF_8));
        return new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
    }

    /**
     * Every field the expected document has (per device by BDF, per region by index, per --revoke step by name)
     * must be equal in the actual one. Returns the differences, each naming device, region or step, and field.
     */
    public static List<String> expectedFieldsMatch(JsonNode expected, JsonNode actual, boolean revoke) {
        List<String> diffs = new ArrayList<>();
        for (JsonNode e : expected.path("devices")) {
            String bdf = e.path("bdf").asText();
            JsonNode a = device(actual, bdf);
            if (a == null) {
                diffs.add(bdf + ": not probed");
                continue;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = e.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                switch (f.getKey()) {
                    case "regions":
                        for (JsonNode er : f.getValue()) {
                            int idx = er.path("index").asInt();
                            compareFields(bdf + " region " + idx, er, byKey(a.path("regions"), "index", String.valueOf(idx)),
                                    diffs, Set.of());
                        }
                        break;
                    case "revoke":
                        if (revoke) {
                            for (JsonNode es : f.getValue()) {
                                String step = es.path("step").asText();
                                compareFields(bdf + " --revoke step " + step, es, byKey(a.path("revoke"), "step", step),
                                        diffs, PROVENANCE);
                            }
                        }
                        break;
                    default:
                        if (!f.getValue().equals(a.path(f.getKey()))) {
                            diffs.add(bdf + " " + f.getKey() + ": expected " + f.getValue() + ", got " + a.path(f.getKey()));
                        }
                }
            }
        }
        return diffs;
    }

    /**
     * Lab against real: the same devices, and for each every field both kernels decide, identical. {@code ignoreGroups}
     * leaves out the IOMMU group numbers (which depend on the vIOMMU, not on VFIO's rules).
     */
    public static List<String> identical(JsonNode lab, JsonNode real, boolean ignoreGroups) {
        return identical(lab, real, ignoreGroups, false);
    }

    /**
     * {@link #identical(JsonNode, JsonNode, boolean)}, and with {@code ignoreOpenPath} also without the path each
     * device was opened on: the cdev and the legacy path must give the same answers.
     */
    public static List<String> identical(JsonNode lab, JsonNode real, boolean ignoreGroups, boolean ignoreOpenPath) {
        List<String> diffs = new ArrayList<>();
        for (JsonNode r : real.path("devices")) {
            String bdf = r.path("bdf").asText();
            JsonNode l = device(lab, bdf);
            if (l == null) {
                diffs.add(bdf + ": probed on the real kernel, not in the lab");
                continue;
            }
            // the importer's description names kernel-chosen IDs (IOAS, IOVA): only attached or not must agree. A
            // kernel built without iommufd (Debian's) has none where its lab profile (linux-7.2) has one: that is the
            // build's config, not VFIO's rules, so there the importer's answers are not compared
            Set<String> ignore = new java.util.HashSet<>(Set.of("note", "regions", "revoke", "importer"));
            Set<String> stepIgnore = PROVENANCE;
            if (r.has("importer") && l.has("importer") && attached(r) != attached(l)) {
                if (!attached(r) && r.path("importer").asText().contains(NO_IOMMUFD)) {
                    stepIgnore = new java.util.HashSet<>(PROVENANCE);
                    stepIgnore.add("importerMap");
                } else {
                    diffs.add(bdf + " importer: real " + r.path("importer") + ", lab " + l.path("importer"));
                }
            }
            if (ignoreGroups) {
                ignore.add("group");
            }
            if (ignoreOpenPath) {
                ignore.add("openPath");
            }
            compareFields(bdf, r, l, diffs, ignore);
            for (JsonNode rr : r.path("regions")) {
                String idx = rr.path("index").asText();
                compareFields(bdf + " region " + idx, rr, byKey(l.path("regions"), "index", idx), diffs, Set.of());
            }
            if (r.path("revoke").isArray() || l.path("revoke").isArray()) {
                if (r.path("revoke").size() != l.path("revoke").size()) {
                    diffs.add(bdf + " --revoke: real has " + r.path("revoke").size() + " steps, lab "
                            + l.path("revoke").size());
                }
                for (JsonNode rs : r.path("revoke")) {
                    String step = rs.path("step").asText();
                    compareFields(bdf + " --revoke step " + step, rs, byKey(l.path("revoke"), "step", step), diffs,
                            stepIgnore);
                }
            }
        }
        for (JsonNode l : lab.path("devices")) {
            if (device(real, l.path("bdf").asText()) == null) {
                diffs.add(l.path("bdf").asText() + ": probed in the lab, not on the real kernel");
            }
        }
        return diffs;
    }

    private static boolean attached(JsonNode device) {
        return device.path("importer").isTextual() && !device.path("importer").asText().startsWith("none");
    }

    private static void compareFields(String where, JsonNode expected, JsonNode actual, List<String> diffs,
                                      Set<String> ignore) {
        if (actual == null) {
            diffs.add(where + ": missing");
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (ignore.contains(f.getKey())) {
                continue;
            }
            JsonNode got = actual.path(f.getKey());
            JsonNode want = f.getValue();
            boolean same = want.isNumber() && got.isNumber() ? want.asLong() == got.asLong() : want.equals(got);
            if (!same) {
                diffs.add(where + " " + f.getKey() + ": expected " + want + ", got " + (got.isMissingNode() ? "(absent)" : got));
            }
        }
    }

    private static JsonNode device(JsonNode doc, String bdf) {
        return byKey(doc.path("devices"), "bdf", bdf);
    }

    private static JsonNode byKey(JsonNode array, String key, String value) {
        for (JsonNode n : array) {
            if (value.equals(n.path(key).asText())) {
                return n;
            }
        }
        return null;
    }
}
