package org.vfioinspector.bridge.lab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.vfioinspector.bridge.kernel.Errno;
import org.vfioinspector.bridge.kernel.KernelException;
import org.vfioinspector.bridge.uapi.Iommufd;
import org.vfioinspector.bridge.uapi.Vfio;

/**
 * The lab's /dev/iommu file: its IOASes and their areas, for dma-buf import (IOMMU_IOAS_MAP_FILE) and unmap. The
 * buffer side (revoked, ranges, the attachment the exporter sees) stays with the lab kernel, reached through
 * {@link Exporter}. What it models is the kernel's own iommufd selftest (dmabuf_simple, dmabuf_revoke) and §11:
 * <ul>
 *   <li>MAP_FILE with length 0, with start = size, with size + 1 → EINVAL (iopt_alloc_dmabuf_pages);</li>
 *   <li>a revoked buffer → ENODEV (vfio_pci_dma_buf_attach / _iommufd_map), more than one range → EOPNOTSUPP;</li>
 *   <li>a revoke unmaps the area's pages (iopt_revoke_notify); a restore does not map them again: the area stays
 *       until IOMMU_IOAS_UNMAP, and MAP_FILE then works again (at the same IOVA, too).</li>
 * </ul>
 */
final class LabIommufd {
    /** The lab kernel's side of a MAP_FILE: the dma-buf and its attachments. */
    interface Exporter {
        /** The dma-buf behind {@code fd}; EBADF when the fd is not one (the lab models no memfd). */
        Buffer dmaBuf(int fd) throws KernelException;

        /** dma_buf_dynamic_attach of iommufd and its map at {@code dmaAddress}; returns the attachment id. */
        int attach(int fd, long start) throws KernelException;

        /** dma_buf_detach of the area's attachment (may release the buffer). */
        void detach(int attachment);
    }

    /** What iommufd sees of a dma-buf. */
    record Buffer(long size, int ranges, boolean revoked, boolean cleanedUp, boolean iommufdAccepts) {
    }

    private record Area(long iova, long length, int attachment) {
        boolean inside(long first, long last) {
            return iova >= first && iova + length - 1 <= last;
        }

        boolean overlaps(long first, long last) {
            return iova <= last && first <= iova + length - 1;
        }
    }

    private static final int KNOWN_FLAGS = Vfio.IOMMU_IOAS_MAP_FIXED_IOVA | Vfio.IOMMU_IOAS_MAP_WRITEABLE
            | Vfio.IOMMU_IOAS_MAP_READABLE;

    private final Exporter exporter;
    private final Map<Integer, List<Area>> ioas = new LinkedHashMap<>();
    private int nextId = 1;
    private long nextIova = 0x100000000L;

    LabIommufd(Exporter exporter) {
        this.exporter = exporter;
    }

    int ioctl(long request, byte[] arg) throws KernelException {
        if (request == Vfio.IOMMU_IOAS_ALLOC) {
            int id = nextId++;
            ioas.put(id, new ArrayList<>());
            Iommufd.IoasAlloc.setOutIoasId(arg, id);
            return 0;
        }
        if (request == Vfio.IOMMU_IOAS_MAP_FILE) {
            return mapFile(arg);
        }
        if (request == Vfio.IOMMU_IOAS_UNMAP) {
            return unmap(arg);
        }
        if (request == Vfio.IOMMU_DESTROY) {
            int id = Iommufd.u32(arg, 4);
            List<Area> areas = ioas.remove(id);
            if (areas == null) {
                throw new KernelException("IOMMU_DESTROY", "object " + id, Errno.ENOENT);
            }
            areas.forEach(a -> exporter.detach(a.attachment()));
            return 0;
        }
        throw new KernelException("ioctl 0x" + Long.toHexString(request), "iommufd", Errno.ENOTTY);
    }

    private List<Area> ioas(int id, String op) throws KernelException {
        List<Area> areas = ioas.get(id);
        if (areas == null) {
            throw new KernelException(op, "ioas " + id, Errno.ENOENT);
        }
        return areas;
    }

