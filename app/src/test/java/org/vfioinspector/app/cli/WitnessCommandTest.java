package org.vfioinspector.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code witness} against the lab (lab:qemu-q35: edu 00:03.0 has a DMA engine, ivshmem 00:05.0 a RAM-like BAR2). */
class WitnessCommandTest {
    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void type1ShowsTheUseAfterFreeAndTheDmaBufHalfItsFix() throws Exception {
        // --rebind: the type1 half unbinds the peer, and the dma-buf half needs it on vfio-pci again
        Run r = run("witness", "--json", "--host", "lab:qemu-q35", "--engine", "0000:00:03.0", "--peer",
                "0000:00:05.0", "--bar", "2", "--write-pattern", "--rebind");
        assertEquals(0, r.code(), r.err() + r.out());
        JsonNode reports = new ObjectMapper().readTree(r.out()).path("reports");
        assertEquals(2, reports.size());
        JsonNode type1 = reports.get(0);
        assertEquals("type1", type1.path("half").asText());
        assertTrue(type1.path("error").isNull(), type1.toPrettyString());
        assertTrue(type1.path("verdict").asText().startsWith("use-after-free"), type1.path("verdict").asText());
        JsonNode after = step(type1, "reach-after-unbind");
        assertEquals("reached", after.path("reach").asText());
        assertEquals(type1.path("expected"), after.path("seen"));
        // the dma-buf half on the lab's cdev path: reached through the IOAS, cut off by each revoke (facts §11)
        JsonNode dmaBuf = reports.get(1);
        assertEquals("dma-buf", dmaBuf.path("half").asText());
        assertTrue(dmaBuf.path("error").isNull(), dmaBuf.toPrettyString());
        assertTrue(dmaBuf.path("verdict").asText().startsWith("revoked"), dmaBuf.path("verdict").asText());
        for (String id : new String[] {"reach-mapped", "reach-remapped"}) {
            assertEquals("reached", step(dmaBuf, id).path("reach").asText(), id);
            assertEquals(dmaBuf.path("expected"), step(dmaBuf, id).path("seen"), id);
        }
        for (String id : new String[] {"reach-memory-off", "reach-memory-on", "reach-closed"}) {
            assertEquals("not-reached", step(dmaBuf, id).path("reach").asText(), id);
        }
        assertEquals("ENODEV", step(dmaBuf, "map-file-revoked").path("answer").asText());
        assertEquals("ENODEV", step(dmaBuf, "map-file-closed").path("answer").asText());
    }

    private static JsonNode step(JsonNode report, String id) {
        for (JsonNode s : report.path("steps")) {
            if (s.path("id").asText().equals(id)) {
                return s;
            }
        }
        throw new AssertionError("no step " + id + " in " + report.toPrettyString());
    }

    @Test
    void textNamesEachStepAndTheVerdict() {
        Run r = run("witness", "--host", "lab:qemu-q35", "--half", "type1", "--engine", "0000:00:03.0", "--peer",
                "0000:00:05.0", "--bar", "2", "--write-pattern");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("reach-after-unbind: ok, reached a0a1a2a3"), r.out());
        assertTrue(r.out().contains("=> use-after-free"), r.out());
    }

    @Test
    void badArgumentsAreNamed() {
        Run half = run("witness", "--host", "lab:qemu-q35", "--half", "both", "--engine", "0000:00:03.0", "--peer",
                "0000:00:05.0");
        assertEquals(Cli.EXIT_USAGE, half.code());
        assertTrue(half.err().contains("--half both: expected type1 or dma-buf"), half.err());
        Run same = run("witness", "--host", "lab:qemu-q35", "--engine", "0000:00:03.0", "--peer", "0000:00:03.0");
        assertEquals(Cli.EXIT_USAGE, same.code());
        assertTrue(same.err().contains("--engine and --peer are both 0000:00:03.0"), same.err());
        Run missing = run("witness", "--host", "lab:qemu-q35", "--engine", "0000:00:03.0", "--peer", "0000:00:1e.0");
        assertEquals(Cli.EXIT_USAGE, missing.code());
        assertTrue(missing.err().contains("no PCI device 0000:00:1e.0"), missing.err());
        Run bar = run("witness", "--host", "lab:qemu-q35", "--engine", "0000:00:03.0", "--peer", "0000:00:05.0",
                "--bar", "7");
        assertEquals(Cli.EXIT_USAGE, bar.code());
        assertTrue(bar.err().contains("--bar 7: expected 0..5"), bar.err());
    }
}
