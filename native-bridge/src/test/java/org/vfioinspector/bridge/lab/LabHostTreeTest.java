package org.vfioinspector.bridge.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vfioinspector.bridge.sysfs.HostPaths;

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
}
