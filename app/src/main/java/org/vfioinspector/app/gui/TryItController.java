package org.vfioinspector.app.gui;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
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
import org.vfioinspector.app.gui.common.KernelCalls;
import org.vfioinspector.app.gui.common.UiTasks;
import org.vfioinspector.app.gui.device.BarRow;
import org.vfioinspector.app.gui.device.Held;
import org.vfioinspector.app.gui.device.Prediction;
import org.vfioinspector.app.gui.device.RulesVerdicts;
import org.vfioinspector.app.gui.device.TryItPanel;
import org.vfioinspector.app.gui.device.TryItPredictions;
import org.vfioinspector.app.gui.device.VerdictSource;
import org.vfioinspector.app.gui.dmabuf.RevocationModel;
import org.vfioinspector.app.gui.dmabuf.TrackState;
import org.vfioinspector.app.gui.dmabuf.Tracked;
import org.vfioinspector.app.gui.dmabuf.WitnessRead;
import org.vfioinspector.app.gui.host.LoadedHost;
import org.vfioinspector.bridge.kernel.Attachment;
import org.vfioinspector.bridge.kernel.Importer;
import org.vfioinspector.bridge.kernel.Kernel;
import org.vfioinspector.bridge.kernel.KernelException;
import org.vfioinspector.bridge.kernel.Mapping;
import org.vfioinspector.bridge.kernel.iommufd.IommufdImporter;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.model.PciDevice;
import org.vfioinspector.bridge.model.Region;
import org.vfioinspector.bridge.model.Sizes;
import org.vfioinspector.bridge.revocation.RevocationTracker;
import org.vfioinspector.bridge.rules.HostTopology;
import org.vfioinspector.bridge.session.DeviceSession;
import org.vfioinspector.bridge.session.DeviceTarget;
import org.vfioinspector.bridge.session.DmaBuf;
import org.vfioinspector.bridge.session.OpenPath;
import org.vfioinspector.bridge.session.Outcome;
import org.vfioinspector.bridge.session.RegionInfo;
import org.vfioinspector.bridge.session.SessionException;
import org.vfioinspector.bridge.uapi.VfioDmaBuf;
import org.vfioinspector.bridge.witness.DmaRead;
import org.vfioinspector.bridge.witness.DmaReader;
import org.vfioinspector.bridge.witness.EduDmaEngine;
import org.vfioinspector.bridge.witness.WitnessRules;

/**
 * Wires the try-it panel to the session layer. Keeps one open {@link DeviceSession} per device (opened on the
 * first action, closed when the host changes or the app stops). Every kernel call runs on the vfio-io executor
 * through {@link UiTasks}; the session map is touched only there, in that thread's {@code IoState}. A call that
 * waits in the kernel past the grace period can be abandoned: see {@link KernelCalls}. On a real host a
 * state-changing action asks first. What the app holds (mappings, dma-bufs, attachments, type1 maps) goes to the
 * revocation model, whose kernel events then move it; the DMA witness's reads go there too.
 *
 * <p>The kernel's answer is shown in the panel, beside what was predicted, never in a dialog. The panel's predictions
 * read what the app holds through {@link Held}, the FX thread's view of the vfio-io state, updated from each answer.
 *
 * <p>The DMA witness: a device with a DMA engine (QEMU's edu) reads, through its own IOMMU domain, what the app mapped
 * there: a peer's BAR with "Map into type1" (its type1 container: the device is opened on the legacy path) or a peer's
 * dma-buf with the iommufd importer into its IOAS (the cdev path). IOVAs stay below edu's 28-bit DMA mask: the two
 * RAM pages of the witness at {@link #WITNESS_RAM}, the peers from {@link #FIRST_IOVA} up.
 */
final class TryItController {
    private static final Logger LOG = System.getLogger(TryItController.class.getName());
    /** Where the witness's two RAM pages sit in an engine's domain (below every peer mapping). */
    static final long WITNESS_RAM = 0x10000;
    /** The first IOVA a peer is mapped at in a domain; each mapping then takes its size rounded up to 1 MiB. */
    static final long FIRST_IOVA = 0x100000;
    /** Bytes one DMA read of the witness compares. */
    static final int WITNESS_BYTES = 16;
    /** The iommufd importer into a device's IOAS is called "iommufd → BDF". */
    static final String INTO = "iommufd → ";

    private final AppContext ctx;
    private final TryItPanel panel;
    private final RevocationModel revocations;
    private final Consumer<String> status;
    private final Supplier<Window> owner;
    private final FxHeld held = new FxHeld();
    private LoadedHost host;
    private List<TryItPredictions.ImporterOption> importers = List.of();

    /**
     * What the current vfio-io thread holds. Read by each task when it starts (on vfio-io); replaced, from the FX
     * thread, when a stuck call is abandoned: the stuck task keeps the old one, which is then dead.
     */
    private volatile IoState io = new IoState();

    TryItController(AppContext ctx, TryItPanel panel, RevocationModel revocations, Consumer<String> status,
                    Supplier<Window> owner) {
        this.ctx = ctx;
        this.panel = panel;
        this.revocations = revocations;
        this.status = status;
        this.owner = owner;
        panel.setHandler(this::act);
        // the IOVA choice follows the engine chosen: what the app mapped into that device's domain
        panel.dmaEngineChoice().valueProperty().addListener((o, a, b) -> witnessIovas());
        // a kernel event moves what the predictions read: ask them again
        revocations.moments().addListener((javafx.collections.ListChangeListener<org.vfioinspector.app.gui.dmabuf.Moment>)
                c -> refresh());
    }

    /** A new host (FX thread): the old host's sessions are closed, then its handle, in that order, on vfio-io. */
    void hostChanged(LoadedHost old, LoadedHost now) {
        host = now;
        held.clear();
        ctx.vfioIo().execute(() -> {
            closeAllSessions(io);
            if (old != null) {
                old.handle().ifPresent(org.vfioinspector.bridge.host.Host::close);
            }
        });
        List<PciAddress> engines = dmaEngines(now);
        panel.setHostDmaEngines(engines);
        // the kernel's own importers: a lab scenario's at once (a list, no kernel call); a real kernel's (the test
        // importer module's, where it is loaded) and iommufd on vfio-io, since both look at the device root
        List<TryItPredictions.ImporterOption> own = now.isLab() ? now.kernel().map(k -> k.importers().stream()
                .map(i -> ownImporter(now, i)).toList()).orElse(List.of()) : List.of();
        setImporters(now, own, "");
        now.kernel().ifPresent(kernel -> ctx.vfioIo().execute(() -> {
            List<TryItPredictions.ImporterOption> all = new ArrayList<>(now.isLab() ? own
                    : kernel.importers().stream().map(i -> ownImporter(now, i)).toList());
            Optional<String> noIommufd = IommufdImporter.unavailable(kernel);
            if (noIommufd.isEmpty()) {
                all.add(new TryItPredictions.ImporterOption(IommufdImporter.NAME, null, true, null, true, true));
                // into the IOAS of each device with a DMA engine that can be opened on the cdev path
                for (PciAddress e : engines) {
                    boolean cdev = now.inventory().device(e).flatMap(PciDevice::vfioDevice).isPresent();
                    if (cdev) {
                        all.add(new TryItPredictions.ImporterOption(INTO + e, e, true, e, true, true));
                    }
                }
            }
            String why = "No importer: " + noIommufd.orElse("") + (now.isLab() ? "; this lab scenario has no "
                    + "in-kernel importers either." : ".");
            Platform.runLater(() -> {
                if (host == now) {
                    setImporters(now, all, why);
                }
            });
        }));
    }

