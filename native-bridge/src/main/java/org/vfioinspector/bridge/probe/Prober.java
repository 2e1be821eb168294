package org.vfioinspector.bridge.probe;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import org.vfioinspector.bridge.kernel.Attachment;
import org.vfioinspector.bridge.kernel.Importer;
import org.vfioinspector.bridge.kernel.Kernel;
import org.vfioinspector.bridge.kernel.KernelEvents;
import org.vfioinspector.bridge.kernel.KernelException;
import org.vfioinspector.bridge.kernel.Mapping;
import org.vfioinspector.bridge.revocation.RevocationTracker;
import org.vfioinspector.bridge.session.DeviceSession;
import org.vfioinspector.bridge.session.DeviceTarget;
import org.vfioinspector.bridge.session.DmaBuf;
import org.vfioinspector.bridge.session.OpenPath;
import org.vfioinspector.bridge.session.Outcome;
import org.vfioinspector.bridge.session.RegionInfo;
import org.vfioinspector.bridge.uapi.Vfio;
import org.vfioinspector.bridge.uapi.VfioDeviceInfo;
import org.vfioinspector.bridge.uapi.VfioDmaBuf;

/**
 * The probe of /work/probe-contract.md, on any {@link Kernel}: for each target, open the device, and for every
 * region index 0..8 report region info, an mmap read, a pread and a dma-buf export; with --revoke, step a resettable
 * vfio-pci device through reset, memory-off, memory-on and close and report what each step did to an mmap, a pread
 * and the exported dma-bufs (from live kernel events through a {@link RevocationTracker}).
 *
 * <p>Usage: {@code ProbeReport r = new Prober(kernel, options).probe(targets); System.out.println(ProbeJson.toJson(r));}
 */
public final class Prober {
    /** Region indexes probed: BAR0..5, ROM, CONFIG, VGA. */
    public static final int REGIONS = Vfio.VFIO_PCI_NUM_REGIONS;

    private final Kernel kernel;
    private final ProbeOptions options;

    public Prober(Kernel kernel, ProbeOptions options) {
        this.kernel = kernel;
        this.options = options;
    }

    /** Probes every target, in order. Never throws for a device: a device that cannot be opened says why. */
    public ProbeReport probe(List<DeviceTarget> targets) {
        List<ProbeReport.Device> devices = new ArrayList<>();
        for (DeviceTarget t : targets) {
            devices.add(probeDevice(t));
        }
        String release = options.release() != null ? options.release() : kernel.describe();
        return new ProbeReport(options.host(), new ProbeReport.KernelInfo(release, options.profile()), devices);
    }

    private static String hex(Outcome<Integer> o) {
        return o.isOk() ? String.format("0x%08x", o.value()) : null;
    }

    /** Probes one device. */
    public ProbeReport.Device probeDevice(DeviceTarget t) {
        String wanted = options.openPath().first(t).label();
        DeviceSession s;
        try {
            s = DeviceSession.open(kernel, t, options.openPath());
        } catch (KernelException e) {
            return new ProbeReport.Device(t.bdf().toString(), t.group(), wanted, e.errnoName(), List.of(), null, null,
                    List.of(), null, null, e.getMessage() + e.remedy().map(r -> " " + r).orElse(""));
        }
        ProbeReport.Device d = probeOpened(s, t);
        try {
            s.close();
        } catch (KernelException e) {
            String note = (d.note() == null ? "" : d.note() + "; ") + "closing failed: " + e.getMessage();
            d = d.withNote(note);
        }
        return d;
    }

