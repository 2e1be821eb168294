package org.vfioinspector.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the hyperfine results of {@code scan-compare.sh} (OUT/scan-N.json, OUT/loop-N.json) into a Markdown report
 * (medians, spread, ratios, growth) and OUT/scan.dat for gnuplot. A sampled loop ("loop-first-K") is extrapolated
 * per device to the host's size, and marked so.
 */
public final class ScanReport {
    /** One command's numbers, in seconds. */
    public record Result(String name, double median, double min, double max, double stddev, double user,
                         double system, int runs) {
    }

    /** The commands every run has (scan-compare.sh); any other is reported against lspci and the floor. */
    private static final List<String> BASE = List.of("inspector", "inspector-tuned", "lspci", "floor");

    private ScanReport() {
    }

    /** The results of one hyperfine JSON export, by command name. */
    public static Map<String, Result> read(Path json) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json.toFile());
        } catch (IOException e) {
            throw new IOException(json + ": not a hyperfine JSON export (" + e.getMessage() + ")", e);
        }
        JsonNode results = root.path("results");
        if (!results.isArray() || results.isEmpty()) {
            throw new IOException(json + ": expected a non-empty \"results\" array (hyperfine --export-json)");
        }
        Map<String, Result> out = new LinkedHashMap<>();
        for (JsonNode r : results) {
            String name = r.path("command").asText();
            double median = number(json, r, "median");
            out.put(name, new Result(name, median, number(json, r, "min"), number(json, r, "max"),
                    r.path("stddev").isNumber() ? r.path("stddev").asDouble() : 0, number(json, r, "user"),
                    number(json, r, "system"), r.path("times").size()));
        }
        return out;
    }

    private static double number(Path json, JsonNode r, String field) throws IOException {
        JsonNode v = r.path(field);
        if (!v.isNumber() || v.asDouble() < 0 || Double.isNaN(v.asDouble())) {
            throw new IOException(json + ": result \"" + r.path("command").asText() + "\" has no valid \"" + field
                    + "\" (expected a non-negative number of seconds)");
        }
        return v.asDouble();
    }

    /** Writes OUT/scan.dat and returns the Markdown report for {@code sizes}. */
    public static String report(Path out, List<Integer> sizes) throws IOException {
        StringBuilder md = new StringBuilder();
        StringBuilder dat = new StringBuilder("# functions inspector inspector-tuned lspci floor loop (median seconds;"
                + " loop extrapolated where sampled)\n");
        Map<Integer, Map<String, Double>> medians = new LinkedHashMap<>();
        md.append("| functions | command | median s | min s | max s | σ s | user s | sys s | runs |\n");
        md.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (int n : sizes) {
            Map<String, Result> all = new LinkedHashMap<>(read(out.resolve("scan-" + n + ".json")));
            all.putAll(read(out.resolve("loop-" + n + ".json")));
            Map<String, Double> m = new LinkedHashMap<>();
            for (Result r : all.values()) {
                md.append(String.format(Locale.ROOT, "| %d | %s | %.4f | %.4f | %.4f | %.4f | %.4f | %.4f | %d |%n", n,
                        r.name(), r.median(), r.min(), r.max(), r.stddev(), r.user(), r.system(), r.runs()));
                if (r.name().startsWith("loop-first-")) {
                    int sample = Integer.parseInt(r.name().substring("loop-first-".length()));
                    m.put("loop", r.median() / sample * n);
                    m.put("loop-extrapolated", 1.0);
                } else {
                    m.put(r.name(), r.median());
                }
            }
            medians.put(n, m);
            dat.append(String.format(Locale.ROOT, "%d %.5f %.5f %.5f %.5f %.5f%n", n, get(m, "inspector"),
                    get(m, "inspector-tuned"), get(m, "lspci"), get(m, "floor"), get(m, "loop")));
        }
        md.append("\nRatios of medians (below 1: the inspector is faster):\n\n");
        md.append("| functions | inspector / lspci | inspector / floor | tuned / lspci | tuned / floor | loop s |"
                + " loop / inspector |\n|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Map.Entry<Integer, Map<String, Double>> e : medians.entrySet()) {
            Map<String, Double> m = e.getValue();
            md.append(String.format(Locale.ROOT, "| %d | %.2f | %.2f | %.2f | %.2f | %.2f%s | %.1f |%n", e.getKey(),
                    get(m, "inspector") / get(m, "lspci"), get(m, "inspector") / get(m, "floor"),
                    get(m, "inspector-tuned") / get(m, "lspci"), get(m, "inspector-tuned") / get(m, "floor"),
                    get(m, "loop"), m.containsKey("loop-extrapolated") ? " (extrapolated)" : "",
                    get(m, "loop") / get(m, "inspector")));
        }
        // every other command of the run (installed launchers, the lab host): against lspci and the floor
        List<String> others = new ArrayList<>();
        for (Map<String, Double> m : medians.values()) {
            for (String name : m.keySet()) {
                if (!BASE.contains(name) && !name.startsWith("loop") && !others.contains(name)) {
                    others.add(name);
                }
            }
        }
        if (!others.isEmpty()) {
            md.append("\nOther commands of the same runs, ratio of medians to lspci and to the floor:\n\n");
            md.append("| functions | command | median s | / lspci | / floor | / inspector |\n"
                    + "|---:|---|---:|---:|---:|---:|\n");
            for (Map.Entry<Integer, Map<String, Double>> e : medians.entrySet()) {
                Map<String, Double> m = e.getValue();
                for (String name : others) {
                    if (m.containsKey(name)) {
                        md.append(String.format(Locale.ROOT, "| %d | %s | %.4f | %.2f | %.2f | %.2f |%n", e.getKey(),
                                name, m.get(name), m.get(name) / get(m, "lspci"), m.get(name) / get(m, "floor"),
                                m.get(name) / get(m, "inspector")));
                    }
                }
            }
        }
        List<Integer> ns = new ArrayList<>(medians.keySet());
        if (ns.size() > 1) {
            md.append("\nGrowth between sizes (median time ratio / size ratio; 1.0 = linear):\n\n");
            md.append("| from → to | inspector | inspector-tuned | lspci | floor |\n|---|---:|---:|---:|---:|\n");
            for (int i = 1; i < ns.size(); i++) {
                int a = ns.get(i - 1);
                int b = ns.get(i);
                double size = (double) b / a;
                md.append(String.format(Locale.ROOT, "| %d → %d | %.2f | %.2f | %.2f | %.2f |%n", a, b,
                        growth(medians, a, b, "inspector") / size, growth(medians, a, b, "inspector-tuned") / size,
                        growth(medians, a, b, "lspci") / size, growth(medians, a, b, "floor") / size));
            }
        }
        Files.writeString(out.resolve("scan.dat"), dat, StandardCharsets.UTF_8);
        return md.toString();
    }

    private static double growth(Map<Integer, Map<String, Double>> m, int a, int b, String name) {
        return get(m.get(b), name) / get(m.get(a), name);
    }

    private static double get(Map<String, Double> m, String name) {
        Double v = m.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no result named " + name + " (has " + m.keySet() + ")");
        }
        return v;
    }
}
