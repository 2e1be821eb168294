package org.vfioinspector.bridge.session;

import java.util.ArrayList;
import java.util.List;
import org.vfioinspector.bridge.kernel.Errno;
import org.vfioinspector.bridge.kernel.Kernel;
import org.vfioinspector.bridge.kernel.KernelException;
import org.vfioinspector.bridge.kernel.Mapping;
import org.vfioinspector.bridge.kernel.iommufd.IommufdImporter;
import org.vfioinspector.bridge.uapi.CapabilityChain;
import org.vfioinspector.bridge.uapi.DmaBufUapi;
import org.vfioinspector.bridge.uapi.Iommufd;
import org.vfioinspector.bridge.uapi.Vfio;
import org.vfioinspector.bridge.uapi.VfioBytes;
import org.vfioinspector.bridge.uapi.VfioDeviceInfo;
import org.vfioinspector.bridge.uapi.VfioDmaBuf;
import org.vfioinspector.bridge.uapi.VfioInfoCap;
import org.vfioinspector.bridge.uapi.VfioRegionInfo;

/**
 * One opened VFIO device, on any {@link Kernel} (real or lab). Owns every fd, mapping and dma-buf it creates and
 * releases them in reverse order on {@link #close()}, also when opening fails half way.
 *
 * <p>Legacy path: container vfio/vfio (API version 0, TYPE1v2), group vfio/N (viable, SET_CONTAINER, SET_IOMMU on
 * the first group), VFIO_GROUP_GET_DEVICE_FD by BDF. cdev path: iommu + vfio/devices/vfioN, BIND_IOMMUFD,
 * IOAS_ALLOC, ATTACH_IOMMUFD_PT. {@link OpenPath#AUTO} takes the cdev path when the device has a cdev and the
 * kernel has iommufd (Debian's kernels have not), legacy otherwise.
 *
 * <p>Inspecting (info, region info, mmap/pread probes, dma-buf export) never writes to the device. Operations that
 * change device state (reset, command-register writes, pwrite) refuse unless the device is bound to vfio-pci.
 *
 * <p>Error contract: methods that throw {@link KernelException} do so with operation, target ("BDF region N"),
 * errno and, where one exists, a remedy. Methods returning {@link Outcome} report expected refusals as values.
 * Not thread-safe: use one thread per session (the app's vfio-io executor).
 */
public final class DeviceSession implements AutoCloseable {
    private final Kernel kernel;
    private final DeviceTarget target;
    private final Resources resources = new Resources();
    private final List<DmaBuf> dmaBufs = new ArrayList<>();
    private final List<Mapping> mappings = new ArrayList<>();
    private OpenPath openPath;
    private int deviceFd = -1;
    private int iommuFd = -1;
    private int ioasId = -1;
    private IommufdImporter importer;
    private boolean deviceClosed;
    /** The type1 container on the legacy path (own or shared), null on the cdev path. */
    private VfioContainer container;

    private DeviceSession(Kernel kernel, DeviceTarget target) {
        this.kernel = kernel;
        this.target = target;
    }

    /** Opens the device with its own container (legacy) or iommufd (cdev). */
    public static DeviceSession open(Kernel kernel, DeviceTarget target, OpenPath path) throws KernelException {
        return open(kernel, target, path, null);
    }

    /**
     * Opens the device. On the legacy path, {@code container} (may be null: the session opens its own) lets several
     * sessions share one container, as devices of different groups in one VM do.
     */
    public static DeviceSession open(Kernel kernel, DeviceTarget target, OpenPath path, VfioContainer container)
            throws KernelException {
        DeviceSession s = new DeviceSession(kernel, target);
        try {
            if (path.first(target) == OpenPath.CDEV) {
                try {
                    s.openCdev();
                } catch (KernelException e) {
                    boolean absent = e.errno() == Errno.ENOENT.number() || e.errno() == Errno.ENODEV.number()
                            || e.errno() == Errno.ENOTTY.number();
                    if (path == OpenPath.CDEV || !absent) {
                        throw e;
                    }
                    s.resources.closeAll();
                    s.openLegacy(container);
                }
            } else {
                s.openLegacy(container);
            }
            return s;
        } catch (KernelException e) {
            try {
                s.resources.closeAll();
            } catch (KernelException c) {
                e.addSuppressed(c);
            }
            throw Remedies.attach(e, target.group());
        }
    }

