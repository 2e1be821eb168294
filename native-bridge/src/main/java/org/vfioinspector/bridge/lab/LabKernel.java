package org.vfioinspector.bridge.lab;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.vfioinspector.bridge.kernel.Errno;
import org.vfioinspector.bridge.kernel.Kernel;
import org.vfioinspector.bridge.kernel.KernelEvent;
import org.vfioinspector.bridge.kernel.KernelException;
import org.vfioinspector.bridge.kernel.Mapping;
import org.vfioinspector.bridge.kernel.SigbusException;
import org.vfioinspector.bridge.lab.scenario.LabScenario;
import org.vfioinspector.bridge.lab.scenario.ScenarioException;
import org.vfioinspector.bridge.lab.scenario.ScenarioFacts;
import org.vfioinspector.bridge.lab.scenario.ScenarioLoader;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.model.RegionKind;
import org.vfioinspector.bridge.rules.DeviceFacts;
import org.vfioinspector.bridge.rules.DmaBufRules;
import org.vfioinspector.bridge.rules.ImporterRules;
import org.vfioinspector.bridge.rules.KernelProfile;
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
import org.vfioinspector.bridge.uapi.VfioDmaBuf;
import org.vfioinspector.bridge.uapi.VfioGroupStatus;
import org.vfioinspector.bridge.uapi.VfioInfoCap;
import org.vfioinspector.bridge.uapi.VfioRegionInfo;

/**
 * The lab kernel: a model of VFIO, vfio-pci, dma-buf and iommufd per kernel profile, driven through the same
 * {@link Kernel} interface and raw uapi bytes as the real kernel. Every answer comes from {@code bridge.rules};
 * the state (open counts, config space, dma-bufs, attachments, mmaps, type1 mappings) lives here.
 * Lab-only operations (in-kernel importers, unbind completion, type1 mappings) are the public methods below the
 * Kernel ones. Not thread-safe beyond synchronised entry points: every call is serialised.
 */
public final class LabKernel implements Kernel {
    /** Config space layout the lab gives every device: PM capability at 0x40, PCIe capability at 0x80. */
    static final int PM_CAP = LabConfigSpace.PM;
    static final int PCIE_CAP = LabConfigSpace.PCIE;
    private static final long MASK40 = (1L << Vfio.VFIO_PCI_OFFSET_SHIFT) - 1;
    private static final long VADDR_BASE = 0x7f0000000000L;
    private static final int FMODE_RDWR = 0x02080007;

    private final LabScenario scenario;
    private final KernelProfile profile;
    private final LabEvents events = new LabEvents();
    private final Map<Integer, Object> fds = new HashMap<>();
    private final Map<PciAddress, Dev> devs = new LinkedHashMap<>();
    private final List<DmaBuf> bufs = new ArrayList<>();
    private final List<LabMapping> mappings = new ArrayList<>();
    private final List<Type1Mapping> type1 = new ArrayList<>();
    /** Which container each type1 mapping is in: the domain a DMA engine's transfers go through. */
    private final Map<Type1Mapping, Container> type1Domain = new IdentityHashMap<>();
    private final List<LabRam> rams = new ArrayList<>();
    private final List<String> iommuFaults = new ArrayList<>();
    private final Map<Integer, Attachment> attachments = new LinkedHashMap<>();
    private int nextFd = 3;
    private long nextIno = 4001;
    private long nextVaddr = VADDR_BASE;
    private int nextAttachment = 1;
    private long clock;
    private final List<String> pending = new ArrayList<>();

    public LabKernel(LabScenario scenario) {
        this.scenario = scenario;
        this.profile = scenario.profile();
        ScenarioFacts derived = new ScenarioFacts(scenario);
        for (LabScenario.Device d : scenario.devices()) {
            devs.put(d.bdf(), new Dev(d, derived.facts(d)));
        }
    }

    /** A lab kernel for a built-in scenario name ("qemu-q35") or a scenario file. */
    public static LabKernel of(String scenarioNameOrFile) throws ScenarioException {
        return new LabKernel(ScenarioLoader.load(scenarioNameOrFile));
    }

    public LabScenario scenario() {
        return scenario;
    }

    public KernelProfile profile() {
        return profile;
    }

    // ---------------------------------------------------------------- model objects

    private final class Dev {
        final LabScenario.Device sd;
        final DeviceFacts facts;
        /** Built on first use: a 10,000-function host would otherwise keep 40 MB of config space nobody reads. */
        private byte[] config;
        String driver;
        int openCount;
        boolean unbindPending;
        final List<DmaBuf> dmabufs = new ArrayList<>();
        /** What was written through BAR mmaps, by (index << 40 | offset); MMIO keeps it across unbind. */
        final Map<Long, Integer> barWords = new HashMap<>();
        /** The DMA engine behind BAR0 (scenario {@code dmaEngine: edu}), or null. */
        final LabDmaEngine dma;

        Dev(LabScenario.Device sd, DeviceFacts facts) {
            this.sd = sd;
            this.facts = facts;
            this.driver = sd.driver();
            this.dma = LabScenario.Device.EDU.equals(sd.dmaEngine()) ? new LabDmaEngine() : null;
        }

        byte[] config() {
            if (config == null) {
                config = initialConfig();
            }
            return config;
        }

        /** The host's config space as the scenario gives it (the same bytes as the lab tree's config file). */
        private byte[] initialConfig() {
            return LabConfigSpace.build(scenario, sd);
        }

        boolean vfio() {
            return "vfio-pci".equals(driver);
        }

        int command() {
            return config == null ? 0 : VfioBytes.u16(config, Vfio.PCI_COMMAND); // reset value until touched
        }

        boolean memoryEnabled() {
            return (command() & Vfio.PCI_COMMAND_MEMORY) != 0 && !d3();
        }

        boolean d3() {
            return config != null && (VfioBytes.u16(config, PM_CAP + 4) & 3) == 3;
        }

        long liveMmaps() {
            return mappings.stream().filter(m -> m.dev == this && !m.closed).count();
        }
    }

    /** An open VFIO container (/dev/vfio/vfio). */
    private static final class Container {
        final List<Group> groups = new ArrayList<>();
        int iommu;
    }

    private static final class Group {
        final int id;
        Container container;

        Group(int id) {
            this.id = id;
        }
    }

    /** One open device file (GET_DEVICE_FD); fds and mmaps hold references. */
    private static final class DeviceFile {
        final Dev dev;
        int refs = 1;

        DeviceFile(Dev dev) {
            this.dev = dev;
        }
    }

