package org.vfioinspector.app.gui;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javafx.application.Platform;
import javafx.concurrent.Task;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.stage.Window;
import org.vfioinspector.app.gui.common.Badge;
import org.vfioinspector.app.gui.common.ErrorDetails;
import org.vfioinspector.app.gui.common.ErrorPresenter;
import org.vfioinspector.app.gui.common.KernelCalls;
import org.vfioinspector.app.gui.common.UiTasks;
import org.vfioinspector.app.gui.device.BarRow;
import org.vfioinspector.app.gui.device.TryItPanel;
import org.vfioinspector.app.gui.dmabuf.RevocationModel;
import org.vfioinspector.app.gui.dmabuf.Tracked;
import org.vfioinspector.app.gui.host.LoadedHost;
import org.vfioinspector.bridge.kernel.Attachment;
import org.vfioinspector.bridge.kernel.Errno;
import org.vfioinspector.bridge.kernel.Importer;
import org.vfioinspector.bridge.kernel.Kernel;
import org.vfioinspector.bridge.kernel.KernelException;
import org.vfioinspector.bridge.kernel.Mapping;
import org.vfioinspector.bridge.kernel.iommufd.IommufdImporter;
import org.vfioinspector.bridge.revocation.RevocationTracker;
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
 * through {@link UiTasks}; the session map is touched only there, in that thread's {@code IoState}. A call that
 * waits in the kernel past the grace period can be abandoned: see {@link KernelCalls}. On a real host a state-changing action asks
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

    /**
     * What the current vfio-io thread holds. Read by each task when it starts (on vfio-io); replaced, from the FX
     * thread, when a stuck call is abandoned: the stuck task keeps the old one, which is then dead.
     */
    private volatile IoState io = new IoState(new AtomicLong(1L << 32));

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
            closeAllSessions(io);
            if (old != null) {
                old.handle().ifPresent(org.vfioinspector.bridge.host.Host::close);
            }
        });
        // the kernel's own importers: a lab scenario's at once (a list, no kernel call); a real kernel's (the test
        // importer module's, where it is loaded) and iommufd on vfio-io, since both look at the device root
        List<String> own = now.isLab() ? now.kernel().map(k -> k.importers().stream().map(Importer::name).toList())
                .orElse(List.of()) : List.of();
        panel.setImporters(own, "");
        now.kernel().ifPresent(kernel -> ctx.vfioIo().execute(() -> {
            List<String> names = new ArrayList<>(now.isLab() ? own
                    : kernel.importers().stream().map(Importer::name).toList());
            Optional<String> noIommufd = IommufdImporter.unavailable(kernel);
            if (noIommufd.isEmpty()) {
                names.add(IommufdImporter.NAME);
            }
            String why = "No importer: " + noIommufd.orElse("") + (now.isLab() ? "; this lab scenario has no "
                    + "in-kernel importers either." : ".");
            Platform.runLater(() -> {
                if (host == now) {
                    panel.setImporters(names, why);
                }
            });
        }));
    }

    /** The app stops: closes every session on vfio-io (before the executor is shut down). */
    void stop() {
        try {
            ctx.vfioIo().submit(() -> closeAllSessions(io)).get(2, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(Level.WARNING, "Closing the device sessions at stop", e);
        }
    }

    private static void closeAllSessions(IoState st) {
        st.close(st.sessions.keySet());
        st.mappings.clear();
        st.lastBuf.clear();
        st.type1BySource.clear();
        st.unbindWaiting.clear();
        st.nextIova.set(1L << 32);
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
        run("Try mmap " + row.region().name(), TryItPanel.Action.MMAP, d, index, st -> {
            DeviceSession s = st.session(kernel, d);
            RegionInfo info = s.regionInfo(index);
            Mapping m;
            try {
                m = s.mmap(info, info.pageSpan(), Kernel.PROT_READ);
            } catch (KernelException e) {
                st.record("mmap", d.address(), index, e.errnoName(), "mmap " + row.region().name() + " refused: "
                        + e.getMessage(), Map.of("errno", Integer.toString(e.errno())));
                return new MmapResult(Outcome.failed(e), null);
            }
            st.mappings.computeIfAbsent(d.address(), k -> new ArrayList<>()).add(m);
            Outcome<Integer> read;
            try {
                read = Outcome.ok(m.readInt(0));
            } catch (KernelException e) {
                read = Outcome.failed(e);
            }
            st.record("mmap", d.address(), index, read.result(), "mmap " + row.region().name() + " PROT_READ, "
                    + "length " + m.length() + (read.isOk() ? String.format(", first dword 0x%08x", read.value())
                    : ", reading it: " + read.result()), read.isOk() ? Map.of("length", Long.toString(m.length()),
                    "value", String.format("0x%08x", read.value())) : Map.of("length", Long.toString(m.length())));
            return new MmapResult(read, m);
        }, res -> {
            Outcome<Integer> o = res.outcome();
            String value = o.isOk() ? String.format("0x%08x", o.value()) : null;
            row.triedProperty().set(row.triedProperty().get().withMmap(o.result(), value));
            if (res.mapping() != null) {
                revocations.track(Tracked.active(RevocationTracker.Kind.MAPPING, d.address(), index, -1,
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
        run("Export dma-buf " + row.region().name(), TryItPanel.Action.EXPORT, d, index, st -> {
            DeviceSession s = st.session(kernel, d);
            try {
                DmaBuf b = s.exportDmaBuf(index, List.of(new VfioDmaBuf.Range(offset, length)),
                        Kernel.O_RDWR | Kernel.O_CLOEXEC, null);
                st.lastBuf.put(key(d.address(), index), b);
                Map<String, String> facts = new HashMap<>(asked);
                facts.put("inode", Long.toString(b.inode()));
                facts.put("fd", Integer.toString(b.fd()));
                st.record("export", d.address(), index, "ok", "dma-buf of " + row.region().name() + " " + range
                        + ": fd " + b.fd() + ", inode " + b.inode(), facts);
                return Outcome.ok(b);
            } catch (KernelException e) {
                st.record("export", d.address(), index, e.errnoName(), "dma-buf export of " + row.region().name()
                        + " " + range + " refused: " + e.getMessage(), asked);
                return Outcome.<DmaBuf>failed(e);
            }
        }, o -> {
            row.triedProperty().set(row.triedProperty().get().withDmabuf(o.result()));
            if (o.isOk()) {
                DmaBuf b = o.value();
                revocations.track(Tracked.active(RevocationTracker.Kind.DMABUF, d.address(), index, b.inode(),
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

    /**
     * Attaches an importer to the last dma-buf of the BAR: the kernel's own (a lab scenario's) by name, or iommufd
     * (IOMMU_IOAS_MAP_FILE into the session's IOAS: on the cdev path the device is attached to it).
     */
    private void attach(LoadedHost h, Kernel kernel, PciDevice d, BarRow row, String importer) {
        if (importer == null) {
            return;
        }
        int index = row.region().index();
        run("Attach " + importer, TryItPanel.Action.ATTACH, d, index, st -> {
            DmaBuf b = st.lastBuf.get(key(d.address(), index));
            if (b == null || b.isClosed()) {
                throw new IllegalStateException("Export a dma-buf of " + row.region().name() + " first: the "
                        + "importer attaches to the last one exported.");
            }
            Importer imp = importer.equals(IommufdImporter.NAME) ? st.session(kernel, d).iommufdImporter()
                    : kernel.importers().stream().filter(i -> i.name().equals(importer)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("This host offers no importer " + importer + "."));
            Attachment at = imp.attach(b.fd());
            Map<String, String> facts = new HashMap<>(Map.of("importer", importer, "inode", Long.toString(b.inode()),
                    "mapped", Boolean.toString(at.mapped()), "importerDevice",
                    imp.device().map(Object::toString).orElse("")));
            if (at.address() >= 0) {
                facts.put("address", Long.toString(at.address()));
            }
            st.record("attach", d.address(), index, "ok", at.describe(), facts);
            return new Attached(b, at.describe());
        }, at -> {
            revocations.track(Tracked.active(RevocationTracker.Kind.ATTACHMENT, d.address(), index, at.buf().inode(),
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
        run(a.label() + " " + d.address(), a, d, -1, st -> {
            call.call(st.session(kernel, d));
            st.record(a.operation(), d.address(), -1, "ok", done, Map.of());
            return Boolean.TRUE;
        }, ok -> {
            panel.showResult(a.label().toLowerCase(java.util.Locale.ROOT) + ": ok", Badge.Tone.GREEN, done);
            status.accept(d.address() + " " + a.label().toLowerCase(java.util.Locale.ROOT) + ": ok");
        });
    }

    /** Closes the device fd: mappings unmapped (dead), dma-bufs revoked for good (the kernel's cleanup event). */
    private void closeDevice(LoadedHost h, PciDevice d) {
        Kernel kernel = h.kernel().orElseThrow();
        run("Close device " + d.address(), TryItPanel.Action.CLOSE, d, -1, st -> {
            DeviceSession s = st.sessions.get(d.address());
            if (s == null || s.deviceClosed()) {
                st.record("close", d.address(), -1, "not-open", "no open session for " + d.address(), Map.of());
                return Boolean.FALSE;
            }
            s.closeDevice();
            st.mappings.remove(d.address());
            st.record("close", d.address(), -1, "ok", "device fd closed", Map.of());
            // the last user is gone: an unbind that waited for it completes now (vfio_unregister_group_dev)
            if (st.unbindWaiting.contains(d.address()) && kernel.driverOf(d.address()).isEmpty()) {
                st.unbindWaiting.remove(d.address());
                recordUnbound(st, d.address(), "unbind of " + d.address() + " completed: its last user closed it");
            }
            return Boolean.TRUE;
        }, closed -> {
            if (closed) {
                revocations.letGo(RevocationTracker.Kind.MAPPING, d.address());
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
                index, Set.of(d.address(), into), st -> {
            DeviceSession source = st.session(kernel, d);
            RegionInfo info = source.regionInfo(index);
            Mapping m = source.mmap(info, info.pageSpan(), Kernel.PROT_READ | Kernel.PROT_WRITE);
            st.mappings.computeIfAbsent(d.address(), k -> new ArrayList<>()).add(m);
            // reserved before the call: a late answer of an abandoned one must not hand the same IOVA out again
            long iova = st.nextIova.getAndAdd((m.length() + (1L << 30) - 1) & ~((1L << 30) - 1));
            st.legacySession(kernel, target.get()).mapDma(m.vaddr(), iova, m.length());
            String what = String.format("%s of %s mapped into the type1 container of %s at iova 0x%x, length %s",
                    row.region().name(), d.address(), into, iova, org.vfioinspector.bridge.model.Sizes.human(
                    m.length()));
            st.type1BySource.computeIfAbsent(d.address(), k -> new ArrayList<>()).add(what);
            st.record("map-type1", d.address(), index, "ok", what, Map.of("into", into.toString(),
                    "iova", Long.toString(iova), "length", Long.toString(m.length()),
                    "vaddr", Long.toString(m.vaddr())));
            return what;
        }, what -> {
            revocations.track(Tracked.active(RevocationTracker.Kind.MAPPING, d.address(), index, -1, row.region().name()
                    + " mmap for type1 P2P into " + into));
            panel.showResult("type1: mapped", Badge.Tone.GREEN, what + ". type1 keeps no reference on "
                    + d.address() + ".");
            status.accept(what);
        });
    }

    /**
     * Unbinds the device from vfio-pci. The kernel waits while the device is in use: a kernel that can say so (the
     * lab) answers BLOCKED at once, and completes the unbind when the last user closes it; a real one would sleep in
     * the write, so the app does not write while it holds the device itself.
     */
    private void unbind(LoadedHost h, Kernel kernel, PciDevice d) {
        run("Unbind " + d.address(), TryItPanel.Action.UNBIND, d, -1, st -> {
            DeviceSession own = st.sessions.get(d.address());
            if (!h.isLab() && own != null && !own.deviceClosed()) {
                st.record("unbind", d.address(), -1, "cancelled", "unbind not written: this app still has "
                        + d.address() + " open and the kernel would wait for it", Map.of());
                return "Close the device first: the kernel waits until every user of " + d.address() + " is gone.";
            }
            try {
                kernel.writeAttribute("bus/pci/drivers/vfio-pci/unbind", d.address().toString());
            } catch (KernelException e) {
                if (!e.isBlocked()) {
                    throw e;
                }
                String waits = e.waitsFor().orElse("");
                st.unbindWaiting.add(d.address());
                st.record("unbind", d.address(), -1, e.errnoName(), "unbind waits: " + waits,
                        Map.of("waitsFor", waits));
                return "The unbind waits until the device's users are gone (" + waits + "); close the "
                        + "device and it completes.";
            }
            return recordUnbound(st, d.address(), d.address() + " unbound from vfio-pci");
        }, message -> {
            panel.showResult("unbind", Badge.Tone.INFO, message);
            status.accept(message);
        });
    }

    /** Records a completed unbind with the type1 mappings of the device's BARs that outlived it. */
    private String recordUnbound(IoState st, PciAddress a, String what) {
        DeviceSession s = st.sessions.remove(a);
        if (s != null) {
            try {
                s.close();
            } catch (KernelException | RuntimeException e) {
                LOG.log(Level.WARNING, "Closing the session of unbound " + a, e);
            }
        }
        st.lastBuf.keySet().removeIf(k -> k.startsWith(a + "/"));
        // type1 never drops a mapping by itself (nothing tells the IOMMU): every one this app made of the BAR remains
        long stale = st.type1BySource.getOrDefault(a, List.of()).size();
        String text = what + (stale == 0 ? "" : "; " + stale + " type1 mapping(s) still point at its BAR "
                + "(use-after-free: nothing told the IOMMU)");
        st.record("unbind", a, -1, "ok", text, Map.of("type1Stale", Long.toString(stale)));
        return text;
    }

    // ---- plumbing --------------------------------------------------------------------------------------------

    /**
     * What one vfio-io thread holds: the open sessions and what the app keeps of them. Only its thread touches it,
     * except the hand-over after an abandon, which moves the entries of the devices the stuck call does not involve
     * to the fresh thread's state (concurrent maps: the stuck thread may wake meanwhile, and touches only its own
     * devices' entries). A dead state opens nothing, and what its late task records is marked "late".
     */
    private final class IoState {
        final Map<PciAddress, DeviceSession> sessions = new ConcurrentHashMap<>();
        /** The mappings the app keeps, by device. */
        final Map<PciAddress, List<Mapping>> mappings = new ConcurrentHashMap<>();
        /** The last dma-buf exported per device and region ("bdf/index"). */
        final Map<String, DmaBuf> lastBuf = new ConcurrentHashMap<>();
        /** type1 mappings of a device's BAR made into other devices' containers, by source. */
        final Map<PciAddress, List<String>> type1BySource = new ConcurrentHashMap<>();
        /** Devices whose unbind waits for their users (lab: the kernel completes it on close). */
        final Set<PciAddress> unbindWaiting = ConcurrentHashMap.newKeySet();
        /** The next IOVA for a type1 mapping (above 4 GiB, clear of the usual reserved ranges); shared by all. */
        final AtomicLong nextIova;
        /** Set when its thread was abandoned in a kernel call. */
        volatile boolean dead;

        IoState(AtomicLong nextIova) {
            this.nextIova = nextIova;
        }

        /** The device's session: opened on first use, opened again after a close. */
        DeviceSession session(Kernel kernel, PciDevice d) throws KernelException {
            return session(kernel, d, OpenPath.AUTO);
        }

        /** {@link #session(Kernel, PciDevice)}, opened on {@code path} when it has to be opened. */
        DeviceSession session(Kernel kernel, PciDevice d, OpenPath path) throws KernelException {
            if (dead) {
                throw new IllegalStateException("the vfio-io thread of this call was abandoned: it opens nothing");
            }
            DeviceSession s = sessions.get(d.address());
            if (s != null && s.deviceClosed()) {
                sessions.remove(d.address());
                lastBuf.keySet().removeIf(k -> k.startsWith(d.address() + "/"));
                s.close();
                s = null;
            }
            if (s == null) {
                s = DeviceSession.open(kernel, DeviceTarget.of(d), path);
                sessions.put(d.address(), s);
            }
            return s;
        }

        /**
         * The device's session on the legacy path, for its type1 container (VFIO_IOMMU_MAP_DMA): opened so where the
         * app has none (AUTO would take the cdev on a kernel with iommufd, and a cdev session has no container); one
         * open through the cdev is refused, as the kernel would refuse the group's open while the cdev is bound.
         */
        DeviceSession legacySession(Kernel kernel, PciDevice d) throws KernelException {
            DeviceSession s = session(kernel, d, OpenPath.LEGACY);
            if (s.openPath() != OpenPath.LEGACY) {
                throw new org.vfioinspector.bridge.session.SessionException("VFIO_IOMMU_MAP_DMA",
                        d.address().toString(), "the app has the device open through its cdev (iommufd), which has "
                        + "no type1 container", "Close the device in the app first, then map into its container.");
            }
            return s;
        }

        /**
         * Records on the vfio-io thread, right where the kernel answered: the journal has it before the screen. An
         * answer that comes after its call was abandoned is recorded as "late", with the kernel's answer beside.
         */
        void record(String operation, PciAddress device, int region, String result, String detail,
                    Map<String, String> facts) {
            if (!dead) {
                ctx.activity().action(operation, device, region, result, detail, facts);
                return;
            }
            Map<String, String> f = new HashMap<>(facts);
            f.put("answer", result);
            ctx.activity().action(operation, device, region, "late", "late answer of an abandoned call ("
                    + result + "), not applied: " + detail, f);
        }

        /** Moves every entry of the devices not in {@code keep} to {@code fresh} (on the fresh thread). */
        void handOver(IoState fresh, Set<PciAddress> keep) {
            moveEntries(sessions, fresh.sessions, k -> !keep.contains(k));
            moveEntries(mappings, fresh.mappings, k -> !keep.contains(k));
            moveEntries(type1BySource, fresh.type1BySource, k -> !keep.contains(k));
            moveEntries(lastBuf, fresh.lastBuf, k -> keep.stream().noneMatch(a -> k.startsWith(a + "/")));
            for (PciAddress a : List.copyOf(unbindWaiting)) {
                if (!keep.contains(a) && unbindWaiting.remove(a)) {
                    fresh.unbindWaiting.add(a);
                }
            }
        }

        /** Closes the sessions of {@code devices} (a dead state: on the thread that was stuck, once it is back). */
        void close(Set<PciAddress> devices) {
            for (PciAddress a : List.copyOf(devices)) {
                DeviceSession s = sessions.remove(a);
                if (s == null) {
                    continue;
                }
                try {
                    s.close();
                } catch (KernelException | RuntimeException e) {
                    LOG.log(Level.WARNING, "Closing the session of " + s.target().bdf(), e);
                }
            }
        }
    }

    private static <K, V> void moveEntries(Map<K, V> from, Map<K, V> to, java.util.function.Predicate<K> which) {
        for (K k : List.copyOf(from.keySet())) {
            if (which.test(k)) {
                V v = from.remove(k);
                if (v != null) {
                    to.put(k, v);
                }
            }
        }
    }

    private static String key(PciAddress a, int index) {
        return a + "/" + index;
    }

    /** Records from the FX thread (an action cancelled at its confirmation). */
    private void record(String operation, PciAddress device, int region, String result, String detail,
                        Map<String, String> facts) {
        ctx.activity().action(operation, device, region, result, detail, facts);
    }

    /** Work for the vfio-io thread, given that thread's state. */
    @FunctionalInterface
    private interface Work<T> {
        T call(IoState st) throws Exception;
    }

    private <T> void run(String title, TryItPanel.Action action, PciDevice d, int region, Work<T> work,
                         Consumer<T> done) {
        run(title, action, d, region, Set.of(d.address()), work, done);
    }

    /**
     * Runs {@code work} on vfio-io. The work records its own expected answers; an exception it throws is recorded
     * here as the action's result (its errno name, or "error") before it is shown. When it has not answered after
     * the grace period the panel says what it waits for, with Abandon; {@code involved} are the devices whose
     * sessions the call may touch (left with the stuck thread when it is abandoned).
     */
    private <T> void run(String title, TryItPanel.Action action, PciDevice d, int region, Set<PciAddress> involved,
                         Work<T> work, Consumer<T> done) {
        panel.setBusy(true);
        status.accept(title + "…");
        KernelCalls.Call call = ctx.kernelCalls().newCall();
        AtomicReference<IoState> used = new AtomicReference<>();
        Callable<T> recorded = () -> {
            IoState st = io;
            used.set(st);
            try {
                return work.call(st);
            } catch (Exception e) {
                st.record(action.operation(), d.address(), region, e instanceof KernelException k ? k.errnoName()
                        : "error", title + ": " + e.getMessage(), Map.of());
                throw e;
            }
        };
        String what = kernelCall(action, d, region) + " on " + d.address();
        Task<T> task = UiTasks.call(call.guard(recorded, late -> lateAnswer(title, used.get(), involved, late)))
                .title(title)
                .onSuccess(v -> {
                    if (!call.isAbandoned()) {
                        done.accept(v);
                    }
                })
                .onError(Exception.class, e -> {
                    if (!call.isAbandoned()) {
                        panel.showResult("failed", Badge.Tone.RED, ErrorDetails.of(title, e).summary(),
                                ErrorDetails.of(title, e));
                        errors.show(title, e);
                    }
                })
                .andFinally(() -> {
                    if (!call.isAbandoned()) {
                        panel.hideWaiting();
                        panel.setBusy(false);
                    }
                })
                .build();
        call.start(task, waited -> {
            String text = "Waiting for the kernel: " + what + " for " + waited.toSeconds() + " s";
            panel.showWaiting(text, () -> abandon(call, action, d, region, involved, what));
            status.accept(text + " (Abandon in the try-it panel)");
        });
    }

    /**
     * Abandon (FX thread): the stuck thread keeps its state, now dead, with the sessions of the devices the call
     * involves (their fds are in its hands); a fresh thread takes the other devices' sessions and every later call.
     */
    private void abandon(KernelCalls.Call call, TryItPanel.Action action, PciDevice d, int region,
                         Set<PciAddress> involved, String what) {
        IoState old = io;
        IoState fresh = new IoState(old.nextIova);
        long waited = call.elapsed().toSeconds();
        String meaning = "the call may still complete or fail in the kernel; the state of " + d.address()
                + " is unknown; the app no longer uses its session (its fds stay with the stuck thread until the "
                + "call returns); close the app to release it for sure";
        boolean gaveUp = call.abandon(() -> {
            old.dead = true;
            io = fresh;
        }, () -> {
            old.handOver(fresh, involved);
            ctx.activity().action(action.operation(), d.address(), region, "abandoned", "abandoned " + what
                    + " after " + waited + " s: " + meaning, Map.of("waitedSeconds", Long.toString(waited),
                    "thread", "left behind in the kernel"));
        });
        if (!gaveUp) {
            return; // it answered meanwhile: its result is on its way
        }
        panel.hideWaiting();
        panel.setBusy(false);
        panel.showResult("abandoned", Badge.Tone.WARNING, "Abandoned " + what + " after " + waited + " s: "
                + meaning + ". Later actions run on a fresh thread.");
        status.accept("Abandoned " + what + ": the call may still complete or fail in the kernel; the device's "
                + "state is unknown.");
    }

    /**
     * The answer of an abandoned call came after all (on the thread that was stuck): it was recorded as "late" by
     * the work; the thread now closes the sessions it kept, and the status bar says so (the panel keeps what it
     * shows: the answer is not current).
     */
    private void lateAnswer(String title, IoState st, Set<PciAddress> involved, KernelCalls.LateAnswer<?> late) {
        String answer = late.isOk() ? "ok" : late.error() instanceof KernelException k ? k.errnoName()
                : late.error().toString();
        LOG.log(Level.WARNING, "Late answer of the abandoned call '" + title + "' after "
                + late.elapsed().toMillis() + " ms: " + answer);
        if (st != null) {
            st.close(involved);
        }
        Platform.runLater(() -> status.accept("Late answer of the abandoned call " + title + ": " + answer
                + " (recorded, not applied)."));
    }

    /** The kernel call an action waits on, for the waiting message. */
    private static String kernelCall(TryItPanel.Action a, PciDevice d, int region) {
        String bar = region < 0 ? "" : " of region " + region;
        return switch (a) {
            case MMAP -> "mmap" + bar;
            case EXPORT -> "VFIO_DEVICE_FEATURE(DMA_BUF)" + bar;
            case ATTACH -> "the importer's attach" + bar;
            case RESET -> "VFIO_DEVICE_RESET";
            case MEMORY_OFF, MEMORY_ON -> "the PCI_COMMAND write";
            case CLOSE -> "close of the device fd";
            case MAP_TYPE1 -> "VFIO_IOMMU_MAP_DMA" + bar;
            case UNBIND -> "the vfio-pci unbind write";
        };
    }
}