    private void setImporters(LoadedHost h, List<TryItPredictions.ImporterOption> options, String why) {
        importers = List.copyOf(options);
        VerdictSource verdicts = h.verdicts().<VerdictSource>map(v -> new RulesVerdicts(v.predictions(),
                h.profileWhy())).orElse(VerdictSource.NONE);
        panel.setPredictions(new TryItPredictions(verdicts, new HostTopology(h.inventory(), Optional.empty()),
                !h.isLab(), held, importers));
        panel.setImporters(options.stream().map(TryItPredictions.ImporterOption::name).toList(), why);
    }

    /**
     * The kernel's own in-kernel importer, with the flags its attach and map depend on: a lab scenario's as the
     * scenario gives them; on a real host the harness's test importer module (a dynamic importer that sets
     * allow_peer2peer and unmaps in its invalidate callback).
     */
    private static TryItPredictions.ImporterOption ownImporter(LoadedHost h, Importer i) {
        if (!h.isLab()) {
            return new TryItPredictions.ImporterOption(i.name(), i.device().orElse(null), false, null, true, true);
        }
        Optional<org.vfioinspector.bridge.lab.scenario.LabScenario.Importer> flags = h.handle()
                .flatMap(org.vfioinspector.bridge.host.Host::scenario)
                .flatMap(s -> s.importers().stream().filter(x -> x.name().equals(i.name())).findFirst());
        return new TryItPredictions.ImporterOption(i.name(), i.device().orElse(null), false, null,
                flags.map(f -> f.peer2peer()).orElse(null), flags.map(f -> f.revocable()).orElse(null));
    }

    /**
     * The host's devices with a DMA engine the witness can drive, bound to vfio-pci: a lab scenario's
     * {@code dmaEngine: edu} devices, and on a real host QEMU's edu (1234:11e8).
     */
    static List<PciAddress> dmaEngines(LoadedHost h) {
        if (h.kernel().isEmpty()) {
            return List.of();
        }
        // a scenario's engines as a set: looking each device up in the scenario's list was quadratic, 1.2 s of the FX
        // thread for a 10,000-function host (JFR, issue 18 fourth round)
        Optional<java.util.Set<PciAddress>> scenarioEngines = h.handle()
                .flatMap(org.vfioinspector.bridge.host.Host::scenario)
                .map(s -> s.devices().stream().filter(d -> d.dmaEngine() != null)
                        .map(org.vfioinspector.bridge.lab.scenario.LabScenario.Device::bdf)
                        .collect(java.util.stream.Collectors.toSet()));
        return h.inventory().devices().stream()
                .filter(d -> d.driver().filter(DeviceTarget.VFIO_PCI::equals).isPresent() && d.iommuGroup().isPresent())
                .filter(d -> scenarioEngines.isPresent()
                        ? scenarioEngines.get().contains(d.address())
                        : EduDmaEngine.isEdu(d.vendorId(), d.deviceId()))
                .map(PciDevice::address).toList();
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
        st.attachments.clear();
        st.type1BySource.clear();
        st.unbindWaiting.clear();
        st.unbound.clear();
        st.domainsGone.clear();
    }

    // ---- the actions (FX thread) -------------------------------------------------------------------------------

    private void act(TryItPanel.Action a, TryItPanel.Request r) {
        LoadedHost h = host;
        if (h == null || h.kernel().isEmpty()) {
            return;
        }
        Prediction predicted = panel.predicted(a);
        if (a.changesDevice() && !h.isLab() && !confirm(a, r)) {
            record(a.operation(), a == TryItPanel.Action.DMA_READ ? r.engine() : r.device().address(),
                    r.row() == null || !a.needsBar() ? -1 : r.row().region().index(), "cancelled",
                    a.label() + " cancelled at the confirmation", Map.of());
            status.accept(a.label() + " cancelled.");
            return;
        }
        Kernel kernel = h.kernel().get();
        PciDevice d = r.device();
        Answer answer = new Answer(a, predicted);
        switch (a) {
            case MMAP -> tryMmap(kernel, d, r.row(), answer);
            case EXPORT -> export(kernel, d, r.row(), r.offset(), r.length(), answer);
            case ATTACH -> attach(h, kernel, d, r.row(), r.importer(), answer);
            case MAP_ATTACHMENT -> mapAgain(d, r.row(), answer);
            case DETACH -> detach(d, r.row(), answer);
            case RESET -> deviceAction(kernel, d, a, s -> s.reset(), "VFIO_DEVICE_RESET done: the device's dma-bufs "
                    + "were revoked, then restored; importers must map again.", answer);
            case MEMORY_OFF -> deviceAction(kernel, d, a, s -> s.setMemoryEnabled(false), "PCI_COMMAND.MEMORY "
                    + "cleared: BAR mappings fault (SIGBUS), dma-bufs are revoked until memory is on again.", answer);
            case MEMORY_ON -> deviceAction(kernel, d, a, s -> s.setMemoryEnabled(true), "PCI_COMMAND.MEMORY set: "
                    + "dma-bufs restored; importers must map again.", answer);
            case CLOSE -> closeDevice(h, d, answer);
            case MAP_TYPE1 -> mapType1(h, kernel, d, r.row(), r.into(), answer);
            case UNBIND -> unbind(h, kernel, d, answer);
            case DMA_READ -> dmaRead(h, kernel, r.engine(), r.iova(), answer);
        }
    }

