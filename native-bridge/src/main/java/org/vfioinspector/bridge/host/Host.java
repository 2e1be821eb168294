package org.vfioinspector.bridge.host;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
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
 * lab kernel and a sysfs tree generated from its scenario into a private temporary directory, deleted on close.
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
    private final HostPaths paths;
    private final Supplier<Kernel> kernelFactory;
    private final LabKernel labKernel;
    private final Path tempRoot;
    private Kernel kernel;

    private Host(Kind kind, String name, HostPaths paths, Supplier<Kernel> kernelFactory, LabKernel labKernel,
                 Path tempRoot) {
        this.kind = kind;
        this.name = name;
        this.paths = paths;
        this.kernelFactory = kernelFactory;
        this.labKernel = labKernel;
        this.tempRoot = tempRoot;
        this.kernel = labKernel;
    }

    /** This machine; {@code kernelFactory} creates the real kernel the first time one is needed. */
    public static Host local(Supplier<Kernel> kernelFactory) {
        return new Host(Kind.LOCAL, "local", HostPaths.live(), Objects.requireNonNull(kernelFactory), null, null);
    }

    /** A sysfs snapshot laid out like a root filesystem (DIR/sys): read-only, no kernel behind it. */
    public static Host snapshot(Path dir) {
        return new Host(Kind.SNAPSHOT, "sysfs:" + dir, HostPaths.under(dir), null, null, null);
    }

    /**
     * A lab host: the scenario (built-in name or YAML file) loaded into a fresh lab kernel, its sysfs tree written to
     * a temporary directory.
     *
     * @throws ScenarioException naming file, line and column when the scenario is bad
     * @throws IOException       when the temporary tree cannot be written
     */
    public static Host lab(String scenarioNameOrFile) throws ScenarioException, IOException {
        return lab(ScenarioLoader.load(scenarioNameOrFile));
    }

    public static Host lab(LabScenario scenario) throws IOException {
        LabKernel k = new LabKernel(scenario);
        Path root = Files.createTempDirectory("vfio-inspector-lab-");
        try {
            HostPaths hp = LabHostTree.write(k, root);
            return new Host(Kind.LAB, "lab:" + scenario.name(), hp, null, k, root);
        } catch (IOException | RuntimeException e) {
            deleteTree(root);
            throw e;
        }
    }

    public Kind kind() {
        return kind;
    }

    /** "local", "sysfs:DIR" or "lab:NAME". */
    public String name() {
        return name;
    }

    public HostPaths paths() {
        return paths;
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
        if (tempRoot != null) {
            deleteTree(tempRoot);
        }
    }

    @Override
    public String toString() {
        return name;
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the lab host's temporary tree " + root, e);
        }
    }
}
