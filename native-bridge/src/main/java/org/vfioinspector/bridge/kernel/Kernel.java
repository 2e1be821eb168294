package org.vfioinspector.bridge.kernel;

import java.util.List;
import java.util.Optional;
import org.vfioinspector.bridge.model.PciAddress;

/**
 * The one boundary between the inspector and a kernel. Two kernels live below it: the real one (JNA: open, ioctl,
 * mmap, pread, pwrite on the host's /dev) and the lab kernel (a model of the same rules, per kernel version).
 * Everything above it (sessions, probes, verdicts, revocation tracking, CLI, GUI) is the same code for both, and
 * speaks the kernel's own uapi: ioctl arguments are the uapi structs' bytes (see {@code bridge.uapi}).
 *
 * <p>File descriptors are plain ints as the kernel hands them out. Paths are relative to the host's device root
 * (e.g. "vfio/vfio", "vfio/3", "vfio/devices/vfio0", "iommu") or sysfs root; no caller names /dev or /sys.
 *
 * <p>Every method reports a failed call as a {@link KernelException} with the operation, target and errno.
 */
public interface Kernel extends AutoCloseable {
    /** O_RDWR, for {@link #open}. */
    int O_RDWR = 2;
    /** O_CLOEXEC (octal 02000000), for open and dma-buf export. */
    int O_CLOEXEC = 0x80000;
    /** PROT_READ / PROT_WRITE for {@link #mmap}. */
    int PROT_READ = 1;
    int PROT_WRITE = 2;

    /** "Linux 7.2.13-amd64" for a real kernel, "lab kernel (profile linux-7.2)" for the model. */
    String describe();

    /** True for the lab model; a GUI marks lab hosts unmistakably. */
    boolean isLab();

    /** open(2) of a device node relative to the device root. */
    int open(String devPath, int flags) throws KernelException;

    /** close(2). */
    void close(int fd) throws KernelException;

    /** ioctl(2) with a pointer argument: {@code arg} is copied to the kernel and back. Returns the ioctl's value. */
    int ioctl(int fd, long request, byte[] arg) throws KernelException;

    /** ioctl(2) with a by-value argument (VFIO_CHECK_EXTENSION, VFIO_SET_IOMMU) or none (pass 0). */
    int ioctl(int fd, long request, long value) throws KernelException;

    /** pread(2) into {@code buf}; returns the number of bytes read. */
    int pread(int fd, byte[] buf, long offset) throws KernelException;

    /** pwrite(2) from {@code buf}; returns the number of bytes written. */
    int pwrite(int fd, byte[] buf, long offset) throws KernelException;

    /** mmap(2) with MAP_SHARED. */
    Mapping mmap(int fd, long offset, long length, int prot) throws KernelException;

    /**
     * Anonymous process memory of {@code length} bytes (a multiple of the page size), read/write and zero-filled:
     * RAM that VFIO_IOMMU_MAP_DMA or IOMMU_IOAS_MAP can hand to a device, e.g. where a DMA engine copies its buffer
     * out. A kernel without process memory of its own (a scripted test kernel) answers ENOSYS.
     */
    default Mapping allocateRam(long length) throws KernelException {
        throw new KernelException("mmap", "anonymous memory", Errno.ENOSYS.number(),
                "This kernel has no process memory to hand to a device.");
    }

    /** The text of /proc/self/fdinfo/FD, when readable. */
    Optional<String> fdinfo(int fd);

    /** The text of debugfs dma_buf/bufinfo (every dma-buf and its attached devices), when readable. */
    Optional<String> dmaBufInfo();

    /** The driver a device is bound to now (the name of its sysfs driver link), empty when none or unknown. */
    default Optional<String> driverOf(PciAddress bdf) {
        return Optional.empty();
    }

    /**
     * The in-kernel importers this kernel lets the inspector attach to a dma-buf directly: the lab scenario's (a
     * test module's or a driver's); on a real kernel, only where the harness's test importer module is loaded, one
     * per PCI device ({@code bridge.kernel.importer.DeviceImporter}). Otherwise a real kernel has no such door:
     * userspace imports through iommufd ({@code bridge.kernel.iommufd.IommufdImporter}), on every kernel that has
     * it. The lab's answer needs no I/O; the real kernel's reads the device root: ask it off the FX thread.
     */
    default List<Importer> importers() {
        return List.of();
    }

    /** Writes a sysfs attribute relative to the sysfs root, e.g. "bus/pci/drivers/vfio-pci/unbind". May block. */
    void writeAttribute(String sysPath, String value) throws KernelException;

    /** The kernel's live revocation events. */
    KernelEvents events();

    /** Releases what the kernel object itself holds (trace probes, lab state); does not close callers' fds. */
    @Override
    void close();
}
