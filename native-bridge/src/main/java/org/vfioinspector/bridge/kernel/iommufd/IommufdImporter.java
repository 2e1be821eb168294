package org.vfioinspector.bridge.kernel.iommufd;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.vfioinspector.bridge.kernel.Attachment;
import org.vfioinspector.bridge.kernel.Errno;
import org.vfioinspector.bridge.kernel.Importer;
import org.vfioinspector.bridge.kernel.Kernel;
import org.vfioinspector.bridge.kernel.KernelException;
import org.vfioinspector.bridge.kernel.dmabuf.DmaBufFdInfo;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.uapi.Iommufd;
import org.vfioinspector.bridge.uapi.Vfio;

/**
 * iommufd as a dma-buf importer (Linux 6.19+, facts §5.4): {@code IOMMU_IOAS_MAP_FILE} of a dma-buf fd into an
 * IOAS attaches iommufd to the buffer (dma_buf_dynamic_attach with allow_peer2peer and a revoke callback) and maps
 * its one range at an IOVA. Runs on any {@link Kernel} with /dev/iommu: the real one, and the lab's model of it.
 *
 * <p>The IOAS is either one a device session holds (the cdev path: the device is attached to it, and its DMA to
 * the IOVA reaches the buffer, §11) or one of the importer's own, with no device attached. Closing the importer
 * unmaps every area it made, and closes /dev/iommu when it opened it.
 */
public final class IommufdImporter implements Importer, AutoCloseable {
    /** What the importer is called in the try-it panel and the journal. */
    public static final String NAME = "iommufd";

    private final Kernel kernel;
    private final int iommuFd;
    private final int ioasId;
    private final PciAddress device;
    private final boolean ownsFd;
    private final List<IoasAttachment> attachments = new ArrayList<>();
    private long nextIova = 1L << 32;
    private boolean closed;

    private IommufdImporter(Kernel kernel, int iommuFd, int ioasId, PciAddress device, boolean ownsFd) {
        this.kernel = kernel;
        this.iommuFd = iommuFd;
        this.ioasId = ioasId;
        this.device = device;
        this.ownsFd = ownsFd;
    }

    /** An importer with an iommufd and IOAS of its own, no device attached (open of iommu, IOMMU_IOAS_ALLOC). */
    public static IommufdImporter open(Kernel kernel) throws KernelException {
        int fd = kernel.open("iommu", Kernel.O_RDWR);
        try {
            return new IommufdImporter(kernel, fd, allocIoas(kernel, fd), null, true);
        } catch (KernelException e) {
            try {
                kernel.close(fd);
            } catch (KernelException c) {
                e.addSuppressed(c);
            }
            throw e;
        }
    }

    /**
     * An importer into an IOAS someone else holds (a device session on the cdev path): the fd stays theirs.
     *
     * @param device the device attached to the IOAS, or null
     */
    public static IommufdImporter into(Kernel kernel, int iommuFd, int ioasId, PciAddress device) {
        return new IommufdImporter(kernel, iommuFd, ioasId, device, false);
    }

    /** IOMMU_IOAS_ALLOC on {@code iommuFd}; returns the IOAS id. */
    public static int allocIoas(Kernel kernel, int iommuFd) throws KernelException {
        byte[] alloc = Iommufd.IoasAlloc.request();
        kernel.ioctl(iommuFd, Vfio.IOMMU_IOAS_ALLOC, alloc);
        return Iommufd.IoasAlloc.outIoasId(alloc);
    }

    /**
     * Whether this kernel has iommufd: empty when /dev/iommu opens, otherwise why not (open and close only; nothing
     * changes).
     */
    public static Optional<String> unavailable(Kernel kernel) {
        try {
            kernel.close(kernel.open("iommu", Kernel.O_RDWR));
            return Optional.empty();
        } catch (KernelException e) {
            if (e.errno() == Errno.ENOENT.number() || e.errno() == Errno.ENODEV.number()) {
                return Optional.of("this kernel has no iommufd (no iommu device node: CONFIG_IOMMUFD is not set, as in "
                        + "Debian's kernels), so nothing can import a dma-buf from userspace");
            }
            return Optional.of("iommufd cannot be opened: " + e.getMessage());
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<PciAddress> device() {
        return Optional.ofNullable(device);
    }

    public int ioasId() {
        return ioasId;
    }

    /** MAP_FILE of the whole buffer (its size from fdinfo) at an IOVA the importer picks, readable and writable. */
    @Override
    public synchronized Attachment attach(int dmaBufFd) throws KernelException {
        IoasAttachment a = (IoasAttachment) attach(dmaBufFd, nextIova);
        nextIova += (a.size() + (1L << 30) - 1) & ~((1L << 30) - 1);
        return a;
    }

    /**
     * MAP_FILE of the whole buffer at {@code iova}, which the caller picked (a DMA engine with a narrow DMA mask, such
     * as edu's 28 bits, reaches only low IOVAs); EEXIST when an area is there already.
     */
    public synchronized Attachment attach(int dmaBufFd, long iova) throws KernelException {
        if (closed) {
            throw new KernelException("IOMMU_IOAS_MAP_FILE", "ioas " + ioasId, Errno.EBADF.number(),
                    "the importer was closed");
        }
        DmaBufFdInfo info = kernel.fdinfo(dmaBufFd).flatMap(DmaBufFdInfo::parse).orElseThrow(() ->
                new KernelException("fdinfo", "fd " + dmaBufFd, Errno.EBADF.number(),
                        "the fd is not a dma-buf, or its fdinfo is not readable"));
        IoasAttachment a = new IoasAttachment(this, dmaBufFd, info.ino(), info.size(), iova);
        a.map();
        attachments.add(a);
        return a;
    }

    /** MAP_FILE with a fixed IOVA; returns the IOVA. */
    long mapFile(int dmaBufFd, long start, long length, long iova) throws KernelException {
        byte[] arg = Iommufd.IoasMapFile.of(Vfio.IOMMU_IOAS_MAP_FIXED_IOVA | Vfio.IOMMU_IOAS_MAP_READABLE
                | Vfio.IOMMU_IOAS_MAP_WRITEABLE, ioasId, dmaBufFd, start, length, iova).encode();
        kernel.ioctl(iommuFd, Vfio.IOMMU_IOAS_MAP_FILE, arg);
        return Iommufd.IoasMapFile.decode(arg).iova();
    }

    /** IOMMU_IOAS_UNMAP of [iova, iova + length); returns the bytes unmapped. */
    long unmap(long iova, long length) throws KernelException {
        byte[] arg = Iommufd.IoasUnmap.of(ioasId, iova, length).encode();
        kernel.ioctl(iommuFd, Vfio.IOMMU_IOAS_UNMAP, arg);
        return Iommufd.IoasUnmap.decode(arg).length();
    }

    synchronized void forget(IoasAttachment a) {
        attachments.remove(a);
    }

    @Override
    public String toString() {
        return "iommufd IOAS " + ioasId + (device == null ? " (no device attached)" : " (" + device + " attached)");
    }

    /** Unmaps every area this importer made; closes /dev/iommu when it opened it. */
    @Override
    public void close() throws KernelException {
        List<IoasAttachment> left;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            left = List.copyOf(attachments);
        }
        KernelException first = null;
        for (IoasAttachment a : left) {
            try {
                a.close();
            } catch (KernelException e) {
                first = first == null ? e : first;
            }
        }
        if (ownsFd) {
            kernel.close(iommuFd);
        }
        if (first != null) {
            throw first;
        }
    }
}
