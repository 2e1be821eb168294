package org.vfioinspector.bridge.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.vfioinspector.bridge.input.Names;
import org.vfioinspector.bridge.lab.scenario.LabScenario;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.sysfs.HostPaths;
import org.vfioinspector.bridge.sysfs.memory.MemoryFileSystem;
import org.vfioinspector.bridge.text.Hex;

/**
 * Writes a scenario as a real-format sysfs tree (and a dev/ tree with the lab kernel's nodes as plain files) under a
 * root directory, so the sysfs scanner lists a lab host exactly like a real one: in memory for the lab's hosts
 * ({@link #inMemory}), on disk for the benchmarks and tests that compare with lspci ({@link #write}). Formats follow the fixture
 * qemu-q35-intel-linux7.2.13: resource lines "0x%016llx 0x%016llx 0x%016llx", IDs "0x%04x", class "0x%06x",
 * relative symlinks (bus/pci/devices/BDF → ../../../devices/..., driver, iommu_group, group devices/).
 * A file {@code lab} at the root names the scenario and profile.
 */
public final class LabHostTree {
    private LabHostTree() {
    }

    /**
     * {@code kernel}'s scenario as a tree in memory, read-only once written (the lab's own hosts: nothing on disk, a
     * 10,000-function host in well under a second). Its root is {@code /lab/NAME}; closing the returned tree's
     * file system ({@code paths().sys().getFileSystem()}) drops it.
     */
    public static HostPaths inMemory(LabKernel kernel) throws IOException {
        String name = kernel.scenario().name();
        MemoryFileSystem fs = MemoryFileSystem.create("lab:" + name);
        HostPaths hp = write(kernel, fs.getPath("/lab", Names.isName(name) ? name : "scenario"));
        fs.freeze();
        return hp;
    }

