package org.vfioinspector.app.gui.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.vfioinspector.bridge.host.Host;
import org.vfioinspector.bridge.host.HostVerdicts;
import org.vfioinspector.bridge.kernel.Kernel;
import org.vfioinspector.bridge.lab.scenario.LabScenario;
import org.vfioinspector.bridge.lab.scenario.ScenarioException;
import org.vfioinspector.bridge.model.HostInventory;
import org.vfioinspector.bridge.model.IommuGroup;
import org.vfioinspector.bridge.model.KernelInfo;
import org.vfioinspector.bridge.pciids.PciIds;
import org.vfioinspector.bridge.rules.HostTopology;
import org.vfioinspector.bridge.sysfs.HostPaths;
import org.vfioinspector.bridge.sysfs.HostScanner;
import org.vfioinspector.bridge.sysfs.HostUnreadableException;

/** Loads a {@link HostChoice}: scans its sysfs, diagnoses it. Blocking; runs on the background executor only. */
public final class HostLoader {
    private final Supplier<PciIds> ids;
    private final java.util.function.Function<HostPaths, Kernel> realKernel;
    private final java.util.function.UnaryOperator<Kernel> labKernels;

    /**
     * @param ids        pci.ids, loaded on first use
     * @param realKernel this machine's kernel over the given paths (the JNA kernel; tests pass their own)
     */
    public HostLoader(Supplier<PciIds> ids, java.util.function.Function<HostPaths, Kernel> realKernel) {
        this(ids, realKernel, java.util.function.UnaryOperator.identity());
    }

    /** @param labKernels wraps a lab host's kernel as the try-it actions see it (identity; tests make calls block) */
    public HostLoader(Supplier<PciIds> ids, java.util.function.Function<HostPaths, Kernel> realKernel,
                      java.util.function.UnaryOperator<Kernel> labKernels) {
        this.ids = ids;
        this.realKernel = realKernel;
        this.labKernels = labKernels;
    }

    public LoadedHost load(HostChoice choice) throws HostUnreadableException, IOException, ScenarioException {
        if (choice instanceof HostChoice.Lab lab) {
            LabScenario scenario = org.vfioinspector.bridge.lab.scenario.ScenarioLoader.load(lab.nameOrFile());
            Host h = Host.lab(lab.profile() == null ? scenario : scenario.withProfile(LabProfiles.parse(
                    lab.profile())));
            try {
                HostInventory inv = new HostScanner(h.paths(), ids.get()).scan();
                LabScenario sc = h.scenario().orElseThrow();
                HostVerdicts v = HostVerdicts.of(h.paths(), false, Optional.of(sc), Optional.empty(), inv, sc.release());
                h.releaseTree(); // scanned: the window keeps the lab kernel, not the generated sysfs tree
                return new LoadedHost(choice, sc.name(), sc.release(), inv, Diagnosis.of(inv, Set.of(), false),
                        h.kernel().map(labKernels), "", Optional.of(sc.profile()), "the scenario's profile", Optional.of(h),
                        Optional.of(v), HostTopology.of(inv, h.paths()));
            } catch (HostUnreadableException | RuntimeException e) {
                h.close();
                throw e;
            }
        }
        HostPaths p = choice instanceof HostChoice.Live l ? l.paths() : ((HostChoice.Snapshot) choice).paths();
        HostInventory inv = new HostScanner(p, ids.get()).scan();
        boolean live = choice instanceof HostChoice.Live;
        Set<Integer> denied = new HashSet<>();
        if (live) {
            for (IommuGroup g : inv.groups()) {
                Path node = p.dev("vfio/" + g.number());
                if (Files.exists(node) && !(Files.isReadable(node) && Files.isWritable(node))) {
                    denied.add(g.number());
                }
            }
        }
        Diagnosis d = Diagnosis.of(inv, denied, live);
        String hostname = live ? readFirstLine(p.proc("sys/kernel/hostname")).orElse("localhost")
                : choice instanceof HostChoice.Snapshot s && s.root().getFileName() != null
                ? s.root().getFileName().toString() : choice.label();
        String release = inv.kernel().release();
        if (KernelInfo.UNKNOWN_RELEASE.equals(release) && choice instanceof HostChoice.Snapshot s) {
            release = readFirstLine(s.root().resolve("uname-r.txt")).orElse(release);
        }
        String why = "a snapshot has no kernel to call: it is read-only";
        Optional<Host> handle = Optional.empty();
        Optional<Kernel> kernel = Optional.empty();
        if (live) {
            // This machine's kernel: the try-it actions call it (after a confirmation, on vfio-pci devices only).
            try {
                Host h = Host.local(() -> realKernel.apply(p));
                kernel = h.kernel();
                handle = Optional.of(h);
                why = "";
            } catch (LinkageError | RuntimeException e) {
                why = "the kernel backend could not be loaded (" + e + "); listing still works";
            }
        }
        HostVerdicts v = HostVerdicts.of(p, live, Optional.empty(), Optional.empty(), inv, release);
        Optional<HostVerdicts> verdicts = KernelInfo.UNKNOWN_RELEASE.equals(release) ? Optional.empty()
                : Optional.of(v);
        return new LoadedHost(choice, hostname, release, inv, d, kernel, why,
                verdicts.map(x -> x.profile().profile()),
                verdicts.isPresent() ? v.profile().reason() : "the kernel release is unknown", handle, verdicts,
                HostTopology.of(inv, p)); // proc/cpuinfo: an AMD Zen CPU lets p2pdma through any host bridge
    }

    private static Optional<String> readFirstLine(Path f) {
        try {
            return Files.readAllLines(f, StandardCharsets.UTF_8).stream().findFirst().map(String::strip)
                    .filter(s -> !s.isEmpty());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
