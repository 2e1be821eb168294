package org.vfioinspector.bridge.uapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles a C program against the machine's kernel uapi headers (linux/vfio.h, linux/dma-buf.h, linux/iommufd.h
 * where present) and compares every size, offset and ioctl number it prints with the Java constants. Structs a
 * header lacks (bookworm's 6.1 vfio.h has no dma-buf feature or iommufd binding) are skipped by #ifdef in the C
 * source; the Java layout of those is covered by UapiLayoutTest against facts §1. gcc is on every machine of this
 * project: its absence fails the test rather than passing silently.
 */
class UapiCrossCheckTest {
    @TempDir
    Path tmp;

    private Map<String, Long> kernelFacts() throws Exception {
        Path src = tmp.resolve("layout.c");
        try (InputStream in = getClass().getResourceAsStream("/uapi/layout.c")) {
            Files.copy(in, src);
        }
        Path exe = tmp.resolve("layout");
        String gcc = System.getenv().getOrDefault("CC", "gcc");
        Process p;
        try {
            p = new ProcessBuilder(gcc, "-Wall", "-o", exe.toString(), src.toString()).redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            fail("gcc is required for the uapi cross-check and was not found: " + e.getMessage());
            return Map.of();
        }
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "gcc timed out");
        assertEquals(0, p.exitValue(), "compiling against the kernel uapi headers failed (is linux-libc-dev "
                + "installed?):\n" + log);
        Process run = new ProcessBuilder(exe.toString()).redirectErrorStream(true).start();
        String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(run.waitFor(30, TimeUnit.SECONDS));
        Map<String, Long> m = new HashMap<>();
        for (String line : out.split("\n")) {
            String[] kv = line.trim().split(" ");
            if (kv.length == 2) {
                m.put(kv[0], Long.parseLong(kv[1]));
            }
        }
        assertTrue(m.size() > 40, "the C program printed too little:\n" + out);
        return m;
    }

    private static void check(Map<String, Long> k, String key, long java) {
        Long v = k.get(key);
        if (v != null) {
            assertEquals(v.longValue(), java, key + ": kernel header says " + v + ", Java says " + java);
        }
    }

    private static void require(Map<String, Long> k, String key, long java) {
        assertTrue(k.containsKey(key), "the header must define " + key);
        check(k, key, java);
    }

    @Test
    void javaConstantsMatchTheKernelHeaders() throws Exception {
        Map<String, Long> k = kernelFacts();
        require(k, "sizeof.vfio_group_status", VfioGroupStatus.SIZE);
        require(k, "offsetof.vfio_group_status.flags", VfioGroupStatus.OFF_FLAGS);
        long devInfo = k.get("sizeof.vfio_device_info");
        assertTrue(devInfo == VfioDeviceInfo.SIZE || devInfo == VfioDeviceInfo.OFF_PAD,
                "vfio_device_info is 24 bytes (20 in headers before the trailing pad was added), got " + devInfo);
        require(k, "offsetof.vfio_device_info.flags", VfioDeviceInfo.OFF_FLAGS);
        require(k, "offsetof.vfio_device_info.num_regions", VfioDeviceInfo.OFF_NUM_REGIONS);
        require(k, "offsetof.vfio_device_info.num_irqs", VfioDeviceInfo.OFF_NUM_IRQS);
        check(k, "offsetof.vfio_device_info.cap_offset", VfioDeviceInfo.OFF_CAP_OFFSET);
        require(k, "sizeof.vfio_region_info", VfioRegionInfo.SIZE);
        require(k, "offsetof.vfio_region_info.flags", VfioRegionInfo.OFF_FLAGS);
        require(k, "offsetof.vfio_region_info.index", VfioRegionInfo.OFF_INDEX);
        require(k, "offsetof.vfio_region_info.cap_offset", VfioRegionInfo.OFF_CAP_OFFSET);
        require(k, "offsetof.vfio_region_info.size", VfioRegionInfo.OFF_SIZE);
        require(k, "offsetof.vfio_region_info.offset", VfioRegionInfo.OFF_OFFSET);
        require(k, "sizeof.vfio_info_cap_header", VfioInfoCap.HEADER_SIZE);
        require(k, "offsetof.vfio_region_info_cap_sparse_mmap.areas", VfioInfoCap.SparseMmap.AREAS_OFFSET);
        require(k, "sizeof.vfio_region_sparse_mmap_area", VfioInfoCap.SparseMmap.AREA_SIZE);
        require(k, "sizeof.vfio_region_info_cap_type", VfioInfoCap.Type.SIZE);
        require(k, "sizeof.vfio_device_feature", VfioDeviceFeature.HEADER_SIZE);
        require(k, "offsetof.vfio_device_feature.data", VfioDeviceFeature.OFF_DATA);

        require(k, "ioctl.VFIO_GET_API_VERSION", Vfio.VFIO_GET_API_VERSION);
        require(k, "ioctl.VFIO_CHECK_EXTENSION", Vfio.VFIO_CHECK_EXTENSION);
        require(k, "ioctl.VFIO_SET_IOMMU", Vfio.VFIO_SET_IOMMU);
        require(k, "ioctl.VFIO_GROUP_GET_STATUS", Vfio.VFIO_GROUP_GET_STATUS);
        require(k, "ioctl.VFIO_GROUP_SET_CONTAINER", Vfio.VFIO_GROUP_SET_CONTAINER);
        require(k, "ioctl.VFIO_GROUP_UNSET_CONTAINER", Vfio.VFIO_GROUP_UNSET_CONTAINER);
        require(k, "ioctl.VFIO_GROUP_GET_DEVICE_FD", Vfio.VFIO_GROUP_GET_DEVICE_FD);
        require(k, "ioctl.VFIO_DEVICE_GET_INFO", Vfio.VFIO_DEVICE_GET_INFO);
        require(k, "ioctl.VFIO_DEVICE_GET_REGION_INFO", Vfio.VFIO_DEVICE_GET_REGION_INFO);
        require(k, "ioctl.VFIO_DEVICE_GET_IRQ_INFO", Vfio.VFIO_DEVICE_GET_IRQ_INFO);
        require(k, "ioctl.VFIO_DEVICE_SET_IRQS", Vfio.VFIO_DEVICE_SET_IRQS);
        require(k, "ioctl.VFIO_DEVICE_RESET", Vfio.VFIO_DEVICE_RESET);
        require(k, "ioctl.VFIO_DEVICE_GET_PCI_HOT_RESET_INFO", Vfio.VFIO_DEVICE_GET_PCI_HOT_RESET_INFO);
        require(k, "ioctl.VFIO_IOMMU_GET_INFO", Vfio.VFIO_IOMMU_GET_INFO);
        require(k, "ioctl.VFIO_DEVICE_PCI_HOT_RESET", Vfio.VFIO_DEVICE_PCI_HOT_RESET);
        require(k, "ioctl.VFIO_IOMMU_MAP_DMA", Vfio.VFIO_IOMMU_MAP_DMA);
        require(k, "ioctl.VFIO_IOMMU_UNMAP_DMA", Vfio.VFIO_IOMMU_UNMAP_DMA);
        require(k, "ioctl.VFIO_DEVICE_FEATURE", Vfio.VFIO_DEVICE_FEATURE);
        require(k, "ioctl.VFIO_TYPE1v2_IOMMU", Vfio.VFIO_TYPE1v2_IOMMU);
        require(k, "ioctl.VFIO_API_VERSION", Vfio.VFIO_API_VERSION);
        require(k, "ioctl.VFIO_DEVICE_FEATURE_GET", Vfio.VFIO_DEVICE_FEATURE_GET);
        require(k, "ioctl.VFIO_DEVICE_FEATURE_SET", Vfio.VFIO_DEVICE_FEATURE_SET);
        require(k, "ioctl.VFIO_DEVICE_FEATURE_PROBE", Vfio.VFIO_DEVICE_FEATURE_PROBE);
        require(k, "ioctl.VFIO_REGION_INFO_CAP_SPARSE_MMAP", Vfio.VFIO_REGION_INFO_CAP_SPARSE_MMAP);
        require(k, "ioctl.VFIO_REGION_INFO_CAP_TYPE", Vfio.VFIO_REGION_INFO_CAP_TYPE);
        require(k, "ioctl.VFIO_REGION_INFO_CAP_MSIX_MAPPABLE", Vfio.VFIO_REGION_INFO_CAP_MSIX_MAPPABLE);
        require(k, "ioctl.VFIO_PCI_CONFIG_REGION_INDEX", Vfio.VFIO_PCI_CONFIG_REGION_INDEX);
        require(k, "ioctl.VFIO_PCI_NUM_REGIONS", Vfio.VFIO_PCI_NUM_REGIONS);
        require(k, "ioctl.VFIO_PCI_NUM_IRQS", Vfio.VFIO_PCI_NUM_IRQS);
        require(k, "ioctl.DMA_BUF_SET_NAME_B", DmaBufUapi.DMA_BUF_SET_NAME_B);
        require(k, "ioctl.DMA_BUF_SET_NAME_A", DmaBufUapi.DMA_BUF_SET_NAME_A);

        // Present only in newer headers (6.19+ dma-buf, 6.6+ cdev, iommufd.h): compared where the header has them.
        check(k, "ioctl.VFIO_DEVICE_FEATURE_DMA_BUF", Vfio.VFIO_DEVICE_FEATURE_DMA_BUF);
        check(k, "sizeof.vfio_device_feature_dma_buf", VfioDmaBuf.HEADER_SIZE);
        check(k, "offsetof.vfio_device_feature_dma_buf.open_flags", VfioDmaBuf.OFF_OPEN_FLAGS);
        check(k, "offsetof.vfio_device_feature_dma_buf.flags", VfioDmaBuf.OFF_FLAGS);
        check(k, "offsetof.vfio_device_feature_dma_buf.nr_ranges", VfioDmaBuf.OFF_NR_RANGES);
        check(k, "offsetof.vfio_device_feature_dma_buf.dma_ranges", VfioDmaBuf.OFF_RANGES);
        check(k, "sizeof.vfio_region_dma_range", VfioDmaBuf.RANGE_SIZE);
        check(k, "ioctl.VFIO_DEVICE_BIND_IOMMUFD", Vfio.VFIO_DEVICE_BIND_IOMMUFD);
        check(k, "ioctl.VFIO_DEVICE_ATTACH_IOMMUFD_PT", Vfio.VFIO_DEVICE_ATTACH_IOMMUFD_PT);
        check(k, "ioctl.VFIO_DEVICE_DETACH_IOMMUFD_PT", Vfio.VFIO_DEVICE_DETACH_IOMMUFD_PT);
        check(k, "offsetof.vfio_device_bind_iommufd.iommufd", Iommufd.BindIommufd.OFF_IOMMUFD);
        check(k, "offsetof.vfio_device_bind_iommufd.out_devid", Iommufd.BindIommufd.OFF_OUT_DEVID);
        check(k, "sizeof.vfio_device_bind_iommufd", Iommufd.BindIommufd.SIZE);
        check(k, "offsetof.vfio_device_bind_iommufd.token_uuid_ptr", Iommufd.BindIommufd.OFF_TOKEN_UUID_PTR);
        check(k, "sizeof.vfio_device_attach_iommufd_pt", Iommufd.AttachIommufdPt.SIZE);
        check(k, "offsetof.vfio_device_attach_iommufd_pt.pt_id", Iommufd.AttachIommufdPt.OFF_PT_ID);
        check(k, "ioctl.IOMMU_DESTROY", Vfio.IOMMU_DESTROY);
        check(k, "ioctl.IOMMU_IOAS_ALLOC", Vfio.IOMMU_IOAS_ALLOC);
        check(k, "ioctl.IOMMU_IOAS_MAP", Vfio.IOMMU_IOAS_MAP);
        check(k, "ioctl.IOMMU_IOAS_UNMAP", Vfio.IOMMU_IOAS_UNMAP);
        check(k, "sizeof.iommu_ioas_alloc", Iommufd.IoasAlloc.SIZE);
        check(k, "offsetof.iommu_ioas_alloc.out_ioas_id", Iommufd.IoasAlloc.OFF_OUT_IOAS_ID);
        check(k, "ioctl.IOMMU_IOAS_MAP_FILE", Vfio.IOMMU_IOAS_MAP_FILE);
        check(k, "sizeof.iommu_ioas_map_file", Iommufd.IoasMapFile.SIZE);
        check(k, "offsetof.iommu_ioas_map_file.fd", Iommufd.IoasMapFile.OFF_FD);
        check(k, "offsetof.iommu_ioas_map_file.start", Iommufd.IoasMapFile.OFF_START);
        check(k, "offsetof.iommu_ioas_map_file.length", Iommufd.IoasMapFile.OFF_LENGTH);
        check(k, "offsetof.iommu_ioas_map_file.iova", Iommufd.IoasMapFile.OFF_IOVA);
    }
}
