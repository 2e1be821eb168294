package org.vfioinspector.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.vfioinspector.bridge.model.HostInventory;
import org.vfioinspector.bridge.pciids.PciIds;
import org.vfioinspector.bridge.sysfs.HostPaths;
import org.vfioinspector.bridge.sysfs.HostScanner;

/** The sysfs scan alone, in process, on a synthetic host (pci.ids loaded once, outside the measurement). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ScanBenchmark {
    @Param({"100", "1000", "10000"})
    public int functions;

    private Path dir;
    private HostPaths paths;
    private PciIds ids;

    @Setup(Level.Trial)
    public void generate() throws Exception {
        Path cached = Trees.cached(functions);
        dir = cached != null ? null : Files.createTempDirectory("vfio-bench-scan-");
        paths = cached != null ? HostPaths.under(cached) : SyntheticHost.write(functions, dir);
        ids = PciIds.loadDefault();
    }

    @Benchmark
    public HostInventory scan() throws Exception {
        HostInventory inv = new HostScanner(paths, ids).scan();
        if (inv.devices().size() != functions) {
            throw new IllegalStateException("scanned " + inv.devices().size() + " devices, expected " + functions);
        }
        return inv;
    }

    @TearDown(Level.Trial)
    public void remove() throws IOException {
        Trees.delete(dir);
    }
}