    /** Materialises {@code kernel}'s scenario under {@code root} (ROOT/sys, ROOT/dev, ROOT/proc); returns the paths. */
    public static HostPaths write(LabKernel kernel, Path root) throws IOException {
        LabScenario s = kernel.scenario();
        HostPaths hp = HostPaths.under(root);
        Path sys = hp.sys();
        Files.createDirectories(hp.proc());
        write(root.resolve("lab"), "scenario: " + s.name() + "\nprofile: " + s.profile().name() + "\nrelease: "
                + s.release() + "\narch: " + s.arch() + "\nsource: " + s.source() + "\n");
        write(hp.proc().resolve("sys/kernel/osrelease"), s.release() + "\n");
        write(hp.proc().resolve("sys/kernel/arch"), s.arch() + "\n");
        Map<PciAddress, String> paths = s.devicePaths();
        java.util.function.Predicate<LabScenario.Device> multifunction = LabConfigSpace.multifunction(s);
        for (LabScenario.Device d : s.devices()) {
            String rel = paths.get(d.bdf());
            Path dir = sys.resolve("devices").resolve(rel);
            Files.createDirectories(dir);
            write(dir.resolve("vendor"), hex(d.vendor(), 4) + "\n");
            write(dir.resolve("device"), hex(d.device(), 4) + "\n");
            write(dir.resolve("subsystem_vendor"), hex(d.subsystemVendor(), 4) + "\n");
            write(dir.resolve("subsystem_device"), hex(d.subsystemDevice(), 4) + "\n");
            write(dir.resolve("class"), hex(d.pciClass(), 6) + "\n");
            write(dir.resolve("revision"), hex(d.revision(), 2) + "\n");
            write(dir.resolve("numa_node"), d.numaNode() + "\n");
            write(dir.resolve("driver_override"), "(null)\n");
            // Attributes every PCI device has that the inspector does not read but lspci does (irq is required).
            write(dir.resolve("irq"), (d.physfn() != null ? 0 : 16 + (d.bdf().device() % 8)) + "\n");
            write(dir.resolve("enable"), (d.driver() != null ? 1 : 0) + "\n");
            write(dir.resolve("modalias"), "pci:v" + upper(d.vendor(), 8) + "d" + upper(d.device(), 8) + "sv"
                    + upper(d.subsystemVendor(), 8) + "sd" + upper(d.subsystemDevice(), 8) + "bc"
                    + upper(d.pciClass() >> 16, 2) + "sc" + upper((d.pciClass() >> 8) & 0xff, 2) + "i"
                    + upper(d.pciClass() & 0xff, 2) + "\n");
            write(dir.resolve("local_cpulist"), "0-63\n");
            if (!d.resetMethods().isEmpty()) {
                write(dir.resolve("reset_method"), String.join(" ", d.resetMethods()) + "\n");
            }
            for (int i = 0; i < 6; i++) {
                if (d.bar(i).isPresent()) {
                    write(dir.resolve("resource" + i), "");
                }
            }
            // made on each read from the scenario's BARs: 13 lines of 57 bytes per function were most of the
            // tree's file bytes (BENCHMARKS.md, eighth round)
            MemoryFileSystem.writeGenerated(dir.resolve("resource"),
                    () -> resource(d).getBytes(StandardCharsets.US_ASCII));
            // the host's config space as the scenario describes it: the lab kernel starts from the same bytes
            MemoryFileSystem.writeGenerated(dir.resolve("config"), () -> LabConfigSpace.build(s, d,
                    multifunction.test(d)));
            String up = "../".repeat(rel.split("/").length + 1);
            link(sys.resolve("bus/pci/devices").resolve(d.bdf().toString()), "../../../devices/" + rel);
            link(dir.resolve("subsystem"), up + "bus/pci");
            if (d.driver() != null) {
                // a name, never a path: the loader refuses one, and this refuses what a hand-built scenario passes
                Path drv = Names.child(sys.resolve("bus/pci/drivers"), d.driver());
                link(dir.resolve("driver"), up + "bus/pci/drivers/" + d.driver());
                link(drv.resolve(d.bdf().toString()), "../../../../devices/" + rel);
            }
            if (d.physfn() != null) {
                link(dir.resolve("physfn"), "../" + d.physfn());
            }
            for (int v = 0; v < d.vfs().size(); v++) {
                link(dir.resolve("virtfn" + v), "../" + d.vfs().get(v));
            }
            if (d.totalVfs() > 0) {
                write(dir.resolve("sriov_totalvfs"), d.totalVfs() + "\n");
                write(dir.resolve("sriov_numvfs"), d.vfs().size() + "\n");
            }
        }
        for (LabScenario.Group g : s.groups()) {
            Path gd = sys.resolve("kernel/iommu_groups").resolve(Integer.toString(g.id()));
            Files.createDirectories(gd.resolve("devices"));
            write(gd.resolve("type"), g.type() + "\n");
            write(gd.resolve("reserved_regions"), g.reservedRegions().isEmpty() ? ""
                    : String.join("\n", g.reservedRegions()) + "\n");
            for (PciAddress b : g.devices()) {
                String rel = paths.get(b);
                link(gd.resolve("devices").resolve(b.toString()), "../../../../devices/" + rel);
                // the member's iommu_group link, here where its group is known (a group lookup per device was
                // a scan of every group)
                link(sys.resolve("devices").resolve(rel).resolve("iommu_group"),
                        "../".repeat(rel.split("/").length + 1) + "kernel/iommu_groups/" + g.id());
            }
        }
        // vfio_device_add: a device bound to vfio-pci has vfio-dev/vfioN on every profile (Debian's kernels list it
        // without VFIO_DEVICE_CDEV too); the node vfio/devices/vfioN only where the profile has the cdev
        for (Map.Entry<PciAddress, String> e : kernel.vfioDevices().entrySet()) {
            Files.createDirectories(sys.resolve("devices").resolve(paths.get(e.getKey())).resolve("vfio-dev")
                    .resolve(e.getValue()));
        }
        for (String m : List.of("vfio", "vfio_iommu_type1", "vfio_pci_core", "vfio_pci")) {
            write(sys.resolve("module").resolve(m).resolve("initstate"), "live\n");
        }
        Path vfioPci = sys.resolve("bus/pci/drivers/vfio-pci");
        Files.createDirectories(vfioPci);
        link(vfioPci.resolve("module"), "../../../../module/vfio_pci");
        for (String node : kernel.deviceNodes()) {
            write(hp.dev().resolve(node), "");
        }
        return hp;
    }

    /** The device's {@code resource} file: start, end and flags of each resource, as the kernel prints them. */
    static String resource(LabScenario.Device d) {
        StringBuilder res = new StringBuilder();
        int lines = d.bridge() != null ? 17 : 13;
        for (int i = 0; i < lines; i++) {
            long start = 0;
            long end = 0;
            long flags = 0;
            if (i < 6 && d.bar(i).isPresent()) {
                LabScenario.Bar b = d.bar(i).get();
                start = b.address();
                end = b.address() + b.size() - 1;
                flags = b.resourceFlags();
            } else if (i == 6 && d.rom() != null) {
                start = d.rom().address();
                end = d.rom().address() + d.rom().size() - 1;
                flags = 0x46200;
            }
            res.append(hex(start, 16)).append(' ').append(hex(end, 16)).append(' ').append(hex(flags, 16)).append('\n');
        }
        return res.toString();
    }

    /** {@code String.format("0x%0Nx", v)}. */
    static String hex(long v, int digits) {
        return "0x" + Hex.padded(v, digits);
    }

    static String hex(int v, int digits) {
        return "0x" + Hex.padded(v, digits);
    }

    /** {@code String.format("%0NX", v)}. */
    private static String upper(int v, int digits) {
        return hex(v, digits).substring(2).toUpperCase(java.util.Locale.ROOT);
    }

    private static void write(Path p, String text) throws IOException {
        Files.createDirectories(p.getParent());
        Files.writeString(p, text, StandardCharsets.UTF_8);
    }

    private static void link(Path at, String target) throws IOException {
        Files.createDirectories(at.getParent());
        if (!Files.exists(at, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.createSymbolicLink(at, at.getFileSystem().getPath(target));
        }
    }
}
