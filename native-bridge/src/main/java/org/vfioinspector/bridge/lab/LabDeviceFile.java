package org.vfioinspector.bridge.lab;

import java.util.List;

import org.vfioinspector.bridge.kernel.Errno;
import org.vfioinspector.bridge.kernel.KernelException;
import org.vfioinspector.bridge.lab.scenario.LabScenario;
import org.vfioinspector.bridge.model.RegionKind;
import org.vfioinspector.bridge.rules.DmaBufRules;
import org.vfioinspector.bridge.rules.MmapRules;
import org.vfioinspector.bridge.rules.RegionInfoRules;
import org.vfioinspector.bridge.rules.RevocationRules;
import org.vfioinspector.bridge.rules.Verdict;
import org.vfioinspector.bridge.uapi.CapabilityChain;
import org.vfioinspector.bridge.uapi.Iommufd;
import org.vfioinspector.bridge.uapi.Vfio;
import org.vfioinspector.bridge.uapi.VfioBytes;
import org.vfioinspector.bridge.uapi.VfioDeviceFeature;
import org.vfioinspector.bridge.uapi.VfioDeviceInfo;
import org.vfioinspector.bridge.uapi.VfioInfoCap;
import org.vfioinspector.bridge.uapi.VfioRegionInfo;

/**
 * An open device file (struct vfio_device_file) and what vfio-pci answers on it. It comes from
 * VFIO_GROUP_GET_DEVICE_FD (the legacy path: the device is open at once) or from the open of the device's cdev
 * vfio/devices/vfioN (drivers/vfio/device_cdev.c), which gives a file that answers nothing but EINVAL until
 * VFIO_DEVICE_BIND_IOMMUFD binds it:
 * <ul>
 *   <li>BIND_IOMMUFD (vfio_df_ioctl_bind_iommufd): argsz, flags and a negative fd → EINVAL; a legacy file → EINVAL;
 *       the device's group file open → EBUSY (vfio_device_block_group); bound already → EINVAL; the fd no file →
 *       EBADF, not an iommufd → EBADFD; the device open already (another cdev file) → EINVAL (vfio_df_open); then
 *       iommufd_device_bind, the device's first open, out_devid;</li>
 *   <li>ATTACH_IOMMUFD_PT / DETACH_IOMMUFD_PT (vfio_df_ioctl_attach_pt / _detach_pt →
 *       vfio_iommufd_physical_attach_ioas): the device's DMA goes through that IOAS ({@link LabIommufd});</li>
 *   <li>ioctls (vfio_pci_core_ioctl): GET_INFO (FLAGS_RESET from pci_probe_reset_function), GET_REGION_INFO with the
 *       argsz re-query protocol and the capability chain (vfio_pci_ioctl_get_region_info), GET_IRQ_INFO, RESET
 *       ({@link LabDevice#reset()}), FEATURE DMA_BUF (vfio_pci_core_feature_dma_buf);</li>
 *   <li>pread/pwrite (vfio_pci_core_read/write → vfio_pci_bar_rw, vfio_pci_config_rw, the ROM): EIO on a memory BAR
 *       while decoding is off, the MSI-X table hidden from read() (0xffffffff);</li>
 *   <li>mmap (vfio_pci_core_mmap): the rules of {@code MmapRules}; the mapping holds a reference on this file.</li>
 * </ul>
 * The device is closed (vfio_pci_core_close_device) when the last reference — the fd or a mapping — goes.
 */
final class LabDeviceFile {
    private static final long MASK40 = (1L << Vfio.VFIO_PCI_OFFSET_SHIFT) - 1;
    /** VFIO_DEVICE_ATTACH_PASID, the one flag ATTACH/DETACH_IOMMUFD_PT know. */
    private static final int ATTACH_PASID = 1;

    private final LabState state;
    final LabDevice dev;
    /** Opened through vfio/devices/vfioN (no group): usable only once bound to an iommufd. */
    final boolean cdev;
    /** df->access_granted: a legacy file from the start, a cdev file after BIND_IOMMUFD. */
    private boolean accessGranted;
    /** The iommufd context a bound cdev file holds, and the device's id in it. */
    LabIommufd iommufd;
    int devid;
    int refs = 1;

