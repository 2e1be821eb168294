package org.vfioinspector.bridge.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vfioinspector.bridge.lab.scenario.ScenarioLoader;
import org.vfioinspector.bridge.pciids.PciIds;
import org.vfioinspector.bridge.sysfs.HostPaths;
import org.vfioinspector.bridge.sysfs.HostScanner;

class LabHostTreeTest {
    @Test
    void qemuQ35TreeHasTheFixtureShapes(@TempDir Path root) throws Exception {
        HostPaths hp = LabHostTree.write(LabKernel.of("qemu-q35"), root);
        Path e1000e = hp.sys("bus/pci/devices/0000:01:00.0");
        assertEquals("../../../devices/pci0000:00/0000:00:08.0/0000:01:00.0",
                Files.readSymbolicLink(e1000e).toString());
        assertEquals("../../../../bus/pci/drivers/vfio-pci", Files.readSymbolicLink(e1000e.resolve("driver")).toString());
        assertEquals("../../../../kernel/iommu_groups/11", Files.readSymbolicLink(e1000e.resolve("iommu_group")).toString());
        assertTrue(Files.isDirectory(e1000e.resolve("iommu_group/devices/0000:01:00.0")), "links resolve");
        Path nvme = hp.sys("bus/pci/devices/0000:00:07.0");
        assertEquals("0x00000000feb60000 0x00000000feb63fff 0x0000000000140204",
                Files.readAllLines(nvme.resolve("resource")).get(0));
        assertEquals(4096, Files.size(nvme.resolve("config")));
        assertEquals("0x010802\n", Files.readString(nvme.resolve("class")));
        assertEquals("flr\n", Files.readString(nvme.resolve("reset_method")));
        assertEquals("0x0000000000000000 0x0000000000ffffff direct-relaxable\n0x00000000fee00000 0x00000000feefffff msi\n",
                Files.readString(hp.sys("kernel/iommu_groups/10/reserved_regions")));
        assertTrue(Files.exists(hp.dev("vfio/vfio")));
        assertTrue(Files.exists(hp.dev("vfio/3")));
        assertTrue(Files.readString(root.resolve("lab")).contains("profile: linux-7.2"));
    }

    /**
     * The lab's hosts live in memory; the benchmarks and lspci read the same writer's tree on disk. Both must be the
     * same tree: every entry's kind, bytes and link text, and where every path leads with links followed.
     */
    @Test
    void theTreeInMemoryIsTheTreeOnDisk(@TempDir Path tmp) throws Exception {
        for (String name : ScenarioLoader.BUILT_IN) {
            LabKernel kernel = LabKernel.of(name);
            Path diskRoot = tmp.resolve(name);
            HostPaths disk = LabHostTree.write(kernel, diskRoot);
            HostPaths memory = LabHostTree.inMemory(kernel);
            Path memoryRoot = memory.sys().getParent();
            assertEquals("/lab/" + name, memoryRoot.toString());
            java.util.Map<String, String> onDisk = entries(diskRoot);
            java.util.Map<String, String> inMemory = entries(memoryRoot);
            onDisk.remove("lab");
            inMemory.remove("lab");
            assertEquals(onDisk, inMemory, name);
            assertEquals(new HostScanner(disk, PciIds.empty()).scan(), new HostScanner(memory, PciIds.empty()).scan(),
                    name + ": the scanner reads the same host from both");
            memory.sys().getFileSystem().close();
        }
    }

    /** Every entry under {@code root}: kind and content ("file <bytes>", "link <target>", "dir"), and its real path. */
    private static java.util.Map<String, String> entries(Path root) throws java.io.IOException {
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        Path realRoot = root.toRealPath();
        try (java.util.stream.Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                String rel = root.relativize(p).toString();
                String what;
                if (Files.isSymbolicLink(p)) {
                    what = "link " + Files.readSymbolicLink(p);
                } else if (Files.isDirectory(p)) {
                    what = "dir";
                } else {
                    what = "file " + java.util.HexFormat.of().formatHex(Files.readAllBytes(p));
                }
                if (Files.exists(p)) {
                    what += " -> " + realRoot.relativize(p.toRealPath());
                }
                out.put(rel, what);
            }
        }
        return out;
    }
}
