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

    /** The app-image packaging built (packaging comes before benchmarks in the reactor), or null when it is not. */
    private static Path appImage() {
        Path image = REPO.resolve("packaging/target/jpackage/vfio-inspector");
        return Files.isExecutable(image.resolve("bin/vfio-inspector")) ? image : null;
    }

    @Test
    void scanComparisonProducesAReport(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out");
        Map<String, String> env = new HashMap<>(Map.of("SIZES", "100", "RUNS", "2", "WORK",
                tmp.resolve("work").toString()));
        Path image = appImage();
        if (image != null) {
            env.put("LAUNCHERS", "app-image=" + image.resolve("bin/vfio-inspector"));
        }
        String log = run(List.of("bash", REPO.resolve("benchmarks/scripts/scan-compare.sh").toString(), out.toString()),
                env, 300);
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
        assertTrue(Files.readString(out.resolve("machine.txt")).contains("size 100: load"), "the load beside the run");
        // the same host as a lab host, and the launchers, against lspci and the floor
        for (String other : image == null ? List.of("inspector-lab") : List.of("inspector-lab", "app-image")) {
            Matcher o = Pattern.compile("\\| 100 \\| " + other + " \\| ([0-9.]+) \\| ([0-9.]+) \\| ([0-9.]+) \\|")
                    .matcher(report);
            assertTrue(o.find(), other + " row in\n" + report);
            for (int i = 1; i <= 3; i++) {
                assertTrue(Double.parseDouble(o.group(i)) > 0, other + " column " + i + " in\n" + report);
            }
        }
    }

    @Test
    void labTreeChoicesMeasureEveryStore(@TempDir Path tmp) throws Exception {
        List<String> lines = LabTreeChoices.run(100, tmp.resolve("work"), 1);
        Map<String, Map<String, String>> byStore = new HashMap<>();
        for (String line : lines) {
            Map<String, String> kv = new HashMap<>();
            for (String part : line.substring("lab-tree: ".length()).split(" ")) {
                String[] p = part.split("=", 2);
                kv.put(p[0], p[1]);
            }
            byStore.put(kv.get("store"), kv);
        }
        assertEquals(java.util.Set.of("memory", "jimfs", "disk", "snapshot"), byStore.keySet(), lines.toString());
        for (String store : List.of("memory", "jimfs", "disk")) {
            for (String k : List.of("parse-ms", "kernel-ms", "tree-ms", "scan-ms", "open-ms")) {
                double v = Double.parseDouble(byStore.get(store).get(k));
                assertTrue(v > 0 && Double.isFinite(v), store + " " + k + "=" + v);
            }
            assertTrue(Double.isFinite(Double.parseDouble(byStore.get(store).get("tree-mb"))), store + " tree-mb");
        }
        assertTrue(Double.parseDouble(byStore.get("snapshot").get("scan-ms")) > 0);
    }

    @Test
    void minimalWindowReportsItsFirstFrameAndMemory(@TempDir Path tmp) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dglass.platform=Monocle", "-Dmonocle.platform=Headless",
                "-Dprism.order=sw", "-Dheadless.geometry=1600x1200-32", "-Dbench.settleMs=200"));
        if (Runtime.version().feature() >= 22) {
            cmd.add("--enable-native-access=ALL-UNNAMED");
        }
        cmd.add("org.vfioinspector.bench.gui.MinimalWindow$Main");
        String log = run(cmd, Map.of(), 120);
        Matcher frame = Pattern.compile("minimal-window: first-frame-ms=([0-9]+)").matcher(log);
        assertTrue(frame.find() && Long.parseLong(frame.group(1)) > 0, log);
        Matcher rss = Pattern.compile("minimal-window: rss-after-gc-mb=([0-9.]+)").matcher(log);
        assertTrue(rss.find() && Double.parseDouble(rss.group(1)) > 0, log);
    }

    /**
     * gui-bench.sh end to end where a display can be had (Xvfb; CI installs it): first frames interleaved with the
     * minimal window, GuiBench on the launcher's runtime when the app-image is built.
     */
    @Test
    void guiBenchScriptRunsUnderXvfb(@TempDir Path tmp) throws Exception {
        Path xvfbPath = null;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "Xvfb"))) {
                xvfbPath = Path.of(dir, "Xvfb");
                break;
            }
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(xvfbPath != null, "no Xvfb (sudo .ci/install-packages)");
        Process xvfb = new ProcessBuilder(xvfbPath.toString(), "-displayfd", "1", "-screen", "0", "1600x1000x24",
                "-nolisten", "tcp").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String display;
            try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(xvfb.getInputStream(),
                    StandardCharsets.UTF_8))) {
                display = ":" + r.readLine().trim();
            }
            Path host = tmp.resolve("host");
            Files.createDirectories(host);
            Files.writeString(host.resolve("scenario.yaml"), SyntheticHost.scenarioYaml(100));
            Map<String, String> env = new HashMap<>(Map.of("DISPLAY", display, "REFRESHES", "1", "EVENTS", "10",
                    "JAVA_OPTS", "-Dprism.order=sw -Dbench.idleMs=500"));
            Path image = appImage();
            if (image != null) {
                env.put("IMAGE", image.toString());
            }
            String log = run(List.of("bash", REPO.resolve("benchmarks/scripts/gui-bench.sh").toString(),
                    host.resolve("scenario.yaml").toString(), "1", tmp.resolve("out").toString()), env, 300);
            for (String key : List.of("first-frame-ms median: ", "minimal-window first-frame-ms median: ",
                    "first-frame ratio app / minimal window (medians): ")) {
                Matcher m = Pattern.compile(Pattern.quote(key) + "([0-9.]+)").matcher(log);
                assertTrue(m.find() && Double.parseDouble(m.group(1)) > 0, key + " in\n" + log);
            }
            assertTrue(log.contains("minimal-window rss-after-gc-mb (runs): "), log);
            Matcher g = Pattern.compile("gui-bench: groups=100 .*revocation-p99-ms=([0-9.]+)").matcher(log);
            assertTrue(g.find() && Double.parseDouble(g.group(1)) > 0, log);

            // two variants side by side (gui-compare.sh): each named, in order, each with its own result line; the
            // second in a window started as the app starts (bench.start: its start-up host before the first open)
            String jar = REPO.resolve("benchmarks/target/benchmarks.jar").toString();
            String compared = run(List.of("bash", REPO.resolve("benchmarks/scripts/gui-compare.sh").toString(),
                    host.resolve("scenario.yaml").toString(), "1", "1", "5", "folded|" + jar + "|",
                    "unfolded|" + jar + "|-Dbench.unfolded=true -Dbench.start=true"), Map.of("DISPLAY", display), 300);
            Matcher runs = Pattern.compile("(?m)^(folded|unfolded) [0-9:]+ load.*\\R"
                    + "gui-bench: groups=100 .*revocation-area=([a-z]+) .*started=(\\S+)").matcher(compared);
            List<String> seen = new ArrayList<>();
            while (runs.find()) {
                assertEquals(runs.group(1), runs.group(2), compared);
                assertEquals(runs.group(1).equals("folded"), runs.group(3).equals("none"), compared);
                seen.add(runs.group(1));
            }
            assertEquals(List.of("folded", "unfolded"), seen, compared);
        } finally {
            xvfb.destroy();
            xvfb.waitFor(20, TimeUnit.SECONDS);
        }
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
                "-Dbench.idleMs=500", "-Dbench.out=" + result));
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
        assertEquals("folded", kv.get("revocation-area"));
        for (String k : List.of("load-ms", "longest-stall-ms", "apply-stall-ms", "marks-ms", "settled-stall-ms",
                "rss-mb", "rss-idle-mb", "revocation-median-ms", "revocation-p99-ms", "pulse-floor-median-ms",
                "pulse-floor-p99-ms")) {
            double v = Double.parseDouble(kv.get(k));
            assertTrue(v > 0 && Double.isFinite(v), k + "=" + kv.get(k) + " in " + kv);
        }
        // the GC beside the revocation latencies (counts may be 0 on a short run)
        for (String k : List.of("revocation-events-with-gc", "revocation-p99-without-gc-ms", "gc-during-events",
                "gc-ms-during-events")) {
            double v = Double.parseDouble(kv.get(k));
            assertTrue(v >= 0 && Double.isFinite(v), k + "=" + kv.get(k) + " in " + kv);
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