    private final class DmaBuf {
        final long ino;
        Dev exporter;
        final PciAddress exporterBdf;
        final int bar;
        final List<VfioDmaBuf.Range> ranges;
        final List<Long> phys;
        final int openFlags;
        boolean revoked;
        boolean cleanedUp;
        boolean released;
        int fdRefs = 1;
        String name;

        DmaBuf(Dev exporter, DmaBufRules.Export e) {
            this.ino = nextIno++;
            this.exporter = exporter;
            this.exporterBdf = exporter.sd.bdf();
            this.bar = e.regionIndex();
            this.ranges = e.ranges();
            this.phys = e.physAddrs();
            this.openFlags = e.openFlags();
            this.revoked = e.revokedAtBirth();
        }

        long size() {
            return ranges.stream().mapToLong(VfioDmaBuf.Range::length).sum();
        }

        List<Attachment> attached() {
            return attachments.values().stream().filter(a -> a.buf == this).toList();
        }

        int fileCount() {
            return fdRefs + attached().size();
        }
    }

    private static final class DmaBufFile {
        final DmaBuf buf;

        DmaBufFile(DmaBuf buf) {
            this.buf = buf;
        }
    }

    /** An importer's attachment to a dma-buf. */
    private static final class Attachment {
        final int id;
        final ImporterRules.Importer importer;
        final boolean unmapsInCallback;
        final DmaBuf buf;
        boolean mapped;
        long dmaAddress;
        int invalidations;

        Attachment(int id, ImporterRules.Importer importer, boolean unmaps, DmaBuf buf) {
            this.id = id;
            this.importer = importer;
            this.unmapsInCallback = unmaps;
            this.buf = buf;
        }
    }

    /** A VFIO_IOMMU_MAP_DMA mapping of a type1 container. */
    public record Type1Mapping(long iova, long size, long vaddr, PciAddress source, int sourceBar, long phys,
                               PciAddress container) {
    }

    /** What an in-kernel importer attachment looks like now. */
    public record AttachmentView(int id, String importer, long dmaBufInode, boolean mapped, long dmaAddress,
                                 int invalidations, boolean bufRevoked, boolean bufDead) {
    }

    // ---------------------------------------------------------------- fds

    private int alloc(Object o) {
        int fd = nextFd;
        while (fds.containsKey(fd)) {
            fd++;
        }
        nextFd = fd + 1;
        fds.put(fd, o);
        return fd;
    }

    private Object file(int fd, String op) throws KernelException {
        Object o = fds.get(fd);
        if (o == null) {
            throw new KernelException(op, "fd " + fd, Errno.EBADF);
        }
        return o;
    }

    private void emit(KernelEvent.Kind kind, String function, PciAddress dev, long ino, String detail) {
        clock += 1000;
        events.emit(new KernelEvent(clock, kind, function, dev, ino, detail));
    }

    @Override
    public String describe() {
        return "lab kernel (profile " + profile.name() + ", scenario " + scenario.name() + ")";
    }

    @Override
    public boolean isLab() {
        return true;
    }

    /** The device nodes the lab host has, relative to the device root. */
    public synchronized List<String> deviceNodes() {
        List<String> out = new ArrayList<>();
        out.add("vfio/vfio");
        for (LabScenario.Group g : scenario.groups()) {
            if (g.devices().stream().anyMatch(b -> devs.get(b).vfio())) {
                out.add("vfio/" + g.id());
            }
        }
        if (profile.iommufd()) {
            out.add("iommu");
        }
        return out;
    }

    @Override
    public synchronized int open(String devPath, int flags) throws KernelException {
        if (devPath.equals("vfio/vfio")) {
            return alloc(new Container());
        }
        if (devPath.equals("iommu")) {
            if (!profile.iommufd()) {
                throw new KernelException("open", devPath, Errno.ENOENT);
            }
            return alloc(new LabIommufd(iommufdExporter));
        }
        if (devPath.startsWith("vfio/") && devPath.substring(5).matches("\\d+")) {
            int id = Integer.parseInt(devPath.substring(5));
            if (!deviceNodes().contains(devPath)) {
                throw new KernelException("open", devPath, Errno.ENOENT);
            }
            boolean busy = fds.values().stream().anyMatch(o -> o instanceof Group g && g.id == id);
            if (busy) {
                throw new KernelException("open", devPath, Errno.EBUSY);
            }
            return alloc(new Group(id));
        }
        throw new KernelException("open", devPath, Errno.ENOENT);
    }

    @Override
    public synchronized void close(int fd) throws KernelException {
        Object o = file(fd, "close");
        fds.remove(fd);
        if (o instanceof DeviceFile df) {
            putDeviceFile(df);
        } else if (o instanceof DmaBufFile f) {
            f.buf.fdRefs--;
            maybeRelease(f.buf);
        } else if (o instanceof Group g && g.container != null) {
            g.container.groups.remove(g);
        } else if (o instanceof LabIommufd i) {
            i.close();
        }
    }

    private void putDeviceFile(DeviceFile df) {
        if (--df.refs > 0) {
            return;
        }
        Dev d = df.dev;
        if (--d.openCount == 0) {
            closeDevice(d);
        }
    }

    /** vfio_pci_core_close_device: dma-buf cleanup (permanent), then disable; completes a pending unbind. */
    private void closeDevice(Dev d) {
        PciAddress bdf = d.sd.bdf();
        emit(KernelEvent.Kind.PERMANENT, "vfio_pci_dma_buf_cleanup", bdf, -1,
                d.dmabufs.size() + " dma-buf(s) revoked for good, priv->vdev = NULL");
        emit(KernelEvent.Kind.REVOKE, "vfio_pci_dma_buf_move", bdf, -1, "revoked=1 (close_device)");
        for (DmaBuf b : d.dmabufs) {
            b.revoked = true;
            b.cleanedUp = true;
            b.exporter = null;
            invalidate(b);
        }
        d.dmabufs.clear();
        emit(KernelEvent.Kind.RESTORE, "vfio_pci_dma_buf_move", bdf, -1,
                "revoked=0 with no dma-buf left on the device (not a restore)");
        VfioBytes.put16(d.config(), Vfio.PCI_COMMAND, 0);
        VfioBytes.put16(d.config(), PM_CAP + 4, 0);
        if (d.unbindPending) {
            d.unbindPending = false;
            d.driver = null;
            pending.remove("unbind " + bdf);
        }
    }

    private void invalidate(DmaBuf b) {
        emit(KernelEvent.Kind.INVALIDATE, "dma_buf_invalidate_mappings", b.exporterBdf, b.ino, "ino=" + b.ino
                + " size=" + b.size());
        for (Attachment a : b.attached()) {
            a.invalidations++;
            if (a.unmapsInCallback) {
                a.mapped = false;
            }
        }
    }

