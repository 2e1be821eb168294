package org.vfioinspector.bridge.uapi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every struct size and field offset of facts §1.2–§1.5, asserted by encoding known values and checking the bytes
 * (little-endian), and the ioctl numbers: 0x3B64 + n for VFIO, 0x3B80 + n for iommufd.
 */
class UapiLayoutTest {
    private static byte[] hex(String h) {
        return HexFormat.of().parseHex(h.replace(" ", ""));
    }

    @Test
    void vfioGroupStatusIs8Bytes() {
        byte[] b = new VfioGroupStatus(8, 0x3).encode();
        assertArrayEquals(hex("08000000 03000000"), b);
        assertEquals(new VfioGroupStatus(8, 3), VfioGroupStatus.decode(b));
        assertArrayEquals(hex("08000000 00000000"), VfioGroupStatus.request());
    }

    @Test
    void vfioDeviceInfoIs24Bytes() {
        byte[] b = new VfioDeviceInfo(24, 0x83, 9, 5, 0x18).encode();
        assertEquals(24, b.length);
        assertArrayEquals(hex("18000000 83000000 09000000 05000000 18000000 00000000"), b);
        VfioDeviceInfo d = VfioDeviceInfo.decode(b);
        assertEquals(9, d.numRegions());
        assertEquals(5, d.numIrqs());
        assertEquals(0x18, d.capOffset());
        assertEquals(true, d.canReset());
        assertEquals(true, d.isPci());
    }

    @Test
    void vfioRegionInfoIs32Bytes() {
        byte[] b = new byte[32];
        new VfioRegionInfo(32, 0x7, 2, 0, 0x800000L, 0x200_0000_0000L).encodeInto(b);
        assertArrayEquals(hex("20000000 07000000 02000000 00000000 0000800000000000 0000000000020000"), b);
        VfioRegionInfo r = VfioRegionInfo.decode(b);
        assertEquals(0x200_0000_0000L, r.offset());
        assertEquals(Vfio.vfioPciIndexToOffset(2), r.offset());
        assertEquals(0x800000L, r.size());
        byte[] req = VfioRegionInfo.request(7, 64);
        assertEquals(64, req.length);
        assertArrayEquals(hex("40000000 00000000 07000000"), java.util.Arrays.copyOf(req, 12));
    }

    @Test
    void vfioDeviceFeatureHeaderIs8AndDmaBufIs16Plus16PerRange() {
        VfioDmaBuf d = VfioDmaBuf.of(2, 0x80002, List.of(new VfioDmaBuf.Range(0x1000, 0x2000),
                new VfioDmaBuf.Range(0x3000, 0x1000)));
        byte[] payload = d.encode();
        assertEquals(16 + 2 * 16, payload.length);
        assertArrayEquals(hex("02000000 02000800 00000000 02000000"
                + "0010000000000000 0020000000000000 0030000000000000 0010000000000000"), payload);
        byte[] req = d.featureRequest(Vfio.VFIO_DEVICE_FEATURE_GET | Vfio.VFIO_DEVICE_FEATURE_DMA_BUF);
        assertEquals(8 + 48, req.length);
        assertArrayEquals(hex("38000000 0b000100"), java.util.Arrays.copyOf(req, 8));
        assertEquals(56, VfioDeviceFeature.argsz(req));
        assertEquals(0x1000b, VfioDeviceFeature.flags(req));
        assertEquals(d.ranges(), VfioDmaBuf.decodeRanges(payload, 2));
        assertEquals(null, VfioDmaBuf.decodeRanges(payload, 3), "nr_ranges beyond the payload is refused");
    }

    @Test
    void iommufdStructs() {
        assertArrayEquals(hex("18000000 00000000 07000000 00000000 0000000000000000"),
                Iommufd.BindIommufd.request(7));
        assertEquals(24, Iommufd.BindIommufd.SIZE);
        assertArrayEquals(hex("10000000 00000000 05000000 00000000"), Iommufd.AttachIommufdPt.request(5));
        assertArrayEquals(hex("0c000000 00000000 00000000"), Iommufd.IoasAlloc.request());
        byte[] m = Iommufd.IoasMapFile.of(6, 3, 9, 0x1000, 0x2000, 0xdead0000L).encode();
        assertEquals(40, m.length);
        assertArrayEquals(hex("28000000 06000000 03000000 09000000 0010000000000000 0020000000000000 0000adde00000000"),
                m);
        assertEquals(Iommufd.IoasMapFile.of(6, 3, 9, 0x1000, 0x2000, 0xdead0000L), Iommufd.IoasMapFile.decode(m));
    }

