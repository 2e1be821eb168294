package org.vfioinspector.bridge.sysfs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a fake host root (sys/, dev/, proc/) under a test directory with the link shapes real sysfs uses:
 * {@code bus/pci/devices/BDF -> ../../../devices/pci0000:00/...}, {@code driver -> ../../../bus/pci/drivers/NAME},
 * {@code iommu_group -> ../../../kernel/iommu_groups/N}, {@code kernel/iommu_groups/N/devices/BDF ->
 * ../../../../devices/...} (relative depths follow the device's depth).
 */
final class FakeSysfs {
    static final String ZERO = "0x0000000000000000 0x0000000000000000 0x0000000000000000";

    private final Path root;

    FakeSysfs(Path root) {
        this.root = root;
        mkdirs(sys("bus/pci/devices"));
        mkdirs(sys("kernel/iommu_groups"));
    }

    HostPaths paths() {
        return HostPaths.under(root);
    }

    Path root() {
        return root;
    }

    Path sys(String rel) {
        return root.resolve("sys").resolve(rel);
    }

    /** A device on the root bus (no bridge above it). */
    Device device(String bdf) {
        return device(bdf, List.of());
    }

    /**
     * A device below the given bridges (outermost first). Its directory is
     * devices/pciDDDD:BB/BRIDGE.../BDF and gets the usual vendor/device/class files (a plain endpoint).
     */
    Device device(String bdf, List<String> upstream) {
        String first = upstream.isEmpty() ? bdf : upstream.get(0);
        Path dir = sys("devices").resolve("pci" + first.substring(0, 7));
        for (String u : upstream) {
            dir = dir.resolve(u);
        }
        dir = dir.resolve(bdf);
        mkdirs(dir);
        link(sys("bus/pci/devices/" + bdf), dir);
        Device d = new Device(bdf, dir);
        d.file("vendor", "0x8086\n").file("device", "0x10d3\n").file("class", "0x020000\n")
                .file("subsystem_vendor", "0x8086\n").file("subsystem_device", "0x0000\n")
                .file("revision", "0x00\n").file("numa_node", "-1\n").file("driver_override", "(null)\n");
        return d;
    }

    Group group(int n) {
        Path dir = sys("kernel/iommu_groups/" + n);
        mkdirs(dir.resolve("devices"));
        write(dir.resolve("type"), "DMA\n");
        write(dir.resolve("reserved_regions"), "0x00000000fee00000 0x00000000feefffff msi\n");
        return new Group(dir);
    }

    /** A file under the root (e.g. proc/sys/kernel/osrelease, or dev/vfio/3). */
    FakeSysfs rootFile(String rel, String text) {
        write(root.resolve(rel), text);
        return this;
    }

    FakeSysfs rootDir(String rel) {
        mkdirs(root.resolve(rel));
        return this;
    }

    final class Group {
        final Path dir;

        Group(Path dir) {
            this.dir = dir;
        }

        Group file(String name, String text) {
            write(dir.resolve(name), text);
            return this;
        }

        Group remove(String name) {
            delete(dir.resolve(name));
            return this;
        }
    }

    final class Device {
        final String bdf;
        final Path dir;

        Device(String bdf, Path dir) {
            this.bdf = bdf;
            this.dir = dir;
        }

        Device file(String name, String text) {
            write(dir.resolve(name), text);
            return this;
        }

        Device remove(String name) {
            delete(dir.resolve(name));
            return this;
        }

        Device ids(String vendor, String device) {
            return file("vendor", vendor + "\n").file("device", device + "\n");
        }

        Device classCode(String code) {
            return file("class", code + "\n");
        }

        /**
         * resource lines ("" = an all-zero line), padded with all-zero lines to 13 (6 BARs, ROM, 6 SR-IOV BARs).
         */
        Device resource(String... lines) {
            List<String> all = new ArrayList<>();
            for (String l : lines) {
                all.add(l.isEmpty() ? ZERO : l);
            }
            while (all.size() < 13) {
                all.add(ZERO);
            }
            return file("resource", String.join("\n", all) + "\n");
        }

        Device driver(String name) {
            Path drv = sys("bus/pci/drivers/" + name);
            mkdirs(drv);
            link(dir.resolve("driver"), drv);
            link(drv.resolve(bdf), dir);
            return this;
        }

        Device group(Group g) {
            link(dir.resolve("iommu_group"), g.dir);
            link(g.dir.resolve("devices/" + bdf), dir);
            return this;
        }

        Device vfioDev(String name) {
            mkdirs(dir.resolve("vfio-dev/" + name));
            return this;
        }

        Device sriov(int total, int num) {
            return file("sriov_totalvfs", total + "\n").file("sriov_numvfs", num + "\n");
        }

        /** virtfnN on this PF and physfn on the VF. */
        Device virtfn(int n, Device vf) {
            link(dir.resolve("virtfn" + n), vf.dir);
            link(vf.dir.resolve("physfn"), dir);
            return this;
        }
    }

    static void link(Path link, Path target) {
        try {
            mkdirs(link.getParent());
            Files.createSymbolicLink(link, link.getParent().relativize(target));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void write(Path file, String text) {
        try {
            mkdirs(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void delete(Path file) {
        try {
            Files.delete(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void mkdirs(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
