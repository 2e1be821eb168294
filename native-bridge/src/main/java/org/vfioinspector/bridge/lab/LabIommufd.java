package org.vfioinspector.bridge.lab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.vfioinspector.bridge.kernel.Errno;
import org.vfioinspector.bridge.kernel.KernelException;
import org.vfioinspector.bridge.uapi.Iommufd;
import org.vfioinspector.bridge.uapi.Vfio;
import org.vfioinspector.bridge.uapi.VfioBytes;

/**
 * The lab's /dev/iommu file: one iommufd context (drivers/iommu/iommufd/) and its objects, which share one id space —
 * the devices bound to it (VFIO_DEVICE_BIND_IOMMUFD → iommufd_device_bind), its IOASes (IOMMU_IOAS_ALLOC) and the
 * HWPT an IOAS gets when the first device is attached to it (VFIO_DEVICE_ATTACH_IOMMUFD_PT → iommufd_device_attach,
 * the auto domain; a second attach replaces, iommufd_device_replace). Each IOAS holds areas:
 * <ul>
 *   <li>IOMMU_IOAS_MAP of process memory (iopt_map_user_pages): pinned into the domain when a device is attached —
 *       lab RAM pins, an mmap of a BAR does not (VM_PFNMAP: EFAULT; vfio's selftest vfio_dma_mapping_mmio_test
 *       holds iommufd to refusing it); without a device the pages are pinned when one attaches;</li>
 *   <li>IOMMU_IOAS_MAP_FILE of a dma-buf (iopt_map_file_pages → iopt_alloc_dmabuf_pages, the iommufd selftest's
 *       dmabuf_simple and dmabuf_revoke, facts §5.4 and §11): length 0, start = size, size + 1 → EINVAL; a revoked
 *       buffer → ENODEV (vfio_pci_dma_buf_iommufd_map), more than one range → EOPNOTSUPP. The area is an attachment
 *       of iommufd to the buffer; a revoke unmaps its pages from the domain (iopt_revoke_notify) and a restore does
 *       not map them again: the area stays, dead, until IOMMU_IOAS_UNMAP, and MAP_FILE then works again.</li>
 * </ul>
 * What an attached device's DMA reaches is {@link #translate}. The context lives while its fd is open or a device is
 * bound to it (the bind holds a reference to the file: iommufd_ctx_from_fd).
 */
final class LabIommufd {
    private static final int KNOWN_FLAGS = Vfio.IOMMU_IOAS_MAP_FIXED_IOVA | Vfio.IOMMU_IOAS_MAP_WRITEABLE
            | Vfio.IOMMU_IOAS_MAP_READABLE;

    /** An IOVA range of an IOAS: process memory at {@code userVa}, or a dma-buf through {@code attachment}. */
    private record Area(long iova, long length, int attachment, long userVa) {
        static final int MEMORY = -1;

        boolean inside(long first, long last) {
            return iova >= first && iova + length - 1 <= last;
        }

        boolean overlaps(long first, long last) {
            return iova <= last && first <= iova + length - 1;
        }

        boolean covers(long address, int count) {
            return address >= iova && address + count <= iova + length;
        }
    }

    private static final class Ioas {
        final int id;
        final List<Area> areas = new ArrayList<>();
        /** The auto domain's HWPT id, 0 until a device is attached. */
        int hwpt;

        Ioas(int id) {
            this.id = id;
        }
    }

    private record Hwpt(int id, Ioas ioas) {
    }

    /** A device bound to this context; {@code ioas} is where it is attached, or null. */
    private static final class BoundDevice {
        final int id;
        final LabDevice dev;
        Ioas ioas;

        BoundDevice(int id, LabDevice dev) {
            this.id = id;
            this.dev = dev;
        }
    }

    private final LabState state;
    private final Map<Integer, Object> objects = new LinkedHashMap<>();
    private int nextId = 1;
    private long nextIova = 0x100000000L;
    private boolean fdOpen = true;

    LabIommufd(LabState state) {
        this.state = state;
    }

    // ---- the ioctls on /dev/iommu -------------------------------------------------------------------------------

