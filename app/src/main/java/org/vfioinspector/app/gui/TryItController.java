package org.vfioinspector.app.gui;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.stage.Window;
import org.vfioinspector.app.gui.common.Badge;
import org.vfioinspector.app.gui.common.ErrorDetails;
import org.vfioinspector.app.gui.common.ErrorPresenter;
import org.vfioinspector.app.gui.common.UiTasks;
import org.vfioinspector.app.gui.device.BarRow;
import org.vfioinspector.app.gui.device.TryItPanel;
import org.vfioinspector.app.gui.dmabuf.RevocationModel;
import org.vfioinspector.app.gui.dmabuf.TrackState;
import org.vfioinspector.app.gui.dmabuf.Tracked;
import org.vfioinspector.app.gui.host.LoadedHost;
import org.vfioinspector.bridge.kernel.Errno;
import org.vfioinspector.bridge.kernel.Kernel;
import org.vfioinspector.bridge.kernel.KernelException;
import org.vfioinspector.bridge.kernel.Mapping;
import org.vfioinspector.bridge.lab.LabKernel;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.model.PciDevice;
import org.vfioinspector.bridge.session.DeviceSession;
import org.vfioinspector.bridge.session.DeviceTarget;
import org.vfioinspector.bridge.session.DmaBuf;
import org.vfioinspector.bridge.session.OpenPath;
import org.vfioinspector.bridge.session.Outcome;
import org.vfioinspector.bridge.session.RegionInfo;
import org.vfioinspector.bridge.uapi.VfioDmaBuf;

/**
 * Wires the try-it panel to the session layer. Keeps one open {@link DeviceSession} per device (opened on the
 * first action, closed when the host changes or the app stops). Every kernel call runs on the vfio-io executor
 * through {@link UiTasks}; the session map is touched only there. On a real host a state-changing action asks
 * first. What the app holds (mappings, dma-bufs, attachments) goes to the revocation model, whose kernel events
 * then move it.
 */
final class TryItController {
    private static final Logger LOG = System.getLogger(TryItController.class.getName());

    private final AppContext ctx;
    private final TryItPanel panel;
    private final RevocationModel revocations;
    private final ErrorPresenter errors;
    private final Consumer<String> status;
    private final Supplier<Window> owner;
    private LoadedHost host;

    /** vfio-io thread only. */
    private final Map<PciAddress, DeviceSession> sessions = new HashMap<>();
    /** vfio-io thread only: the mappings the app keeps, by device. */
    private final Map<PciAddress, List<Mapping>> mappings = new HashMap<>();
    /** vfio-io thread only: the last dma-buf exported per device and region. */
    private final Map<String, DmaBuf> lastBuf = new HashMap<>();
    /** vfio-io thread only: type1 mappings of a device's BAR made into other devices' containers, by source. */
    private final Map<PciAddress, List<String>> type1BySource = new HashMap<>();
    /** vfio-io thread only: devices whose unbind waits for their users (lab: the kernel completes it on close). */
    private final java.util.Set<PciAddress> unbindWaiting = new java.util.HashSet<>();
    /** vfio-io thread only: the next IOVA for a type1 mapping (above 4 GiB, clear of the usual reserved ranges). */
    private long nextIova = 1L << 32;

    TryItController(AppContext ctx, TryItPanel panel, RevocationModel revocations, ErrorPresenter errors,
                    Consumer<String> status, Supplier<Window> owner) {
        this.ctx = ctx;
        this.panel = panel;
        this.revocations = revocations;
        this.errors = errors;
        this.status = status;
        this.owner = owner;
        panel.setHandler(this::act);
    }

    /** A new host (FX thread): the old host's sessions are closed, then its handle, in that order, on vfio-io. */
    void hostChanged(LoadedHost old, LoadedHost now) {
        host = now;
        ctx.vfioIo().execute(() -> {
            closeAllSessions();
            if (old != null) {
                old.handle().ifPresent(org.vfioinspector.bridge.host.Host::close);
            }
        });
        List<String> importers = now.handle().flatMap(h -> h.scenario()).map(sc -> sc.importers().stream()
                .map(i -> i.name()).toList()).orElse(List.of());
        if (now.kernel().isEmpty()) {
            panel.setImporters(List.of(), "");
        } else if (now.isLab()) {
            panel.setImporters(importers, "This lab scenario has no in-kernel importers.");
        } else {
            panel.setImporters(List.of("iommufd"), "");
        }
    }

