package org.vfioinspector.bridge.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.vfioinspector.bridge.kernel.Errno;
import org.vfioinspector.bridge.kernel.Kernel;
import org.vfioinspector.bridge.kernel.KernelException;
import org.vfioinspector.bridge.kernel.Mapping;
import org.vfioinspector.bridge.lab.scenario.LabScenario;
import org.vfioinspector.bridge.lab.scenario.ScenarioException;
import org.vfioinspector.bridge.lab.scenario.ScenarioLoader;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.rules.KernelProfile;
import org.vfioinspector.bridge.uapi.Vfio;
import org.vfioinspector.bridge.uapi.VfioBytes;

/**
 * The lab kernel: a model of VFIO, vfio-pci, dma-buf and iommufd per kernel profile, driven through the same
 * {@link Kernel} interface and raw uapi bytes as the real kernel. Every answer comes from {@code bridge.rules}.
 * This class only dispatches a call to the kernel object its fd names; each object is one class that says which
 * kernel functions it models:
 * <ul>
 *   <li>{@link LabFdTable}: the process's fds;</li>
 *   <li>{@link LabContainer}: vfio/vfio and type1 (VFIO_IOMMU_MAP_DMA);</li>
 *   <li>{@link LabGroup}: vfio/N (status, container, GET_DEVICE_FD);</li>
 *   <li>{@link LabDeviceFile}: the device fd, from the group or the cdev vfio/devices/vfioN (bind to iommufd,
 *       attach to an IOAS, info, region info, read/write, mmap, export) and {@link LabDevice}:
 *       the device itself (open, close, reset, revocation); {@link LabConfigRegion}: config writes;
 *       {@link LabBarMapping}: a BAR mmap;</li>
 *   <li>{@link LabDmaBuf} (a buffer and its attachments), {@link LabDmaBufCore} (the list, attach/map/detach),
 *       {@link LabDmaBufInfo} (fdinfo, bufinfo);</li>
 *   <li>{@link LabIommufd}: /dev/iommu, the devices bound to it, its IOASes and their areas; {@link LabIommu}: what
 *       a device's DMA reaches through its type1 container or its IOAS;</li>
 *   <li>{@link LabSysfs}: vfio-pci bind/unbind.</li>
 * </ul>
 * Lab-only operations (in-kernel importers, blocked operations, type1 mappings) are the public methods below the
 * Kernel ones. Every entry point is synchronised on this kernel: calls are serialised.
 */
public final class LabKernel implements Kernel {
    private final LabState state;

    public LabKernel(LabScenario scenario) {
        this.state = new LabState(this, scenario);
    }

    /** A lab kernel for a built-in scenario name ("qemu-q35") or a scenario file. */
    public static LabKernel of(String scenarioNameOrFile) throws ScenarioException {
        return new LabKernel(ScenarioLoader.load(scenarioNameOrFile));
    }

    public LabScenario scenario() {
        return state.scenario;
    }

    public KernelProfile profile() {
        return state.profile;
    }

    /** A VFIO_IOMMU_MAP_DMA mapping of a type1 container. */
    public record Type1Mapping(long iova, long size, long vaddr, PciAddress source, int sourceBar, long phys,
                               PciAddress container) {
    }

    /** What an in-kernel importer attachment looks like now. */
    public record AttachmentView(int id, String importer, long dmaBufInode, boolean mapped, long dmaAddress,
                                 int invalidations, boolean bufRevoked, boolean bufDead) {
    }

    @Override
    public String describe() {
        return "lab kernel (profile " + state.profile.name() + ", scenario " + state.scenario.name() + ")";
    }

    @Override
    public boolean isLab() {
        return true;
    }

    /** The device nodes the lab host has, relative to the device root. */
    public synchronized List<String> deviceNodes() {
        List<String> out = new ArrayList<>();
        out.add("vfio/vfio");
        for (LabScenario.Group g : state.scenario.groups()) {
            if (g.devices().stream().anyMatch(b -> state.devices.get(b).vfio())) {
                out.add("vfio/" + g.id());
            }
        }
        if (state.profile.iommufd()) {
            out.add("iommu");
            if (state.profile.cdev()) {
                // CONFIG_VFIO_DEVICE_CDEV (it needs IOMMUFD): one node per device bound to vfio-pci
                state.devices.values().stream().filter(LabDevice::vfio).forEach(d -> out.add("vfio/devices/" + d.cdev));
            }
        }
        return out;
    }

    /** The vfio-dev name (sysfs vfio-dev/vfioN) of each device bound to vfio-pci, on every profile. */
    public synchronized java.util.Map<PciAddress, String> vfioDevices() {
        java.util.Map<PciAddress, String> out = new java.util.LinkedHashMap<>();
        state.devices.values().stream().filter(LabDevice::vfio).forEach(d -> out.put(d.bdf(), d.cdev));
        return out;
    }

    // ---------------------------------------------------------------- open / close