    private boolean confirm(TryItPanel.Action a, TryItPanel.Request r) {
        PciAddress target = a == TryItPanel.Action.DMA_READ ? r.engine() : r.device().address();
        Alert alert = new Alert(Alert.AlertType.CONFIRMATION);
        Window w = owner.get();
        if (w != null) {
            alert.initOwner(w);
        }
        alert.setTitle(a.label());
        alert.setHeaderText(a.label() + " " + target + " on this machine?");
        alert.setContentText(a == TryItPanel.Action.DMA_READ
                ? "The device's DMA engine reads through its IOMMU (bus mastering on): it reaches whatever is mapped "
                + "at that IOVA."
                : "This changes the state of a real device: its dma-bufs are revoked, mappings may fault, and "
                + "whatever uses the device sees it.");
        ButtonType go = new ButtonType(a.label(), ButtonBar.ButtonData.OK_DONE);
        alert.getButtonTypes().setAll(go, ButtonType.CANCEL);
        return alert.showAndWait().filter(go::equals).isPresent();
    }

    /** What was predicted for a press, to show beside the kernel's answer. */
    private final class Answer {
        final TryItPanel.Action action;
        final Prediction predicted;

        Answer(TryItPanel.Action action, Prediction predicted) {
            this.action = action;
            this.predicted = predicted;
        }

        /**
         * Shows the kernel's answer with the prediction beside it: "as predicted", or what was predicted and why when
         * the kernel answered otherwise.
         *
         * @param got the answer in the predictions' words ("ok", "EINVAL", "IOMMU fault"), to compare
         */
        void show(String badge, Badge.Tone tone, String text, ErrorDetails details, String got) {
            String p = predicted.answer();
            boolean same = p.equals(got) || p.startsWith(got + ",") || p.startsWith(got + ":")
                    || (p.startsWith(got + " ") && !got.isEmpty());
            panel.showResult(badge, tone, text + (same ? "  As predicted (" + p + ")."
                    : "  Predicted: " + p + " — " + predicted.why() + "."), details);
        }

        void show(String badge, Badge.Tone tone, String text, String got) {
            show(badge, tone, text, null, got);
        }
    }