    /** The app stops: closes every session on vfio-io (before the executor is shut down). */
    void stop() {
        try {
            ctx.vfioIo().submit(this::closeAllSessions).get(2, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(Level.WARNING, "Closing the device sessions at stop", e);
        }
    }

    private void closeAllSessions() {
        for (DeviceSession s : sessions.values()) {
            try {
                s.close();
            } catch (KernelException | RuntimeException e) {
                LOG.log(Level.WARNING, "Closing the session of " + s.target().bdf(), e);
            }
        }
        sessions.clear();
        mappings.clear();
        lastBuf.clear();
        type1BySource.clear();
        unbindWaiting.clear();
        nextIova = 1L << 32;
    }

    // ---- the actions (FX thread) -------------------------------------------------------------------------------

    private void act(TryItPanel.Action a, TryItPanel.Request r) {
        LoadedHost h = host;
        if (h == null || h.kernel().isEmpty()) {
            return;
        }
        if (a.changesDevice() && !h.isLab() && !confirm(a, r.device())) {
            record(a.operation(), r.device().address(), r.row() == null ? -1 : r.row().region().index(),
                    "cancelled", a.label() + " cancelled at the confirmation", Map.of());
            status.accept(a.label() + " cancelled.");
            return;
        }
        Kernel kernel = h.kernel().get();
        PciDevice d = r.device();
        switch (a) {
            case MMAP -> tryMmap(kernel, d, r.row());
            case EXPORT -> export(kernel, d, r.row(), r.offset(), r.length());
            case ATTACH -> attach(h, kernel, d, r.row(), r.importer());
            case RESET -> deviceAction(kernel, d, a, s -> s.reset(), "VFIO_DEVICE_RESET done: the device's dma-bufs "
                    + "were revoked, then restored; importers must re-map.");
            case MEMORY_OFF -> deviceAction(kernel, d, a, s -> s.setMemoryEnabled(false), "PCI_COMMAND.MEMORY "
                    + "cleared: BAR mappings fault (SIGBUS), dma-bufs are revoked until memory is on again.");
            case MEMORY_ON -> deviceAction(kernel, d, a, s -> s.setMemoryEnabled(true), "PCI_COMMAND.MEMORY set: "
                    + "dma-bufs restored; importers must re-map.");
            case CLOSE -> closeDevice(h, d);
            case MAP_TYPE1 -> mapType1(h, kernel, d, r.row(), r.into());
            case UNBIND -> unbind(h, kernel, d);
        }
    }

    private boolean confirm(TryItPanel.Action a, PciDevice d) {
        Alert alert = new Alert(Alert.AlertType.CONFIRMATION);
        Window w = owner.get();
        if (w != null) {
            alert.initOwner(w);
        }
        alert.setTitle(a.label());
        alert.setHeaderText(a.label() + " " + d.address() + " on this machine?");
        alert.setContentText("This changes the state of a real device: its dma-bufs are revoked, mappings may "
                + "fault, and whatever uses the device sees it.");
        ButtonType go = new ButtonType(a.label(), ButtonBar.ButtonData.OK_DONE);
        alert.getButtonTypes().setAll(go, ButtonType.CANCEL);
        return alert.showAndWait().filter(go::equals).isPresent();
    }

    /** mmap the BAR (kept, so the revocation view follows it) and read its first dword. */
    private void tryMmap(Kernel kernel, PciDevice d, BarRow row) {
        int index = row.region().index();
        run("Try mmap " + row.region().name(), TryItPanel.Action.MMAP, d, index, () -> {
            DeviceSession s = session(kernel, d);
            RegionInfo info = s.regionInfo(index);
            Mapping m;
            try {
                m = s.mmap(info, info.pageSpan(), Kernel.PROT_READ);
            } catch (KernelException e) {
                record("mmap", d.address(), index, e.errnoName(), "mmap " + row.region().name() + " refused: "
                        + e.getMessage(), Map.of("errno", Integer.toString(e.errno())));
                return new MmapResult(Outcome.failed(e), null);
            }
            mappings.computeIfAbsent(d.address(), k -> new ArrayList<>()).add(m);
            Outcome<Integer> read;
            try {
                read = Outcome.ok(m.readInt(0));
            } catch (KernelException e) {
                read = Outcome.failed(e);
            }
            record("mmap", d.address(), index, read.result(), "mmap " + row.region().name() + " PROT_READ, "
                    + "length " + m.length() + (read.isOk() ? String.format(", first dword 0x%08x", read.value())
                    : ", reading it: " + read.result()), read.isOk() ? Map.of("length", Long.toString(m.length()),
                    "value", String.format("0x%08x", read.value())) : Map.of("length", Long.toString(m.length())));
            return new MmapResult(read, m);
        }, res -> {
            Outcome<Integer> o = res.outcome();
            String value = o.isOk() ? String.format("0x%08x", o.value()) : null;
            row.triedProperty().set(row.triedProperty().get().withMmap(o.result(), value));
            if (res.mapping() != null) {
                revocations.track(Tracked.active(Tracked.Kind.MAPPING, d.address(), index, -1,
                        row.region().name() + " [0, " + org.vfioinspector.bridge.model.Sizes.human(
                        res.mapping().length()) + ") PROT_READ"));
            }
            if (o.isOk()) {
                panel.showResult("mmap: ok", Badge.Tone.GREEN, "Mapped " + row.region().name() + "; first dword "
                        + value + ". The mapping stays open: the revocation view follows it.");
            } else {
                panel.showResult("mmap: " + o.result(), Badge.Tone.RED, o.isSigbus() ? "The mapping exists but "
                        + "reading it faults (SIGBUS): memory decoding is off or the BAR is revoked."
                        : "The kernel refused the mmap.", ErrorDetails.of("mmap", o.failure().orElseThrow()));
            }
            status.accept(d.address() + " " + row.region().name() + " mmap: " + o.result()
                    + (value == null ? "" : " " + value));
        });
    }

    private record MmapResult(Outcome<Integer> outcome, Mapping mapping) {
    }

    /** Exports a dma-buf with the range editor's range. */
    private void export(Kernel kernel, PciDevice d, BarRow row, long offset, long length) {
        int index = row.region().index();
        String range = String.format("[0x%x, 0x%x)", offset, offset + length);
        Map<String, String> asked = Map.of("offset", Long.toString(offset), "length", Long.toString(length));
        run("Export dma-buf " + row.region().name(), TryItPanel.Action.EXPORT, d, index, () -> {
            DeviceSession s = session(kernel, d);
            try {
                DmaBuf b = s.exportDmaBuf(index, List.of(new VfioDmaBuf.Range(offset, length)),
                        Kernel.O_RDWR | Kernel.O_CLOEXEC, null);
                lastBuf.put(key(d.address(), index), b);
                Map<String, String> facts = new HashMap<>(asked);
                facts.put("inode", Long.toString(b.inode()));
                facts.put("fd", Integer.toString(b.fd()));
                record("export", d.address(), index, "ok", "dma-buf of " + row.region().name() + " " + range
                        + ": fd " + b.fd() + ", inode " + b.inode(), facts);
                return Outcome.ok(b);
            } catch (KernelException e) {
                record("export", d.address(), index, e.errnoName(), "dma-buf export of " + row.region().name()
                        + " " + range + " refused: " + e.getMessage(), asked);
                return Outcome.<DmaBuf>failed(e);
            }
        }, o -> {
            row.triedProperty().set(row.triedProperty().get().withDmabuf(o.result()));
            if (o.isOk()) {
                DmaBuf b = o.value();
                revocations.track(Tracked.active(Tracked.Kind.DMABUF, d.address(), index, b.inode(),
                        row.region().name() + " " + range + " fd " + b.fd()));
                panel.showResult("dma-buf: ok", Badge.Tone.GREEN, "Exported " + row.region().name() + " " + range
                        + ": fd " + b.fd() + ", inode " + b.inode() + ".");
            } else {
                KernelException e = o.failure().orElseThrow();
                Errno errno = Errno.of(e.errno());
                panel.showResult("dma-buf: " + o.result(), Badge.Tone.RED, "The kernel refused the export: "
                        + o.result() + (errno == null ? "" : " — " + errno.description()) + ".",
                        ErrorDetails.of("Export dma-buf", e));
            }
            status.accept(d.address() + " " + row.region().name() + " dma-buf export " + range + ": "
                    + o.result());
        });
    }

    /** Attaches an importer to the last dma-buf of the BAR: a scenario importer in a lab, iommufd on a host. */
    private void attach(LoadedHost h, Kernel kernel, PciDevice d, BarRow row, String importer) {
        if (importer == null) {
            return;
        }
        int index = row.region().index();
        Optional<LabKernel> lab = h.handle().flatMap(x -> x.labKernel());
        run("Attach " + importer, TryItPanel.Action.ATTACH, d, index, () -> {
            DmaBuf b = lastBuf.get(key(d.address(), index));
            if (b == null || b.isClosed()) {
                throw new IllegalStateException("Export a dma-buf of " + row.region().name() + " first: the "
                        + "importer attaches to the last one exported.");
            }
            if (lab.isPresent()) {
                int id = lab.get().importerAttach(importer, b.fd());
                String mapped;
                try {
                    mapped = String.format("mapped at 0x%x", lab.get().importerMap(id));
                } catch (KernelException e) {
                    mapped = "map refused: " + e.errnoName();
                }
                Attached at = new Attached(b, "importer " + importer + " #" + id + ", " + mapped);
                String importerDevice = h.handle().flatMap(x -> x.scenario()).flatMap(sc -> sc.importers().stream()
                        .filter(i -> i.name().equals(importer)).findFirst()).map(i -> String.valueOf(i.device()))
                        .orElse("");
                record("attach", d.address(), index, "ok", at.description(), Map.of("importer", importer,
                        "attachment", Integer.toString(id), "inode", Long.toString(b.inode()),
                        "mapped", Boolean.toString(mapped.startsWith("mapped")), "importerDevice", importerDevice));
                return at;
            }
            Outcome<Long> o = session(kernel, d).importIntoIoas(b);
            if (!o.isOk()) {
                throw o.failure().orElseThrow();
            }
            Attached at = new Attached(b, String.format("iommufd IOAS, iova 0x%x", o.value()));
            record("attach", d.address(), index, "ok", at.description(), Map.of("importer", "iommufd",
                    "inode", Long.toString(b.inode()), "iova", Long.toString(o.value()),
                    "importerDevice", d.address().toString()));
            return at;
        }, at -> {
            revocations.track(Tracked.active(Tracked.Kind.ATTACHMENT, d.address(), index, at.buf().inode(),
                    at.description()));
            panel.showResult("attached", Badge.Tone.GREEN, "Attached to dma-buf inode " + at.buf().inode() + ": "
                    + at.description() + ".");
            status.accept(d.address() + " " + row.region().name() + ": " + at.description());
        });
    }

    private record Attached(DmaBuf buf, String description) {
    }

    @FunctionalInterface
    private interface SessionCall {
        void call(DeviceSession s) throws KernelException;
    }

    private void deviceAction(Kernel kernel, PciDevice d, TryItPanel.Action a, SessionCall call, String done) {
        run(a.label() + " " + d.address(), a, d, -1, () -> {
            call.call(session(kernel, d));
            record(a.operation(), d.address(), -1, "ok", done, Map.of());
            return Boolean.TRUE;
        }, ok -> {
            panel.showResult(a.label().toLowerCase(java.util.Locale.ROOT) + ": ok", Badge.Tone.GREEN, done);
            status.accept(d.address() + " " + a.label().toLowerCase(java.util.Locale.ROOT) + ": ok");
        });
    }

    /** Closes the device fd: mappings unmapped (dead), dma-bufs revoked for good (the kernel's cleanup event). */
    private void closeDevice(LoadedHost h, PciDevice d) {
        Optional<LabKernel> lab = h.handle().flatMap(x -> x.labKernel());
        run("Close device " + d.address(), TryItPanel.Action.CLOSE, d, -1, () -> {
            DeviceSession s = sessions.get(d.address());
            if (s == null || s.deviceClosed()) {
                record("close", d.address(), -1, "not-open", "no open session for " + d.address(), Map.of());
                return Boolean.FALSE;
            }
            s.closeDevice();
            mappings.remove(d.address());
            record("close", d.address(), -1, "ok", "device fd closed", Map.of());
            // the last user is gone: an unbind that waited for it completes now (vfio_unregister_group_dev)
            if (unbindWaiting.contains(d.address()) && lab.isPresent()
                    && lab.get().driverOf(d.address()).isEmpty()) {
                unbindWaiting.remove(d.address());
                recordUnbound(lab, d.address(), "unbind of " + d.address() + " completed: its last user closed it");
            }
            return Boolean.TRUE;
        }, closed -> {
            if (closed) {
                revocations.tracked().stream().filter(t -> t.kind() == Tracked.Kind.MAPPING
                        && t.device().equals(d.address())).forEach(t -> t.state().set(TrackState.DEAD));
                panel.showResult("closed", Badge.Tone.INFO, "Device fd closed: its dma-bufs are revoked for good; "
                        + "the next action opens the device again.");
                status.accept(d.address() + " closed");
            } else {
                panel.showResult("not open", Badge.Tone.UNKNOWN, "The app has no open session for " + d.address()
                        + ".");
            }
        });
    }

    /**
     * P2P the old way: mmap this device's BAR, and VFIO_IOMMU_MAP_DMA that address into the type1 container of
     * {@code into} (another group). The mapping stays, as a VMM's would.
     */
    private void mapType1(LoadedHost h, Kernel kernel, PciDevice d, BarRow row, PciAddress into) {
        if (into == null) {
            return;
        }
        Optional<PciDevice> target = h.inventory().device(into);
        if (target.isEmpty()) {
            return;
        }
        int index = row.region().index();
        run("Map " + row.region().name() + " into the type1 container of " + into, TryItPanel.Action.MAP_TYPE1, d,
                index, () -> {
            DeviceSession source = session(kernel, d);
            RegionInfo info = source.regionInfo(index);
            Mapping m = source.mmap(info, info.pageSpan(), Kernel.PROT_READ | Kernel.PROT_WRITE);
            mappings.computeIfAbsent(d.address(), k -> new ArrayList<>()).add(m);
            long iova = nextIova;
            session(kernel, target.get()).mapDma(m.vaddr(), iova, m.length());
            nextIova += (m.length() + (1L << 30) - 1) & ~((1L << 30) - 1);
            String what = String.format("%s of %s mapped into the type1 container of %s at iova 0x%x, length %s",
                    row.region().name(), d.address(), into, iova, org.vfioinspector.bridge.model.Sizes.human(
                    m.length()));
            type1BySource.computeIfAbsent(d.address(), k -> new ArrayList<>()).add(what);
            record("map-type1", d.address(), index, "ok", what, Map.of("into", into.toString(),
                    "iova", Long.toString(iova), "length", Long.toString(m.length()),
                    "vaddr", Long.toString(m.vaddr())));
            return what;
        }, what -> {
            revocations.track(Tracked.active(Tracked.Kind.MAPPING, d.address(), index, -1, row.region().name()
                    + " mmap for type1 P2P into " + into));
            panel.showResult("type1: mapped", Badge.Tone.GREEN, what + ". type1 keeps no reference on "
                    + d.address() + ".");
            status.accept(what);
        });
    }

    /**
     * Unbinds the device from vfio-pci. The kernel waits while the device is in use: the lab reports that at once
     * (and completes the unbind when the last user closes it); on a real host the app does not write while it holds
     * the device itself, since the write would wait for the app.
     */
    private void unbind(LoadedHost h, Kernel kernel, PciDevice d) {
        Optional<LabKernel> lab = h.handle().flatMap(x -> x.labKernel());
        run("Unbind " + d.address(), TryItPanel.Action.UNBIND, d, -1, () -> {
            DeviceSession own = sessions.get(d.address());
            if (lab.isEmpty() && own != null && !own.deviceClosed()) {
                record("unbind", d.address(), -1, "cancelled", "unbind not written: this app still has "
                        + d.address() + " open and the kernel would wait for it", Map.of());
                return "Close the device first: the kernel waits until every user of " + d.address() + " is gone.";
            }
            try {
                kernel.writeAttribute("bus/pci/drivers/vfio-pci/unbind", d.address().toString());
            } catch (org.vfioinspector.bridge.lab.LabBlockedException e) {
                unbindWaiting.add(d.address());
                record("unbind", d.address(), -1, e.errnoName(), "unbind waits: " + e.waitsFor(),
                        Map.of("waitsFor", e.waitsFor()));
                return "The unbind waits until the device's users are gone (" + e.waitsFor() + "); close the "
                        + "device and it completes.";
            }
            return recordUnbound(lab, d.address(), d.address() + " unbound from vfio-pci");
        }, message -> {
            panel.showResult("unbind", Badge.Tone.INFO, message);
            status.accept(message);
        });
    }

    /** Records a completed unbind with the type1 mappings of the device's BARs that outlived it. */
    private String recordUnbound(Optional<LabKernel> lab, PciAddress a, String what) {
        DeviceSession s = sessions.remove(a);
        if (s != null) {
            try {
                s.close();
            } catch (KernelException | RuntimeException e) {
                LOG.log(Level.WARNING, "Closing the session of unbound " + a, e);
            }
        }
        lastBuf.keySet().removeIf(k -> k.startsWith(a + "/"));
        // type1 never drops a mapping by itself: the lab can show it; on a real host, the ones this app made remain
        long stale = lab.map(k -> k.staleType1Mappings().stream().filter(m -> a.equals(m.source())).count())
                .orElse((long) type1BySource.getOrDefault(a, List.of()).size());
        String text = what + (stale == 0 ? "" : "; " + stale + " type1 mapping(s) still point at its BAR "
                + "(use-after-free: nothing told the IOMMU)");
        record("unbind", a, -1, "ok", text, Map.of("type1Stale", Long.toString(stale)));
        return text;
    }

    // ---- plumbing --------------------------------------------------------------------------------------------

    /** The device's session (vfio-io thread): opened on first use, opened again after a close. */
    private DeviceSession session(Kernel kernel, PciDevice d) throws KernelException {
        DeviceSession s = sessions.get(d.address());
        if (s != null && s.deviceClosed()) {
            sessions.remove(d.address());
            lastBuf.keySet().removeIf(k -> k.startsWith(d.address() + "/"));
            s.close();
            s = null;
        }
        if (s == null) {
            int group = d.iommuGroup().orElseThrow(() -> new IllegalStateException(d.address()
                    + " is in no IOMMU group"));
            s = DeviceSession.open(kernel, new DeviceTarget(d.address(), group, d.vfioDevice().orElse(null),
                    d.driver().orElse(null)), OpenPath.AUTO);
            sessions.put(d.address(), s);
        }
        return s;
    }

    private static String key(PciAddress a, int index) {
        return a + "/" + index;
    }

    /** Records on the vfio-io thread, right where the kernel answered: the journal has it before the screen. */
    private void record(String operation, PciAddress device, int region, String result, String detail,
                        Map<String, String> facts) {
        ctx.activity().action(operation, device, region, result, detail, facts);
    }

    /**
     * Runs {@code work} on vfio-io. The work records its own expected answers; an exception it throws is recorded
     * here as the action's result (its errno name, or "error") before it is shown.
     */
    private <T> void run(String title, TryItPanel.Action action, PciDevice d, int region, Callable<T> work,
                         Consumer<T> done) {
        panel.setBusy(true);
        status.accept(title + "…");
        Callable<T> recorded = () -> {
            try {
                return work.call();
            } catch (Exception e) {
                record(action.operation(), d.address(), region, e instanceof KernelException k ? k.errnoName()
                        : "error", title + ": " + e.getMessage(), Map.of());
                throw e;
            }
        };
        UiTasks.call(recorded).title(title)
                .onSuccess(done)
                .onError(Exception.class, e -> {
                    panel.showResult("failed", Badge.Tone.RED, ErrorDetails.of(title, e).summary(),
                            ErrorDetails.of(title, e));
                    errors.show(title, e);
                })
                .andFinally(() -> panel.setBusy(false))
                .runOnce(ctx.vfioIo());
    }
}
