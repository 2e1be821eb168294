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
    void type1ShowsTheUseAfterFreeAndTheDmaBufHalfStopsAtTheLabsMissingCdev() throws Exception {
        Run r = run("witness", "--json", "--host", "lab:qemu-q35", "--engine", "0000:00:03.0", "--peer",
                "0000:00:05.0", "--bar", "2", "--write-pattern");
        assertEquals(WitnessCommand.EXIT_STOPPED, r.code(), r.err());
        JsonNode reports = new ObjectMapper().readTree(r.out()).path("reports");
        assertEquals(2, reports.size());
        JsonNode type1 = reports.get(0);
        assertEquals("type1", type1.path("half").asText());
        assertTrue(type1.path("error").isNull(), type1.toPrettyString());
        assertTrue(type1.path("verdict").asText().startsWith("use-after-free"), type1.path("verdict").asText());
        JsonNode after = null;
        for (JsonNode s : type1.path("steps")) {
            if (s.path("id").asText().equals("reach-after-unbind")) {
                after = s;
            }
        }
        assertEquals("reached", after.path("reach").asText());
        assertEquals(type1.path("expected"), after.path("seen"));
        JsonNode dmaBuf = reports.get(1);
        assertEquals("dma-buf", dmaBuf.path("half").asText());
        assertTrue(dmaBuf.path("error").asText().contains("no vfio-dev cdev"), dmaBuf.toPrettyString());
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