    /** mmap the BAR (kept, so the revocation view follows it) and read its first dword. */
    private void tryMmap(Kernel kernel, PciDevice d, BarRow row, Answer answer) {
        int index = row.region().index();
        run("Try mmap " + row.region().name(), answer, d, index, st -> {
            DeviceSession s = st.session(kernel, d, OpenPath.AUTO);
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
                // a mapping whose first read faults is there, but faulting (memory off): not active
                revocations.track(Tracked.of(RevocationTracker.Kind.MAPPING, d.address(), index, -1,
                        row.region().name() + " [0, " + Sizes.human(res.mapping().length()) + ") PROT_READ",
                        o.isSigbus() ? TrackState.REVOKED : TrackState.ACTIVE));
            }
            if (o.isOk()) {
                answer.show("mmap: ok", Badge.Tone.GREEN, "Mapped " + row.region().name() + "; first dword " + value
                        + ". The mapping stays open: the revocation view follows it.", "ok");
            } else if (o.isSigbus()) {
                answer.show("mmap: SIGBUS", Badge.Tone.WARNING, "The mapping exists but reading it faults (SIGBUS): "
                        + "memory decoding is off or the BAR is revoked. The revocation view shows it as faulting "
                        + "until memory is on again.", ErrorDetails.of("mmap", o.failure().orElseThrow()),
                        "ok, reads SIGBUS");
            } else {
                answer.show("mmap: " + o.result(), Badge.Tone.RED, "The kernel refused the mmap.",
                        ErrorDetails.of("mmap", o.failure().orElseThrow()), o.result());
            }
            status.accept(d.address() + " " + row.region().name() + " mmap: " + o.result()
                    + (value == null ? "" : " " + value));
        });
    }

    private record MmapResult(Outcome<Integer> outcome, Mapping mapping) {
    }

    /** Exports a dma-buf with the range editor's range. */
    private void export(Kernel kernel, PciDevice d, BarRow row, long offset, long length, Answer answer) {
        int index = row.region().index();
        String range = String.format("[0x%x, 0x%x)", offset, offset + length);
        Map<String, String> asked = Map.of("offset", Long.toString(offset), "length", Long.toString(length));
        boolean bornRevoked = held.memoryOff(d.address());
        run("Export dma-buf " + row.region().name(), answer, d, index, st -> {
            DeviceSession s = st.session(kernel, d, OpenPath.AUTO);
            try {
                DmaBuf b = s.exportDmaBuf(index, List.of(new VfioDmaBuf.Range(offset, length)),
                        Kernel.O_RDWR | Kernel.O_CLOEXEC, null);
                st.lastBuf.put(key(d.address(), index), b);
                st.attachments.remove(key(d.address(), index));
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
                Tracked t = Tracked.of(RevocationTracker.Kind.DMABUF, d.address(), index, b.inode(),
                        row.region().name() + " " + range + " fd " + b.fd(),
                        bornRevoked ? TrackState.REVOKED : TrackState.ACTIVE);
                revocations.track(t);
                held.bufs.put(key(d.address(), index), t);
                held.atts.remove(key(d.address(), index));
                answer.show("dma-buf: ok", bornRevoked ? Badge.Tone.WARNING : Badge.Tone.GREEN, "Exported "
                        + row.region().name() + " " + range + ": fd " + b.fd() + ", inode " + b.inode() + "."
                        + (bornRevoked ? " Memory is off: the buffer is born revoked (attach and map answer ENODEV "
                        + "until memory is on)." : ""), bornRevoked ? "ok, born revoked" : "ok");
            } else {
                KernelException e = o.failure().orElseThrow();
                org.vfioinspector.bridge.kernel.Errno errno = org.vfioinspector.bridge.kernel.Errno.of(e.errno());
                answer.show("dma-buf: " + o.result(), Badge.Tone.RED, "The kernel refused the export: "
                        + o.result() + (errno == null ? "" : " — " + errno.description()) + ".",
                        ErrorDetails.of("Export dma-buf", e), o.result());
            }
            status.accept(d.address() + " " + row.region().name() + " dma-buf export " + range + ": "
                    + o.result());
        });
    }

    /**
     * Attaches an importer to the last dma-buf of the BAR: the kernel's own (a lab scenario's) by name, or iommufd
     * (IOMMU_IOAS_MAP_FILE): into the exporter session's own IOAS (on the cdev path the exporter is attached to it),
     * or into the IOAS of a device with a DMA engine (opened on the cdev path), at a low IOVA its engine reaches.
     */
    private void attach(LoadedHost h, Kernel kernel, PciDevice d, BarRow row, String importer, Answer answer) {
        if (importer == null) {
            return;
        }
        int index = row.region().index();
        Optional<TryItPredictions.ImporterOption> option = importers.stream().filter(i -> i.name().equals(importer))
                .findFirst();
        PciAddress ioasOf = option.map(TryItPredictions.ImporterOption::ioasOf).orElse(null);
        Optional<PciDevice> engine = ioasOf == null ? Optional.empty() : h.inventory().device(ioasOf);
        Set<PciAddress> involved = ioasOf == null ? Set.of(d.address()) : Set.of(d.address(), ioasOf);
        run("Attach " + importer, answer, d, index, involved, st -> {
            DmaBuf b = st.lastBuf.get(key(d.address(), index));
            if (b == null || b.isClosed()) {
                throw new IllegalStateException("Export a dma-buf of " + row.region().name() + " first: the "
                        + "importer attaches to the last one exported.");
            }
            Attachment at;
            Domain dom = null;
            long iova = -1;
            if (engine.isPresent()) {
                DeviceSession es = st.session(kernel, engine.get(), OpenPath.CDEV);
                dom = st.domain(engine.get().address(), es);
                iova = dom.reserve(b.size());
                at = es.iommufdImporter().attach(b.fd(), iova);
                dom.entries.add(new DomainIo(iova, b.size(), WitnessRules.Mapped.DMA_BUF, d.address(), index,
                        peerBytes(st.session(kernel, d, OpenPath.AUTO), index, b.ranges().get(0).offset())));
            } else {
                Importer imp = importer.equals(IommufdImporter.NAME)
                        ? st.session(kernel, d, OpenPath.AUTO).iommufdImporter()
                        : kernel.importers().stream().filter(i -> i.name().equals(importer)).findFirst()
                        .orElseThrow(() -> new IllegalStateException("This host offers no importer " + importer
                        + "."));
                at = imp.attach(b.fd());
            }
            st.attachments.put(key(d.address(), index), at);
            Map<String, String> facts = new HashMap<>(Map.of("importer", importer, "inode", Long.toString(b.inode()),
                    "mapped", Boolean.toString(at.mapped()), "importerDevice",
                    at.importer().device().map(Object::toString).orElse("")));
            if (at.address() >= 0) {
                facts.put("address", Long.toString(at.address()));
            }
            at.mapRefusal().ifPresent(e -> facts.put("mapRefused", e.errnoName()));
            st.record("attach", d.address(), index, "ok", at.describe(), facts);
            return new Attached(b, at.describe(), at.mapRefusal().orElse(null), iova);
        }, at -> {
            Tracked t = Tracked.active(RevocationTracker.Kind.ATTACHMENT, d.address(), index, at.buf().inode(),
                    importer + " — " + at.description());
            revocations.track(t);
            held.atts.put(key(d.address(), index), new AttFx(importer, t));
            if (ioasOf != null) {
                held.entries(ioasOf).add(new DomFx(at.iova(), at.buf().size(), WitnessRules.Mapped.DMA_BUF,
                        d.address(), index, t));
                panel.chooseDmaEngine(ioasOf);
                witnessIovas();
            }
            if (at.refusal() != null) {
                String why = "map refused: " + at.refusal().errnoName() + " — " + answer.predicted.why();
                t.note().set(why);
                answer.show("attached, map " + at.refusal().errnoName(), Badge.Tone.WARNING, "Attached to dma-buf "
                        + "inode " + at.buf().inode() + ", but the exporter refused the map ("
                        + at.refusal().errnoName() + "): the importer holds no mapping, its device cannot DMA to the "
                        + "BAR.", ErrorDetails.of("map", at.refusal()), "attached, map "
                        + at.refusal().errnoName());
            } else {
                answer.show("attached", Badge.Tone.GREEN, "Attached to dma-buf inode " + at.buf().inode() + ": "
                        + at.description() + ".", "ok");
            }
            status.accept(d.address() + " " + row.region().name() + ": " + at.description());
        });
    }

    private record Attached(DmaBuf buf, String description, KernelException refusal, long iova) {
    }

    /** Maps the BAR's attachment again (what an importer must do after a restore). */
    private void mapAgain(PciDevice d, BarRow row, Answer answer) {
        int index = row.region().index();
        AttFx fx = held.atts.get(key(d.address(), index));
        run("Map the attachment again", answer, d, index, st -> {
            Attachment at = st.attachments.get(key(d.address(), index));
            if (at == null) {
                throw new IllegalStateException("Attach an importer to " + row.region().name() + "'s dma-buf first.");
            }
            try {
                long address = at.map();
                st.record("map", d.address(), index, "ok", at.describe(), Map.of("address", Long.toString(address),
                        "importer", fx == null ? "" : fx.importer()));
                return Outcome.ok(at.describe());
            } catch (KernelException e) {
                st.record("map", d.address(), index, e.errnoName(), "map of the attachment refused: "
                        + e.getMessage(), Map.of("importer", fx == null ? "" : fx.importer()));
                return Outcome.<String>failed(e);
            }
        }, o -> {
            if (o.isOk()) {
                if (fx != null) {
                    fx.tracked().note().set(null);
                    revocations.mapped(fx.tracked());
                }
                answer.show("mapped", Badge.Tone.GREEN, "Mapped again: " + o.value() + ".", "ok");
            } else {
                KernelException e = o.failure().orElseThrow();
                if (fx != null) {
                    fx.tracked().note().set("map refused: " + e.errnoName() + " — " + answer.predicted.why());
                }
                answer.show("map: " + e.errnoName(), Badge.Tone.RED, "The exporter refused the map: "
                        + e.errnoName() + ".", ErrorDetails.of("map", e), e.errnoName());
            }
            status.accept(d.address() + " " + row.region().name() + " map: " + o.result());
        });
    }

    /** Detaches the BAR's attachment (iommufd: IOMMU_IOAS_UNMAP of its area). */
    private void detach(PciDevice d, BarRow row, Answer answer) {
        int index = row.region().index();
        AttFx fx = held.atts.get(key(d.address(), index));
        run("Detach the importer", answer, d, index, st -> {
            Attachment at = st.attachments.remove(key(d.address(), index));
            if (at == null) {
                throw new IllegalStateException("Nothing is attached to " + row.region().name() + "'s dma-buf.");
            }
            at.close();
            st.domains.values().forEach(dom -> dom.entries.removeIf(e -> e.peer().equals(d.address())
                    && e.region() == index && e.how() == WitnessRules.Mapped.DMA_BUF));
            st.record("detach", d.address(), index, "ok", "detached: " + at.describe(), Map.of());
            return at.describe();
        }, what -> {
            held.atts.remove(key(d.address(), index));
            if (fx != null) {
                revocations.letGo(fx.tracked());
                held.domains.values().forEach(l -> l.removeIf(e -> e.tracked() == fx.tracked()));
                witnessIovas();
            }
            answer.show("detached", Badge.Tone.INFO, "Detached: " + what + ".", "ok");
            status.accept(d.address() + " " + row.region().name() + " detached");
        });
    }

    @FunctionalInterface
    private interface SessionCall {
        void call(DeviceSession s) throws KernelException;
    }

    private void deviceAction(Kernel kernel, PciDevice d, TryItPanel.Action a, SessionCall call, String done,
                              Answer answer) {
        run(a.label() + " " + d.address(), answer, d, -1, st -> {
            call.call(st.session(kernel, d, OpenPath.AUTO));
            st.record(a.operation(), d.address(), -1, "ok", done, Map.of());
            return Boolean.TRUE;
        }, ok -> {
            if (a == TryItPanel.Action.MEMORY_OFF) {
                held.memoryOff.add(d.address());
            } else if (a == TryItPanel.Action.MEMORY_ON) {
                held.memoryOff.remove(d.address());
            }
            answer.show(a.label().toLowerCase(java.util.Locale.ROOT) + ": ok", Badge.Tone.GREEN, done, "ok");
            status.accept(d.address() + " " + a.label().toLowerCase(java.util.Locale.ROOT) + ": ok");
        });
    }

    /** Closes the device fd: mappings unmapped (dead), dma-bufs revoked for good (the kernel's cleanup event). */
    private void closeDevice(LoadedHost h, PciDevice d, Answer answer) {
        Kernel kernel = h.kernel().orElseThrow();
        run("Close device " + d.address(), answer, d, -1, st -> {
            DeviceSession s = st.sessions.get(d.address());
            if (s == null || s.deviceClosed()) {
                st.record("close", d.address(), -1, "not-open", "no open session for " + d.address(), Map.of());
                return Boolean.FALSE;
            }
            Domain dom = st.domains.get(d.address());
            if (dom != null && dom.reader != null) {
                dom.closeReader(); // its BAR0 mapping goes with the device fd
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
                held.memoryOff.remove(d.address()); // the next open enables the device again
                answer.show("closed", Badge.Tone.INFO, "Device fd closed: its dma-bufs are revoked for good; "
                        + "the next action opens the device again.", "ok");
                status.accept(d.address() + " closed");
            } else {
                answer.show("not open", Badge.Tone.UNKNOWN, "The app has no open session for " + d.address() + ".",
                        "—");
            }
        });
    }

    /**
     * P2P the old way: mmap this device's BAR, and VFIO_IOMMU_MAP_DMA that address into the type1 container of
     * {@code into} (another group, opened on the legacy path). The mapping stays, as a VMM's would.
     */
    private void mapType1(LoadedHost h, Kernel kernel, PciDevice d, BarRow row, PciAddress into, Answer answer) {
        if (into == null) {
            return;
        }
        Optional<PciDevice> target = h.inventory().device(into);
        if (target.isEmpty()) {
            return;
        }
        int index = row.region().index();
        run("Map " + row.region().name() + " into the type1 container of " + into, answer, d,
                index, Set.of(d.address(), into), st -> {
            DeviceSession b = st.session(kernel, target.get(), OpenPath.LEGACY);
            DeviceSession source = st.session(kernel, d, OpenPath.AUTO);
            RegionInfo info = source.regionInfo(index);
            Mapping m = source.mmap(info, info.pageSpan(), Kernel.PROT_READ | Kernel.PROT_WRITE);
            byte[] expected = bytes(m, 0);
            Domain dom;
            long iova;
            try {
                dom = st.domain(into, b);
                // reserved before the call: a late answer of an abandoned one must not hand the same IOVA out again
                iova = dom.reserve(m.length());
                b.mapDma(m.vaddr(), iova, m.length());
            } catch (KernelException e) {
                // refused (EFAULT with memory off) or no container: the mmap made for it goes, as the view tracks
                // it only once mapped
                try {
                    m.close();
                } catch (KernelException c) {
                    e.addSuppressed(c);
                }
                throw e;
            }
            st.mappings.computeIfAbsent(d.address(), k -> new ArrayList<>()).add(m);
            dom.entries.add(new DomainIo(iova, m.length(), WitnessRules.Mapped.TYPE1, d.address(), index, expected));
            String what = String.format("%s of %s mapped into the type1 container of %s at iova 0x%x, length %s",
                    row.region().name(), d.address(), into, iova, Sizes.human(m.length()));
            st.type1BySource.computeIfAbsent(d.address(), k -> new ArrayList<>()).add(what);
            st.record("map-type1", d.address(), index, "ok", what, Map.of("into", into.toString(),
                    "iova", Long.toString(iova), "length", Long.toString(m.length()),
                    "vaddr", Long.toString(m.vaddr())));
            return new Type1Mapped(what, iova, m.length());
        }, res -> {
            revocations.track(Tracked.active(RevocationTracker.Kind.MAPPING, d.address(), index, -1,
                    row.region().name() + " mmap for type1 P2P into " + into));
            Tracked t1 = Tracked.active(RevocationTracker.Kind.TYPE1, d.address(), index, -1, String.format(
                    "%s in %s's container at 0x%x", row.region().name(), into, res.iova()));
            revocations.track(t1);
            held.entries(into).add(new DomFx(res.iova(), res.length(), WitnessRules.Mapped.TYPE1, d.address(), index,
                    t1));
            panel.chooseDmaEngine(into); // the witness looks where the mapping went
            witnessIovas();
            answer.show("type1: mapped", Badge.Tone.WARNING, res.what() + ". type1 keeps no reference on "
                    + d.address() + ": nothing it does reaches this mapping.", "ok");
            status.accept(res.what());
        });
    }

    private record Type1Mapped(String what, long iova, long length) {
    }

    /**
     * One DMA read through {@code engine}'s IOMMU domain from {@code iova}: the witness's engine (edu's) is opened on
     * the first read of a session, with its RAM pages at {@link #WITNESS_RAM}. The read is compared with the bytes
     * the app read from the peer's BAR when it mapped it there.
     */
    private void dmaRead(LoadedHost h, Kernel kernel, PciAddress engine, Long iova, Answer answer) {
        Optional<PciDevice> e = engine == null ? Optional.empty() : h.inventory().device(engine);
        if (e.isEmpty() || iova == null) {
            return;
        }
        String where = String.format("0x%x", iova);
        run("DMA read through " + engine + " from iova " + where, answer, e.get(), -1, st -> {
            DeviceSession s = st.session(kernel, e.get(), OpenPath.AUTO);
            Domain dom = st.domain(engine, s);
            if (dom.reader == null) {
                dom.reader = DmaReader.open(kernel, s, WITNESS_RAM, EduDmaEngine.DEFAULT_DMA_MASK, Thread::sleep, 5,
                        2000);
            }
            DomainIo at = dom.entries.stream().filter(x -> x.contains(iova)).findFirst().orElse(null);
            byte[] expected = at != null && at.iova() == iova ? at.expected() : null;
            DmaRead read = dom.reader.read(iova, WITNESS_BYTES, expected);
            boolean unbound = at != null && st.unbound.contains(at.peer());
            Map<String, String> facts = new LinkedHashMap<>();
            facts.put("iova", Long.toString(iova));
            facts.put("mapping", at == null ? "none" : at.how() == WitnessRules.Mapped.TYPE1 ? "type1" : "dma-buf");
            facts.put("peer", at == null ? "" : at.peer().toString());
            facts.put("region", at == null ? "" : Integer.toString(at.region()));
            facts.put("peerUnbound", Boolean.toString(unbound));
            facts.put("seen", read.seen());
            facts.put("expected", read.expected() == null ? "" : read.expected());
            facts.put("path", s.openPath().label());
            st.record("dma-read", engine, -1, read.outcome().key(), "DMA read through " + engine + " from iova "
                    + where + ": " + read.describe(), facts);
            return new Read(read, at == null ? null : at.peer(), at == null ? -1 : at.region(),
                    at == null ? null : at.how(), unbound);
        }, res -> {
            DmaRead read = res.read();
            List<Tracked> concerns = held.entries(engine).stream().filter(x -> x.contains(iova)).map(DomFx::tracked)
                    .toList();
            String bar = res.peer() == null ? "" : res.peer() + " " + Region.nameOf(res.region());
            String verdict;
            Badge.Tone tone;
            String text;
            switch (read.outcome()) {
                case REACHED -> {
                    if (res.how() == WitnessRules.Mapped.TYPE1 && res.peerUnbound()) {
                        verdict = "use-after-free";
                        tone = Badge.Tone.RED;
                        text = "reached " + bar + " after " + res.peer() + " was unbound: use-after-free. type1 "
                                + "still maps the BAR's PFN in " + engine + "'s IOMMU; nothing told it.";
                    } else {
                        verdict = "reached " + bar;
                        tone = Badge.Tone.GREEN;
                        text = "reached " + bar + ": " + engine + "'s DMA read its bytes (" + read.seen() + ") "
                                + "through " + (res.how() == WitnessRules.Mapped.TYPE1 ? "the type1 mapping"
                                : "the dma-buf's IOAS mapping") + ".";
                    }
                }
                case FAULTED -> {
                    verdict = "IOMMU fault";
                    tone = Badge.Tone.INFO;
                    text = "IOMMU fault: the read came back as zeros" + (res.peer() == null
                            ? " (nothing the app mapped is at this IOVA)."
                            : "; the kernel's revoke unmapped " + bar + " from " + engine + "'s IOAS.");
                }
                case NO_DATA -> {
                    verdict = "no data";
                    tone = Badge.Tone.WARNING;
                    text = read.describe() + ".";
                }
                case OTHER -> {
                    verdict = "other bytes";
                    tone = Badge.Tone.WARNING;
                    text = read.describe() + ".";
                }
                default -> {
                    verdict = "cannot tell";
                    tone = Badge.Tone.UNKNOWN;
                    text = read.describe() + ".";
                }
            }
            revocations.witness(new WitnessRead(java.time.Instant.now(), engine, read, verdict, tone, text,
                    concerns));
            answer.show(verdict, tone, "DMA through " + engine + " from iova " + where + ": " + text,
                    verdict.startsWith("reached") ? "reaches" : verdict.equals("use-after-free")
                    ? "reaches: use-after-free" : verdict);
            status.accept("DMA read through " + engine + " from " + where + ": " + verdict);
        });
    }

    private record Read(DmaRead read, PciAddress peer, int region, WitnessRules.Mapped how, boolean peerUnbound) {
    }

    /** The first {@link #WITNESS_BYTES} of a BAR mapping, or null when reading it faults (memory off). */
    private static byte[] bytes(Mapping m, long offset) {
        try {
            return DmaReader.read(m, offset, WITNESS_BYTES);
        } catch (KernelException e) {
            return null;
        }
    }

    /** The BAR's bytes at {@code offset}, through a mapping of that page made and dropped here; null when it fails. */
    private static byte[] peerBytes(DeviceSession a, int index, long offset) {
        try {
            RegionInfo info = a.regionInfo(index);
            if (!info.mmappable() || offset + WITNESS_BYTES > info.size()) {
                return null;
            }
            long page = offset & ~(TryItPanel.PAGE - 1);
            Mapping m = a.mmap(new RegionInfo(info.index(), info.flags(), info.size(), info.offset() + page,
                    info.caps(), info.capsError()), TryItPanel.PAGE, Kernel.PROT_READ);
            try {
                return bytes(m, offset - page);
            } finally {
                a.unmap(m);
            }
        } catch (KernelException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Unbinds the device from vfio-pci. The kernel waits while the device is in use: a kernel that can say so (the
     * lab) answers BLOCKED at once, and completes the unbind when the last user closes it; a real one would sleep in
     * the write, so the app does not write while it holds the device itself, and lets go of the device's group and
     * container (or iommufd) first.
     */
    private void unbind(LoadedHost h, Kernel kernel, PciDevice d, Answer answer) {
        run("Unbind " + d.address(), answer, d, -1, st -> {
            DeviceSession own = st.sessions.get(d.address());
            if (!h.isLab() && own != null && !own.deviceClosed()) {
                st.record("unbind", d.address(), -1, "cancelled", "unbind not written: this app still has "
                        + d.address() + " open and the kernel would wait for it", Map.of());
                return new Unbound("Close the device first: the kernel waits until every user of " + d.address()
                        + " is gone.", false);
            }
            if (!h.isLab() && own != null) {
                st.dropSession(d.address()); // the group, container and dma-bufs this app holds of it
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
                return new Unbound("The unbind waits until the device's users are gone (" + waits + "); close the "
                        + "device and it completes.", false);
            }
            return new Unbound(recordUnbound(st, d.address(), d.address() + " unbound from vfio-pci"), true);
        }, res -> {
            answer.show("unbind", res.done() ? Badge.Tone.INFO : Badge.Tone.WARNING, res.message(),
                    res.done() ? "ok" : res.message().startsWith("Close") ? "close first" : "waits");
            status.accept(res.message());
        });
    }

    private record Unbound(String message, boolean done) {
    }

    /** Records a completed unbind with the type1 mappings of the device's BARs that outlived it. */
    private String recordUnbound(IoState st, PciAddress a, String what) {
        st.dropSession(a);
        st.lastBuf.keySet().removeIf(k -> k.startsWith(a + "/"));
        st.unbound.add(a);
        // type1 never drops a mapping by itself (nothing tells the IOMMU): every one this app made of the BAR remains
        long stale = st.type1BySource.getOrDefault(a, List.of()).size();
        String text = what + (stale == 0 ? "" : "; " + stale + " type1 mapping(s) still point at its BAR "
                + "(use-after-free: nothing told the IOMMU)");
        st.record("unbind", a, -1, "ok", text, Map.of("type1Stale", Long.toString(stale)));
        return text;
    }

    // ---- what the FX thread knows of it (the predictions read it) -----------------------------------------------

    private record AttFx(String importer, Tracked tracked) {
    }

    private record DomFx(long iova, long length, WitnessRules.Mapped how, PciAddress peer, int region,
                         Tracked tracked) {
        boolean contains(long address) {
            return address >= iova && address - iova < length;
        }
    }

    /** The FX thread's view of what the vfio-io thread holds, updated from each answer. */
    private static final class FxHeld implements Held {
        final Map<PciAddress, OpenPath> paths = new HashMap<>();
        final Set<PciAddress> memoryOff = new HashSet<>();
        final Set<PciAddress> unbound = new HashSet<>();
        final Map<String, Tracked> bufs = new HashMap<>();
        final Map<String, AttFx> atts = new HashMap<>();
        final Map<PciAddress, List<DomFx>> domains = new HashMap<>();

        void clear() {
            paths.clear();
            memoryOff.clear();
            unbound.clear();
            bufs.clear();
            atts.clear();
            domains.clear();
        }

        List<DomFx> entries(PciAddress engine) {
            return domains.computeIfAbsent(engine, k -> new ArrayList<>());
        }

        @Override
        public Optional<OpenPath> openPath(PciAddress device) {
            return Optional.ofNullable(paths.get(device));
        }

        @Override
        public boolean memoryOff(PciAddress device) {
            return memoryOff.contains(device);
        }

        @Override
        public boolean unbound(PciAddress device) {
            return unbound.contains(device);
        }

        @Override
        public Optional<RevocationTracker.State> lastBuf(PciAddress device, int region) {
            return Optional.ofNullable(bufs.get(key(device, region))).map(t -> t.state().getValue().state());
        }

        @Override
        public Optional<Attached> lastAttachment(PciAddress device, int region) {
            return Optional.ofNullable(atts.get(key(device, region))).map(a -> new Attached(a.importer(),
                    a.tracked().state().getValue().state(), a.tracked().note().getValue()));
        }

        @Override
        public List<DomainEntry> domain(PciAddress engine) {
            return domains.getOrDefault(engine, List.of()).stream().map(e -> new DomainEntry(e.iova(), e.length(),
                    e.how(), e.peer(), e.region(), e.tracked().state().getValue().state())).toList();
        }
    }

    /** The panel asks its predictions again, and the IOVA choice follows the engine's domain. */
    private void refresh() {
        panel.refreshPredictions();
    }

    private void witnessIovas() {
        PciAddress e = panel.dmaEngine();
        if (e != null) {
            panel.setWitnessIovas(e, held.entries(e).stream().map(x -> new Held.DomainEntry(x.iova(), x.length(),
                    x.how(), x.peer(), x.region(), x.tracked().state().getValue().state()).label()).toList());
        }
    }

    // ---- plumbing --------------------------------------------------------------------------------------------

    /** A mapping in an engine's domain, as the vfio-io thread keeps it: with the BAR's bytes when it was mapped. */
    private record DomainIo(long iova, long length, WitnessRules.Mapped how, PciAddress peer, int region,
                            byte[] expected) {
        boolean contains(long address) {
            return address >= iova && address - iova < length;
        }
    }

    /** One engine's IOMMU domain: the session that holds it, what the app mapped there, the witness's reader. */
    private static final class Domain {
        final DeviceSession session;
        final List<DomainIo> entries = new ArrayList<>();
        long next = FIRST_IOVA;
        DmaReader reader;

        Domain(DeviceSession session) {
            this.session = session;
        }

        /** The next IOVA for {@code length} bytes; the one after it starts at the next MiB. */
        long reserve(long length) {
            long at = next;
            next = at + ((length + (1L << 20) - 1) & ~((1L << 20) - 1));
            return at;
        }

        void closeReader() {
            if (reader != null) {
                try {
                    reader.close();
                } catch (KernelException | RuntimeException e) {
                    LOG.log(Level.WARNING, "Closing the witness's engine", e);
                }
                reader = null;
            }
        }
    }

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
        /** The last importer attachment per device and region ("bdf/index"). */
        final Map<String, Attachment> attachments = new ConcurrentHashMap<>();
        /** type1 mappings of a device's BAR made into other devices' containers, by source. */
        final Map<PciAddress, List<String>> type1BySource = new ConcurrentHashMap<>();
        /** The IOMMU domains of the devices that are engines or type1 targets, by device. */
        final Map<PciAddress, Domain> domains = new ConcurrentHashMap<>();
        /** Devices whose unbind waits for their users (lab: the kernel completes it on close). */
        final Set<PciAddress> unbindWaiting = ConcurrentHashMap.newKeySet();
        /** Devices this app unbound from vfio-pci. */
        final Set<PciAddress> unbound = ConcurrentHashMap.newKeySet();
        /** Domains that went away with their session (told to the FX thread after the call). */
        final ConcurrentLinkedQueue<PciAddress> domainsGone = new ConcurrentLinkedQueue<>();
        /** Set when its thread was abandoned in a kernel call. */
        volatile boolean dead;

        /**
         * The device's session: opened on first use, opened again after a close. {@code path} LEGACY or CDEV asks
         * for that path (a type1 container, an IOAS); a session open on the other one is refused.
         */
        DeviceSession session(Kernel kernel, PciDevice d, OpenPath path) throws KernelException {
            if (dead) {
                throw new IllegalStateException("the vfio-io thread of this call was abandoned: it opens nothing");
            }
            DeviceSession s = sessions.get(d.address());
            if (s != null && s.deviceClosed()) {
                dropSession(d.address());
                s = null;
            }
            if (s != null && path != OpenPath.AUTO && s.openPath() != path) {
                throw new SessionException("open", d.address().toString(), "this app holds the device open on the "
                        + s.openPath().label() + " path; " + (path == OpenPath.LEGACY ? "a type1 container needs "
                        + "the legacy path" : "an IOAS needs the cdev path"), "Close the device first (Close device "
                        + "with it selected); the next action opens it on the path it needs.");
            }
            if (s == null) {
                s = DeviceSession.open(kernel, DeviceTarget.of(d), path);
                sessions.put(d.address(), s);
            }
            return s;
        }

        /** The engine's domain, new when its session is not the one the old domain belonged to. */
        Domain domain(PciAddress engine, DeviceSession s) {
            Domain dom = domains.get(engine);
            if (dom == null || dom.session != s) {
                if (dom != null) {
                    dom.closeReader();
                    domainsGone.add(engine);
                }
                dom = new Domain(s);
                domains.put(engine, dom);
            }
            return dom;
        }

        /** Closes a device's session and forgets what depended on it (its domain, its dma-bufs). */
        void dropSession(PciAddress a) {
            Domain dom = domains.remove(a);
            if (dom != null) {
                dom.closeReader();
                domainsGone.add(a);
            }
            lastBuf.keySet().removeIf(k -> k.startsWith(a + "/"));
            attachments.keySet().removeIf(k -> k.startsWith(a + "/"));
            close(Set.of(a));
        }

        /** Which devices the app holds open now, and how. */
        Map<PciAddress, OpenPath> paths() {
            Map<PciAddress, OpenPath> out = new HashMap<>();
            sessions.forEach((a, s) -> {
                if (!s.deviceClosed()) {
                    out.put(a, s.openPath());
                }
            });
            return out;
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
            moveEntries(domains, fresh.domains, k -> !keep.contains(k));
            moveEntries(lastBuf, fresh.lastBuf, k -> keep.stream().noneMatch(a -> k.startsWith(a + "/")));
            moveEntries(attachments, fresh.attachments, k -> keep.stream().noneMatch(a -> k.startsWith(a + "/")));
            for (PciAddress a : List.copyOf(unbindWaiting)) {
                if (!keep.contains(a) && unbindWaiting.remove(a)) {
                    fresh.unbindWaiting.add(a);
                }
            }
            fresh.unbound.addAll(unbound);
        }

        /** Closes the sessions of {@code devices} (a dead state: on the thread that was stuck, once it is back). */
        void close(Set<PciAddress> devices) {
            for (PciAddress a : List.copyOf(devices)) {
                Domain dom = domains.remove(a);
                if (dom != null) {
                    dom.closeReader();
                }
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

    /** What the FX thread learns after each call besides its answer: which devices are open, which domains went. */
    private record After(Map<PciAddress, OpenPath> paths, Set<PciAddress> unbound, List<PciAddress> domainsGone) {
    }

    private <T> void run(String title, Answer answer, PciDevice d, int region, Work<T> work, Consumer<T> done) {
        run(title, answer, d, region, Set.of(d.address()), work, done);
    }

    /**
     * Runs {@code work} on vfio-io. The work records its own expected answers; an exception it throws is recorded
     * here as the action's result (its errno name, or "error") and shown in the panel beside what {@code answer}
     * predicted, never in a dialog. When it has not answered after the grace period the panel says what it waits
     * for, with Abandon; {@code involved} are the devices whose sessions the call may touch (left with the stuck
     * thread when it is abandoned).
     */
    private <T> void run(String title, Answer answer, PciDevice d, int region, Set<PciAddress> involved,
                         Work<T> work, Consumer<T> done) {
        TryItPanel.Action action = answer.action;
        panel.setBusy(true);
        status.accept(title + "…");
        KernelCalls.Call call = ctx.kernelCalls().newCall();
        AtomicReference<IoState> used = new AtomicReference<>();
        AtomicReference<After> after = new AtomicReference<>();
        Callable<T> recorded = () -> {
            IoState st = io;
            used.set(st);
            try {
                return work.call(st);
            } catch (Exception e) {
                st.record(action.operation(), d.address(), region, e instanceof KernelException k ? k.errnoName()
                        : "error", title + ": " + e.getMessage(), Map.of());
                throw e;
            } finally {
                List<PciAddress> gone = new ArrayList<>();
                for (PciAddress a; (a = st.domainsGone.poll()) != null; ) {
                    gone.add(a);
                }
                after.set(new After(st.paths(), Set.copyOf(st.unbound), gone));
            }
        };
        String what = kernelCall(action, d, region) + " on " + d.address();
        Task<T> task = UiTasks.call(call.guard(recorded, late -> lateAnswer(title, used.get(), involved, late)))
                .title(title)
                .onSuccess(v -> {
                    if (!call.isAbandoned()) {
                        apply(after.get());
                        done.accept(v);
                    }
                })
                .onError(Exception.class, e -> {
                    if (!call.isAbandoned()) {
                        apply(after.get());
                        ErrorDetails details = ErrorDetails.of(title, e);
                        String badge = action.label().toLowerCase(java.util.Locale.ROOT) + ": ";
                        if (e instanceof KernelException k) {
                            answer.show(badge + k.errnoName(), Badge.Tone.RED, details.summary(), details,
                                    k.errnoName());
                        } else {
                            LOG.log(Level.WARNING, details.summary(), e);
                            panel.showResult(badge + "not done", Badge.Tone.RED, details.summary(), details);
                        }
                        status.accept(details.summary());
                    }
                })
                .andFinally(() -> {
                    if (!call.isAbandoned()) {
                        panel.hideWaiting();
                        panel.setBusy(false);
                        refresh();
                    }
                })
                .build();
        call.start(task, waited -> {
            String text = "Waiting for the kernel: " + what + " for " + waited.toSeconds() + " s";
            panel.showWaiting(text, () -> abandon(call, action, d, region, involved, what));
            status.accept(text + " (Abandon in the try-it panel)");
        });
    }

    /** The FX thread's view follows what the call left: open devices, unbinds, domains that went with a session. */
    private void apply(After a) {
        if (a == null) {
            return;
        }
        held.paths.clear();
        held.paths.putAll(a.paths());
        held.unbound.addAll(a.unbound());
        for (PciAddress engine : a.domainsGone()) {
            List<DomFx> gone = held.domains.remove(engine);
            if (gone != null) {
                // the container or IOAS closed with the session: what the app had mapped there is gone
                gone.forEach(e -> revocations.letGo(e.tracked()));
            }
        }
        witnessIovas();
    }

    /**
     * Abandon (FX thread): the stuck thread keeps its state, now dead, with the sessions of the devices the call
     * involves (their fds are in its hands); a fresh thread takes the other devices' sessions and every later call.
     */
    private void abandon(KernelCalls.Call call, TryItPanel.Action action, PciDevice d, int region,
                         Set<PciAddress> involved, String what) {
        IoState old = io;
        IoState fresh = new IoState();
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
            case MAP_ATTACHMENT -> "the importer's map" + bar;
            case DETACH -> "the importer's detach" + bar;
            case RESET -> "VFIO_DEVICE_RESET";
            case MEMORY_OFF, MEMORY_ON -> "the PCI_COMMAND write";
            case CLOSE -> "close of the device fd";
            case MAP_TYPE1 -> "VFIO_IOMMU_MAP_DMA" + bar;
            case UNBIND -> "the vfio-pci unbind write";
            case DMA_READ -> "the DMA engine's transfers";
        };
    }
}