    int ioctl(long request, byte[] arg) throws KernelException {
        if (request == Vfio.IOMMU_IOAS_ALLOC) {
            int id = nextId++;
            objects.put(id, new Ioas(id));
            Iommufd.IoasAlloc.setOutIoasId(arg, id);
            return 0;
        }
        if (request == Vfio.IOMMU_IOAS_MAP_FILE) {
            return mapFile(arg);
        }
        if (request == Vfio.IOMMU_IOAS_MAP) {
            return mapMemory(arg);
        }
        if (request == Vfio.IOMMU_IOAS_UNMAP) {
            return unmap(arg);
        }
        if (request == Vfio.IOMMU_DESTROY) {
            return destroy(Iommufd.u32(arg, 4));
        }
        throw new KernelException("ioctl 0x" + Long.toHexString(request), "iommufd", Errno.ENOTTY);
    }

    private Ioas ioas(int id, String op) throws KernelException {
        if (objects.get(id) instanceof Ioas i) {
            return i;
        }
        throw new KernelException(op, "ioas " + id, Errno.ENOENT);
    }

    /** The devices attached to an IOAS now: its areas are mapped into their domain. */
    private List<BoundDevice> attached(Ioas ioas) {
        return objects.values().stream().filter(o -> o instanceof BoundDevice b && b.ioas == ioas)
                .map(o -> (BoundDevice) o).toList();
    }

