package org.vfioinspector.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.vfioinspector.bridge.lab.LabHostTree;
import org.vfioinspector.bridge.lab.LabKernel;
import org.vfioinspector.bridge.lab.scenario.LabScenario;
import org.vfioinspector.bridge.lab.scenario.ScenarioException;
import org.vfioinspector.bridge.lab.scenario.ScenarioLoader;
import org.vfioinspector.bridge.sysfs.HostPaths;

/**
 * A synthetic data-centre host of exactly {@code functions} PCI functions, as a lab scenario (format 1, see
 * docs/scenario-format.md). The sysfs tree is written by {@link LabHostTree}, the same writer the lab uses, so the
 * scanner, lspci and the floor read real file formats, symlinks and config space.
 *
 * <p>Layout, repeated per PCI segment (domain) until the budget is spent: a host bridge at DDDD:00:00.0; root
 * ports at 00:01.0..00:1e.0, each leading to a PCIe switch (upstream port, four downstream ports) with one
 * endpoint per downstream port: an NVIDIA H100 GPU (vfio-pci), two Samsung PM1743 NVMe drives (nvme) and a
 * ConnectX-7 NIC (mlx5_core) whose SR-IOV VFs (vfio-pci, ARI numbering on the PF's bus) fill the rest of the bus.
 * ACS everywhere, so every function has its own IOMMU group. The last NIC gets fewer VFs to land exactly on
 * {@code functions}.
 */
public final class SyntheticHost {
    /** VFs per NIC: a bus holds 256 functions with ARI; the PF takes one. */
    static final int VFS_PER_NIC = 128;
    private static final int ROOT_PORTS_PER_SEGMENT = 30;
    private static final long GIB = 1L << 30;
    private static final long MIB = 1L << 20;

    private final int functions;
    private final StringBuilder devices = new StringBuilder();
    private final StringBuilder groups = new StringBuilder();
    private int count;
    private int nextGroup;
    private long mem64 = 0x2000_0000_0000L;
    private long mem32 = 0x8000_0000L;

    private SyntheticHost(int functions) {
        this.functions = functions;
    }

    /** The scenario YAML of a host with exactly {@code functions} PCI functions (at least 1). */
    public static String scenarioYaml(int functions) {
        if (functions < 1) {
            throw new IllegalArgumentException("functions: expected at least 1, got " + functions);
        }
        return new SyntheticHost(functions).build();
    }

    /** The scenario, parsed and validated like any scenario file. */
    public static LabScenario scenario(int functions) throws ScenarioException {
        return ScenarioLoader.parse(scenarioYaml(functions), "synthetic-" + functions + ".yaml");
    }

    /**
     * Writes DIR/scenario.yaml and the host's tree (DIR/sys, DIR/dev, DIR/proc), replacing neither: DIR must not
     * hold a tree yet.
     */
    public static HostPaths write(int functions, Path dir) throws IOException, ScenarioException {
        if (Files.exists(dir.resolve("sys"))) {
            throw new IOException(dir + ": already holds a sys/ tree; choose an empty directory");
        }
        String yaml = scenarioYaml(functions);
        Files.createDirectories(dir);
        Path file = dir.resolve("scenario.yaml");
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        return LabHostTree.write(new LabKernel(ScenarioLoader.load(file)), dir);
    }

    private boolean full() {
        return count >= functions;
    }

    private String build() {
        for (int segment = 0; !full(); segment++) {
            if (segment > 0xffff) {
                throw new IllegalArgumentException("functions: too many for 65536 PCI segments");
            }
            segment(segment);
        }
        return "format: 1\n"
                + "name: synthetic-" + functions + "\n"
                + "description: \"Synthetic data-centre host, " + functions + " PCI functions (benchmarks)\"\n"
                + "profile: linux-7.2\n"
                + "release: 7.2.0-lab\n"
                + "hostBridge: {bdf: \"0000:00:00.0\", id: \"8086:09a2\", p2pWhitelisted: true}\n"
                + "devices:\n" + devices
                + "groups:\n" + groups;
    }

    private void segment(int seg) {
        device(bdf(seg, 0, 0, 0), "Host bridge", "8086", "09a2", "0x060000", null, "", "");
        int bus = 1;
        for (int rp = 1; rp <= ROOT_PORTS_PER_SEGMENT && !full(); rp++) {
            int up = bus;
            int down = bus + 1;
            int last = bus + 5;
            device(bdf(seg, 0, rp, 0), "Root Port " + rp, "8086", "347a", "0x060400", "pcieport",
                    ", configSize: 4096, bridge: {kind: root-port, secondaryBus: " + up + ", subordinateBus: " + last
                            + ", acsRedirect: true}", "");
            device(bdf(seg, up, 0, 0), "PEX890xx switch upstream port", "1000", "c030", "0x060400", "pcieport",
                    ", configSize: 4096, bridge: {kind: switch-upstream, secondaryBus: " + down
                            + ", subordinateBus: " + last + "}",
                    bars(List.of(bar(0, "mem32", 256 * 1024, false))));
            for (int port = 0; port < 4; port++) {
                device(bdf(seg, down, port, 0), "PEX890xx switch downstream port", "1000", "c030", "0x060400",
                        "pcieport", ", configSize: 4096, bridge: {kind: switch-downstream, secondaryBus: "
                                + (down + 1 + port) + ", acsRedirect: true}", "");
            }
            gpu(bdf(seg, down + 1, 0, 0));
            nvme(bdf(seg, down + 2, 0, 0));
            nvme(bdf(seg, down + 3, 0, 0));
            nic(seg, down + 4);
            bus += 6;
        }
    }

