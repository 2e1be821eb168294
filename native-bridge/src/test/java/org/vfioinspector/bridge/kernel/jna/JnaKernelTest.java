package org.vfioinspector.bridge.kernel.jna;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vfioinspector.bridge.kernel.Errno;
import org.vfioinspector.bridge.kernel.Kernel;
import org.vfioinspector.bridge.kernel.KernelException;
import org.vfioinspector.bridge.kernel.Mapping;
import org.vfioinspector.bridge.kernel.SigbusException;
import org.vfioinspector.bridge.sysfs.HostPaths;
import org.vfioinspector.bridge.uapi.Vfio;

/** The real kernel backend on what this machine has: temp files, /dev/null, a missing node. */
class JnaKernelTest {
    @TempDir
    Path tmp;

    private JnaKernel kernelOver(Path devRoot) {
        return new JnaKernel(new HostPaths(tmp.resolve("sys"), devRoot, tmp.resolve("proc")));
    }

    /** RAM for DMA is real anonymous memory: zero-filled, read/write, unmapped on close; sizes are page multiples. */
    @Test
    void allocateRamIsZeroFilledReadWriteMemory() throws Exception {
        try (JnaKernel k = kernelOver(tmp)) {
            Mapping ram = k.allocateRam(8192);
            assertEquals(8192, ram.length());
            assertEquals(0, ram.vaddr() % 4096);
            assertEquals(0, ram.readInt(8188));
            ram.writeInt(4096, 0x55aa33cc);
            assertEquals(0x55aa33cc, ram.readInt(4096));
            ram.close();
            KernelException e = assertThrows(
                    KernelException.class, () -> k.allocateRam(100));
            assertEquals("EINVAL", e.errnoName());
        }
    }

