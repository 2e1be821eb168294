package org.vfioinspector.bridge.session;

import java.util.List;
import java.util.Optional;
import org.vfioinspector.bridge.kernel.Kernel;
import org.vfioinspector.bridge.kernel.KernelException;
import org.vfioinspector.bridge.kernel.dmabuf.DmaBufFdInfo;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.uapi.VfioDmaBuf;

/**
 * A dma-buf exported from a device region (the fd VFIO_DEVICE_FEATURE_DMA_BUF returned). Closing closes the fd;
 * the kernel releases the buffer when its last reference goes.
 */
public final class DmaBuf implements AutoCloseable {
    private final Kernel kernel;
    private final int fd;
    private final PciAddress device;
    private final int regionIndex;
    private final List<VfioDmaBuf.Range> ranges;
    private final long inode;
    private boolean closed;

    DmaBuf(Kernel kernel, int fd, PciAddress device, int regionIndex, List<VfioDmaBuf.Range> ranges) {
        this.kernel = kernel;
        this.fd = fd;
        this.device = device;
        this.regionIndex = regionIndex;
        this.ranges = List.copyOf(ranges);
        this.inode = fdinfo().map(DmaBufFdInfo::ino).orElse(-1L);
    }

    public int fd() {
        return fd;
    }

    public PciAddress device() {
        return device;
    }

    public int regionIndex() {
        return regionIndex;
    }

    public List<VfioDmaBuf.Range> ranges() {
        return ranges;
    }

    /** Sum of the range lengths: the buffer's size. */
    public long size() {
        return ranges.stream().mapToLong(VfioDmaBuf.Range::length).sum();
    }

    /** The buffer's inode (as in fdinfo and trace events), or -1 when fdinfo is not readable. */
    public long inode() {
        return inode;
    }

    /** The fd's current fdinfo, when readable. */
    public Optional<DmaBufFdInfo> fdinfo() {
        return kernel.fdinfo(fd).flatMap(DmaBufFdInfo::parse);
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    @Override
    public synchronized void close() throws KernelException {
        if (!closed) {
            closed = true;
            kernel.close(fd);
        }
    }

    @Override
    public String toString() {
        return "dma-buf fd " + fd + " of " + device + " region " + regionIndex + " (" + size() + " bytes, ino "
                + inode + ")";
    }
}