    private void gpu(String bdf) {
        device(bdf, "GPU (H100 SXM5 80GB)", "10de", "2330", "0x030200", "vfio-pci",
                ", subsystemVendor: \"10de\", subsystemDevice: \"16c1\", revision: 0xa1, resetMethods: [flr, bus],"
                        + " configSize: 4096, numaNode: 0",
                bars(List.of(bar(0, "mem64", 16 * MIB, false), bar(1, "mem64", 64 * GIB, true),
                        bar(3, "mem64", 32 * MIB, true))));
    }

    private void nvme(String bdf) {
        device(bdf, "NVMe (PM1743)", "144d", "a80a", "0x010802", "nvme",
                ", subsystemVendor: \"144d\", subsystemDevice: \"a813\", resetMethods: [flr, bus], configSize: 4096,"
                        + " numaNode: 0",
                bars(List.of(bar(0, "mem32", 32 * 1024, false))));
    }

    private void nic(int seg, int bus) {
        String pf = bdf(seg, bus, 0, 0);
        int vfs = Math.max(0, Math.min(VFS_PER_NIC, functions - count - 1));
        List<String> vfBdfs = new ArrayList<>();
        for (int v = 1; v <= vfs; v++) {
            vfBdfs.add("\"" + bdf(seg, bus, v >> 3, v & 7) + "\"");
        }
        device(pf, "NIC (ConnectX-7 400G)", "15b3", "1021", "0x020000", "mlx5_core",
                ", subsystemVendor: \"15b3\", subsystemDevice: \"0040\", resetMethods: [flr, bus], configSize: 4096,"
                        + " numaNode: 0, sriov: {totalVfs: 255, vfs: [" + String.join(", ", vfBdfs) + "]}",
                bars(List.of(bar(0, "mem64", 32 * MIB, true))));
        for (int v = 1; v <= vfs && !full(); v++) {
            device(bdf(seg, bus, v >> 3, v & 7), "NIC VF (ConnectX-7)", "15b3", "101e", "0x020000", "vfio-pci",
                    ", subsystemVendor: \"15b3\", subsystemDevice: \"0040\", resetMethods: [flr], configSize: 4096,"
                            + " numaNode: 0, physfn: \"" + pf + "\"",
                    bars(List.of(bar(0, "mem64", MIB, true))));
        }
    }

    private void device(String bdf, String name, String vendor, String device, String cls, String driver,
                        String extra, String bars) {
        if (full()) {
            return;
        }
        count++;
        devices.append("  - {bdf: \"").append(bdf).append("\", name: \"").append(name).append("\", vendor: \"")
                .append(vendor).append("\", device: \"").append(device).append("\", class: \"").append(cls)
                .append('"');
        if (driver != null) {
            devices.append(", driver: ").append(driver);
        }
        devices.append(extra).append(bars).append("}\n");
        groups.append("  - {id: ").append(nextGroup++).append(", type: ")
                .append("vfio-pci".equals(driver) ? "DMA" : "DMA-FQ").append(", devices: [\"").append(bdf)
                .append("\"]}\n");
    }

    private record Bar(int index, String kind, long size, boolean prefetchable) {
    }

    private static Bar bar(int index, String kind, long size, boolean prefetchable) {
        return new Bar(index, kind, size, prefetchable);
    }

    /** Places each BAR at the next naturally aligned address of its window (32-bit below 4 GiB, or 64-bit). */
    private String bars(List<Bar> bars) {
        List<String> out = new ArrayList<>();
        for (Bar b : bars) {
            long address;
            if ("mem32".equals(b.kind())) {
                address = align(mem32, b.size());
                mem32 = address + b.size();
                if (mem32 > 0xfe00_0000L) {
                    throw new IllegalStateException("32-bit MMIO window exhausted");
                }
            } else {
                address = align(mem64, b.size());
                mem64 = address + b.size();
            }
            out.add(String.format(Locale.ROOT, "{index: %d, kind: %s, address: 0x%x, size: %d, prefetchable: %b}",
                    b.index(), b.kind(), address, b.size(), b.prefetchable()));
        }
        return ", bars: [" + String.join(", ", out) + "]";
    }

    private static long align(long at, long size) {
        return (at + size - 1) & -size;
    }

    private static String bdf(int seg, int bus, int dev, int fn) {
        return String.format(Locale.ROOT, "%04x:%02x:%02x.%d", seg, bus, dev, fn);
    }
}