    @Test
    void ioctlNumbers() {
        assertEquals(0x3B64, Vfio.VFIO_GET_API_VERSION);
        assertEquals(0x3B65, Vfio.VFIO_CHECK_EXTENSION);
        assertEquals(0x3B66, Vfio.VFIO_SET_IOMMU);
        assertEquals(0x3B67, Vfio.VFIO_GROUP_GET_STATUS);
        assertEquals(0x3B68, Vfio.VFIO_GROUP_SET_CONTAINER);
        assertEquals(0x3B6A, Vfio.VFIO_GROUP_GET_DEVICE_FD);
        assertEquals(0x3B6B, Vfio.VFIO_DEVICE_GET_INFO);
        assertEquals(0x3B6C, Vfio.VFIO_DEVICE_GET_REGION_INFO);
        assertEquals(0x3B6F, Vfio.VFIO_DEVICE_RESET);
        assertEquals(0x3B70, Vfio.VFIO_IOMMU_GET_INFO);
        assertEquals(0x3B70, Vfio.VFIO_DEVICE_GET_PCI_HOT_RESET_INFO);
        assertEquals(0x3B75, Vfio.VFIO_DEVICE_FEATURE);
        assertEquals(0x3B76, Vfio.VFIO_DEVICE_BIND_IOMMUFD);
        assertEquals(0x3B77, Vfio.VFIO_DEVICE_ATTACH_IOMMUFD_PT);
        assertEquals(0x3B78, Vfio.VFIO_DEVICE_DETACH_IOMMUFD_PT);
        assertEquals(0x3B80, Vfio.IOMMU_DESTROY);
        assertEquals(0x3B81, Vfio.IOMMU_IOAS_ALLOC);
        assertEquals(0x3B8F, Vfio.IOMMU_IOAS_MAP_FILE);
        assertEquals(0x40086201L, DmaBufUapi.DMA_BUF_SET_NAME_B);
        assertEquals(11, Vfio.VFIO_DEVICE_FEATURE_DMA_BUF);
    }

    @Test
    void ioctlNamesDependOnTheFdKind() {
        assertEquals("VFIO_IOMMU_GET_INFO", IoctlNames.name(0x3B70, IoctlNames.FdKind.CONTAINER));
        assertEquals("VFIO_DEVICE_GET_PCI_HOT_RESET_INFO", IoctlNames.name(0x3B70, IoctlNames.FdKind.DEVICE));
        assertEquals("ioctl 0x3b70", IoctlNames.name(0x3B70, IoctlNames.FdKind.OTHER));
        assertEquals("VFIO_DEVICE_FEATURE", IoctlNames.name(0x3B75, IoctlNames.FdKind.DEVICE));
        assertEquals("IOMMU_IOAS_MAP_FILE", IoctlNames.name(0x3B8F, IoctlNames.FdKind.IOMMUFD));
        assertEquals("DMA_BUF_SET_NAME_B", IoctlNames.name(0x40086201L, IoctlNames.FdKind.DMABUF));
        assertEquals("ioctl 0x1234", IoctlNames.name(0x1234, IoctlNames.FdKind.DEVICE));
        assertEquals(IoctlNames.FdKind.GROUP, IoctlNames.kindOfPath("vfio/12"));
        assertEquals(IoctlNames.FdKind.GROUP, IoctlNames.kindOfPath("vfio/noiommu-0"));
        assertEquals(IoctlNames.FdKind.CONTAINER, IoctlNames.kindOfPath("vfio/vfio"));
        assertEquals(IoctlNames.FdKind.DEVICE, IoctlNames.kindOfPath("vfio/devices/vfio0"));
        assertEquals(IoctlNames.FdKind.IOMMUFD, IoctlNames.kindOfPath("iommu"));
    }
}