    @Override
    public synchronized int open(String devPath, int flags) throws KernelException {
        if (devPath.equals("vfio/vfio")) {
            return state.fds.install(new LabContainer(state));
        }
        if (devPath.equals("iommu")) {
            if (!state.profile.iommufd()) {
                throw new KernelException("open", devPath, Errno.ENOENT);
            }
            return state.fds.install(new LabIommufd(state));
        }
        if (devPath.startsWith("vfio/devices/")) {
            // vfio_device_fops_cdev_open: a file that can do nothing but BIND_IOMMUFD yet
            LabDevice d = state.deviceByCdev(devPath.substring("vfio/devices/".length()));
            if (d == null || !deviceNodes().contains(devPath)) {
                throw new KernelException("open", devPath, Errno.ENOENT);
            }
            return state.fds.install(new LabDeviceFile(state, d, true));
        }
        if (devPath.startsWith("vfio/") && devPath.substring(5).matches("\\d+")) {
            int id = Integer.parseInt(devPath.substring(5));
            return state.fds.install(LabGroup.open(state, id, devPath, deviceNodes().contains(devPath)));
        }
        throw new KernelException("open", devPath, Errno.ENOENT);
    }

    @Override
    public synchronized void close(int fd) throws KernelException {
        Object o = state.fds.get(fd, "close");
        state.fds.remove(fd);
        if (o instanceof LabDeviceFile df) {
            df.put();
        } else if (o instanceof LabDmaBuf.File f) {
            state.dmaBufs.closeFile(f);
        } else if (o instanceof LabGroup g) {
            g.closeFd();
        } else if (o instanceof LabIommufd i) {
            i.closeFd();
        }
    }

    // ---------------------------------------------------------------- ioctl

    @Override
    public synchronized int ioctl(int fd, long request, long value) throws KernelException {
        Object o = state.fds.get(fd, name(request));
        if (o instanceof LabContainer c) {
            return c.ioctl(fd, request, value);
        }
        if (o instanceof LabGroup g && request == Vfio.VFIO_GROUP_UNSET_CONTAINER) {
            return g.unsetContainer();
        }
        if (o instanceof LabDeviceFile df && df.ioctl(request) >= 0) {
            return 0;
        }
        throw new KernelException(name(request), "fd " + fd, Errno.ENOTTY);
    }

    @Override
    public synchronized int ioctl(int fd, long request, byte[] arg) throws KernelException {
        Object o = state.fds.get(fd, name(request));
        if (o instanceof LabContainer c) {
            if (request == Vfio.VFIO_IOMMU_MAP_DMA) {
                return c.mapDma(arg);
            }
            if (request == Vfio.VFIO_CHECK_EXTENSION || request == Vfio.VFIO_SET_IOMMU) {
                return c.ioctl(fd, request, VfioBytes.u32(arg, 0));
            }
            return c.ioctl(fd, request, 0L);
        }
        if (o instanceof LabGroup g) {
            return g.ioctl(request, arg);
        }
        if (o instanceof LabDeviceFile df) {
            return df.ioctl(request, arg);
        }
        if (o instanceof LabIommufd i) {
            return i.ioctl(request, arg);
        }
        throw new KernelException(name(request), "fd " + fd, Errno.ENOTTY);
    }

    static String name(long request) {
        if (request == Vfio.VFIO_DEVICE_FEATURE) {
            return "VFIO_DEVICE_FEATURE";
        } else if (request == Vfio.VFIO_DEVICE_GET_REGION_INFO) {
            return "VFIO_DEVICE_GET_REGION_INFO";
        }
        return "ioctl 0x" + Long.toHexString(request);
    }

    // ---------------------------------------------------------------- pread / pwrite / mmap

    private LabDeviceFile deviceFile(int fd, String op) throws KernelException {
        Object o = state.fds.get(fd, op);
        if (o instanceof LabDeviceFile df) {
            return df;
        }
        if (o instanceof LabDmaBuf.File) {
            // measured on 7.2.13: a dma-buf file has no FMODE_PREAD/PWRITE, so pread/pwrite stop at ESPIPE
            // (read(2) would be EINVAL: dma_buf_fops has no read op)
            throw new KernelException(op, "dma-buf fd " + fd, Errno.ESPIPE);
        }
        throw new KernelException(op, "fd " + fd, Errno.EINVAL);
    }

    @Override
    public synchronized int pread(int fd, byte[] buf, long offset) throws KernelException {
        return deviceFile(fd, "pread").pread(buf, offset);
    }

    @Override
    public synchronized int pwrite(int fd, byte[] buf, long offset) throws KernelException {
        return deviceFile(fd, "pwrite").pwrite(buf, offset);
    }

    @Override
    public synchronized Mapping mmap(int fd, long offset, long length, int prot) throws KernelException {
        Object o = state.fds.get(fd, "mmap");
        if (o instanceof LabDmaBuf.File) {
            throw new KernelException("mmap", "dma-buf fd " + fd, Errno.EINVAL.number(),
                    "dma_buf_mmap_internal: the vfio exporter has no mmap op");
        }
        if (!(o instanceof LabDeviceFile df)) {
            throw new KernelException("mmap", "fd " + fd, Errno.ENODEV);
        }
        return df.mmap(offset, length);
    }

