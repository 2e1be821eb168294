package org.vfioinspector.bridge.sysfs;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The one place that names the host's filesystem roots. Every path the inspector reads or opens is resolved
 * against these, so a snapshot, a generated lab tree or a test's temporary directory can stand in for the host.
 *
 * @param sys  the sysfs root (live: /sys)
 * @param dev  the device root (live: /dev)
 * @param proc the procfs root (live: /proc)
 */
public record HostPaths(Path sys, Path dev, Path proc) {
    public HostPaths {
        Objects.requireNonNull(sys, "sys");
        Objects.requireNonNull(dev, "dev");
        Objects.requireNonNull(proc, "proc");
    }

    /** The running machine. */
    public static HostPaths live() {
        return new HostPaths(Path.of("/sys"), Path.of("/dev"), Path.of("/proc"));
    }

    /** A snapshot or generated tree laid out like a root filesystem: DIR/sys, DIR/dev, DIR/proc. */
    public static HostPaths under(Path root) {
        return new HostPaths(root.resolve("sys"), root.resolve("dev"), root.resolve("proc"));
    }

    /** A path under the sysfs root, e.g. {@code sys("bus/pci/devices")}. */
    public Path sys(String relative) {
        return sys.resolve(relative);
    }

    /** A path under the device root, e.g. {@code dev("vfio/vfio")}. */
    public Path dev(String relative) {
        return dev.resolve(relative);
    }

    /** A path under the procfs root, e.g. {@code proc("self/fdinfo/5")}. */
    public Path proc(String relative) {
        return proc.resolve(relative);
    }
}
