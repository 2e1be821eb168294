package org.vfioinspector.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Every benchmark path still runs, at 100 functions and one short iteration, and yields well-formed numbers. Times
 * are never asserted (see BENCHMARKS.md for the measurements). Needs hyperfine, strace, gcc and lspci (installed by
 * .ci/install-packages); a missing one fails with its name.
 */
class BenchmarksSmokeIT {
    private static final Path REPO = Path.of(System.getProperty("bench.repo", "..")).toAbsolutePath().normalize();

    @Test
    void jmhScanAndRulesRunOnce() throws Exception {
        Options opt = new OptionsBuilder()
                .include(ScanBenchmark.class.getName() + "|" + RulesBenchmark.class.getName())
                .param("functions", "100")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(300))
                .build();
        Collection<RunResult> results = new Runner(opt).run();
        assertEquals(2, results.size(), "one result per benchmark");
        for (RunResult r : results) {
            double score = r.getPrimaryResult().getScore();
            assertTrue(Double.isFinite(score) && score > 0, r.getParams().getBenchmark() + ": score " + score);
        }
    }

    @Test
    void scanComparisonProducesAReport(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out");
        String log = run(List.of("bash", REPO.resolve("benchmarks/scripts/scan-compare.sh").toString(), out.toString()),
                Map.of("SIZES", "100", "RUNS", "2", "WORK", tmp.resolve("work").toString()), 300);
        String report = Files.readString(out.resolve("report.md"));
        Matcher m = Pattern.compile("\\| 100 \\| ([0-9.]+) \\| ([0-9.]+) \\| ([0-9.]+) \\| ([0-9.]+) \\| ([0-9.]+) \\|")
                .matcher(report);
        assertTrue(m.find(), "a ratio row for 100 functions in\n" + report + "\n" + log);
        for (int i = 1; i <= 5; i++) {
            double v = Double.parseDouble(m.group(i));
            assertTrue(v > 0 && Double.isFinite(v), "ratio " + i + ": " + v);
        }
        List<String> dat = Files.readAllLines(out.resolve("scan.dat"));
        assertEquals(2, dat.size(), "header and one size: " + dat);
        String[] cols = dat.get(1).split(" ");
        assertEquals("100", cols[0]);
        for (int i = 1; i < cols.length; i++) {
            assertTrue(Double.parseDouble(cols[i]) > 0, "column " + i + " of " + dat.get(1));
        }
        assertTrue(Files.readString(out.resolve("machine.txt")).contains("java:"));
    }

    @Test
    void guiMeasurementsRunHeadless(@TempDir Path tmp) throws Exception {
        Path scenario = tmp.resolve("host");
        SyntheticHost.write(100, scenario);
        Path result = tmp.resolve("gui.txt");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path")));
        cmd.addAll(List.of("-Dglass.platform=Monocle", "-Dmonocle.platform=Headless", "-Dprism.order=sw",
                "-Dtestfx.headless=true", "-Dheadless.geometry=1600x1200-32",
                "-Djava.util.prefs.userRoot=" + tmp.resolve("prefs"),
                "-Dbench.scenario=" + scenario.resolve("scenario.yaml"), "-Dbench.refreshes=1", "-Dbench.events=20",
                "-Dbench.out=" + result));
        if (Runtime.version().feature() >= 22) {
            cmd.add("--enable-native-access=ALL-UNNAMED");
        }
        cmd.add("org.vfioinspector.bench.gui.GuiBench$Main");
        String log = run(cmd, Map.of(), 180);
        assertTrue(Files.exists(result), "no result file; output:\n" + log);
        Map<String, String> kv = new HashMap<>();
        for (String part : Files.readString(result).strip().split(" ")) {
            String[] p = part.split("=", 2);
            kv.put(p[0], p[1]);
        }
        assertEquals("100", kv.get("groups"));
        assertEquals("20", kv.get("events"));
        for (String k : List.of("load-ms", "longest-stall-ms", "apply-stall-ms", "rss-mb", "revocation-median-ms",
                "revocation-p99-ms")) {
            double v = Double.parseDouble(kv.get(k));
            assertTrue(v > 0 && Double.isFinite(v), k + "=" + kv.get(k) + " in " + kv);
        }
    }

    private static String run(List<String> cmd, Map<String, String> env, int timeoutS) throws IOException,
            InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(REPO.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        boolean done = p.waitFor(timeoutS, TimeUnit.SECONDS);
        String log = new String(out, StandardCharsets.UTF_8);
        if (!done) {
            p.destroyForcibly();
        }
        assertTrue(done, String.join(" ", cmd) + " did not finish in " + timeoutS + " s:\n" + log);
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed:\n" + log);
        return log;
    }
}
