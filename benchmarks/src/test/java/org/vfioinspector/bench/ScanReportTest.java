package org.vfioinspector.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScanReportTest {
    private static String result(String name, double median) {
        return "{\"command\": \"" + name + "\", \"mean\": " + median + ", \"stddev\": 0.01, \"median\": " + median
                + ", \"user\": 0.1, \"system\": 0.05, \"min\": " + median * 0.9 + ", \"max\": " + median * 1.1
                + ", \"times\": [" + median + ", " + median + "]}";
    }

    private static void write(Path dir, String file, String... results) throws IOException {
        Files.writeString(dir.resolve(file), "{\"results\": [" + String.join(",", results) + "]}");
    }

    @Test
    void ratiosGrowthAndExtrapolatedLoop(@TempDir Path out) throws Exception {
        write(out, "scan-100.json", result("inspector", 0.5), result("inspector-tuned", 0.4), result("lspci", 0.05),
                result("floor", 0.01));
        write(out, "loop-100.json", result("loop", 2.0));
        write(out, "scan-1000.json", result("inspector", 1.0), result("inspector-tuned", 0.8),
                result("lspci", 0.5), result("floor", 0.1));
        write(out, "loop-1000.json", result("loop-first-200", 4.0));
        String md = ScanReport.report(out, List.of(100, 1000));
        assertTrue(md.contains("| 100 | 10.00 | 50.00 | 8.00 | 40.00 | 2.00 | 4.0 |"), md);
        // 4 s for 200 devices → 20 s for 1000
        assertTrue(md.contains("| 1000 | 2.00 | 10.00 | 1.60 | 8.00 | 20.00 (extrapolated) | 20.0 |"), md);
        assertTrue(md.contains("| 100 → 1000 | 0.20 | 0.20 | 1.00 | 1.00 |"), md);
        List<String> dat = Files.readAllLines(out.resolve("scan.dat"));
        assertEquals("1000 1.00000 0.80000 0.50000 0.10000 20.00000", dat.get(2));
    }

    @Test
    void otherCommandsAreReportedAgainstLspciAndTheFloor(@TempDir Path out) throws Exception {
        write(out, "scan-100.json", result("inspector", 0.5), result("inspector-tuned", 0.4), result("lspci", 0.05),
                result("floor", 0.01), result("installed", 0.1), result("inspector-lab", 0.25));
        write(out, "loop-100.json", result("loop", 2.0));
        String md = ScanReport.report(out, List.of(100));
        assertTrue(md.contains("| 100 | installed | 0.1000 | 2.00 | 10.00 | 0.20 |"), md);
        assertTrue(md.contains("| 100 | inspector-lab | 0.2500 | 5.00 | 25.00 | 0.50 |"), md);
    }

    @Test
    void badExportNamesTheFileAndField(@TempDir Path out) throws Exception {
        Files.writeString(out.resolve("scan-5.json"), "{\"results\": [{\"command\": \"lspci\", \"median\": \"x\"}]}");
        IOException e = assertThrows(IOException.class, () -> ScanReport.read(out.resolve("scan-5.json")));
        assertTrue(e.getMessage().contains("scan-5.json") && e.getMessage().contains("\"median\""), e.getMessage());
        Files.writeString(out.resolve("scan-6.json"), "not json");
        IOException j = assertThrows(IOException.class, () -> ScanReport.read(out.resolve("scan-6.json")));
        assertTrue(j.getMessage().contains("hyperfine"), j.getMessage());
    }
}