    private ProbeReport.Device probeOpened(DeviceSession s, DeviceTarget t) {
        {
            String path = s.openPath().label();
            VfioDeviceInfo info;
            try {
                info = s.deviceInfo();
            } catch (KernelException e) {
                return new ProbeReport.Device(t.bdf().toString(), t.group(), path, e.errnoName(), List.of(), null,
                        null, List.of(), null, null, e.getMessage());
            }
            List<ProbeReport.Region> regions = new ArrayList<>();
            List<RegionInfo> infos = new ArrayList<>();
            for (int i = 0; i < REGIONS; i++) {
                Outcome<RegionInfo> ri = s.regionInfoOutcome(i);
                RegionInfo r = ri.value();
                infos.add(r);
                String mmap = null;
                String mmapValue = null;
                String pread = null;
                String preadValue = null;
                if (ri.isOk() && r.size() > 0) {
                    Outcome<Integer> m = s.mmapProbe(r);
                    mmap = m.result();
                    mmapValue = hex(m);
                    Outcome<Integer> p = s.preadProbe(r);
                    pread = p.result();
                    preadValue = hex(p);
                }
                String dmabuf = s.exportProbe(i, ri.isOk() ? r.size() : 0).result();
                regions.add(new ProbeReport.Region(i, ri.result(), ri.isOk() ? r.size() : null,
                        ri.isOk() ? r.flagNames() : List.of(), ri.isOk() ? r.capNames() : List.of(), mmap, mmapValue,
                        pread, preadValue, dmabuf));
            }
            List<ProbeReport.RevokeStep> revoke = null;
            String note = null;
            String[] importer = {null};
            if (options.revoke()) {
                if (!t.boundToVfioPci()) {
                    note = "revoke skipped: the device is bound to " + t.driver() + ", not vfio-pci";
                } else if (!info.canReset()) {
                    // The kernel refuses VFIO_DEVICE_RESET before it touches the device: ask, so the refusal is
                    // a measured answer, and skip the rest of the sequence.
                    revoke = List.of(refusedReset(s));
                    note = "no reset method (DEVICE_INFO lacks RESET): VFIO_DEVICE_RESET asked once, the rest of "
                            + "the revocation sequence skipped";
                } else {
                    revoke = revoke(s, t, infos, regions, importer);
                }
            }
            return new ProbeReport.Device(t.bdf().toString(), t.group(), path, "ok",
                    DeviceSession.deviceFlagNames(info.flags()), info.numRegions(), info.numIrqs(), regions,
                    importer[0], revoke, note);
        }
    }

    private ProbeReport.RevokeStep refusedReset(DeviceSession s) {
        String result;
        try {
            s.reset();
            result = "ok";
        } catch (KernelException e) {
            result = e.errnoName();
        }
        return new ProbeReport.RevokeStep("reset", result, null, null, null, List.of(), eventSource());
    }

    private String eventSource() {
        KernelEvents.Availability avail = kernel.events().availability();
        return kernel.isLab() ? "lab" : avail.available() ? "tracefs"
                : "unavailable: " + String.join("; ", avail.missing());
    }

    /**
     * The importer for the sequence: iommufd (IOMMU_IOAS_MAP_FILE; on the cdev path into the IOAS the device is
     * attached to), the one a real kernel offers userspace, so lab and real probes compare; where the kernel has no
     * iommufd, the kernel's own first importer (a lab scenario's in-kernel one); else iommufd's refusal.
     */
    private static Importer importerFor(DeviceSession s, Kernel kernel) throws KernelException {
        try {
            return s.iommufdImporter();
        } catch (KernelException e) {
            List<Importer> own = kernel.importers();
            if (own.isEmpty()) {
                throw e;
            }
            return own.get(0);
        }
    }

    private static String answer(KernelCall call) {
        try {
            call.run();
            return "ok";
        } catch (KernelException e) {
            return e.errnoName();
        }
    }

    @FunctionalInterface
    private interface KernelCall {
        void run() throws KernelException;
    }

