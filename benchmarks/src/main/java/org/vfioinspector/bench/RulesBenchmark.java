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
import org.openjdk.jmh.infra.Blackhole;
import org.vfioinspector.bridge.model.HostInventory;
import org.vfioinspector.bridge.model.PciDevice;
import org.vfioinspector.bridge.model.Region;
import org.vfioinspector.bridge.pciids.PciIds;
import org.vfioinspector.bridge.rules.KernelProfile;
import org.vfioinspector.bridge.rules.KernelProfiles;
import org.vfioinspector.bridge.rules.Predictions;
import org.vfioinspector.bridge.sysfs.HostPaths;
import org.vfioinspector.bridge.sysfs.HostScanner;

/**
 * The rules evaluation for every BAR of a scanned synthetic host: mmap and dma-buf verdicts per region, as the
 * device view predicts them (profile linux-7.2).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class RulesBenchmark {
    @Param({"100", "1000", "10000"})
    public int functions;

    private Path dir;
    private HostInventory host;
    private KernelProfile profile;

    @Setup(Level.Trial)
    public void scan() throws Exception {
        Path cached = Trees.cached(functions);
        dir = cached != null ? null : Files.createTempDirectory("vfio-bench-rules-");
        HostPaths paths = cached != null ? HostPaths.under(cached) : SyntheticHost.write(functions, dir);
        host = new HostScanner(paths, PciIds.empty()).scan();
        profile = KernelProfiles.byName("linux-7.2").orElseThrow();
    }

    @Benchmark
    public int allBars(Blackhole bh) {
        int bars = 0;
        for (PciDevice d : host.devices()) {
            Boolean vfio = d.driver().filter("vfio-pci"::equals).isPresent() ? Boolean.TRUE : null;
            Predictions.DeviceQuirks quirks = new Predictions.DeviceQuirks(false, vfio, null);
            for (Region r : d.regions()) {
                bh.consume(Predictions.forBar(profile, r, quirks));
                bars++;
            }
        }
        return bars;
    }

    @TearDown(Level.Trial)
    public void remove() throws IOException {
        Trees.delete(dir);
    }
}