    /** iommufd_ioas_map_file → iopt_map_file_pages → iopt_alloc_dmabuf_pages, in the kernel's order. */
    private int mapFile(byte[] arg) throws KernelException {
        String op = "IOMMU_IOAS_MAP_FILE";
        Iommufd.IoasMapFile m = Iommufd.IoasMapFile.decode(arg);
        if ((m.flags() & ~KNOWN_FLAGS) != 0) {
            throw new KernelException(op, "ioas " + m.ioasId(), Errno.EOPNOTSUPP);
        }
        List<Area> areas = ioas(m.ioasId(), op);
        String target = "fd " + m.fd();
        Buffer b = exporter.dmaBuf(m.fd());
        if (!b.iommufdAccepts()) {
            throw new KernelException(op, target, Errno.EINVAL.number(),
                    "iommufd takes dma-bufs through MAP_FILE since Linux 6.19; this profile's iommufd takes memfds only");
        }
        if (m.length() == 0) {
            throw new KernelException(op, target, Errno.EINVAL.number(), "iopt_map_file_pages: length 0");
        }
        if (Long.compareUnsigned(m.start(), b.size()) >= 0 || Long.compareUnsigned(m.length(), b.size() - m.start()) > 0) {
            throw new KernelException(op, target, Errno.EINVAL.number(),
                    "iopt_alloc_dmabuf_pages: [start, start + length) is not inside the dma-buf (" + b.size() + " bytes)");
        }
        if (b.revoked()) {
            throw new KernelException(op, target, Errno.ENODEV.number(), "vfio_pci_dma_buf_attach: the dma-buf is "
                    + "revoked" + (b.cleanedUp() ? " for good (its device was closed)" : " (until the device restores it)"));
        }
        if (b.ranges() != 1) {
            throw new KernelException(op, target, Errno.EOPNOTSUPP.number(),
                    "vfio_pci_dma_buf_iommufd_map: nr_ranges != 1 (iommufd maps single-range dma-bufs only)");
        }
        boolean fixed = (m.flags() & Vfio.IOMMU_IOAS_MAP_FIXED_IOVA) != 0;
        long iova = fixed ? m.iova() : nextIova;
        if (fixed) {
            if (iova % Vfio.PAGE_SIZE != 0) {
                throw new KernelException(op, "iova 0x" + Long.toHexString(iova), Errno.EINVAL);
            }
            long last = iova + m.length() - 1;
            if (areas.stream().anyMatch(a -> a.overlaps(iova, last))) {
                throw new KernelException(op, "iova 0x" + Long.toHexString(iova), Errno.EEXIST.number(),
                        "iopt_reserve_iova: an area already occupies the range (unmap it first)");
            }
        } else {
            nextIova += (m.length() + 0xfffffL) & ~0xfffffL;
        }
        int attachment = exporter.attach(m.fd(), m.start());
        areas.add(new Area(iova, m.length(), attachment));
        Iommufd.IoasMapFile.setIova(arg, iova);
        return 0;
    }

    /** iopt_unmap_iova: every area wholly inside the range goes; one cut by it, or none at all → ENOENT. */
    private int unmap(byte[] arg) throws KernelException {
        String op = "IOMMU_IOAS_UNMAP";
        Iommufd.IoasUnmap u = Iommufd.IoasUnmap.decode(arg);
        List<Area> areas = ioas(u.ioasId(), op);
        boolean all = u.iova() == 0 && u.length() == Iommufd.IoasUnmap.ALL;
        long first = u.iova();
        long last = all ? -1L : u.iova() + u.length() - 1;
        if (!all && (u.length() == 0 || Long.compareUnsigned(last, first) < 0)) {
            throw new KernelException(op, "ioas " + u.ioasId(), Errno.EINVAL);
        }
        List<Area> gone = new ArrayList<>();
        for (Area a : areas) {
            if (all || a.inside(first, last)) {
                gone.add(a);
            } else if (a.overlaps(first, last)) {
                throw new KernelException(op, String.format("iova 0x%x", u.iova()), Errno.ENOENT.number(),
                        "the range cuts an area: unmap whole areas");
            }
        }
        if (gone.isEmpty() && !all) {
            throw new KernelException(op, String.format("iova 0x%x", u.iova()), Errno.ENOENT.number(),
                    "no area in the range");
        }
        long bytes = 0;
        for (Area a : gone) {
            areas.remove(a);
            exporter.detach(a.attachment());
            bytes += a.length();
        }
        Iommufd.IoasUnmap.setLength(arg, bytes);
        return 0;
    }

    /** close of /dev/iommu: every IOAS is destroyed, every area unmapped and detached. */
    void close() {
        for (List<Area> areas : ioas.values()) {
            areas.forEach(a -> exporter.detach(a.attachment()));
        }
        ioas.clear();
    }
}