    LabDeviceFile(LabState state, LabDevice dev, boolean cdev) {
        this.state = state;
        this.dev = dev;
        this.cdev = cdev;
        this.accessGranted = !cdev;
    }

    /**
     * One reference goes (close of the fd, munmap). The last one (vfio_device_fops_release) closes the device when
     * it was its last user; a bound cdev file is then unbound from its iommufd (vfio_df_unbind_iommufd: detached
     * from its IOAS, the context's reference dropped, the group unblocked).
     */
    void put() {
        if (--refs > 0 || !accessGranted) {
            return;
        }
        if (--dev.openCount == 0) {
            dev.close();
        }
        if (cdev) {
            accessGranted = false;
            dev.cdevFile = null;
            iommufd.unbind(devid);
        }
    }

    /** vfio_device_fops: everything but BIND_IOMMUFD is EINVAL on a cdev file that is not bound yet. */
    private void requireAccess(String op) throws KernelException {
        if (!accessGranted) {
            throw new KernelException(op, target(), Errno.EINVAL.number(),
                    "the device's cdev is not bound to an iommufd yet (VFIO_DEVICE_BIND_IOMMUFD first)");
        }
    }

    private String target() {
        return dev.bdf().toString();
    }

    /** An ioctl with a by-value argument: VFIO_DEVICE_RESET. */
    int ioctl(long request) throws KernelException {
        requireAccess(LabKernel.name(request));
        if (request == Vfio.VFIO_DEVICE_RESET) {
            return dev.reset();
        }
        return -1;
    }

    int ioctl(long request, byte[] arg) throws KernelException {
        if (request == Vfio.VFIO_DEVICE_BIND_IOMMUFD) {
            return bind(arg);
        }
        requireAccess(LabKernel.name(request));
        if (cdev && request == Vfio.VFIO_DEVICE_ATTACH_IOMMUFD_PT) {
            return attach(arg);
        }
        if (cdev && request == Vfio.VFIO_DEVICE_DETACH_IOMMUFD_PT) {
            return detach(arg);
        }
        if (request == Vfio.VFIO_DEVICE_GET_INFO) {
            if (arg.length < VfioDeviceInfo.SIZE || VfioBytes.u32(arg, 0) < VfioDeviceInfo.SIZE) {
                throw new KernelException("VFIO_DEVICE_GET_INFO", target(), Errno.EINVAL);
            }
            int flags = Vfio.VFIO_DEVICE_FLAGS_PCI | (dev.facts.resetWorks() ? Vfio.VFIO_DEVICE_FLAGS_RESET : 0);
            VfioBytes.put32(arg, VfioDeviceInfo.OFF_FLAGS, flags);
            VfioBytes.put32(arg, VfioDeviceInfo.OFF_NUM_REGIONS, Vfio.VFIO_PCI_NUM_REGIONS);
            VfioBytes.put32(arg, VfioDeviceInfo.OFF_NUM_IRQS, Vfio.VFIO_PCI_NUM_IRQS);
            VfioBytes.put32(arg, VfioDeviceInfo.OFF_CAP_OFFSET, 0);
            return 0;
        }
        if (request == Vfio.VFIO_DEVICE_GET_REGION_INFO) {
            return regionInfo(arg);
        }
        if (request == Vfio.VFIO_DEVICE_GET_IRQ_INFO) {
            return irqInfo(arg);
        }
        if (request == Vfio.VFIO_DEVICE_RESET) {
            return dev.reset();
        }
        if (request == Vfio.VFIO_DEVICE_FEATURE) {
            return feature(arg);
        }
        throw new KernelException(LabKernel.name(request), target(), Errno.ENOTTY);
    }

