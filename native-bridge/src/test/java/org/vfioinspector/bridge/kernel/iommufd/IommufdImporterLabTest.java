package org.vfioinspector.bridge.kernel.iommufd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vfioinspector.bridge.kernel.Attachment;
import org.vfioinspector.bridge.kernel.Importer;
import org.vfioinspector.bridge.kernel.Kernel;
import org.vfioinspector.bridge.kernel.KernelException;
import org.vfioinspector.bridge.lab.LabKernel;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.session.DeviceSession;
import org.vfioinspector.bridge.session.DeviceTarget;
import org.vfioinspector.bridge.session.DmaBuf;
import org.vfioinspector.bridge.session.OpenPath;
import org.vfioinspector.bridge.uapi.Iommufd;
import org.vfioinspector.bridge.uapi.Vfio;
import org.vfioinspector.bridge.uapi.VfioDmaBuf;

/**
 * iommufd as an importer, on the lab kernel through the {@link Kernel} boundary only: the assertions of the kernel's
 * own iommufd selftest (dmabuf_simple, dmabuf_revoke) and the §11 measurement, on ivshmem's 8 MiB BAR2.
 */
class IommufdImporterLabTest {
    static final long PAGE = 4096;
    static final DeviceTarget IVSHMEM = new DeviceTarget(PciAddress.parse("0000:00:05.0"), 5, null, "vfio-pci");
    static final DeviceTarget NVME = new DeviceTarget(PciAddress.parse("0000:00:07.0"), 7, null, "vfio-pci");
    Kernel k;

    @BeforeEach
    void setUp() throws Exception {
        k = LabKernel.of("qemu-q35");
    }

    static String errno(KernelException e) {
        return e.errnoName();
    }

    private String mapFile(int iommu, int ioas, int fd, long start, long length) {
        byte[] arg = Iommufd.IoasMapFile.of(Vfio.IOMMU_IOAS_MAP_READABLE | Vfio.IOMMU_IOAS_MAP_WRITEABLE, ioas, fd,
                start, length, 0).encode();
        try {
            k.ioctl(iommu, Vfio.IOMMU_IOAS_MAP_FILE, arg);
            return "ok";
        } catch (KernelException e) {
            return errno(e);
        }
    }

    @Test
    void dmabufSimple() throws Exception {
        try (DeviceSession s = DeviceSession.open(k, IVSHMEM, OpenPath.LEGACY)) {
            long size = 4 * PAGE;
            DmaBuf b = s.exportDmaBuf(2, List.of(new VfioDmaBuf.Range(0, size)), Kernel.O_RDWR, null);
            int io = k.open("iommu", Kernel.O_RDWR);
            int ioas = IommufdImporter.allocIoas(k, io);
            assertEquals("EINVAL", mapFile(io, ioas, b.fd(), 0, 0), "length 0");
            assertEquals("EINVAL", mapFile(io, ioas, b.fd(), size, size), "start = size");
            assertEquals("EINVAL", mapFile(io, ioas, b.fd(), 0, size + 1), "size + 1");
            assertEquals("ok", mapFile(io, ioas, b.fd(), 0, size));
            DmaBuf two = s.exportDmaBuf(2, List.of(new VfioDmaBuf.Range(0, PAGE), new VfioDmaBuf.Range(2 * PAGE, PAGE)),
                    Kernel.O_RDWR, null);
            assertEquals("EOPNOTSUPP", mapFile(io, ioas, two.fd(), 0, 2 * PAGE), "a dma-buf of two ranges");
            assertTrue(k.dmaBufInfo().orElseThrow().contains("\tiommu\n"), "the area's attachment");
            k.close(io);
            assertFalse(k.dmaBufInfo().orElseThrow().contains("\tiommu\n"),
                    "closing iommufd unmaps its areas and detaches: " + k.dmaBufInfo().orElseThrow());
        }
    }

    /** dmabuf_revoke and §11: memory-off revokes, a new map is ENODEV, the old area stays dead until unmapped. */
    @Test
    void revokeRestoreAndMapAgain() throws Exception {
        try (DeviceSession s = DeviceSession.open(k, IVSHMEM, OpenPath.LEGACY)) {
            DmaBuf b = s.exportDmaBuf(2, List.of(new VfioDmaBuf.Range(0, 8 << 20)), Kernel.O_RDWR, null);
            IommufdImporter imp = s.iommufdImporter();
            assertTrue(imp.device().isEmpty(), "legacy path: an IOAS of the importer's own, no device attached");
            Attachment a = imp.attach(b.fd());
            assertTrue(a.mapped());
            assertEquals(b.inode(), a.dmaBufInode());
            long iova = a.address();
            assertTrue(k.dmaBufInfo().orElseThrow().contains("\tiommu\n"), "bufinfo names iommufd's attachment");

            s.setMemoryEnabled(false);
            KernelException e = assertThrows(KernelException.class, () -> imp.attach(b.fd()));
            assertEquals("ENODEV", errno(e), "a new MAP_FILE while revoked");
            assertEquals("ENODEV", assertThrows(KernelException.class, a::map).errnoName(), "map again while revoked");
            assertFalse(a.mapped(), "map() unmapped the dead area before it asked again");

            s.setMemoryEnabled(true);
            assertEquals(iova, a.map(), "after the restore it maps again, at the same IOVA");
            assertTrue(a.mapped());
            a.close();
            assertFalse(k.dmaBufInfo().orElseThrow().contains("\tiommu\n"), "closing the attachment detaches");
        }
    }