    private void maybeRelease(DmaBuf b) {
        if (b.fileCount() == 0 && !b.released) {
            b.released = true;
            if (b.exporter != null) {
                b.exporter.dmabufs.remove(b);
            }
            bufs.remove(b);
            emit(KernelEvent.Kind.RELEASE, "vfio_pci_dma_buf_release", b.exporterBdf, b.ino, "ino=" + b.ino);
        }
    }

    // ---------------------------------------------------------------- ioctl

    @Override
    public synchronized int ioctl(int fd, long request, long value) throws KernelException {
        Object o = file(fd, name(request));
        if (o instanceof Container c) {
            if (request == Vfio.VFIO_GET_API_VERSION) {
                return Vfio.VFIO_API_VERSION;
            }
            if (request == Vfio.VFIO_CHECK_EXTENSION) {
                return value == Vfio.VFIO_TYPE1_IOMMU || value == Vfio.VFIO_TYPE1v2_IOMMU ? 1 : 0;
            }
            if (request == Vfio.VFIO_SET_IOMMU) {
                if (c.groups.isEmpty() || c.iommu != 0
                        || (value != Vfio.VFIO_TYPE1_IOMMU && value != Vfio.VFIO_TYPE1v2_IOMMU)) {
                    throw new KernelException("VFIO_SET_IOMMU", "container", Errno.EINVAL);
                }
                c.iommu = (int) value;
                return 0;
            }
        }
        if (o instanceof Group g && request == Vfio.VFIO_GROUP_UNSET_CONTAINER) {
            if (g.container == null) {
                throw new KernelException("VFIO_GROUP_UNSET_CONTAINER", "group " + g.id, Errno.EINVAL);
            }
            g.container.groups.remove(g);
            g.container = null;
            return 0;
        }
        if (o instanceof DeviceFile df && request == Vfio.VFIO_DEVICE_RESET) {
            return reset(df.dev);
        }
        throw new KernelException(name(request), "fd " + fd, Errno.ENOTTY);
    }

    @Override
    public synchronized int ioctl(int fd, long request, byte[] arg) throws KernelException {
        Object o = file(fd, name(request));
        if (o instanceof Container c) {
            if (request == Vfio.VFIO_IOMMU_MAP_DMA) {
                return type1Map(c, arg);
            }
            if (request == Vfio.VFIO_CHECK_EXTENSION || request == Vfio.VFIO_SET_IOMMU) {
                return ioctl(fd, request, VfioBytes.u32(arg, 0));
            }
            return ioctl(fd, request, 0L);
        }
        if (o instanceof Group g) {
            return groupIoctl(g, request, arg);
        }
        if (o instanceof DeviceFile df) {
            return deviceIoctl(df.dev, request, arg);
        }
        if (o instanceof LabIommufd i) {
            return i.ioctl(request, arg);
        }
        throw new KernelException(name(request), "fd " + fd, Errno.ENOTTY);
    }

    private boolean viable(int groupId) {
        LabScenario.Group g = scenario.groups().stream().filter(x -> x.id() == groupId).findFirst().orElseThrow();
        return g.devices().stream().allMatch(b -> {
            Dev d = devs.get(b);
            return d.vfio() || d.driver == null || "pcieport".equals(d.driver);
        });
    }

    private int groupIoctl(Group g, long request, byte[] arg) throws KernelException {
        String target = "group " + g.id;
        if (request == Vfio.VFIO_GROUP_GET_STATUS) {
            int flags = (viable(g.id) ? Vfio.VFIO_GROUP_FLAGS_VIABLE : 0)
                    | (g.container != null ? Vfio.VFIO_GROUP_FLAGS_CONTAINER_SET : 0);
            VfioBytes.put32(arg, VfioGroupStatus.OFF_FLAGS, flags);
            return 0;
        }
        if (request == Vfio.VFIO_GROUP_SET_CONTAINER) {
            if (g.container != null) {
                throw new KernelException("VFIO_GROUP_SET_CONTAINER", target, Errno.EINVAL);
            }
            if (!viable(g.id)) {
                throw new KernelException("VFIO_GROUP_SET_CONTAINER", target, Errno.EPERM);
            }
            Object c = fds.get(Iommufd.u32(arg, 0));
            if (!(c instanceof Container container)) {
                throw new KernelException("VFIO_GROUP_SET_CONTAINER", target, Errno.EBADF);
            }
            g.container = container;
            container.groups.add(g);
            return 0;
        }
        if (request == Vfio.VFIO_GROUP_UNSET_CONTAINER) {
            return ioctl(fds.entrySet().stream().filter(e -> e.getValue() == g).findFirst().orElseThrow().getKey(),
                    request, 0L);
        }
        if (request == Vfio.VFIO_GROUP_GET_DEVICE_FD) {
            if (g.container == null || g.container.iommu == 0) {
                throw new KernelException("VFIO_GROUP_GET_DEVICE_FD", target, Errno.EINVAL);
            }
            String name = VfioBytes.readCString(arg);
            PciAddress bdf;
            try {
                bdf = PciAddress.parse(name);
            } catch (IllegalArgumentException e) {
                throw new KernelException("VFIO_GROUP_GET_DEVICE_FD", target, Errno.ENODEV);
            }
            Dev d = devs.get(bdf);
            boolean inGroup = scenario.groupOf(bdf).map(x -> x.id() == g.id).orElse(false);
            if (d == null || !inGroup || !d.vfio()) {
                throw new KernelException("VFIO_GROUP_GET_DEVICE_FD", target + " device " + name, Errno.ENODEV);
            }
            if (d.openCount++ == 0) {
                openDevice(d);
            }
            return alloc(new DeviceFile(d));
        }
        throw new KernelException(name(request), target, Errno.ENOTTY);
    }

    /** vfio_pci_core_enable: pci_enable_device turns on memory (and I/O) decoding. */
    private void openDevice(Dev d) {
        int cmd = VfioBytes.u16(d.config(), Vfio.PCI_COMMAND); // what firmware left (the real q35 host: 0x0103)
        for (LabScenario.Bar b : d.sd.bars()) {
            cmd |= b.kind() == RegionKind.IO ? 1 : Vfio.PCI_COMMAND_MEMORY;
        }
        VfioBytes.put16(d.config(), Vfio.PCI_COMMAND, cmd | (d.sd.rom() != null ? Vfio.PCI_COMMAND_MEMORY : 0));
        VfioBytes.put16(d.config(), PM_CAP + 4, 0);
    }