    private void openLegacy(VfioContainer shared) throws KernelException {
        openPath = OpenPath.LEGACY;
        VfioContainer c = shared;
        if (c == null) {
            c = VfioContainer.open(kernel);
            resources.push("container", c::close);
        }
        VfioContainer cc = c;
        container = c;
        int group = target.group();
        int gfd = cc.attachGroup(group);
        resources.push("group", () -> cc.releaseGroup(group));
        int fd = kernel.ioctl(gfd, Vfio.VFIO_GROUP_GET_DEVICE_FD, VfioBytes.cString(target.bdf().toString()));
        deviceFd = fd;
        deviceClosed = false;
        resources.push("device", () -> closeDeviceFd());
    }

    private void openCdev() throws KernelException {
        openPath = OpenPath.CDEV;
        if (target.cdev() == null) {
            throw new SessionException("open", target.bdf().toString(), "the device has no vfio-dev cdev",
                    "Use the legacy path, or a kernel with CONFIG_VFIO_DEVICE_CDEV.");
        }
        int iommu = openIommufd();
        int fd = kernel.open("vfio/devices/" + target.cdev(), Kernel.O_RDWR);
        deviceFd = fd;
        resources.push("device", () -> closeDeviceFd());
        kernel.ioctl(fd, Vfio.VFIO_DEVICE_BIND_IOMMUFD, Iommufd.BindIommufd.request(iommu));
        allocIoas(iommu);
        kernel.ioctl(fd, Vfio.VFIO_DEVICE_ATTACH_IOMMUFD_PT, Iommufd.AttachIommufdPt.request(ioasId));
    }

    /** Opens /dev/iommu as this session's iommufd, closed with the session. */
    private int openIommufd() throws KernelException {
        int iommu = kernel.open("iommu", Kernel.O_RDWR);
        iommuFd = iommu;
        resources.push("iommufd", () -> {
            iommuFd = -1;
            kernel.close(iommu);
        });
        return iommu;
    }

    /** IOMMU_IOAS_ALLOC on {@code iommu}: the session's IOAS. */
    private void allocIoas(int iommu) throws KernelException {
        ioasId = IommufdImporter.allocIoas(kernel, iommu);
    }

    private void closeDeviceFd() throws KernelException {
        if (deviceFd >= 0 && !deviceClosed) {
            deviceClosed = true;
            kernel.close(deviceFd);
        }
    }

    public DeviceTarget target() {
        return target;
    }

    /** The raw device fd, for a suite that drives the uapi with arguments the session would not build. */
    public int deviceFd() throws KernelException {
        requireOpen();
        return deviceFd;
    }

    /** The path actually taken: LEGACY or CDEV. */
    public OpenPath openPath() {
        return openPath;
    }

    private String where() {
        return target.bdf().toString();
    }

    private String where(int index) {
        return target.bdf() + " region " + index;
    }

    private void requireOpen() throws KernelException {
        if (deviceClosed) {
            throw new SessionException("device", where(), "the device fd is closed", null);
        }
    }

    private KernelException named(KernelException e, String op, String tgt) {
        if (e.kind() != KernelException.Kind.ERRNO) {
            return e; // a fault or a blocked call names its own operation, and is not an errno to re-wrap
        }
        KernelException n = new KernelException(op, tgt, e.errno(), e.remedy().orElse(null));
        return Remedies.attach(n, target.group());
    }

    // ---- inspecting --------------------------------------------------------------------------------------------

    /** VFIO_DEVICE_GET_INFO. */
    public VfioDeviceInfo deviceInfo() throws KernelException {
        requireOpen();
        byte[] b = VfioDeviceInfo.request(VfioDeviceInfo.SIZE);
        try {
            kernel.ioctl(deviceFd, Vfio.VFIO_DEVICE_GET_INFO, b);
        } catch (KernelException e) {
            throw named(e, "VFIO_DEVICE_GET_INFO", where());
        }
        return VfioDeviceInfo.decode(b);
    }