    @Override
    public synchronized Mapping allocateRam(long length) throws KernelException {
        if (length <= 0 || length % Vfio.PAGE_SIZE != 0 || length > (1 << 24)) {
            throw new KernelException("mmap", "anonymous memory", Errno.EINVAL.number(),
                    "The lab gives page multiples up to 16 MiB.");
        }
        LabRam r = new LabRam(state.allocateVaddr(length), (int) length);
        state.rams.add(r);
        return r;
    }

    /** The IOMMU faults the lab's DMA engines took, as the kernel log lines intel-iommu prints for them. */
    public synchronized List<String> iommuFaults() {
        return state.iommu.faults();
    }

    // ---------------------------------------------------------------- fdinfo, bufinfo, sysfs writes

    @Override
    public synchronized Optional<String> fdinfo(int fd) {
        return state.fds.find(fd).map(o -> o instanceof LabDmaBuf.File f ? LabDmaBufInfo.fdinfo(f.buf())
                : LabDmaBufInfo.fdinfoOther(fd));
    }

    @Override
    public synchronized Optional<String> dmaBufInfo() {
        return Optional.of(LabDmaBufInfo.bufinfo(state.dmaBufs.bufs));
    }

    @Override
    public synchronized void writeAttribute(String sysPath, String value) throws KernelException {
        LabSysfs.write(state, sysPath, value);
    }

    @Override
    public LabEvents events() {
        return state.events;
    }

    @Override
    public void close() {
        state.events.close();
    }

    // ---------------------------------------------------------------- lab-only API

    /** The scenario's in-kernel importers, each attachable to a dma-buf fd of this kernel. */
    @Override
    public List<org.vfioinspector.bridge.kernel.Importer> importers() {
        return state.scenario.importers().stream()
                .<org.vfioinspector.bridge.kernel.Importer>map(i -> new LabImporter(this, i)).toList();
    }

    /** An in-kernel importer of the scenario attaches to the dma-buf behind {@code dmaBufFd}; returns the attachment id. */
    synchronized int importerAttach(String importerName, int dmaBufFd) throws KernelException {
        LabScenario.Importer si = state.scenario.importer(importerName).orElseThrow(() ->
                new KernelException("dma_buf_dynamic_attach", importerName, Errno.ENOENT));
        Object o = state.fds.get(dmaBufFd, "dma_buf_get");
        if (!(o instanceof LabDmaBuf.File f)) {
            throw new KernelException("dma_buf_get", "fd " + dmaBufFd, Errno.EINVAL);
        }
        return state.dmaBufs.attach(si, f);
    }

    /** dma_buf_map_attachment: returns the DMA address of the first range. */
    synchronized long importerMap(int attachment) throws KernelException {
        return state.dmaBufs.map(attachment);
    }

    /** dma_buf_unmap_attachment; completes a revocation that waited for this importer. */
    synchronized void importerUnmap(int attachment) throws KernelException {
        state.dmaBufs.unmap(attachment);
    }

    /** dma_buf_detach: the attachment goes; the buffer is released when nothing else holds it. */
    synchronized void importerDetach(int attachment) {
        state.dmaBufs.detach(attachment);
    }

    public synchronized List<AttachmentView> attachments() {
        return state.dmaBufs.attachments().stream().map(a -> new AttachmentView(a.id, a.importer.name(), a.buf.ino,
                a.mapped, a.dmaAddress, a.invalidations, a.buf.revoked, a.buf.cleanedUp)).toList();
    }

    /** Operations blocked in the model (a revoke waiting for an importer, an unbind waiting for users). */
    public synchronized List<String> blocked() {
        return List.copyOf(state.pending);
    }

    /**
     * Type1 mappings that point at MMIO of a device no longer bound to vfio-pci: the IOMMU still lets the container's
     * device DMA there (use-after-free; nothing revokes it).
     */
    public synchronized List<Type1Mapping> staleType1Mappings() {
        return state.type1.stream().filter(m -> m.source() != null && !state.devices.get(m.source()).vfio()).toList();
    }

    /** The driver a device is bound to now (null: none). */
    @Override
    public synchronized Optional<String> driverOf(PciAddress bdf) {
        LabDevice d = state.devices.get(bdf);
        return d == null ? Optional.empty() : Optional.ofNullable(d.driver);
    }

    /** inode of the dma-buf behind an fd. */
    public synchronized long inodeOf(int dmaBufFd) throws KernelException {
        Object o = state.fds.get(dmaBufFd, "fstat");
        if (o instanceof LabDmaBuf.File f) {
            return f.buf().ino;
        }
        throw new KernelException("fstat", "fd " + dmaBufFd, Errno.EINVAL);
    }

    /** The open count of a device (vfio_device open_count). */
    public synchronized int openCount(PciAddress bdf) {
        return state.devices.get(bdf).openCount;
    }
}