    private int deviceIoctl(Dev d, long request, byte[] arg) throws KernelException {
        String target = d.sd.bdf().toString();
        if (request == Vfio.VFIO_DEVICE_GET_INFO) {
            if (arg.length < VfioDeviceInfo.SIZE || VfioBytes.u32(arg, 0) < VfioDeviceInfo.SIZE) {
                throw new KernelException("VFIO_DEVICE_GET_INFO", target, Errno.EINVAL);
            }
            int flags = Vfio.VFIO_DEVICE_FLAGS_PCI | (d.facts.resetWorks() ? Vfio.VFIO_DEVICE_FLAGS_RESET : 0);
            VfioBytes.put32(arg, VfioDeviceInfo.OFF_FLAGS, flags);
            VfioBytes.put32(arg, VfioDeviceInfo.OFF_NUM_REGIONS, Vfio.VFIO_PCI_NUM_REGIONS);
            VfioBytes.put32(arg, VfioDeviceInfo.OFF_NUM_IRQS, Vfio.VFIO_PCI_NUM_IRQS);
            VfioBytes.put32(arg, VfioDeviceInfo.OFF_CAP_OFFSET, 0);
            return 0;
        }
        if (request == Vfio.VFIO_DEVICE_GET_REGION_INFO) {
            return regionInfo(d, arg);
        }
        if (request == Vfio.VFIO_DEVICE_GET_IRQ_INFO) {
            return irqInfo(d, arg);
        }
        if (request == Vfio.VFIO_DEVICE_RESET) {
            return reset(d);
        }
        if (request == Vfio.VFIO_DEVICE_FEATURE) {
            return feature(d, arg);
        }
        throw new KernelException(name(request), target, Errno.ENOTTY);
    }