    /** "RESET", "PCI", ... of a DEVICE_INFO flags word. */
    public static List<String> deviceFlagNames(int flags) {
        String[] names = {"RESET", "PCI", "PLATFORM", "AMBA", "CCW", "AP", "FSL_MC", "CAPS", "CDX"};
        List<String> out = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            if ((flags & (1 << i)) != 0) {
                out.add(names[i]);
            }
        }
        return out;
    }

    /**
     * VFIO_DEVICE_GET_REGION_INFO, asked again with the larger argsz the kernel reports when the capabilities did
     * not fit. A malformed capability chain does not fail the call: {@link RegionInfo#capsError()} says why.
     */
    public RegionInfo regionInfo(int index) throws KernelException {
        requireOpen();
        int argsz = VfioRegionInfo.SIZE;
        for (int attempt = 0; ; attempt++) {
            byte[] b = VfioRegionInfo.request(index, argsz);
            try {
                kernel.ioctl(deviceFd, Vfio.VFIO_DEVICE_GET_REGION_INFO, b);
            } catch (KernelException e) {
                throw named(e, "VFIO_DEVICE_GET_REGION_INFO", where(index));
            }
            VfioRegionInfo info = VfioRegionInfo.decode(b);
            int want = info.argsz();
            if (Integer.compareUnsigned(want, b.length) > 0 && attempt < 2) {
                if (Integer.compareUnsigned(want, 1 << 20) > 0) {
                    return new RegionInfo(index, info.flags(), info.size(), info.offset(), List.of(),
                            "the kernel asked for an absurd argsz " + Integer.toUnsignedString(want));
                }
                argsz = want;
                continue;
            }
            List<VfioInfoCap> caps = List.of();
            String capsError = null;
            if (info.has(Vfio.VFIO_REGION_INFO_FLAG_CAPS) && info.capOffset() != 0) {
                try {
                    caps = CapabilityChain.read(b, VfioRegionInfo.SIZE, info.capOffset());
                } catch (CapabilityChain.MalformedChainException e) {
                    capsError = e.getMessage();
                }
            }
            return new RegionInfo(index, info.flags(), info.size(), info.offset(), caps, capsError);
        }
    }

    /** {@link #regionInfo} as an outcome (VGA on a non-VGA device: EINVAL). */
    public Outcome<RegionInfo> regionInfoOutcome(int index) {
        try {
            return Outcome.ok(regionInfo(index));
        } catch (KernelException e) {
            return Outcome.failed(e);
        }
    }

    /**
     * Maps {@code length} bytes of a region (MAP_SHARED). The session owns the mapping: it is unmapped on close
     * unless closed before.
     */
    public Mapping mmap(RegionInfo region, long length, int prot) throws KernelException {
        requireOpen();
        Mapping m;
        try {
            m = kernel.mmap(deviceFd, region.offset(), length, prot);
        } catch (KernelException e) {
            throw named(e, "mmap", where(region.index()));
        }
        mappings.add(m);
        resources.push("mapping@" + System.identityHashCode(m), m::close);
        return m;
    }

    /** The probe's mmap: map [0, pageSpan) read-only, read the first dword, unmap. Value or errno or SIGBUS. */
    public Outcome<Integer> mmapProbe(RegionInfo region) {
        Mapping m;
        try {
            m = mmap(region, region.pageSpan(), Kernel.PROT_READ);
        } catch (KernelException e) {
            return Outcome.failed(e);
        }
        try {
            return Outcome.ok(m.readInt(0));
        } catch (KernelException e) {
            return Outcome.failed(e);
        } finally {
            unmap(m);
        }
    }

    /** Unmaps a mapping this session made. */
    public void unmap(Mapping m) {
        if (mappings.remove(m)) {
            resources.forget("mapping@" + System.identityHashCode(m));
            try {
                m.close();
            } catch (KernelException ignored) {
                // munmap of a mapping we made cannot fail in a way the caller can act on
            }
        }
    }

    /** pread of {@code buf.length} bytes at {@code offset} within the region. */
    public int pread(RegionInfo region, long offset, byte[] buf) throws KernelException {
        requireOpen();
        try {
            return kernel.pread(deviceFd, buf, region.offset() + offset);
        } catch (KernelException e) {
            throw named(e, "pread", where(region.index()) + " offset 0x" + Long.toHexString(offset));
        }
    }

    /** The probe's pread: 4 bytes at the region's start, little-endian. */
    public Outcome<Integer> preadProbe(RegionInfo region) {
        byte[] b = new byte[4];
        try {
            pread(region, 0, b);
            return Outcome.ok(VfioBytes.u32(b, 0));
        } catch (KernelException e) {
            return Outcome.failed(e);
        }
    }

    // ---- changing device state (vfio-pci only) ------------------------------------------------------------------

    private void requireVfioPci(String op) throws KernelException {
        if (!target.boundToVfioPci()) {
            throw new SessionException(op, where(), "refused: the device is bound to "
                    + (target.driver() == null ? "no driver" : target.driver()) + ", not vfio-pci",
                    "The inspector changes device state only on devices bound to vfio-pci.");
        }
    }

    /** pwrite within the region (vfio-pci only). */
    public int pwrite(RegionInfo region, long offset, byte[] buf) throws KernelException {
        requireOpen();
        requireVfioPci("pwrite");
        try {
            return kernel.pwrite(deviceFd, buf, region.offset() + offset);
        } catch (KernelException e) {
            throw named(e, "pwrite", where(region.index()) + " offset 0x" + Long.toHexString(offset));
        }
    }

    /** The command register (config offset 4, 2 bytes). */
    public int commandRegister() throws KernelException {
        return commandRegister(regionInfo(Vfio.VFIO_PCI_CONFIG_REGION_INDEX));
    }

    private int commandRegister(RegionInfo cfg) throws KernelException {
        byte[] b = new byte[2];
        pread(cfg, Vfio.PCI_COMMAND, b);
        return VfioBytes.u16(b, 0);
    }

    /** Whether PCI_COMMAND_MEMORY is set. */
    public boolean memoryEnabled() throws KernelException {
        return (commandRegister() & Vfio.PCI_COMMAND_MEMORY) != 0;
    }

    /**
     * Sets or clears PCI_COMMAND_MEMORY through the config region (vfio-pci only). Clearing it revokes the
     * device's dma-bufs and makes BAR mmaps fault (SIGBUS) and BAR preads fail (EIO) until it is set again.
     */
    public void setMemoryEnabled(boolean on) throws KernelException {
        requireVfioPci("write PCI_COMMAND");
        RegionInfo cfg = regionInfo(Vfio.VFIO_PCI_CONFIG_REGION_INDEX);
        int cmd = commandRegister(cfg);
        byte[] b = new byte[2];
        VfioBytes.put16(b, 0, on ? cmd | Vfio.PCI_COMMAND_MEMORY : cmd & ~Vfio.PCI_COMMAND_MEMORY);
        pwrite(cfg, Vfio.PCI_COMMAND, b);
    }

    /**
     * Sets or clears PCI_COMMAND_MASTER through the config region (vfio-pci only): a device's DMA engine reaches
     * nothing while bus mastering is off.
     */
    public void setBusMaster(boolean on) throws KernelException {
        requireVfioPci("write PCI_COMMAND");
        RegionInfo cfg = regionInfo(Vfio.VFIO_PCI_CONFIG_REGION_INDEX);
        int cmd = commandRegister(cfg);
        byte[] b = new byte[2];
        VfioBytes.put16(b, 0, on ? cmd | Vfio.PCI_COMMAND_MASTER : cmd & ~Vfio.PCI_COMMAND_MASTER);
        pwrite(cfg, Vfio.PCI_COMMAND, b);
    }

    /** VFIO_DEVICE_RESET (vfio-pci only). EINVAL on a device without a reset method. */
    public void reset() throws KernelException {
        requireOpen();
        requireVfioPci("VFIO_DEVICE_RESET");
        try {
            kernel.ioctl(deviceFd, Vfio.VFIO_DEVICE_RESET, 0);
        } catch (KernelException e) {
            KernelException n = named(e, "VFIO_DEVICE_RESET", where());
            throw e.errno() == Errno.EINVAL.number()
                    ? n.withRemedy("The device has no reset method VFIO can use (DEVICE_INFO lacks RESET).") : n;
        }
    }

    // ---- dma-buf ----------------------------------------------------------------------------------------------

    /**
     * Exports a dma-buf of region {@code index} with {@code ranges} (VFIO_DEVICE_FEATURE GET|DMA_BUF). Exporting
     * does not change the device. The session owns the buffer (closed on session close unless closed before).
     *
     * @param name optional DMA_BUF_SET_NAME_B name (at most 31 bytes), or null
     */
    public DmaBuf exportDmaBuf(int index, List<VfioDmaBuf.Range> ranges, int openFlags, String name)
            throws KernelException {
        requireOpen();
        byte[] arg = VfioDmaBuf.of(index, openFlags, ranges)
                .featureRequest(Vfio.VFIO_DEVICE_FEATURE_GET | Vfio.VFIO_DEVICE_FEATURE_DMA_BUF);
        int fd;
        try {
            fd = kernel.ioctl(deviceFd, Vfio.VFIO_DEVICE_FEATURE, arg);
        } catch (KernelException e) {
            throw named(e, "VFIO_DEVICE_FEATURE(DMA_BUF)", where(index));
        }
        DmaBuf buf = new DmaBuf(kernel, fd, target.bdf(), index, ranges);
        dmaBufs.add(buf);
        resources.push("dmabuf@" + fd, buf::close);
        if (name != null) {
            try {
                kernel.ioctl(fd, DmaBufUapi.DMA_BUF_SET_NAME_B, VfioBytes.cString(name));
            } catch (KernelException e) {
                closeDmaBuf(buf);
                throw named(e, "DMA_BUF_SET_NAME_B", where(index) + " dma-buf");
            }
        }
        return buf;
    }

    /** The probe's export: one range [0, pageSpan), O_RDWR|O_CLOEXEC; the fd is closed again at once. */
    public Outcome<Void> exportProbe(int index, long regionSize) {
        try {
            DmaBuf b = exportDmaBuf(index, List.of(new VfioDmaBuf.Range(0, RegionInfo.pageSpan(regionSize))),
                    Kernel.O_RDWR | Kernel.O_CLOEXEC, null);
            closeDmaBuf(b);
            return Outcome.ok(null);
        } catch (KernelException e) {
            return Outcome.failed(e);
        }
    }

    /** Closes a dma-buf this session exported. */
    public void closeDmaBuf(DmaBuf buf) throws KernelException {
        if (dmaBufs.remove(buf)) {
            resources.forget("dmabuf@" + buf.fd());
        }
        buf.close();
    }

    /**
     * iommufd as this session's dma-buf importer (IOMMU_IOAS_MAP_FILE, Linux 6.19+ for dma-bufs): on the cdev path
     * into the session's own IOAS, where the device is attached (its DMA to the IOVA reaches the buffer); on the
     * legacy path into an IOAS of its own (iommu opened for it), with no device attached. Closed with the session.
     * A kernel without iommufd answers ENOENT (open of iommu).
     */
    public IommufdImporter iommufdImporter() throws KernelException {
        if (importer == null) {
            try {
                if (iommuFd < 0) {
                    allocIoas(openIommufd());
                }
            } catch (KernelException e) {
                throw Remedies.attach(e.errno() == Errno.ENOENT.number() ? e.withRemedy("This kernel has no "
                        + "iommufd (CONFIG_IOMMUFD is not set); nothing in userspace can import a dma-buf here.")
                        : e, target.group());
            }
            IommufdImporter imp = IommufdImporter.into(kernel, iommuFd, ioasId,
                    openPath == OpenPath.CDEV && !deviceClosed ? target.bdf() : null);
            resources.push("importer", imp::close);
            importer = imp;
        }
        return importer;
    }

    /**
     * VFIO_IOMMU_MAP_DMA of {@code size} bytes at process address {@code vaddr} into this device's type1 container at
     * {@code iova} (read and write). When vaddr is an mmap of another device's BAR this is peer-to-peer the old way:
     * type1 reads the PFN from the VM_PFNMAP vma and holds no reference on that device (facts §7).
     */
    public void mapDma(long vaddr, long iova, long size) throws KernelException {
        requireOpen();
        if (container == null) {
            throw new SessionException("VFIO_IOMMU_MAP_DMA", where(), "the device was opened through iommufd, not a "
                    + "type1 container", "Open it on the legacy path (VFIO group and container) to use type1.");
        }
        byte[] arg = new byte[32];
        VfioBytes.put32(arg, 0, 32);
        VfioBytes.put32(arg, 4, Vfio.VFIO_DMA_MAP_FLAG_READ | Vfio.VFIO_DMA_MAP_FLAG_WRITE);
        VfioBytes.put64(arg, 8, vaddr);
        VfioBytes.put64(arg, 16, iova);
        VfioBytes.put64(arg, 24, size);
        try {
            kernel.ioctl(container.fd(), Vfio.VFIO_IOMMU_MAP_DMA, arg);
        } catch (KernelException e) {
            throw named(e, "VFIO_IOMMU_MAP_DMA", where());
        }
    }

    /**
     * Maps process memory ({@code ram}, e.g. {@link Kernel#allocateRam}) for this device's DMA at {@code iova}, read
     * and write: VFIO_IOMMU_MAP_DMA into the type1 container on the legacy path, IOMMU_IOAS_MAP with FIXED_IOVA into
     * the session's IOAS on the cdev path.
     */
    public void mapRam(Mapping ram, long iova) throws KernelException {
        if (container != null) {
            mapDma(ram.vaddr(), iova, ram.length());
            return;
        }
        requireOpen();
        byte[] arg = new Iommufd.IoasMap(Vfio.IOMMU_IOAS_MAP_FIXED_IOVA | Vfio.IOMMU_IOAS_MAP_READABLE
                | Vfio.IOMMU_IOAS_MAP_WRITEABLE, ioasId, ram.vaddr(), ram.length(), iova).encode();
        try {
            kernel.ioctl(iommuFd, Vfio.IOMMU_IOAS_MAP, arg);
        } catch (KernelException e) {
            throw named(e, "IOMMU_IOAS_MAP", where() + " iova 0x" + Long.toHexString(iova));
        }
    }

    /**
     * IOMMU_IOAS_MAP_FILE of the whole of {@code buf} at the fixed {@code iova} of the IOAS this device is attached to
     * (cdev path): the device's DMA to that IOVA reaches the exporter's BAR, peer to peer, for as long as the buffer is
     * not revoked. A revoked buffer answers ENODEV.
     */
    public void mapDmaBufAt(DmaBuf buf, long iova) throws KernelException {
        requireAttachedIoas("IOMMU_IOAS_MAP_FILE");
        byte[] map = Iommufd.IoasMapFile.of(Vfio.IOMMU_IOAS_MAP_FIXED_IOVA | Vfio.IOMMU_IOAS_MAP_READABLE
                | Vfio.IOMMU_IOAS_MAP_WRITEABLE, ioasId, buf.fd(), 0, buf.size(), iova).encode();
        try {
            kernel.ioctl(iommuFd, Vfio.IOMMU_IOAS_MAP_FILE, map);
        } catch (KernelException e) {
            throw named(e, "IOMMU_IOAS_MAP_FILE", buf.device() + " region " + buf.regionIndex() + " dma-buf at iova 0x"
                    + Long.toHexString(iova) + " of " + where());
        }
    }

    /** IOMMU_IOAS_UNMAP of [iova, iova + length) of the IOAS this device is attached to; returns the bytes unmapped. */
    public long unmapIova(long iova, long length) throws KernelException {
        requireAttachedIoas("IOMMU_IOAS_UNMAP");
        byte[] arg = Iommufd.IoasUnmap.of(ioasId, iova, length).encode();
        try {
            kernel.ioctl(iommuFd, Vfio.IOMMU_IOAS_UNMAP, arg);
        } catch (KernelException e) {
            throw named(e, "IOMMU_IOAS_UNMAP", where() + " iova 0x" + Long.toHexString(iova));
        }
        return Iommufd.IoasUnmap.decode(arg).length();
    }

    private void requireAttachedIoas(String op) throws KernelException {
        requireOpen();
        if (openPath != OpenPath.CDEV) {
            throw new SessionException(op, where(), "the device was opened through a type1 container, not attached "
                    + "to an IOAS", "Open it on the cdev path (vfio/devices/vfioN and iommu) to use iommufd.");
        }
    }

    // ---- closing ----------------------------------------------------------------------------------------------

    /**
     * Unmaps every mapping and closes the device fd, keeping dma-bufs, group and container: the last user of the
     * device goes, so the kernel revokes the device's dma-bufs for good (vfio_pci_dma_buf_cleanup).
     */
    public void closeDevice() throws KernelException {
        for (Mapping m : new ArrayList<>(mappings)) {
            unmap(m);
        }
        resources.forget("device");
        closeDeviceFd();
    }

    public boolean deviceClosed() {
        return deviceClosed;
    }

    /** Closes everything the session owns, in reverse order of acquisition. */
    @Override
    public void close() throws KernelException {
        mappings.clear();
        dmaBufs.clear();
        resources.closeAll();
    }
}
