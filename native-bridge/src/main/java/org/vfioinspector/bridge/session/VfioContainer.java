package org.vfioinspector.bridge.session;

import java.util.HashMap;
import java.util.Map;
import org.vfioinspector.bridge.kernel.Kernel;
import org.vfioinspector.bridge.kernel.KernelException;
import org.vfioinspector.bridge.uapi.Vfio;
import org.vfioinspector.bridge.uapi.VfioGroupStatus;

/**
 * A legacy VFIO container (vfio/vfio) and the groups attached to it. The first group attached sets the IOMMU
 * model (TYPE1v2); later groups join the same container. A group stays attached while any session uses it.
 *
 * <p>Every failure is a {@link KernelException} with operation, target, errno and remedy; a failed attach leaves
 * nothing behind.
 */
public final class VfioContainer implements AutoCloseable {
    private final Kernel kernel;
    private final int fd;
    private final Map<Integer, int[]> groups = new HashMap<>(); // group -> {fd, users}
    private boolean iommuSet;
    private boolean closed;

    private VfioContainer(Kernel kernel, int fd) {
        this.kernel = kernel;
        this.fd = fd;
    }

    /** Opens vfio/vfio and checks the API version (must be 0) and the TYPE1v2 extension. */
    public static VfioContainer open(Kernel kernel) throws KernelException {
        int fd;
        try {
            fd = kernel.open("vfio/vfio", Kernel.O_RDWR);
        } catch (KernelException e) {
            throw Remedies.attach(e, -1);
        }
        try {
            int version = kernel.ioctl(fd, Vfio.VFIO_GET_API_VERSION, 0);
            if (version != Vfio.VFIO_API_VERSION) {
                throw new SessionException("VFIO_GET_API_VERSION", "vfio/vfio", "API version " + version
                        + ", expected " + Vfio.VFIO_API_VERSION, "This kernel speaks a VFIO API this inspector does "
                        + "not know.");
            }
            int ext = kernel.ioctl(fd, Vfio.VFIO_CHECK_EXTENSION, Vfio.VFIO_TYPE1v2_IOMMU);
            if (ext <= 0) {
                throw new SessionException("VFIO_CHECK_EXTENSION", "vfio/vfio", "the TYPE1v2 IOMMU is not "
                        + "supported", "Turn the IOMMU on (intel_iommu=on / amd_iommu=on) and load "
                        + "vfio_iommu_type1.");
            }
            return new VfioContainer(kernel, fd);
        } catch (KernelException e) {
            try {
                kernel.close(fd);
            } catch (KernelException c) {
                e.addSuppressed(c);
            }
            throw e;
        }
    }

    public int fd() {
        return fd;
    }

    /**
     * Opens group {@code n} (or reuses it when attached already), checks it is viable, attaches it to this container
     * and sets the IOMMU model on the first group.
     *
     * @return the group fd
     */
    public synchronized int attachGroup(int n) throws KernelException {
        int[] g = groups.get(n);
        if (g != null) {
            g[1]++;
            return g[0];
        }
        String path = "vfio/" + n;
        int gfd;
        try {
            gfd = kernel.open(path, Kernel.O_RDWR);
        } catch (KernelException e) {
            throw Remedies.attach(e, n);
        }
        try {
            byte[] st = VfioGroupStatus.request();
            kernel.ioctl(gfd, Vfio.VFIO_GROUP_GET_STATUS, st);
            VfioGroupStatus status = VfioGroupStatus.decode(st);
            if (!status.viable()) {
                throw new SessionException("VFIO_GROUP_GET_STATUS", path, "IOMMU group " + n + " is not viable",
                        String.format("Bind every device of IOMMU group %d (sysfs kernel/iommu_groups/%d/devices) to "
                                + "vfio-pci, or unbind it from its driver; bridges may stay with pcieport.", n, n));
            }
            if (status.containerSet()) {
                throw new SessionException("VFIO_GROUP_GET_STATUS", path, "IOMMU group " + n + " is already in a "
                        + "container", "Another process holds group " + n + ": close it first.");
            }
            kernel.ioctl(gfd, Vfio.VFIO_GROUP_SET_CONTAINER, org.vfioinspector.bridge.uapi.Iommufd.u32Arg(fd));
            if (!iommuSet) {
                try {
                    kernel.ioctl(fd, Vfio.VFIO_SET_IOMMU, Vfio.VFIO_TYPE1v2_IOMMU);
                } catch (KernelException e) {
                    try {
                        kernel.ioctl(gfd, Vfio.VFIO_GROUP_UNSET_CONTAINER, 0);
                    } catch (KernelException u) {
                        e.addSuppressed(u);
                    }
                    throw e;
                }
                iommuSet = true;
            }
            groups.put(n, new int[] {gfd, 1});
            return gfd;
        } catch (KernelException e) {
            try {
                kernel.close(gfd);
            } catch (KernelException c) {
                e.addSuppressed(c);
            }
            throw Remedies.attach(e, n);
        }
    }

    /** One user of group {@code n} is done; the last one closes the group fd (which detaches it). */
    public synchronized void releaseGroup(int n) throws KernelException {
        int[] g = groups.get(n);
        if (g == null) {
            return;
        }
        if (--g[1] == 0) {
            groups.remove(n);
            kernel.close(g[0]);
        }
    }

    @Override
    public synchronized void close() throws KernelException {
        if (closed) {
            return;
        }
        closed = true;
        KernelException first = null;
        for (int[] g : groups.values()) {
            try {
                kernel.close(g[0]);
            } catch (KernelException e) {
                first = first == null ? e : first;
            }
        }
        groups.clear();
        try {
            kernel.close(fd);
        } catch (KernelException e) {
            first = first == null ? e : first;
        }
        if (first != null) {
            throw first;
        }
    }
}