    /** vfio_df_ioctl_bind_iommufd, in the kernel's order (see the class comment). */
    private int bind(byte[] arg) throws KernelException {
        String op = "VFIO_DEVICE_BIND_IOMMUFD";
        int minsz = Iommufd.BindIommufd.OFF_TOKEN_UUID_PTR;   // offsetofend(out_devid)
        if (arg.length < minsz || Integer.compareUnsigned(VfioBytes.u32(arg, 0), minsz) < 0) {
            throw new KernelException(op, target(), Errno.EINVAL);
        }
        int fd = VfioBytes.u32(arg, Iommufd.BindIommufd.OFF_IOMMUFD);
        if (fd < 0 || (VfioBytes.u32(arg, Iommufd.BindIommufd.OFF_FLAGS) & ~1) != 0) {
            throw new KernelException(op, target(), Errno.EINVAL);
        }
        if (!cdev) {
            throw new KernelException(op, target(), Errno.EINVAL.number(),
                    "BIND_IOMMUFD is for a device opened through its cdev, not through its group");
        }
        int group = state.scenario.groupOf(dev.bdf()).map(g -> g.id()).orElse(-1);
        if (LabGroup.held(state, group)) {
            throw new KernelException(op, target(), Errno.EBUSY.number(), "vfio_device_block_group: group " + group
                    + " is open on the legacy path; a device is used through its group or its cdev, not both");
        }
        if (accessGranted) {
            throw new KernelException(op, target(), Errno.EINVAL.number(), "this cdev file is bound already");
        }
        Object ctx = state.fds.find(fd).orElse(null);
        if (ctx == null) {
            throw new KernelException(op, "fd " + fd, Errno.EBADF);
        }
        if (!(ctx instanceof LabIommufd ictx)) {
            throw new KernelException(op, "fd " + fd, Errno.EBADFD.number(), "iommufd_ctx_from_fd: not an iommufd");
        }
        if (dev.openCount != 0) {
            throw new KernelException(op, target(), Errno.EINVAL.number(),
                    "vfio_df_open: the device is open already (a cdev file is bound to it)");
        }
        dev.openCount++;
        dev.open();
        iommufd = ictx;
        devid = ictx.bind(dev);
        Iommufd.BindIommufd.setOutDevid(arg, devid);
        accessGranted = true;
        dev.cdevFile = this;
        return 0;
    }

    /** vfio_df_ioctl_attach_pt → vfio_iommufd_physical_attach_ioas; pt_id out is the HWPT id. */
    private int attach(byte[] arg) throws KernelException {
        String op = "VFIO_DEVICE_ATTACH_IOMMUFD_PT";
        int minsz = Iommufd.AttachIommufdPt.OFF_PASID;   // offsetofend(pt_id)
        if (arg.length < minsz || Integer.compareUnsigned(VfioBytes.u32(arg, 0), minsz) < 0) {
            throw new KernelException(op, target(), Errno.EINVAL);
        }
        int flags = VfioBytes.u32(arg, Iommufd.AttachIommufdPt.OFF_FLAGS);
        if ((flags & ~ATTACH_PASID) != 0) {
            throw new KernelException(op, target(), Errno.EINVAL);
        }
        if (flags != 0) {
            throw new KernelException(op, target(), Errno.EOPNOTSUPP.number(), "the lab models no PASID attach");
        }
        int hwpt = iommufd.attach(devid, VfioBytes.u32(arg, Iommufd.AttachIommufdPt.OFF_PT_ID));
        Iommufd.AttachIommufdPt.setPtId(arg, hwpt);
        return 0;
    }

    /** vfio_df_ioctl_detach_pt: {argsz, flags, pasid}. */
    private int detach(byte[] arg) throws KernelException {
        String op = "VFIO_DEVICE_DETACH_IOMMUFD_PT";
        if (arg.length < 8 || Integer.compareUnsigned(VfioBytes.u32(arg, 0), 8) < 0) {
            throw new KernelException(op, target(), Errno.EINVAL);
        }
        int flags = VfioBytes.u32(arg, 4);
        if ((flags & ~ATTACH_PASID) != 0) {
            throw new KernelException(op, target(), Errno.EINVAL);
        }
        iommufd.detach(devid);
        return 0;
    }