    @Test
    void sigbusOnATruncatedMappingIsAnExceptionAndTheJvmSurvives() throws Exception {
        Path file = tmp.resolve("bar");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(4096);
            f.seek(8);
            f.write(new byte[] {0x78, 0x56, 0x34, 0x12});
        }
        try (JnaKernel k = kernelOver(tmp)) {
            int fd = k.open("bar", Kernel.O_RDWR);
            Mapping m = k.mmap(fd, 0, 4096, Kernel.PROT_READ | Kernel.PROT_WRITE);
            assertEquals(0x12345678, m.readInt(8));
            m.writeInt(12, 0xcafef00d);
            assertEquals(0xcafef00d, m.readInt(12));

            // Warm the read path up into compiled code: the fault must be caught in every execution tier.
            int sum = 0;
            for (int i = 0; i < 30_000; i++) {
                sum += m.readInt(8);
            }
            assertEquals(0x12345678 * 30_000, sum);
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                f.setLength(0);
            }
            // Many faults in a row, each one reported at its own read and none escaping into later code.
            for (int i = 0; i < 2_000; i++) {
                assertThrows(SigbusException.class, () -> m.readInt(8));
                int[] unrelated = new int[8];
                unrelated[i % 8] = i;
            }
            // Twice, and also a write: each fault is a SigbusException, never a crash.
            SigbusException e = assertThrows(SigbusException.class, () -> m.readInt(8));
            assertEquals("SIGBUS", e.errnoName());
            assertThrows(SigbusException.class, () -> m.readInt(0));
            assertThrows(SigbusException.class, () -> m.writeInt(0, 1));

            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                f.setLength(4096);
            }
            assertEquals(0, m.readInt(8), "the re-extended file reads zeros through the same mapping");
            m.close();
            m.close(); // idempotent
            k.close(fd);
        }
        // The JVM is still here and can do ordinary work.
        assertEquals(4096, Files.size(file));
    }

    @Test
    void preadPwriteAtAnOffset() throws Exception {
        Path file = tmp.resolve("region");
        Files.write(file, new byte[8192]);
        try (JnaKernel k = kernelOver(tmp)) {
            int fd = k.open("region", Kernel.O_RDWR);
            assertEquals(4, k.pwrite(fd, new byte[] {1, 2, 3, 4}, 4096 + 4));
            byte[] b = new byte[4];
            assertEquals(4, k.pread(fd, b, 4096 + 4));
            assertArrayEquals(new byte[] {1, 2, 3, 4}, b);
            assertEquals(0, k.pread(fd, b, 1 << 20), "pread past the end reads nothing");
            k.close(fd);
            KernelException e = assertThrows(KernelException.class, () -> k.pread(fd, b, 0));
            assertEquals(Errno.EBADF.number(), e.errno());
            assertEquals("pread", e.operation());
        }
    }

    @Test
    void ioctlOnDevNullIsEnottyNamedByRequestAndTarget() throws Exception {
        try (JnaKernel k = new JnaKernel(HostPaths.live())) {
            int fd = k.open("null", Kernel.O_RDWR);
            try {
                KernelException e = assertThrows(KernelException.class,
                        () -> k.ioctl(fd, Vfio.VFIO_DEVICE_GET_REGION_INFO, new byte[32]));
                assertEquals(Errno.ENOTTY.number(), e.errno());
                assertEquals("ENOTTY", e.errnoName());
                assertEquals("VFIO_DEVICE_GET_REGION_INFO", e.operation());
                assertEquals("null", e.target());
                KernelException v = assertThrows(KernelException.class,
                        () -> k.ioctl(fd, Vfio.VFIO_GET_API_VERSION, 0));
                assertEquals(Errno.ENOTTY.number(), v.errno());
                assertEquals("VFIO_GET_API_VERSION", v.operation());
                // +12 means different things on a container and a device: on an fd of unknown kind, the number.
                KernelException h = assertThrows(KernelException.class,
                        () -> k.ioctl(fd, Vfio.VFIO_IOMMU_GET_INFO, new byte[16]));
                assertEquals("ioctl 0x3b70", h.operation());
            } finally {
                k.close(fd);
            }
        }
    }

    @Test
    void openOfAMissingNodeIsEnoent() {
        try (JnaKernel k = kernelOver(tmp)) {
            KernelException e = assertThrows(KernelException.class, () -> k.open("vfio/vfio", Kernel.O_RDWR));
            assertEquals(Errno.ENOENT.number(), e.errno());
            assertEquals("open", e.operation());
            assertEquals("vfio/vfio", e.target());
            assertThrows(KernelException.class, () -> k.open("../etc/passwd", Kernel.O_RDWR));
        }
    }

    @Test
    void mmapFailureCarriesErrno() throws Exception {
        Files.write(tmp.resolve("f"), new byte[4096]);
        try (JnaKernel k = kernelOver(tmp)) {
            int fd = k.open("f", Kernel.O_RDWR);
            KernelException e = assertThrows(KernelException.class, () -> k.mmap(fd, 100, 4096, Kernel.PROT_READ));
            assertEquals(Errno.EINVAL.number(), e.errno(), "an unaligned offset is EINVAL");
            k.close(fd);
        }
    }

    @Test
    void attributesAndFdinfo() throws Exception {
        Files.createDirectories(tmp.resolve("sys/bus/pci/drivers/vfio-pci"));
        Files.writeString(tmp.resolve("sys/bus/pci/drivers/vfio-pci/unbind"), "");
        Path nic = Files.createDirectories(tmp.resolve("sys/bus/pci/devices/0000:00:06.0"));
        Files.createDirectories(tmp.resolve("sys/bus/pci/drivers/e1000"));
        Files.createSymbolicLink(nic.resolve("driver"), tmp.resolve("sys/bus/pci/drivers/e1000"));
        Files.writeString(nic.resolve("remove"), "");
        try (JnaKernel k = kernelOver(tmp)) {
            k.writeAttribute("bus/pci/drivers/vfio-pci/unbind", "0000:00:07.0");
            assertEquals("0000:00:07.0", Files.readString(tmp.resolve("sys/bus/pci/drivers/vfio-pci/unbind")));
            KernelException e = assertThrows(KernelException.class,
                    () -> k.writeAttribute("bus/pci/drivers/vfio-pci/new_id", "x"));
            assertEquals(Errno.ENOENT.number(), e.errno());
            // a device bound to another driver is never written to, whatever the attribute
            KernelException refused = assertThrows(KernelException.class,
                    () -> k.writeAttribute("bus/pci/devices/0000:00:06.0/remove", "1"));
            assertEquals(Errno.EPERM.number(), refused.errno());
            assertTrue(refused.remedy().orElseThrow().contains("bound to e1000, not vfio-pci"), refused.remedy().toString());
            assertEquals("", Files.readString(nic.resolve("remove")), "untouched");
            assertEquals(Errno.EPERM.number(), assertThrows(KernelException.class,
                    () -> k.writeAttribute("bus/pci/rescan", "1")).errno());
            assertTrue(k.fdinfo(3).isEmpty());
            assertTrue(k.dmaBufInfo().isEmpty());
            assertTrue(!k.isLab());
        }
        try (JnaKernel live = JnaKernel.live()) {
            assertTrue(live.describe().startsWith("Linux "));
            assertTrue(live.fdinfo(0).isPresent() || live.fdinfo(1).isPresent());
        }
    }
}