    /** The old mapping does not come back by itself: the area occupies its IOVA until IOMMU_IOAS_UNMAP. */
    @Test
    void restoreDoesNotRemapTheOldArea() throws Exception {
        try (DeviceSession s = DeviceSession.open(k, IVSHMEM, OpenPath.LEGACY)) {
            DmaBuf b = s.exportDmaBuf(2, List.of(new VfioDmaBuf.Range(0, PAGE)), Kernel.O_RDWR, null);
            int io = k.open("iommu", Kernel.O_RDWR);
            int ioas = IommufdImporter.allocIoas(k, io);
            byte[] fixed = Iommufd.IoasMapFile.of(Vfio.IOMMU_IOAS_MAP_FIXED_IOVA | Vfio.IOMMU_IOAS_MAP_READABLE, ioas,
                    b.fd(), 0, PAGE, 0x100000).encode();
            k.ioctl(io, Vfio.IOMMU_IOAS_MAP_FILE, fixed.clone());
            s.setMemoryEnabled(false);
            s.setMemoryEnabled(true);
            assertEquals("EEXIST", assertThrows(KernelException.class, () -> k.ioctl(io, Vfio.IOMMU_IOAS_MAP_FILE,
                    fixed.clone())).errnoName(), "the revoked area still holds its IOVA");
            byte[] unmap = Iommufd.IoasUnmap.of(ioas, 0x100000, PAGE).encode();
            k.ioctl(io, Vfio.IOMMU_IOAS_UNMAP, unmap);
            assertEquals(PAGE, Iommufd.IoasUnmap.decode(unmap).length());
            k.ioctl(io, Vfio.IOMMU_IOAS_MAP_FILE, fixed.clone());
            assertEquals("ENOENT", assertThrows(KernelException.class, () -> k.ioctl(io, Vfio.IOMMU_IOAS_UNMAP,
                    Iommufd.IoasUnmap.of(ioas, 0x200000, PAGE).encode())).errnoName(), "nothing there");
            k.close(io);
        }
    }

    /** Reset revokes and restores (map again works); close of the last user revokes for good. */
    @Test
    void resetThenCloseForGood() throws Exception {
        try (DeviceSession s = DeviceSession.open(k, NVME, OpenPath.LEGACY)) {
            DmaBuf b = s.exportDmaBuf(0, List.of(new VfioDmaBuf.Range(0, 16384)), Kernel.O_RDWR, null);
            Attachment a = s.iommufdImporter().attach(b.fd());
            s.reset();
            assertEquals(a.address(), a.map(), "restored by the reset: maps again");
            s.closeDevice();
            assertEquals("ENODEV", assertThrows(KernelException.class, a::map).errnoName(), "revoked for good");
        }
    }

    /** The lab's scenario importers through the same interface; a blocked call is a KernelException kind. */
    @Test
    void scenarioImportersAndBlocked() throws Exception {
        try (DeviceSession s = DeviceSession.open(k, IVSHMEM, OpenPath.LEGACY)) {
            DmaBuf b = s.exportDmaBuf(2, List.of(new VfioDmaBuf.Range(0, 8 << 20)), Kernel.O_RDWR, null);
            Importer self = k.importers().stream().filter(i -> i.name().equals("self-ivshmem")).findFirst().orElseThrow();
            Attachment a = self.attach(b.fd());
            assertEquals(0xfd800000L, a.address());
            Importer testdev = k.importers().stream().filter(i -> i.name().equals("testdev")).findFirst().orElseThrow();
            Attachment p2p = testdev.attach(b.fd());
            assertEquals("EINVAL", p2p.mapRefusal().orElseThrow().errnoName(), "P2P across the q35 host bridge");
            s.setMemoryEnabled(false);
            assertFalse(a.mapped(), "the importer's callback dropped its mapping");
            s.setMemoryEnabled(true);
            assertEquals(0xfd800000L, a.map());
            Importer lazy = k.importers().stream().filter(i -> i.name().equals("lazy-ivshmem")).findFirst().orElseThrow();
            lazy.attach(b.fd());
            KernelException blocked = assertThrows(KernelException.class, () -> s.setMemoryEnabled(false));
            assertEquals(KernelException.Kind.BLOCKED, blocked.kind(), blocked.getMessage());
            assertTrue(blocked.waitsFor().orElseThrow().contains("lazy-ivshmem"), blocked.getMessage());
        }
    }
}
