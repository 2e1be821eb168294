package org.vfioinspector.bridge.host;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.vfioinspector.bridge.kernel.Kernel;
import org.vfioinspector.bridge.lab.LabHostTree;
import org.vfioinspector.bridge.lab.LabKernel;
import org.vfioinspector.bridge.lab.scenario.LabScenario;
import org.vfioinspector.bridge.lab.scenario.ScenarioException;
import org.vfioinspector.bridge.lab.scenario.ScenarioLoader;
import org.vfioinspector.bridge.sysfs.HostPaths;

/**
 * A host the inspector looks at: its filesystem roots (read by the sysfs scanner) and, where there is one, the
 * kernel that answers VFIO calls. This machine has the real kernel; a sysfs snapshot has none; a lab host has the
 * lab kernel and a sysfs tree generated from its scenario in memory (LabHostTree.inMemory), dropped on close.
 */
public final class Host implements AutoCloseable {
    /** What sort of host. */
    public enum Kind {
        LOCAL("local"), SNAPSHOT("sysfs"), LAB("lab");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** The name used in {@code --host} and in JSON. */
        public String label() {
            return label;
        }
    }

    private final Kind kind;
    private final String name;
    private HostPaths paths;
    private final Supplier<Kernel> kernelFactory;
    private final LabKernel labKernel;
    private Kernel kernel;

    private Host(Kind kind, String name, HostPaths paths, Supplier<Kernel> kernelFactory, LabKernel labKernel) {
        this.kind = kind;
        this.name = name;
        this.paths = paths;
        this.kernelFactory = kernelFactory;
        this.labKernel = labKernel;
        this.kernel = labKernel;
    }

    /** This machine; {@code kernelFactory} creates the real kernel the first time one is needed. */
    public static Host local(Supplier<Kernel> kernelFactory) {
        return new Host(Kind.LOCAL, "local", HostPaths.live(), Objects.requireNonNull(kernelFactory), null);
    }

    /** A sysfs snapshot laid out like a root filesystem (DIR/sys): read-only, no kernel behind it. */
    public static Host snapshot(Path dir) {
        return new Host(Kind.SNAPSHOT, "sysfs:" + dir, HostPaths.under(dir), null, null);
    }

    /**
     * A lab host: the scenario (built-in name or YAML file) loaded into a fresh lab kernel, its sysfs tree generated
     * in memory.
     *
     * @throws ScenarioException naming file, line and column when the scenario is bad
     * @throws IOException       when the tree cannot be generated
     */
    public static Host lab(String scenarioNameOrFile) throws ScenarioException, IOException {
        return lab(ScenarioLoader.load(scenarioNameOrFile));
    }

    public static Host lab(LabScenario scenario) throws IOException {
        LabKernel k = new LabKernel(scenario);
        // in memory: a data-centre scenario's ~400,000 files cost no disk and no minute of writing
        HostPaths hp = LabHostTree.inMemory(k);
        return new Host(Kind.LAB, "lab:" + scenario.name(), hp, null, k);
    }

    public Kind kind() {
        return kind;
    }

    /** "local", "sysfs:DIR" or "lab:NAME". */
    public String name() {
        return name;
    }

    /** The host's roots; a lab host's tree is generated again here if {@link #releaseTree} dropped it. */
    public synchronized HostPaths paths() {
        if (kind == Kind.LAB && !paths.sys().getFileSystem().isOpen()) {
            try {
                paths = LabHostTree.inMemory(labKernel);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot generate the lab host's tree again", e);
            }
        }
        return paths;
    }

    /**
     * Drops a lab host's generated sysfs tree (a 10,000-function host's is 23 MB) once it has been scanned: the GUI
     * keeps the host for its kernel, not its tree. {@link #paths} makes it again from the scenario if asked. Nothing
     * for other hosts.
     */
    public synchronized void releaseTree() {
        if (kind == Kind.LAB) {
            closeTree();
        }
    }

    private void closeTree() {
        try {
            paths.sys().getFileSystem().close(); // the in-memory tree
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the lab host's tree", e);
        }
    }

    public boolean isLab() {
        return kind == Kind.LAB;
    }

    /** The lab scenario of a lab host. */
    public Optional<LabScenario> scenario() {
        return Optional.ofNullable(labKernel).map(LabKernel::scenario);
    }

    /** The kernel behind this host, created on first use; empty for a snapshot. */
    public synchronized Optional<Kernel> kernel() {
        if (kernel == null && kernelFactory != null) {
            kernel = kernelFactory.get();
        }
        return Optional.ofNullable(kernel);
    }

    @Override
    public synchronized void close() {
        if (kernel != null) {
            kernel.close();
            kernel = null;
        }
        if (kind == Kind.LAB) {
            closeTree();
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