    /** vfio_pci_ioctl_get_region_info with the argsz re-query protocol and the capability chain. */
    private int regionInfo(byte[] arg) throws KernelException {
        if (arg.length < VfioRegionInfo.SIZE) {
            throw new KernelException("VFIO_DEVICE_GET_REGION_INFO", target(), Errno.EFAULT);
        }
        VfioRegionInfo in = VfioRegionInfo.decode(arg);
        if (Integer.compareUnsigned(in.argsz(), VfioRegionInfo.SIZE) < 0) {
            throw new KernelException("VFIO_DEVICE_GET_REGION_INFO", target(), Errno.EINVAL);
        }
        RegionInfoRules.Info info = RegionInfoRules.info(dev.facts, in.index());
        if (info.verdict().refused()) {
            throw new KernelException("VFIO_DEVICE_GET_REGION_INFO", target() + " region " + in.index(),
                    info.verdict().errno().orElseThrow().number(), info.verdict().rule().describe());
        }
        int flags = info.flags();
        int argsz = in.argsz();
        int capOffset = 0;
        List<VfioInfoCap> caps = info.caps();
        if (!caps.isEmpty()) {
            flags |= Vfio.VFIO_REGION_INFO_FLAG_CAPS;
            int need = VfioRegionInfo.SIZE + CapabilityChain.sizeOf(caps);
            if (Integer.compareUnsigned(argsz, need) < 0) {
                argsz = need;
            } else {
                if (arg.length < need) {
                    throw new KernelException("VFIO_DEVICE_GET_REGION_INFO", target(), Errno.EFAULT);
                }
                CapabilityChain.write(arg, VfioRegionInfo.SIZE, caps);
                capOffset = VfioRegionInfo.SIZE;
            }
        }
        new VfioRegionInfo(argsz, flags, in.index(), capOffset, info.size(), info.offset()).encodeInto(arg);
        return 0;
    }

    /** vfio_pci_ioctl_get_irq_info: INTx, MSI, MSI-X (the scenario's table size), ERR (PCIe only), REQ. */
    private int irqInfo(byte[] arg) throws KernelException {
        if (arg.length < 16 || VfioBytes.u32(arg, 0) < 16) {
            throw new KernelException("VFIO_DEVICE_GET_IRQ_INFO", target(), Errno.EINVAL);
        }
        int index = VfioBytes.u32(arg, 8);
        int flags;
        int count;
        switch (index) {
            case 0: flags = 1 | 2 | 4; count = 1; break;
            case 1: flags = 1 | 8; count = 1; break;
            case 2: flags = 1 | 8; count = dev.sd.msix() == null ? 0 : dev.sd.msix().entries(); break;
            case 3: flags = 1; count = dev.sd.configSize() > 256 ? 1 : 0; break;
            case 4: flags = 1; count = 1; break;
            default: throw new KernelException("VFIO_DEVICE_GET_IRQ_INFO", target(), Errno.EINVAL);
        }
        VfioBytes.put32(arg, 4, flags);
        VfioBytes.put32(arg, 12, count);
        return 0;
    }

    /** vfio_ioctl_device_feature → vfio_pci_core_feature_dma_buf; returns the new dma-buf's fd. */
    private int feature(byte[] arg) throws KernelException {
        if (arg.length < VfioDeviceFeature.HEADER_SIZE) {
            throw new KernelException("VFIO_DEVICE_FEATURE", target(), Errno.EFAULT);
        }
        int argsz = VfioDeviceFeature.argsz(arg);
        int flags = VfioDeviceFeature.flags(arg);
        Verdict gen = DmaBufRules.dispatch(state.profile, flags, argsz);
        if (gen != null) {
            throw new KernelException("VFIO_DEVICE_FEATURE", target(), gen.errno().orElseThrow().number(),
                    gen.rule().describe());
        }
        boolean unregistering = dev.unbindPending;
        DmaBufRules.Export e = DmaBufRules.export(state.profile, dev.facts, flags, argsz, DmaBufRules.payloadOf(arg),
                new DmaBufRules.DeviceState(dev.memoryEnabled(), unregistering));
        if (e.verdict().refused()) {
            throw new KernelException("VFIO_DEVICE_FEATURE(DMA_BUF)", target(), e.verdict().errno().orElseThrow()
                    .number(), e.verdict().rule().describe());
        }
        if (e.probeOnly()) {
            return 0;
        }
        return state.fds.install(new LabDmaBuf.File(state.dmaBufs.export(dev, e)));
    }

