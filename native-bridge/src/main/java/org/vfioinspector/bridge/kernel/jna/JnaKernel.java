package org.vfioinspector.bridge.kernel.jna;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.vfioinspector.bridge.kernel.Errno;
import org.vfioinspector.bridge.kernel.Importer;
import org.vfioinspector.bridge.kernel.Kernel;
import org.vfioinspector.bridge.kernel.KernelEvents;
import org.vfioinspector.bridge.kernel.KernelException;
import org.vfioinspector.bridge.kernel.Mapping;
import org.vfioinspector.bridge.kernel.SysfsWrites;
import org.vfioinspector.bridge.kernel.importer.DeviceImporter;
import org.vfioinspector.bridge.kernel.importer.ImporterModule;
import org.vfioinspector.bridge.kernel.trace.TraceFsEvents;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.sysfs.HostPaths;
import org.vfioinspector.bridge.uapi.ImporterUapi;
import org.vfioinspector.bridge.uapi.IoctlNames;
import org.vfioinspector.bridge.uapi.IoctlNames.FdKind;
import org.vfioinspector.bridge.uapi.Vfio;
import org.vfioinspector.bridge.uapi.VfioBytes;

/**
 * The real kernel, through libc (JNA). Device paths resolve against {@link HostPaths#dev()}, fdinfo against
 * {@link HostPaths#proc()}, debugfs and sysfs attributes against {@link HostPaths#sys()}. Every failed call is a
 * {@link KernelException} naming the operation (the ioctl by its uapi name where the fd's kind tells it), the
 * target (the path the fd was opened from) and the errno the call left.
 *
 * <p>Thread-safe: the kernel itself serialises what needs serialising; the fd bookkeeping is concurrent.
 */
public final class JnaKernel implements Kernel {
    private final HostPaths paths;
    private final Map<Integer, FdEntry> fds = new ConcurrentHashMap<>();
    private volatile TraceFsEvents events;
    private ImporterModule importerModule;

    private record FdEntry(FdKind kind, String target) {
    }

    public JnaKernel(HostPaths paths) {
        this.paths = paths;
    }

    /** The running machine's kernel. */
    public static JnaKernel live() {
        return new JnaKernel(HostPaths.live());
    }

    @Override
    public String describe() {
        return "Linux " + release().orElse("(release unknown)");
    }