    private List<ProbeReport.RevokeStep> revoke(DeviceSession s, DeviceTarget t, List<RegionInfo> infos,
                                                List<ProbeReport.Region> regions, String[] importerOut) {
        KernelEvents events = kernel.events();
        KernelEvents.Availability avail = events.availability();
        String source = eventSource();
        RevocationTracker tracker = new RevocationTracker();
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        Consumer<RevocationTracker.Transition> collect = tr -> {
            String l = tr.label();
            if (!l.equals("release")) {
                synchronized (seen) {
                    if (!seen.contains(l)) {
                        seen.add(l);
                    }
                }
            }
        };
        tracker.addListener(collect);
        if (avail.available()) {
            events.subscribe(tracker);
            events.sync(options.syncMillis());
        }
        List<ProbeReport.RevokeStep> steps = new ArrayList<>();
        try {
            boolean memOn = true;
            try {
                memOn = s.memoryEnabled();
            } catch (KernelException e) {
                // unknown: assume on
            }
            DmaBuf first = null;
            int firstIndex = -1;
            for (int i = 0; i <= Vfio.VFIO_PCI_BAR5_REGION_INDEX; i++) {
                if ("ok".equals(regions.get(i).dmabuf())) {
                    long span = RegionInfo.pageSpan(infos.get(i) == null ? 0 : infos.get(i).size());
                    try {
                        DmaBuf b = s.exportDmaBuf(i, List.of(new VfioDmaBuf.Range(0, span)),
                                Kernel.O_RDWR | Kernel.O_CLOEXEC, null);
                        tracker.track(b.inode(), t.bdf(), memOn ? RevocationTracker.State.ACTIVE
                                : RevocationTracker.State.REVOKED);
                        if (first == null) {
                            first = b;
                            firstIndex = i;
                        }
                    } catch (KernelException e) {
                        // the export answered differently the second time; the steps still run
                    }
                }
            }
            // one importer attached to the first dma-buf: each step then asks the kernel to map it again, which is
            // what a VMM must do after a restore (a revoke unmaps it, a restore does not map it back by itself)
            Attachment attachment = null;
            if (first == null) {
                importerOut[0] = "none: no BAR could be exported as a dma-buf";
            } else {
                try {
                    attachment = importerFor(s, kernel).attach(first.fd());
                    tracker.track(RevocationTracker.Kind.ATTACHMENT, t.bdf(), firstIndex, first.inode(),
                            attachment.describe(), memOn ? RevocationTracker.State.ACTIVE
                                    : RevocationTracker.State.REVOKED);
                    importerOut[0] = attachment.describe();
                } catch (KernelException e) {
                    importerOut[0] = "none: " + e.errnoName() + ": " + e.getMessage()
                            + e.remedy().map(r -> " " + r).orElse("");
                }
            }
            RegionInfo mapped = null;
            Mapping mapping = null;
            for (int i = 0; i <= Vfio.VFIO_PCI_BAR5_REGION_INDEX && mapping == null; i++) {
                RegionInfo r = infos.get(i);
                if (r != null && r.mmappable() && r.size() > 0) {
                    try {
                        mapping = s.mmap(r, r.pageSpan(), Kernel.PROT_READ);
                        mapped = r;
                    } catch (KernelException e) {
                        // try the next BAR
                    }
                }
            }
            RegionInfo preadRegion = mapped;
            for (int i = 0; i <= Vfio.VFIO_PCI_BAR5_REGION_INDEX && preadRegion == null; i++) {
                if ("ok".equals(regions.get(i).dmabuf()) && infos.get(i) != null) {
                    preadRegion = infos.get(i);
                }
            }
            String[] names = {"reset", "memory-off", "memory-on", "close"};
            for (String step : names) {
                seen.clear();
                String result;
                try {
                    switch (step) {
                        case "reset": s.reset(); break;
                        case "memory-off": s.setMemoryEnabled(false); break;
                        case "memory-on": s.setMemoryEnabled(true); break;
                        default: s.closeDevice(); break;
                    }
                    result = "ok";
                } catch (KernelException e) {
                    result = e.errnoName();
                }
                if (avail.available()) {
                    events.sync(options.syncMillis());
                }
                boolean closed = step.equals("close");
                String mmapRead = null;
                String pread = null;
                if (!closed) {
                    if (mapping != null) {
                        try {
                            mapping.readInt(0);
                            mmapRead = "ok";
                        } catch (KernelException e) {
                            mmapRead = e.errnoName();
                        }
                    }
                    if (preadRegion != null) {
                        pread = s.preadProbe(preadRegion).result();
                    }
                }
                String importerMap = null;
                if (attachment != null) {
                    importerMap = answer(attachment::map);
                }
                List<String> ev;
                synchronized (seen) {
                    ev = List.copyOf(seen);
                }
                steps.add(new ProbeReport.RevokeStep(step, result, mmapRead, pread, importerMap, ev, source));
            }
        } finally {
            if (avail.available()) {
                events.unsubscribe(tracker);
            }
            tracker.removeListener(collect);
        }
        return steps;
    }
}
