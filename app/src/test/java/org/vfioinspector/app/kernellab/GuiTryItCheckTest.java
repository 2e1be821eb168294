package org.vfioinspector.app.kernellab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link GuiTryItCheck}, the guest's GUI flow, run here as the guest runs it (its own JVM, the test classpath of
 * target/test-classpath.txt) on the lab kernel of qemu-q35: the flow and its record work before a real kernel
 * judges them in KernelLabIT.
 */
class GuiTryItCheckTest {
    @Test
    void theFlowRunsAndRecordsEachStepOnTheLab(@TempDir Path tmp) throws Exception {
        JsonNode r = runCheck(tmp, "0000:00:07.0", "0000:00:03.0", "lab:qemu-q35");
        assertFalse(r.has("error"), r.toPrettyString());
        assertTrue(r.path("lab").asBoolean());
        List<String> actions = new ArrayList<>();
        r.path("steps").forEach(s -> actions.add(s.path("action").asText() + " " + s.path("badge").asText()));
        assertEquals(List.of("mmap mmap: ok", "export dma-buf: ok", "attach attached", "reset reset: ok",
                "memory-off memory off: ok", "memory-on memory on: ok", "close closed"), actions,
                r.toPrettyString());
        assertTrue(r.path("importers").toString().contains("iommufd"), r.path("importers").toString());
        JsonNode reset = r.path("steps").get(3);
        assertTrue(reset.path("events").toString().contains("REVOKE")
                && reset.path("events").toString().contains("RESTORE"), reset.toPrettyString());
        assertEquals(List.of("restored"), states(reset, "attachment"), reset.toPrettyString());
        assertEquals(List.of("revoked"), states(r.path("steps").get(4), "attachment"));
        assertEquals(List.of("restored"), states(r.path("steps").get(5), "attachment"));
        assertEquals(List.of("dead"), states(r.path("steps").get(6), "attachment"));
        assertEquals(List.of("dead"), states(r.path("steps").get(6), "dma-buf"));
        List<String> journal = actions(r);
        assertEquals(List.of("ACTION mmap ok", "ACTION export ok", "ACTION attach ok", "ACTION reset ok",
                "ACTION memory-off ok", "ACTION memory-on ok", "ACTION close ok"), journal.subList(0, 7),
                r.path("journal").toString());
        assertTrue(r.path("journal").toString().contains("EVENT revoke"), r.path("journal").toString());

        // the DMA witness through edu 00:03.0: the dma-buf half (iommufd into edu's IOAS, the lab's cdev path) and
        // the type1 half, as on the real iommufd kernel (KernelLabIT)
        assertFalse(r.has("dmaBufSkipped"), r.path("dmaBufSkipped").asText());
        List<String> witness = witness(r);
        List<String> type1 = witness.stream().filter(w -> w.startsWith("type1 ")).toList();
        assertEquals(List.of("type1 map-type1 type1: mapped [→ ok, no reference]",
                "type1 dma-read reached 0000:00:07.0 BAR0 [→ reaches BAR0]", "type1 close closed [→ ok, revokes for good]",
                "type1 unbind unbind [→ ok]", "type1 dma-read use-after-free [→ reaches: use-after-free]"), type1,
                r.toPrettyString());
        assertEquals(DMA_BUF_HALF, witness.stream().filter(w -> w.startsWith("dma-buf ")).toList(),
                r.toPrettyString());
        List<String> afterTryIt = journal.subList(7, journal.size());
        assertEquals(List.of("ACTION map-type1 ok", "ACTION dma-read reached", "ACTION close ok", "ACTION unbind ok",
                "ACTION dma-read reached"), afterTryIt.subList(afterTryIt.size() - 5, afterTryIt.size()),
                journal.toString());
        assertTrue(r.path("witnessObjects").toString().contains("active | use-after-free"),
                "the type1 map is still active, its last DMA read a use-after-free: " + r.path("witnessObjects"));
        // exercise 4's checks on this session: every step met (B's own importer is iommufd into B's IOAS)
        assertEquals(6, r.path("exercise4").size(), r.path("exercise4").toString());
    }

    /** What the dma-buf half must show where a device can be attached to an IOAS: reach, fault after each revoke. */
    static final List<String> DMA_BUF_HALF = List.of(
            "dma-buf export dma-buf: ok [→ ok]",
            "dma-buf attach attached [→ ok]",
            "dma-buf dma-read reached 0000:00:07.0 BAR0 [→ reaches BAR0]",
            "dma-buf memory-off memory off: ok [→ ok, revokes]",
            "dma-buf dma-read IOMMU fault [→ IOMMU fault]",
            "dma-buf memory-on memory on: ok [→ ok, restores]",
            "dma-buf dma-read IOMMU fault [→ IOMMU fault]",
            "dma-buf map mapped [→ ok]",
            "dma-buf dma-read reached 0000:00:07.0 BAR0 [→ reaches BAR0]",
            "dma-buf reset reset: ok [→ ok, revokes, restores]",
            "dma-buf dma-read IOMMU fault [→ IOMMU fault]",
            "dma-buf map mapped [→ ok]",
            "dma-buf dma-read reached 0000:00:07.0 BAR0 [→ reaches BAR0]",
            "dma-buf close closed [→ ok, revokes for good]",
            "dma-buf dma-read IOMMU fault [→ IOMMU fault]",
            "dma-buf close-engine closed [→ ok, revokes for good]");

    /** The witness steps: "HALF ACTION BADGE [PREDICTED]". */
    static List<String> witness(JsonNode check) {
        List<String> out = new ArrayList<>();
        check.path("witness").forEach(w -> out.add(w.path("half").asText() + " " + w.path("action").asText() + " "
                + w.path("badge").asText() + " [" + w.path("predicted").asText() + "]"));
        return out;
    }

    /** The journal's ACTION lines, in order. */
    static List<String> actions(JsonNode check) {
        List<String> out = new ArrayList<>();
        check.path("journal").forEach(l -> {
            if (l.asText().startsWith("ACTION ")) {
                out.add(l.asText());
            }
        });
        return out;
    }

    static List<String> states(JsonNode step, String kind) {
        List<String> out = new ArrayList<>();
        step.path("states").fields().forEachRemaining(e -> {
            if (e.getKey().startsWith(kind + " ")) {
                out.add(e.getValue().asText());
            }
        });
        return out;
    }

    private static JsonNode runCheck(Path tmp, String... args) throws Exception {
        Path cpFile = Path.of("target", "test-classpath.txt");
        assertTrue(Files.isRegularFile(cpFile), "mvn's generate-test-resources writes " + cpFile);
        String cp = "target/test-classes" + File.pathSeparator + "target/classes" + File.pathSeparator
                + Files.readString(cpFile).strip();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", cp, GuiTryItCheck.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(tmp.resolve("stderr.txt").toFile());
        pb.environment().put("XDG_STATE_HOME", tmp.resolve("state").toString());
        pb.environment().put("XDG_CONFIG_HOME", tmp.resolve("config").toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "the check hung");
        String err = Files.readString(tmp.resolve("stderr.txt"));
        assertEquals(0, p.exitValue(), out + "\n" + err);
        return new ObjectMapper().readTree(out);
    }
}