    /** vfio_pci_ioctl_get_region_info with the argsz re-query protocol and the capability chain. */
    private int regionInfo(Dev d, byte[] arg) throws KernelException {
        String target = d.sd.bdf().toString();
        if (arg.length < VfioRegionInfo.SIZE) {
            throw new KernelException("VFIO_DEVICE_GET_REGION_INFO", target, Errno.EFAULT);
        }
        VfioRegionInfo in = VfioRegionInfo.decode(arg);
        if (Integer.compareUnsigned(in.argsz(), VfioRegionInfo.SIZE) < 0) {
            throw new KernelException("VFIO_DEVICE_GET_REGION_INFO", target, Errno.EINVAL);
        }
        RegionInfoRules.Info info = RegionInfoRules.info(d.facts, in.index());
        if (info.verdict().refused()) {
            throw new KernelException("VFIO_DEVICE_GET_REGION_INFO", target + " region " + in.index(),
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
                    throw new KernelException("VFIO_DEVICE_GET_REGION_INFO", target, Errno.EFAULT);
                }
                CapabilityChain.write(arg, VfioRegionInfo.SIZE, caps);
                capOffset = VfioRegionInfo.SIZE;
            }
        }
        new VfioRegionInfo(argsz, flags, in.index(), capOffset, info.size(), info.offset()).encodeInto(arg);
        return 0;
    }

    private int irqInfo(Dev d, byte[] arg) throws KernelException {
        String target = d.sd.bdf().toString();
        if (arg.length < 16 || VfioBytes.u32(arg, 0) < 16) {
            throw new KernelException("VFIO_DEVICE_GET_IRQ_INFO", target, Errno.EINVAL);
        }
        int index = VfioBytes.u32(arg, 8);
        int flags;
        int count;
        switch (index) {
            case 0: flags = 1 | 2 | 4; count = 1; break;
            case 1: flags = 1 | 8; count = 1; break;
            case 2: flags = 1 | 8; count = d.sd.msix() == null ? 0 : d.sd.msix().entries(); break;
            case 3: flags = 1; count = d.sd.configSize() > 256 ? 1 : 0; break;
            case 4: flags = 1; count = 1; break;
            default: throw new KernelException("VFIO_DEVICE_GET_IRQ_INFO", target, Errno.EINVAL);
        }
        VfioBytes.put32(arg, 4, flags);
        VfioBytes.put32(arg, 12, count);
        return 0;
    }

    /** VFIO_DEVICE_RESET: vfio_pci_ioctl_reset. */
    private int reset(Dev d) throws KernelException {
        Verdict v = RevocationRules.reset(d.facts);
        if (v.refused()) {
            throw new KernelException("VFIO_DEVICE_RESET", d.sd.bdf().toString(), Errno.EINVAL.number(),
                    v.rule().describe());
        }
        revoke(d, "VFIO_DEVICE_RESET");
        VfioBytes.put16(d.config(), PM_CAP + 4, 0);
        restoreIfEnabled(d);
        return 0;
    }

    private void revoke(Dev d, String why) throws KernelException {
        PciAddress bdf = d.sd.bdf();
        emit(KernelEvent.Kind.ZAP, "vfio_pci_zap_and_down_write_memory_lock", bdf, -1, why);
        emit(KernelEvent.Kind.REVOKE, "vfio_pci_dma_buf_move", bdf, -1, "revoked=1 (" + why + ")");
        List<String> waits = new ArrayList<>();
        for (DmaBuf b : d.dmabufs) {
            if (!b.revoked) {
                b.revoked = true;
                invalidate(b);
                for (Attachment a : b.attached()) {
                    if (a.mapped && profile.exporterWaitsForInvalidation()) {
                        waits.add(a.importer.name());
                    }
                }
            }
        }
        if (!waits.isEmpty()) {
            String w = "vfio_pci_dma_buf_move waits in wait_for_completion until importer(s) " + waits
                    + " unmap (1a8a5227f229)";
            pending.add("revoke " + bdf + ": " + w);
            throw KernelException.blocked(why, bdf.toString(), w);
        }
    }

    private void restoreIfEnabled(Dev d) {
        if (!d.memoryEnabled()) {
            return;
        }
        emit(KernelEvent.Kind.RESTORE, "vfio_pci_dma_buf_move", d.sd.bdf(), -1, "revoked=0");
        for (DmaBuf b : d.dmabufs) {
            if (b.revoked && !b.cleanedUp) {
                b.revoked = false;
                if (profile.notifyImportersOnRestore()) {
                    invalidate(b);
                }
            }
        }
    }

    private int feature(Dev d, byte[] arg) throws KernelException {
        String target = d.sd.bdf().toString();
        if (arg.length < VfioDeviceFeature.HEADER_SIZE) {
            throw new KernelException("VFIO_DEVICE_FEATURE", target, Errno.EFAULT);
        }
        int argsz = VfioDeviceFeature.argsz(arg);
        int flags = VfioDeviceFeature.flags(arg);
        Verdict gen = DmaBufRules.dispatch(profile, flags, argsz);
        if (gen != null) {
            throw new KernelException("VFIO_DEVICE_FEATURE", target, gen.errno().orElseThrow().number(),
                    gen.rule().describe());
        }
        boolean unregistering = d.unbindPending;
        DmaBufRules.Export e = DmaBufRules.export(profile, d.facts, flags, argsz, DmaBufRules.payloadOf(arg),
                new DmaBufRules.DeviceState(d.memoryEnabled(), unregistering));
        if (e.verdict().refused()) {
            throw new KernelException("VFIO_DEVICE_FEATURE(DMA_BUF)", target, e.verdict().errno().orElseThrow().number(),
                    e.verdict().rule().describe());
        }
        if (e.probeOnly()) {
            return 0;
        }
        DmaBuf b = new DmaBuf(d, e);
        d.dmabufs.add(b);
        bufs.add(b);
        return alloc(new DmaBufFile(b));
    }

    private int type1Map(Container c, byte[] arg) throws KernelException {
        if (c.iommu == 0 || arg.length < 32 || VfioBytes.u32(arg, 0) < 32) {
            throw new KernelException("VFIO_IOMMU_MAP_DMA", "container", Errno.EINVAL);
        }
        long vaddr = VfioBytes.u64(arg, 8);
        long iova = VfioBytes.u64(arg, 16);
        long size = VfioBytes.u64(arg, 24);
        if (size == 0 || size % Vfio.PAGE_SIZE != 0 || iova % Vfio.PAGE_SIZE != 0 || vaddr % Vfio.PAGE_SIZE != 0) {
            throw new KernelException("VFIO_IOMMU_MAP_DMA", "container", Errno.EINVAL);
        }
        for (Type1Mapping m : type1) {
            if (iova < m.iova() + m.size() && m.iova() < iova + size) {
                throw new KernelException("VFIO_IOMMU_MAP_DMA", "container", Errno.EEXIST);
            }
        }
        PciAddress owner = c.groups.isEmpty() ? null
                : scenario.groups().stream().filter(g -> g.id() == c.groups.get(0).id).findFirst()
                .map(g -> g.devices().get(0)).orElse(null);
        for (LabMapping m : mappings) {
            if (!m.closed && vaddr >= m.vaddr && vaddr + size <= m.vaddr + m.length) {
                // vaddr_get_pfns: VM_PFNMAP vma → follow_fault_pfn → follow_pfnmap_start: the raw PFN, no reference.
                if (!m.dev.memoryEnabled()) {
                    throw new KernelException("VFIO_IOMMU_MAP_DMA", "container", Errno.EFAULT.number(),
                            "vaddr_get_pfns: faulting in the BAR mmap fails while memory decoding is off");
                }
                long phys = m.dev.sd.bar(m.index).orElseThrow().address() + m.offset + (vaddr - m.vaddr);
                Type1Mapping t = new Type1Mapping(iova, size, vaddr, m.dev.sd.bdf(), m.index, phys, owner);
                type1.add(t);
                type1Domain.put(t, c);
                return 0;
            }
        }
        Type1Mapping t = new Type1Mapping(iova, size, vaddr, null, -1, 0, owner);
        type1.add(t);
        type1Domain.put(t, c);
        return 0;
    }

    /** iommufd's view of the lab's dma-bufs (LabIommufd models the IOAS side). */
    private final LabIommufd.Exporter iommufdExporter = new LabIommufd.Exporter() {
        @Override
        public LabIommufd.Buffer dmaBuf(int fd) throws KernelException {
            if (!(fds.get(fd) instanceof DmaBufFile f)) {
                throw new KernelException("IOMMU_IOAS_MAP_FILE", "fd " + fd, Errno.EBADF);
            }
            DmaBuf b = f.buf;
            return new LabIommufd.Buffer(b.size(), b.ranges.size(), b.revoked, b.cleanedUp, profile.iommufdDmaBuf());
        }

        @Override
        public int attach(int fd, long start) {
            DmaBuf b = ((DmaBufFile) fds.get(fd)).buf;
            Attachment a = new Attachment(nextAttachment++, new ImporterRules.Importer("iommu", null, true, true), true, b);
            a.mapped = true;
            a.dmaAddress = b.phys.get(0) + start;
            attachments.put(a.id, a);
            return a.id;
        }

        @Override
        public void detach(int attachment) {
            importerDetach(attachment);
        }
    };

    private static String name(long request) {
        if (request == Vfio.VFIO_DEVICE_FEATURE) {
            return "VFIO_DEVICE_FEATURE";
        } else if (request == Vfio.VFIO_DEVICE_GET_REGION_INFO) {
            return "VFIO_DEVICE_GET_REGION_INFO";
        }
        return "ioctl 0x" + Long.toHexString(request);
    }

    // ---------------------------------------------------------------- pread / pwrite / mmap

    private Dev deviceOf(int fd, String op) throws KernelException {
        Object o = file(fd, op);
        if (o instanceof DeviceFile df) {
            return df.dev;
        }
        if (o instanceof DmaBufFile) {
            // measured on 7.2.13: a dma-buf file has no FMODE_PREAD/PWRITE, so pread/pwrite stop at ESPIPE
            // (read(2) would be EINVAL: dma_buf_fops has no read op)
            throw new KernelException(op, "dma-buf fd " + fd, Errno.ESPIPE);
        }
        throw new KernelException(op, "fd " + fd, Errno.EINVAL);
    }

    @Override
    public synchronized int pread(int fd, byte[] buf, long offset) throws KernelException {
        Dev d = deviceOf(fd, "pread");
        int index = (int) (offset >>> Vfio.VFIO_PCI_OFFSET_SHIFT);
        long pos = offset & MASK40;
        String target = d.sd.bdf() + " region " + index;
        if (index <= 5) {
            LabScenario.Bar b = d.sd.bar(index).orElseThrow(() -> new KernelException("pread", target, Errno.EINVAL));
            if (pos + buf.length > b.size()) {
                throw new KernelException("pread", target, Errno.EINVAL);
            }
            if (b.kind() != RegionKind.IO) {
                Verdict v = RevocationRules.barAccess(d.memoryEnabled(), false);
                if (v.refused()) {
                    throw new KernelException("pread", target, Errno.EIO.number(), v.rule().describe());
                }
            }
            for (int i = 0; i < buf.length; i += 4) {
                long at = pos + i;
                int val = inMsixTable(d, index, at) ? 0xffffffff : (at == 0 ? b.value() : 0);
                putPartial(buf, i, val);
            }
            return buf.length;
        }
        if (index == Vfio.VFIO_PCI_ROM_REGION_INDEX) {
            if (d.sd.rom() == null || pos + buf.length > d.sd.rom().size()) {
                throw new KernelException("pread", target, Errno.EINVAL);
            }
            for (int i = 0; i < buf.length; i += 4) {
                putPartial(buf, i, pos + i == 0 ? d.sd.rom().value() : 0);
            }
            return buf.length;
        }
        if (index == Vfio.VFIO_PCI_CONFIG_REGION_INDEX) {
            if (pos + buf.length > d.config().length) {
                throw new KernelException("pread", target, Errno.EINVAL);
            }
            System.arraycopy(d.config(), (int) pos, buf, 0, buf.length);
            return buf.length;
        }
        throw new KernelException("pread", target, Errno.EINVAL);
    }

    private static void putPartial(byte[] buf, int at, int v) {
        for (int k = 0; k < 4 && at + k < buf.length; k++) {
            buf[at + k] = (byte) (v >>> (8 * k));
        }
    }

    private static boolean inMsixTable(Dev d, int bar, long at) {
        LabScenario.Msix m = d.sd.msix();
        return m != null && m.bar() == bar && at >= m.tableOffset() && at < m.tableOffset() + m.tableSize();
    }

    @Override
    public synchronized int pwrite(int fd, byte[] buf, long offset) throws KernelException {
        Dev d = deviceOf(fd, "pwrite");
        int index = (int) (offset >>> Vfio.VFIO_PCI_OFFSET_SHIFT);
        long pos = offset & MASK40;
        String target = d.sd.bdf() + " region " + index;
        if (index <= 5) {
            LabScenario.Bar b = d.sd.bar(index).orElseThrow(() -> new KernelException("pwrite", target, Errno.EINVAL));
            if (pos + buf.length > b.size()) {
                throw new KernelException("pwrite", target, Errno.EINVAL);
            }
            if (b.kind() != RegionKind.IO && !d.memoryEnabled()) {
                throw new KernelException("pwrite", target, Errno.EIO.number(),
                        RevocationRules.barAccess(false, false).rule().describe());
            }
            return buf.length;
        }
        if (index != Vfio.VFIO_PCI_CONFIG_REGION_INDEX || pos + buf.length > d.config().length) {
            throw new KernelException("pwrite", target, Errno.EINVAL);
        }
        boolean memBefore = d.memoryEnabled();
        byte[] before = d.config().clone();
        for (int i = 0; i < buf.length; i++) {
            int at = (int) pos + i;
            if (at >= 0x10 && at < 0x28 || at < 4) {
                continue;   // IDs and BARs: virtualised, not modelled as writable
            }
            d.config()[at] = buf[i];
        }
        boolean flr = d.sd.configSize() > 256 && pos <= PCIE_CAP + 9 && pos + buf.length > PCIE_CAP + 9
                && (VfioBytes.u16(d.config(), PCIE_CAP + 8) & 0x8000) != 0;
        if (flr) {
            VfioBytes.put16(d.config(), PCIE_CAP + 8, VfioBytes.u16(d.config(), PCIE_CAP + 8) & 0x7fff);
            if (d.sd.resetMethods().contains("flr")) {
                revoke(d, "vfio_exp_config_write: PCIe FLR");
                restoreIfEnabled(d);
            }
            return buf.length;
        }
        boolean memAfter = d.memoryEnabled();
        if (memBefore && !memAfter) {
            boolean d3 = d.d3() && (VfioBytes.u16(before, PM_CAP + 4) & 3) != 3;
            revoke(d, d3 ? "vfio_lock_and_set_power_state: D3hot" : "vfio_basic_config_write: PCI_COMMAND_MEMORY cleared");
        } else if (!memBefore && memAfter) {
            restoreIfEnabled(d);
        }
        return buf.length;
    }

    @Override
    public synchronized Mapping mmap(int fd, long offset, long length, int prot) throws KernelException {
        Object o = file(fd, "mmap");
        if (o instanceof DmaBufFile) {
            throw new KernelException("mmap", "dma-buf fd " + fd, Errno.EINVAL.number(),
                    "dma_buf_mmap_internal: the vfio exporter has no mmap op");
        }
        if (!(o instanceof DeviceFile df)) {
            throw new KernelException("mmap", "fd " + fd, Errno.ENODEV);
        }
        Dev d = df.dev;
        int index = (int) (offset >>> Vfio.VFIO_PCI_OFFSET_SHIFT);
        long pos = offset & MASK40;
        Verdict v = MmapRules.mmap(d.facts, index, pos, length, true,
                index <= 5 ? MmapRules.barSetupError(d.facts.bar(index)) : null);
        if (!v.allowed()) {
            throw new KernelException("mmap", d.sd.bdf() + " region " + index,
                    v.errno().orElse(Errno.EINVAL).number(), v.rule().describe());
        }
        df.refs++;
        LabMapping m = new LabMapping(df, index, pos, length, nextVaddr);
        nextVaddr += (length + 0x200000) & ~0xfffffL;
        mappings.add(m);
        return m;
    }

    /** A BAR mmap of the lab kernel: faults are modelled on every access. */
    public final class LabMapping implements Mapping {
        private final DeviceFile file;
        final Dev dev;
        final int index;
        final long offset;
        final long length;
        final long vaddr;
        boolean closed;

        LabMapping(DeviceFile file, int index, long offset, long length, long vaddr) {
            this.file = file;
            this.dev = file.dev;
            this.index = index;
            this.offset = offset;
            this.length = length;
            this.vaddr = vaddr;
        }

        /** The user virtual address the lab gave this mapping (for VFIO_IOMMU_MAP_DMA of P2P the old way). */
        @Override
        public long vaddr() {
            return vaddr;
        }

        @Override
        public long length() {
            return length;
        }

        @Override
        public int readInt(long at) throws KernelException {
            synchronized (LabKernel.this) {
                check(at);
                long pos = offset + at;
                LabScenario.Bar b = dev.sd.bar(index).orElseThrow();
                if (pos >= b.size()) {
                    return 0;   // the rest of a sub-page BAR's page: the "vfio sub-page reserved" dummy
                }
                if (dev.dma != null && index == 0) {
                    return dev.dma.read(pos);
                }
                Integer written = dev.barWords.get(barKey(index, pos));
                if (written != null) {
                    return written;
                }
                return pos == 0 ? b.value() : 0;   // the MSI-X table reads its real content (0) through mmap
            }
        }

        @Override
        public void writeInt(long at, int value) throws KernelException {
            synchronized (LabKernel.this) {
                check(at);
                long pos = offset + at;
                if (pos >= dev.sd.bar(index).orElseThrow().size()) {
                    return;
                }
                if (dev.dma != null && index == 0) {
                    dev.dma.write(pos, value, busOf(dev));
                } else {
                    dev.barWords.put(barKey(index, pos), value);
                }
            }
        }

        private void check(long at) throws KernelException {
            if (closed || at < 0 || at + 4 > length) {
                throw new SigbusException("mmap read", dev.sd.bdf() + " BAR" + index + " +0x" + Long.toHexString(at));
            }
            Verdict v = RevocationRules.fault(dev.memoryEnabled(), false);
            if (v.refused()) {
                throw new SigbusException("mmap read", dev.sd.bdf() + " BAR" + index);
            }
        }

        @Override
        public void close() {
            synchronized (LabKernel.this) {
                if (!closed) {
                    closed = true;
                    putDeviceFile(file);
                }
            }
        }
    }

    // ---------------------------------------------------------------- RAM and DMA

    @Override
    public synchronized Mapping allocateRam(long length) throws KernelException {
        if (length <= 0 || length % Vfio.PAGE_SIZE != 0 || length > (1 << 24)) {
            throw new KernelException("mmap", "anonymous memory", Errno.EINVAL.number(),
                    "The lab gives page multiples up to 16 MiB.");
        }
        LabRam r = new LabRam(nextVaddr, (int) length);
        nextVaddr += (length + 0x200000) & ~0xfffffL;
        rams.add(r);
        return r;
    }

    private static long barKey(int index, long pos) {
        return ((long) index << Vfio.VFIO_PCI_OFFSET_SHIFT) | pos;
    }

    /**
     * The IOMMU domain a device's DMA goes through: the type1 mappings of the container its group is in. A mapping of
     * another device's BAR mmap reaches that BAR's content whatever became of the device since (type1 kept the PFN,
     * facts §7); without bus mastering or a mapping the access faults, logged as the DMAR fault line a real kernel
     * prints. The lab's cdev path has no IOAS a device is attached to, so only type1 domains are modelled.
     */
    private LabDmaEngine.Bus busOf(Dev d) {
        return new LabDmaEngine.Bus() {
            @Override
            public byte[] read(long address, int count) {
                byte[] out = new byte[count];
                return access(d, address, count, false, out) ? out : null;
            }

            @Override
            public boolean write(long address, byte[] data) {
                return access(d, address, data.length, true, data);
            }
        };
    }

    private boolean access(Dev d, long iova, int count, boolean write, byte[] data) {
        Container c = fds.values().stream().filter(o -> o instanceof Group g && g.container != null
                && scenario.groupOf(d.sd.bdf()).map(x -> x.id() == g.id).orElse(false))
                .map(o -> ((Group) o).container).findFirst().orElse(null);
        Type1Mapping m = (d.command() & Vfio.PCI_COMMAND_MASTER) == 0 || c == null ? null
                : type1.stream().filter(t -> type1Domain.get(t) == c && iova >= t.iova()
                        && iova + count <= t.iova() + t.size()).findFirst().orElse(null);
        if (m == null) {
            iommuFaults.add(String.format("DMAR: [DMA %s NO_PASID] Request device [%s] fault addr 0x%x [fault reason "
                    + "0x06] PTE %s access is not set", write ? "Write" : "Read", d.sd.bdf(), iova,
                    write ? "Write" : "Read"));
            return false;
        }
        long delta = iova - m.iova();
        if (m.source() == null) {
            long va = m.vaddr() + delta;
            LabRam r = rams.stream().filter(x -> x.contains(va, count)).findFirst().orElse(null);
            if (r == null) {
                return false;
            }
            if (write) {
                r.write(va, data);
            } else {
                System.arraycopy(r.read(va, count), 0, data, 0, count);
            }
            return true;
        }
        Dev peer = devs.get(m.source());
        LabScenario.Bar b = peer.sd.bar(m.sourceBar()).orElseThrow();
        long pos = m.phys() - b.address() + delta;
        for (int i = 0; i < count; i += 4) {
            long key = barKey(m.sourceBar(), (pos + i) & ~3L);
            if (write) {
                int v = 0;
                for (int k = 0; k < 4 && i + k < count; k++) {
                    v |= (data[i + k] & 0xff) << (8 * k);
                }
                peer.barWords.put(key, v);
            } else {
                Integer w = peer.barWords.get(key);
                putPartial(data, i, w != null ? w : pos + i == 0 ? b.value() : 0);
            }
        }
        return true;
    }

    /** The IOMMU faults the lab's DMA engines took, as the kernel log lines intel-iommu prints for them. */
    public synchronized List<String> iommuFaults() {
        return List.copyOf(iommuFaults);
    }

    // ---------------------------------------------------------------- fdinfo, bufinfo, sysfs writes

    @Override
    public synchronized Optional<String> fdinfo(int fd) {
        Object o = fds.get(fd);
        if (o == null) {
            return Optional.empty();
        }
        if (o instanceof DmaBufFile f) {
            DmaBuf b = f.buf;
            int fflags = (b.openFlags & (3 | 04000)) | (b.openFlags & Kernel.O_CLOEXEC);
            StringBuilder s = new StringBuilder();
            s.append("pos:\t0\n").append("flags:\t0").append(Integer.toOctalString(fflags)).append('\n')
                    .append("mnt_id:\t16\n").append("ino:\t").append(b.ino).append('\n')
                    .append("size:\t").append(b.size()).append('\n')
                    .append("count:\t").append(b.fileCount()).append('\n')
                    .append("exp_name:\tvfio_pci_core\n");
            if (b.name != null) {
                s.append("name:\t").append(b.name).append('\n');
            }
            return Optional.of(s.toString());
        }
        return Optional.of("pos:\t0\nflags:\t02000002\nmnt_id:\t25\nino:\t" + (1000 + fd) + "\n");
    }

    @Override
    public synchronized Optional<String> dmaBufInfo() {
        StringBuilder s = new StringBuilder("\nDma-buf Objects:\n");
        s.append(String.format("%-8s\t%-8s\t%-8s\t%-8s\texp_name\t%-8s\tname\n", "size", "flags", "mode", "count", "ino"));
        long total = 0;
        for (DmaBuf b : bufs) {
            s.append(String.format("%08d\t%08x\t%08x\t%08d\t%s\t%08d\t%s\n", b.size(), b.openFlags & (3 | 04000),
                    FMODE_RDWR, b.fileCount(), "vfio_pci_core", b.ino, b.name == null ? "<none>" : b.name));
            s.append("\tAttached Devices:\n");
            List<Attachment> at = b.attached();
            for (Attachment a : at) {
                s.append('\t').append(a.importer.device() == null ? "iommu" : a.importer.device().toString()).append('\n');
            }
            s.append("Total ").append(at.size()).append(" devices attached\n\n");
            total += b.size();
        }
        s.append("\nTotal ").append(bufs.size()).append(" objects, ").append(total).append(" bytes\n");
        return Optional.of(s.toString());
    }

    @Override
    public synchronized void writeAttribute(String sysPath, String value) throws KernelException {
        String bdfText = value.trim();
        if (sysPath.equals("bus/pci/drivers/vfio-pci/unbind")) {
            Dev d = devOrEnodev(bdfText, sysPath);
            if (!d.vfio()) {
                throw new KernelException("write " + sysPath, bdfText, Errno.ENODEV);
            }
            Verdict v = RevocationRules.unbind(d.openCount, (int) d.liveMmaps(), d.dmabufs.size());
            if (v.refused()) {
                d.unbindPending = true;
                pending.add("unbind " + d.sd.bdf());
                throw KernelException.blocked("write " + sysPath, bdfText, v.rule().describe());
            }
            d.driver = null;
            return;
        }
        if (sysPath.equals("bus/pci/drivers/vfio-pci/bind")) {
            Dev d = devOrEnodev(bdfText, sysPath);
            if (d.driver != null) {
                throw new KernelException("write " + sysPath, bdfText, Errno.EBUSY);
            }
            d.driver = "vfio-pci";
            return;
        }
        throw new KernelException("write", sysPath, Errno.EACCES.number(), "the lab models vfio-pci bind/unbind only");
    }

    private Dev devOrEnodev(String bdf, String path) throws KernelException {
        try {
            Dev d = devs.get(PciAddress.parse(bdf));
            if (d != null) {
                return d;
            }
        } catch (IllegalArgumentException e) {
            // fall through
        }
        throw new KernelException("write " + path, bdf, Errno.ENODEV);
    }

    @Override
    public LabEvents events() {
        return events;
    }

    @Override
    public void close() {
        events.close();
    }

    // ---------------------------------------------------------------- lab-only API

    /** The scenario's in-kernel importers, each attachable to a dma-buf fd of this kernel. */
    @Override
    public List<org.vfioinspector.bridge.kernel.Importer> importers() {
        return scenario.importers().stream().<org.vfioinspector.bridge.kernel.Importer>map(i -> new LabImporter(this, i))
                .toList();
    }

    /** An in-kernel importer of the scenario attaches to the dma-buf behind {@code dmaBufFd}; returns the attachment id. */
    synchronized int importerAttach(String importerName, int dmaBufFd) throws KernelException {
        LabScenario.Importer si = scenario.importer(importerName).orElseThrow(() ->
                new KernelException("dma_buf_dynamic_attach", importerName, Errno.ENOENT));
        Object o = file(dmaBufFd, "dma_buf_get");
        if (!(o instanceof DmaBufFile f)) {
            throw new KernelException("dma_buf_get", "fd " + dmaBufFd, Errno.EINVAL);
        }
        ImporterRules.Importer imp = new ImporterRules.Importer(si.name(), si.device(), si.peer2peer(), si.revocable());
        Verdict v = ImporterRules.attach(profile, imp, new ImporterRules.BufState(f.buf.revoked, f.buf.cleanedUp));
        if (v.refused()) {
            throw new KernelException("dma_buf_dynamic_attach", importerName, v.errno().orElseThrow().number(),
                    v.rule().describe());
        }
        Attachment a = new Attachment(nextAttachment++, imp, si.unmapsInCallback(), f.buf);
        attachments.put(a.id, a);
        return a.id;
    }

    /** dma_buf_map_attachment: returns the DMA address of the first range. */
    synchronized long importerMap(int attachment) throws KernelException {
        Attachment a = attachment(attachment);
        Verdict v = ImporterRules.map(a.importer, new ImporterRules.BufState(a.buf.revoked, a.buf.cleanedUp),
                a.buf.exporterBdf, scenario);
        if (v.refused()) {
            throw new KernelException("dma_buf_map_attachment", a.importer.name(), v.errno().orElseThrow().number(),
                    v.rule().describe());
        }
        a.mapped = true;
        a.dmaAddress = a.buf.phys.get(0);
        return a.dmaAddress;
    }

    /** dma_buf_unmap_attachment; completes a revocation that waited for this importer. */
    synchronized void importerUnmap(int attachment) throws KernelException {
        Attachment a = attachment(attachment);
        a.mapped = false;
        boolean stillWaiting = attachments.values().stream().anyMatch(x -> x.buf.revoked && x.mapped
                && x.buf.exporterBdf.equals(a.buf.exporterBdf));
        if (!stillWaiting) {
            pending.removeIf(p -> p.startsWith("revoke " + a.buf.exporterBdf));
        }
    }

    /** dma_buf_detach: the attachment goes; the buffer is released when nothing else holds it. */
    synchronized void importerDetach(int attachment) {
        Attachment a = attachments.remove(attachment);
        if (a != null) {
            maybeRelease(a.buf);
        }
    }

    private Attachment attachment(int id) throws KernelException {
        Attachment a = attachments.get(id);
        if (a == null) {
            throw new KernelException("dma-buf attachment", "#" + id, Errno.ENOENT);
        }
        return a;
    }

    public synchronized List<AttachmentView> attachments() {
        return attachments.values().stream().map(a -> new AttachmentView(a.id, a.importer.name(), a.buf.ino, a.mapped,
                a.dmaAddress, a.invalidations, a.buf.revoked, a.buf.cleanedUp)).toList();
    }

    /** Operations blocked in the model (a revoke waiting for an importer, an unbind waiting for users). */
    public synchronized List<String> blocked() {
        return List.copyOf(pending);
    }

    /**
     * Type1 mappings that point at MMIO of a device no longer bound to vfio-pci: the IOMMU still lets the container's
     * device DMA there (use-after-free; nothing revokes it).
     */
    public synchronized List<Type1Mapping> staleType1Mappings() {
        return type1.stream().filter(m -> m.source() != null && !devs.get(m.source()).vfio()).toList();
    }

    /** The driver a device is bound to now (null: none). */
    @Override
    public synchronized Optional<String> driverOf(PciAddress bdf) {
        Dev d = devs.get(bdf);
        return d == null ? Optional.empty() : Optional.ofNullable(d.driver);
    }

    /** inode of the dma-buf behind an fd. */
    public synchronized long inodeOf(int dmaBufFd) throws KernelException {
        Object o = file(dmaBufFd, "fstat");
        if (o instanceof DmaBufFile f) {
            return f.buf.ino;
        }
        throw new KernelException("fstat", "fd " + dmaBufFd, Errno.EINVAL);
    }

    /** The open count of a device (vfio_device open_count). */
    public synchronized int openCount(PciAddress bdf) {
        return devs.get(bdf).openCount;
    }
}