    // ---- read / write / mmap --------------------------------------------------------------------------------------

    int pread(byte[] buf, long offset) throws KernelException {
        requireAccess("pread");
        int index = (int) (offset >>> Vfio.VFIO_PCI_OFFSET_SHIFT);
        long pos = offset & MASK40;
        String target = dev.bdf() + " region " + index;
        if (index <= 5) {
            LabScenario.Bar b = dev.sd.bar(index).orElseThrow(() -> new KernelException("pread", target, Errno.EINVAL));
            if (pos + buf.length > b.size()) {
                throw new KernelException("pread", target, Errno.EINVAL);
            }
            if (b.kind() != RegionKind.IO) {
                Verdict v = RevocationRules.barAccess(dev.memoryEnabled(), false);
                if (v.refused()) {
                    throw new KernelException("pread", target, Errno.EIO.number(), v.rule().describe());
                }
            }
            for (int i = 0; i < buf.length; i += 4) {
                long at = pos + i;
                int val = dev.inMsixTable(index, at) ? 0xffffffff : (at == 0 ? b.value() : 0);
                putPartial(buf, i, val);
            }
            return buf.length;
        }
        if (index == Vfio.VFIO_PCI_ROM_REGION_INDEX) {
            if (dev.sd.rom() == null || pos + buf.length > dev.sd.rom().size()) {
                throw new KernelException("pread", target, Errno.EINVAL);
            }
            for (int i = 0; i < buf.length; i += 4) {
                putPartial(buf, i, pos + i == 0 ? dev.sd.rom().value() : 0);
            }
            return buf.length;
        }
        if (index == Vfio.VFIO_PCI_CONFIG_REGION_INDEX) {
            return LabConfigRegion.read(dev, buf, pos, target);
        }
        throw new KernelException("pread", target, Errno.EINVAL);
    }

    int pwrite(byte[] buf, long offset) throws KernelException {
        requireAccess("pwrite");
        int index = (int) (offset >>> Vfio.VFIO_PCI_OFFSET_SHIFT);
        long pos = offset & MASK40;
        String target = dev.bdf() + " region " + index;
        if (index <= 5) {
            LabScenario.Bar b = dev.sd.bar(index).orElseThrow(() -> new KernelException("pwrite", target, Errno.EINVAL));
            if (pos + buf.length > b.size()) {
                throw new KernelException("pwrite", target, Errno.EINVAL);
            }
            if (b.kind() != RegionKind.IO && !dev.memoryEnabled()) {
                throw new KernelException("pwrite", target, Errno.EIO.number(),
                        RevocationRules.barAccess(false, false).rule().describe());
            }
            return buf.length;
        }
        if (index != Vfio.VFIO_PCI_CONFIG_REGION_INDEX) {
            throw new KernelException("pwrite", target, Errno.EINVAL);
        }
        return LabConfigRegion.write(dev, buf, pos, target);
    }

    /** vfio_pci_core_mmap: the region's rules decide; a mapping takes a reference on this file. */
    LabBarMapping mmap(long offset, long length) throws KernelException {
        requireAccess("mmap");
        int index = (int) (offset >>> Vfio.VFIO_PCI_OFFSET_SHIFT);
        long pos = offset & MASK40;
        Verdict v = MmapRules.mmap(dev.facts, index, pos, length, true,
                index <= 5 ? MmapRules.barSetupError(dev.facts.bar(index)) : null);
        if (!v.allowed()) {
            throw new KernelException("mmap", dev.bdf() + " region " + index,
                    v.errno().orElse(Errno.EINVAL).number(), v.rule().describe());
        }
        refs++;
        LabBarMapping m = new LabBarMapping(state, this, index, pos, length, state.allocateVaddr(length));
        state.mappings.add(m);
        return m;
    }

    static void putPartial(byte[] buf, int at, int v) {
        for (int k = 0; k < 4 && at + k < buf.length; k++) {
            buf[at + k] = (byte) (v >>> (8 * k));
        }
    }
}