    /** The kernel release from procfs sys/kernel/osrelease, e.g. "7.2.13-amd64". */
    public Optional<String> release() {
        try {
            return Optional.of(Files.readString(paths.proc("sys/kernel/osrelease")).trim());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public boolean isLab() {
        return false;
    }

    private Path devPath(String devPath) throws KernelException {
        if (devPath == null || devPath.startsWith("/") || devPath.contains("..")) {
            throw new KernelException("open", String.valueOf(devPath), Errno.EINVAL.number(),
                    "Device paths are relative to the device root, e.g. vfio/vfio.");
        }
        return paths.dev(devPath);
    }

    @Override
    public int open(String devPath, int flags) throws KernelException {
        Path p = devPath(devPath);
        try {
            int fd = LibC.get().open(p.toString(), flags | O_CLOEXEC);
            fds.put(fd, new FdEntry(IoctlNames.kindOfPath(devPath), devPath));
            return fd;
        } catch (LastErrorException e) {
            throw new KernelException("open", devPath, e.getErrorCode(), null);
        }
    }

    @Override
    public void close(int fd) throws KernelException {
        FdEntry entry = fds.remove(fd);
        try {
            LibC.get().close(fd);
        } catch (LastErrorException e) {
            throw new KernelException("close", target(fd, entry), e.getErrorCode(), null);
        }
    }

    private static String target(int fd, FdEntry entry) {
        return entry == null ? "fd " + fd : entry.target();
    }

    private FdEntry entry(int fd) {
        return fds.get(fd);
    }

    private String ioctlName(int fd, long request) {
        FdEntry e = entry(fd);
        return IoctlNames.name(request, e == null ? FdKind.OTHER : e.kind());
    }

    @Override
    public int ioctl(int fd, long request, byte[] arg) throws KernelException {
        try {
            int rc = LibC.get().ioctl(fd, new NativeLong(request), arg);
            recordNewFd(fd, request, arg, rc);
            return rc;
        } catch (LastErrorException e) {
            throw new KernelException(ioctlName(fd, request), target(fd, entry(fd)), e.getErrorCode(), null);
        }
    }

    /** Ioctls that return a new fd: remember what it is, so later errors on it are named properly. */
    private void recordNewFd(int fd, long request, byte[] arg, int rc) {
        FdEntry parent = entry(fd);
        if (rc < 0 || parent == null) {
            return;
        }
        if (request == Vfio.VFIO_GROUP_GET_DEVICE_FD && parent.kind() == FdKind.GROUP) {
            fds.put(rc, new FdEntry(FdKind.DEVICE, VfioBytes.readCString(arg)));
        } else if (request == Vfio.VFIO_DEVICE_FEATURE && rc > 0 && parent.kind() == FdKind.DEVICE) {
            fds.put(rc, new FdEntry(FdKind.DMABUF, "dma-buf of " + parent.target()));
        }
    }

    @Override
    public int ioctl(int fd, long request, long value) throws KernelException {
        try {
            return LibC.get().ioctl(fd, new NativeLong(request), new NativeLong(value));
        } catch (LastErrorException e) {
            throw new KernelException(ioctlName(fd, request), target(fd, entry(fd)), e.getErrorCode(), null);
        }
    }

    @Override
    public int pread(int fd, byte[] buf, long offset) throws KernelException {
        try {
            return (int) LibC.get().pread(fd, buf, new NativeLong(buf.length), offset).longValue();
        } catch (LastErrorException e) {
            throw new KernelException("pread", target(fd, entry(fd)) + " offset 0x" + Long.toHexString(offset),
                    e.getErrorCode(), null);
        }
    }

    @Override
    public int pwrite(int fd, byte[] buf, long offset) throws KernelException {
        try {
            return (int) LibC.get().pwrite(fd, buf, new NativeLong(buf.length), offset).longValue();
        } catch (LastErrorException e) {
            throw new KernelException("pwrite", target(fd, entry(fd)) + " offset 0x" + Long.toHexString(offset),
                    e.getErrorCode(), null);
        }
    }

    @Override
    public Mapping mmap(int fd, long offset, long length, int prot) throws KernelException {
        String target = target(fd, entry(fd)) + " offset 0x" + Long.toHexString(offset);
        if (length <= 0) {
            throw new KernelException("mmap", target, Errno.EINVAL.number(), "The length must be positive.");
        }
        try {
            Pointer p = LibC.get().mmap(null, new NativeLong(length), prot, LibC.MAP_SHARED, fd, offset);
            if (p == null || Pointer.nativeValue(p) == -1L) {
                throw new KernelException("mmap", target, Errno.EINVAL.number(), null);
            }
            return new JnaMapping(p, length, prot, target);
        } catch (LastErrorException e) {
            throw new KernelException("mmap", target, e.getErrorCode(), null);
        }
    }

    @Override
    public Mapping allocateRam(long length) throws KernelException {
        if (length <= 0 || length % Vfio.PAGE_SIZE != 0) {
            throw new KernelException("mmap", "anonymous memory", Errno.EINVAL.number(),
                    "The length must be a positive multiple of the page size.");
        }
        try {
            Pointer p = LibC.get().mmap(null, new NativeLong(length), PROT_READ | PROT_WRITE,
                    LibC.MAP_PRIVATE | LibC.MAP_ANONYMOUS, -1, 0);
            if (p == null || Pointer.nativeValue(p) == -1L) {
                throw new KernelException("mmap", "anonymous memory", Errno.ENOMEM);
            }
            return new JnaMapping(p, length, PROT_READ | PROT_WRITE, "anonymous memory");
        } catch (LastErrorException e) {
            throw new KernelException("mmap", "anonymous memory", e.getErrorCode(), null);
        }
    }

    @Override
    public Optional<String> fdinfo(int fd) {
        return readText(paths.proc("self/fdinfo/" + fd));
    }

    @Override
    public Optional<String> dmaBufInfo() {
        return readText(paths.sys("kernel/debug/dma_buf/bufinfo"));
    }

    private static Optional<String> readText(Path p) {
        try {
            return Optional.of(Files.readString(p, StandardCharsets.UTF_8));
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    /** The driver a device is bound to, from the driver link's name. */
    @Override
    public Optional<String> driverOf(org.vfioinspector.bridge.model.PciAddress bdf) {
        try {
            return Optional.of(Files.readSymbolicLink(paths.sys("bus/pci/devices/" + bdf
                    + "/driver")).getFileName().toString());
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    @Override
    public void writeAttribute(String sysPath, String value) throws KernelException {
        if (sysPath == null || sysPath.startsWith("/") || sysPath.contains("..")) {
            throw new KernelException("write", String.valueOf(sysPath), Errno.EINVAL.number(),
                    "Attribute paths are relative to the sysfs root, e.g. bus/pci/drivers/vfio-pci/unbind.");
        }
        Optional<String> refused = SysfsWrites.refusal(sysPath, value, this::driverOf);
        if (refused.isPresent()) {
            throw new KernelException("write", sysPath, Errno.EPERM.number(), refused.get());
        }
        String path = paths.sys(sysPath).toString();
        LibC c = LibC.get();
        int fd;
        try {
            fd = c.open(path, LibC.O_WRONLY | O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new KernelException("open", sysPath, e.getErrorCode(), null);
        }
        try {
            byte[] b = value.getBytes(StandardCharsets.US_ASCII);
            c.write(fd, b, new NativeLong(b.length));
        } catch (LastErrorException e) {
            throw new KernelException("write \"" + value + "\"", sysPath, e.getErrorCode(), null);
        } finally {
            try {
                c.close(fd);
            } catch (LastErrorException ignored) {
                // sysfs reports errors on write, not on close
            }
        }
    }

    /**
     * Where the harness's test importer module is loaded (its node {@code vfioinsp_importer} exists), one in-kernel
     * importer per PCI device of the host: it attaches and maps a dma-buf as that device
     * ({@link DeviceImporter}). Elsewhere none: userspace imports through iommufd. Reads the device root and the
     * PCI device list: call it off the FX thread.
     */
    @Override
    public synchronized List<Importer> importers() {
        if (!Files.exists(paths.dev(ImporterUapi.DEVICE_NODE))) {
            return List.of();
        }
        if (importerModule == null) {
            importerModule = ImporterModule.on(this);
        }
        List<Importer> out = new ArrayList<>();
        try (Stream<Path> devices = Files.list(paths.sys("bus/pci/devices"))) {
            devices.map(p -> p.getFileName().toString()).filter(PciAddress::isValid).map(PciAddress::parse).sorted()
                    .forEach(a -> out.add(importerModule.importer(a)));
        } catch (IOException e) {
            return List.of();
        }
        return out;
    }

    @Override
    public synchronized KernelEvents events() {
        if (events == null) {
            events = new TraceFsEvents(paths);
        }
        return events;
    }

    @Override
    public synchronized void close() {
        if (events != null) {
            events.close();
            events = null;
        }
        if (importerModule != null) {
            try {
                importerModule.close(); // the module detaches what this process still holds
            } catch (KernelException e) {
                // closing an fd of a device node reports nothing worth keeping
            }
            importerModule = null;
        }
    }
}
