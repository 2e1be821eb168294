package org.vfioinspector.bench;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.vfioinspector.bridge.lab.LabHostTree;
import org.vfioinspector.bridge.lab.LabKernel;
import org.vfioinspector.bridge.lab.scenario.LabScenario;
import org.vfioinspector.bridge.lab.scenario.ScenarioLoader;
import org.vfioinspector.bridge.model.HostInventory;
import org.vfioinspector.bridge.pciids.PciIds;
import org.vfioinspector.bridge.sysfs.HostPaths;
import org.vfioinspector.bridge.sysfs.HostScanner;

/**
 * Where a lab host's sysfs tree can live, measured in one JVM (BENCHMARKS.md, third round): in the lab's own
 * in-memory file system ({@link LabHostTree#inMemory}), in Jimfs, or written to disk; each opened as the lab opens a
 * host (scenario parsed, lab kernel built, tree written, tree scanned), and the scan of the same host as a sysfs
 * snapshot already on disk beside them. Per store: the median of each phase over the rounds and the first round's
 * (the JVM's first sight of the code), open = parse + kernel + tree + scan, the heap the tree holds (after a full
 * GC, with the tree written minus before it, scenario and kernel alive in both; the GCs are not timed) and the heap
 * the scanned inventory holds (with it minus before the scan, the tree alive in both).
 * One line per store on stdout, {@code lab-tree: store=... key=value...}.
 */
final class LabTreeChoices {
    private LabTreeChoices() {
    }

    /** {@code -Dbench.stores=memory,disk}: some of the stores (the disk's takes ~half a minute a round). */
    private static final List<String> STORES = List.of(System.getProperty("bench.stores", "memory,jimfs,disk")
            .split(","));

    static List<String> run(int functions, Path work, int rounds) throws Exception {
        Files.createDirectories(work);
        Path scenario = work.resolve("scenario.yaml");
        Path snapshot = work.resolve("snapshot");
        if (!Files.exists(scenario)) {
            Files.writeString(scenario, SyntheticHost.scenarioYaml(functions), StandardCharsets.UTF_8);
        }
        if (!Files.isDirectory(snapshot.resolve("sys"))) {
            LabHostTree.write(new LabKernel(ScenarioLoader.load(scenario)), snapshot);
        }
        PciIds ids = PciIds.loadDefault();
        Map<String, Map<String, List<Double>>> phases = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (String store : STORES) {
                Map<String, List<Double>> m = phases.computeIfAbsent(store, k -> new LinkedHashMap<>());
                heapAfterGc();
                long t0 = System.nanoTime();
                LabScenario s = ScenarioLoader.load(scenario);
                long t1 = System.nanoTime();
                LabKernel kernel = new LabKernel(s);
                long kernelNs = System.nanoTime() - t1;
                // the tree's heap: with the scenario and kernel alive before and after (not timed)
                long beforeTree = heapAfterGc();
                long t2 = System.nanoTime();
                FileSystem jimfs = null;
                Path dir = null;
                HostPaths paths;
                switch (store) {
                    case "memory" -> paths = LabHostTree.inMemory(kernel);
                    case "jimfs" -> {
                        // its smallest blocks: the default 8 KiB per file took 1.5 GB at 10,000 functions
                        jimfs = Jimfs.newFileSystem(Configuration.unix().toBuilder().setBlockSize(64)
                                .setMaxCacheSize(0).build());
                        paths = LabHostTree.write(kernel, jimfs.getPath("/lab"));
                    }
                    default -> {
                        dir = Files.createTempDirectory(work, "disk-");
                        paths = LabHostTree.write(kernel, dir);
                    }
                }
                long treeNs = System.nanoTime() - t2;
                long treeHeap = heapAfterGc();
                long t3 = System.nanoTime();
                HostInventory inv = new HostScanner(paths, ids).scan();
                long t4 = System.nanoTime();
                // the inventory's heap: with the tree alive before and after (not timed)
                long inventoryHeap = heapAfterGc() - treeHeap;
                treeHeap -= beforeTree;
                if (inv.devices().size() != functions) {
                    throw new IllegalStateException(store + ": scanned " + inv.devices().size() + " devices, expected "
                            + functions);
                }
                add(m, "parse-ms", t1 - t0);
                add(m, "kernel-ms", kernelNs);
                add(m, "tree-ms", treeNs);
                add(m, "scan-ms", t4 - t3);
                add(m, "open-ms", 0);
                m.get("open-ms").set(m.get("open-ms").size() - 1, last(m, "parse-ms") + last(m, "kernel-ms")
                        + last(m, "tree-ms") + last(m, "scan-ms"));
                if (jimfs != null) {
                    jimfs.close();
                } else if (dir != null) {
                    Trees.delete(dir);
                } else {
                    paths.sys().getFileSystem().close();
                }
                m.computeIfAbsent("tree-mb", k -> new ArrayList<>()).add(treeHeap / 1048576.0);
                m.computeIfAbsent("inventory-mb", k -> new ArrayList<>()).add(inventoryHeap / 1048576.0);
            }
            Map<String, List<Double>> snap = phases.computeIfAbsent("snapshot", k -> new LinkedHashMap<>());
            long t0 = System.nanoTime();
            HostInventory inv = new HostScanner(HostPaths.under(snapshot), ids).scan();
            add(snap, "scan-ms", System.nanoTime() - t0);
            if (inv.devices().size() != functions) {
                throw new IllegalStateException("snapshot: scanned " + inv.devices().size() + " devices");
            }
        }
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, Map<String, List<Double>>> e : phases.entrySet()) {
            StringBuilder b = new StringBuilder("lab-tree: store=" + e.getKey() + " functions=" + functions
                    + " rounds=" + rounds);
            for (Map.Entry<String, List<Double>> p : e.getValue().entrySet()) {
                b.append(String.format(Locale.ROOT, " %s=%.1f", p.getKey(), median(p.getValue())));
                if (p.getKey().endsWith("-ms")) {
                    b.append(String.format(Locale.ROOT, " %s-first=%.1f", p.getKey().replace("-ms", ""),
                            p.getValue().get(0)));
                }
            }
            lines.add(b.toString());
        }
        return lines;
    }

    private static double last(Map<String, List<Double>> m, String key) {
        List<Double> xs = m.get(key);
        return xs.get(xs.size() - 1);
    }

    private static void add(Map<String, List<Double>> m, String key, long nanos) {
        m.computeIfAbsent(key, k -> new ArrayList<>()).add(nanos / 1e6);
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    /** For the smoke test: the snapshot and scenario a run leaves in {@code work}. */
    static void clean(Path work) throws IOException {
        Trees.delete(work);
    }
}