    /** iommufd_ioas_map_file → iopt_map_file_pages → iopt_alloc_dmabuf_pages, in the kernel's order. */
    private int mapFile(byte[] arg) throws KernelException {
        String op = "IOMMU_IOAS_MAP_FILE";
        Iommufd.IoasMapFile m = Iommufd.IoasMapFile.decode(arg);
        if ((m.flags() & ~KNOWN_FLAGS) != 0) {
            throw new KernelException(op, "ioas " + m.ioasId(), Errno.EOPNOTSUPP);
        }
        Ioas ioas = ioas(m.ioasId(), op);
        String target = "fd " + m.fd();
        if (!(state.fds.find(m.fd()).orElse(null) instanceof LabDmaBuf.File f)) {
            throw new KernelException(op, target, Errno.EBADF);
        }
        LabDmaBuf b = f.buf();
        if (!state.profile.iommufdDmaBuf()) {
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
        if (b.revoked) {
            throw new KernelException(op, target, Errno.ENODEV.number(), "vfio_pci_dma_buf_attach: the dma-buf is "
                    + "revoked" + (b.cleanedUp ? " for good (its device was closed)" : " (until the device restores it)"));
        }
        if (b.ranges.size() != 1) {
            throw new KernelException(op, target, Errno.EOPNOTSUPP.number(),
                    "vfio_pci_dma_buf_iommufd_map: nr_ranges != 1 (iommufd maps single-range dma-bufs only)");
        }
        long iova = placeArea(op, ioas, m.flags(), m.iova(), m.length());
        int attachment = state.dmaBufs.attachIommufd(b, m.start()).id;
        ioas.areas.add(new Area(iova, m.length(), attachment, 0));
        Iommufd.IoasMapFile.setIova(arg, iova);
        return 0;
    }

    /** iommufd_ioas_map → iopt_map_user_pages: process memory; pinned now when a device's domain is there. */
    private int mapMemory(byte[] arg) throws KernelException {
        String op = "IOMMU_IOAS_MAP";
        Iommufd.IoasMap m = Iommufd.IoasMap.decode(arg);
        if ((m.flags() & ~KNOWN_FLAGS) != 0) {
            throw new KernelException(op, "ioas " + m.ioasId(), Errno.EOPNOTSUPP);
        }
        if ((m.flags() & (Vfio.IOMMU_IOAS_MAP_READABLE | Vfio.IOMMU_IOAS_MAP_WRITEABLE)) == 0) {
            throw new KernelException(op, "ioas " + m.ioasId(), Errno.EINVAL.number(),
                    "iommufd_ioas_map: neither readable nor writeable");
        }
        Ioas ioas = ioas(m.ioasId(), op);
        if (m.length() == 0 || m.length() % Vfio.PAGE_SIZE != 0 || m.userVa() % Vfio.PAGE_SIZE != 0) {
            throw new KernelException(op, "user_va 0x" + Long.toHexString(m.userVa()), Errno.EINVAL);
        }
        if (!attached(ioas).isEmpty() && !pinnable(m.userVa(), m.length())) {
            throw pinFault(op, m.userVa());
        }
        long iova = placeArea(op, ioas, m.flags(), m.iova(), m.length());
        ioas.areas.add(new Area(iova, m.length(), Area.MEMORY, m.userVa()));
        VfioBytes.put64(arg, Iommufd.IoasMap.OFF_IOVA, iova);
        return 0;
    }

    /** pin_user_pages of [va, va + length): lab RAM only (a BAR mmap is VM_PFNMAP | VM_IO). */
    private boolean pinnable(long va, long length) {
        return state.rams.stream().anyMatch(r -> r.contains(va, (int) Math.min(length, Integer.MAX_VALUE)));
    }

    private static KernelException pinFault(String op, long va) {
        return new KernelException(op, "user_va 0x" + Long.toHexString(va), Errno.EFAULT.number(),
                "pin_user_pages: not process memory (an mmap of a BAR is VM_PFNMAP; map it as a dma-buf with "
                        + "IOMMU_IOAS_MAP_FILE)");
    }

    /** The IOVA of a new area: the fixed one (page aligned, free: else EINVAL / EEXIST), or the next free 1 MiB slot. */
    private long placeArea(String op, Ioas ioas, int flags, long want, long length) throws KernelException {
        if ((flags & Vfio.IOMMU_IOAS_MAP_FIXED_IOVA) == 0) {
            long iova = nextIova;
            nextIova += (length + 0xfffffL) & ~0xfffffL;
            return iova;
        }
        if (want % Vfio.PAGE_SIZE != 0) {
            throw new KernelException(op, "iova 0x" + Long.toHexString(want), Errno.EINVAL);
        }
        long last = want + length - 1;
        if (ioas.areas.stream().anyMatch(a -> a.overlaps(want, last))) {
            throw new KernelException(op, "iova 0x" + Long.toHexString(want), Errno.EEXIST.number(),
                    "iopt_reserve_iova: an area already occupies the range (unmap it first)");
        }
        return want;
    }

    /** iopt_unmap_iova: every area wholly inside the range goes; one cut by it, or none at all → ENOENT. */
    private int unmap(byte[] arg) throws KernelException {
        String op = "IOMMU_IOAS_UNMAP";
        Iommufd.IoasUnmap u = Iommufd.IoasUnmap.decode(arg);
        Ioas ioas = ioas(u.ioasId(), op);
        boolean all = u.iova() == 0 && u.length() == Iommufd.IoasUnmap.ALL;
        long first = u.iova();
        long last = all ? -1L : u.iova() + u.length() - 1;
        if (!all && (u.length() == 0 || Long.compareUnsigned(last, first) < 0)) {
            throw new KernelException(op, "ioas " + u.ioasId(), Errno.EINVAL);
        }
        List<Area> gone = new ArrayList<>();
        for (Area a : ioas.areas) {
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
            ioas.areas.remove(a);
            release(a);
            bytes += a.length();
        }
        Iommufd.IoasUnmap.setLength(arg, bytes);
        return 0;
    }

    private void release(Area a) {
        if (a.attachment() != Area.MEMORY) {
            state.dmaBufs.detach(a.attachment());
        }
    }

    /** IOMMU_DESTROY: an IOAS or HWPT still in use, or a bound device (vfio holds it), is EBUSY. */
    private int destroy(int id) throws KernelException {
        Object o = objects.get(id);
        if (o == null) {
            throw new KernelException("IOMMU_DESTROY", "object " + id, Errno.ENOENT);
        }
        boolean busy = o instanceof BoundDevice || o instanceof Ioas i && !attached(i).isEmpty()
                || o instanceof Hwpt h && !attached(h.ioas()).isEmpty();
        if (busy) {
            throw new KernelException("IOMMU_DESTROY", "object " + id, Errno.EBUSY);
        }
        objects.remove(id);
        if (o instanceof Ioas i) {
            i.areas.forEach(this::release);
            i.areas.clear();
            if (i.hwpt != 0) {
                objects.remove(i.hwpt);
            }
        } else if (o instanceof Hwpt h) {
            h.ioas().hwpt = 0;
        }
        return 0;
    }

    // ---- the device side (VFIO_DEVICE_BIND_IOMMUFD, ATTACH/DETACH_IOMMUFD_PT) -------------------------------------

    /** iommufd_device_bind: the device becomes an object of this context; returns its id (out_devid). */
    int bind(LabDevice d) {
        int id = nextId++;
        objects.put(id, new BoundDevice(id, d));
        return id;
    }

    /** iommufd_device_unbind: detached from its IOAS, the object goes; the context may go with it. */
    void unbind(int devid) {
        objects.remove(devid);
        maybeDestroy();
    }

    /**
     * iommufd_device_attach (or _replace when attached already): {@code ptId} names an IOAS (its auto-domain HWPT is
     * made on the first attach) or a HWPT; unknown → ENOENT, another kind of object → EINVAL. Process memory areas of
     * the IOAS are pinned now (EFAULT when one is not memory). Returns the HWPT id (pt_id out).
     */
    int attach(int devid, int ptId) throws KernelException {
        BoundDevice dev = (BoundDevice) objects.get(devid);
        Object pt = objects.get(ptId);
        String op = "VFIO_DEVICE_ATTACH_IOMMUFD_PT";
        if (pt == null) {
            throw new KernelException(op, "pt_id " + ptId, Errno.ENOENT);
        }
        Ioas ioas = pt instanceof Ioas i ? i : pt instanceof Hwpt h ? h.ioas() : null;
        if (ioas == null) {
            throw new KernelException(op, "pt_id " + ptId, Errno.EINVAL.number(), "not an IOAS or HWPT");
        }
        for (Area a : ioas.areas) {
            if (a.attachment() == Area.MEMORY && !pinnable(a.userVa(), a.length())) {
                throw pinFault(op, a.userVa());
            }
        }
        if (ioas.hwpt == 0) {
            ioas.hwpt = nextId++;
            objects.put(ioas.hwpt, new Hwpt(ioas.hwpt, ioas));
        }
        dev.ioas = ioas;
        return ioas.hwpt;
    }

    /** iommufd_device_detach: the device's DMA reaches nothing any more (its domain is the blocking one). */
    void detach(int devid) {
        if (objects.get(devid) instanceof BoundDevice d) {
            d.ioas = null;
        }
    }

    /**
     * What a DMA of {@code count} bytes at {@code iova} by the device bound as {@code devid} reaches: process memory,
     * a dma-buf's BAR while iommufd's attachment is mapped (not revoked since the MAP_FILE), or nothing (null: the
     * IOMMU faults).
     */
    LabIommu.Target translate(int devid, long iova, int count) {
        if (!(objects.get(devid) instanceof BoundDevice d) || d.ioas == null) {
            return null;
        }
        for (Area a : d.ioas.areas) {
            if (!a.covers(iova, count)) {
                continue;
            }
            long delta = iova - a.iova();
            if (a.attachment() == Area.MEMORY) {
                return LabIommu.Target.memory(a.userVa() + delta);
            }
            LabDmaBuf.Attachment at = state.dmaBufs.find(a.attachment());
            if (at == null || !at.mapped) {
                return null;   // iopt_revoke_notify unmapped the area's pages
            }
            LabDevice exporter = state.devices.get(at.buf.exporterBdf);
            long barStart = exporter.sd.bar(at.buf.bar).orElseThrow().address();
            return LabIommu.Target.bar(exporter, at.buf.bar, at.dmaAddress - barStart + delta);
        }
        return null;
    }

    /** close of /dev/iommu: the context goes once no device is bound to it any more. */
    void closeFd() {
        fdOpen = false;
        maybeDestroy();
    }

    /** iommufd_fops_release: every object destroyed, every area unmapped and detached. */
    private void maybeDestroy() {
        if (fdOpen || objects.values().stream().anyMatch(o -> o instanceof BoundDevice)) {
            return;
        }
        for (Object o : objects.values()) {
            if (o instanceof Ioas i) {
                i.areas.forEach(this::release);
                i.areas.clear();
            }
        }
        objects.clear();
    }
}
