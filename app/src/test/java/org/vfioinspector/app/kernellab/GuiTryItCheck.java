package org.vfioinspector.app.kernellab;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ComboBox;
import javafx.scene.control.DialogPane;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.testfx.api.FxToolkit;
import org.vfioinspector.app.gui.AppContext;
import org.vfioinspector.app.gui.MainWindow;
import org.vfioinspector.app.gui.common.AppPrefs;
import org.vfioinspector.app.gui.dmabuf.Tracked;
import org.vfioinspector.app.gui.host.HostChoice;
import org.vfioinspector.bridge.journal.Activity;
import org.vfioinspector.bridge.journal.JournalReader;
import org.vfioinspector.bridge.journal.Journals;
import org.vfioinspector.bridge.journal.StateDir;
import org.vfioinspector.bridge.model.PciAddress;

/**
 * Runs INSIDE the kernel-lab guest (guest command "gui-tryit", as root, on the real kernel): the app's own main
 * window, headless (Monocle), opened on this machine, drives the try-it panel of one vfio-pci device the way an
 * operator does — mmap, export, attach an importer (iommufd where the kernel has it), reset (first answered Cancel
 * in the confirmation the GUI asks on a real host, then confirmed), memory off, memory on, close — and records after
 * each action the result badge, the confirmation, the state of every tracked mapping, dma-buf and attachment, and
 * the kernel events the revocation view received; after the window stopped, the session journal it wrote under the
 * state directory ($XDG_STATE_HOME), read back. Prints one JSON object; KernelLabIT asserts on it.
 *
 * <p>With an ENGINE (a device with a DMA engine: QEMU's edu) the DMA witness follows, on the same device A = BDF: the
 * dma-buf half where the kernel has iommufd (A's BAR0 exported, iommufd attached into the engine's IOAS, the engine's
 * DMA read after the attach, memory off, memory on, a map again, a reset, a map again and A's close), then the type1
 * half on every kernel (A's BAR0 mapped into the engine's type1 container, a DMA read, A closed and unbound, a DMA read
 * again: the use-after-free), each press with the prediction shown beside its button, the confirmation answered and
 * the kernel's answer; A is bound to vfio-pci again at the end (after the window let go of everything).
 *
 * <p>Usage: {@code GuiTryItCheck BDF [ENGINE] [lab:SCENARIO]}: with a lab scenario the same flow runs on the lab kernel
 * (the GUI asks nothing there, so the cancelled reset is left out); GuiTryItCheckTest runs it so in {@code mvn test}.
 */
public final class GuiTryItCheck {
    /** Generous: the guest runs under TCG, where the JVM and JavaFX start in tens of seconds. */
    private static final long STEP_SECONDS = 120;
    private final ObjectMapper json = new ObjectMapper();
    private final ObjectNode out = json.createObjectNode();
    private final ArrayNode steps = out.putArray("steps");
    private AppContext ctx;
    private MainWindow window;
    private boolean lab;

    public static void main(String[] args) throws Exception {
        String hostArg = args.length > 1 && args[args.length - 1].startsWith("lab:") ? args[args.length - 1] : null;
        int plain = hostArg == null ? args.length : args.length - 1;
        if (plain < 1 || plain > 2 || !PciAddress.isValid(args[0]) || (plain == 2 && !PciAddress.isValid(args[1]))) {
            System.err.println("usage: GuiTryItCheck BDF [ENGINE] [lab:SCENARIO] (a vfio-pci device with a reset; "
                    + "an edu device as the DMA witness)");
            System.exit(2);
        }
        // headless JavaFX, as the unit tests run it (set before the toolkit starts)
        System.setProperty("testfx.robot", "glass");
        System.setProperty("testfx.headless", "true");
        System.setProperty("glass.platform", "Monocle");
        System.setProperty("monocle.platform", "Headless");
        System.setProperty("headless.geometry", "1600x1200-32");
        System.setProperty("prism.order", "sw");
        System.setProperty("prism.text", "t2k");
        System.setProperty("testfx.setup.timeout", Long.toString(TimeUnit.SECONDS.toMillis(STEP_SECONDS)));
        GuiTryItCheck c = new GuiTryItCheck();
        int code = 0;
        try {
            c.run(PciAddress.parse(args[0]), plain == 2 ? PciAddress.parse(args[1]) : null,
                    hostArg != null ? new HostChoice.Lab(hostArg.substring(4)) : new HostChoice.Live());
        } catch (Throwable t) {
            c.out.put("error", t.toString());
            t.printStackTrace();
            code = 1;
        } finally {
            c.stop();
            c.rebind();
            c.readJournal();
        }
        System.out.println(c.json.writerWithDefaultPrettyPrinter().writeValueAsString(c.out));
        System.out.flush();
        // the FX toolkit and the tracefs reader keep non-daemon threads: leave without waiting for them
        Runtime.getRuntime().halt(code);
    }

    private void run(PciAddress bdf, PciAddress engine, HostChoice host) throws Exception {
        lab = host.isLab();
        FxToolkit.registerPrimaryStage();
        ctx = new AppContext(AppPrefs.inMemory(), Optional.of(StateDir.current()));
        FxToolkit.setupStage(stage -> {
            window = new MainWindow(ctx, stage);
            window.show();
        });
        fx(() -> window.open(host));
        waitFor("the host to open", () -> window.hostProperty().get() != null
                && window.hostProperty().get().choice().equals(host));
        out.put("host", fx(() -> window.hostProperty().get().choice().label()));
        out.put("release", fx(() -> window.hostProperty().get().release()));
        out.put("lab", lab);
        if (!fx(() -> window.groups().select(bdf))) {
            throw new IllegalStateException(bdf + " is not in the groups tree");
        }
        waitFor("the try-it panel to enable", () -> !button("#resetDevice").isDisabled());

        act("mmap", "#tryMmap", Answer.NONE);
        act("export", "#exportDmabuf", Answer.CONFIRM);
        // the importers: the kernel's own at once, iommufd once its node opened (on vfio-io)
        Thread.sleep(1000);
        @SuppressWarnings("unchecked")
        ComboBox<String> importers = (ComboBox<String>) lookup("#importerChoice");
        List<String> names = fx(() -> List.copyOf(importers.getItems()));
        out.putPOJO("importers", names);
        out.put("importerWhy", fx(() -> text("#importerWhy")));
        if (names.contains("iommufd")) {
            fx(() -> {
                importers.setValue("iommufd");
                return null;
            });
            act("attach", "#attachImporter", Answer.CONFIRM);
        }
        if (!lab) {
            act("reset", "#resetDevice", Answer.CANCEL);
        }
        act("reset", "#resetDevice", Answer.CONFIRM);
        act("memory-off", "#memoryOff", Answer.CONFIRM);
        act("memory-on", "#memoryOn", Answer.CONFIRM);
        act("close", "#closeDevice", Answer.CONFIRM);
        out.put("status", fx(() -> window.status().getText()));
        if (engine != null) {
            witness(bdf, engine);
        }
    }

    // ---- the DMA witness ------------------------------------------------------------------------------------

    private ArrayNode witness;
    private PciAddress unbound;

    /** The witness's two halves through the try-it panel: see the class comment. */
    private void witness(PciAddress a, PciAddress b) throws Exception {
        witness = out.putArray("witness");
        select(a);
        @SuppressWarnings("unchecked")
        ComboBox<String> importers = (ComboBox<String>) lookup("#importerChoice");
        String into = "iommufd → " + b;
        if (fx(() -> importers.getItems().contains(into))) {
            wact("dma-buf", "export", "#exportDmabuf", Answer.CONFIRM);
            fx(() -> {
                importers.setValue(into);
                return null;
            });
            wact("dma-buf", "attach", "#attachImporter", Answer.CONFIRM);
            engine(b, 0);
            wact("dma-buf", "dma-read", "#dmaRead", Answer.CONFIRM);
            wact("dma-buf", "memory-off", "#memoryOff", Answer.CONFIRM);
            wact("dma-buf", "dma-read", "#dmaRead", Answer.CONFIRM);
            wact("dma-buf", "memory-on", "#memoryOn", Answer.CONFIRM);
            wact("dma-buf", "dma-read", "#dmaRead", Answer.CONFIRM);
            wact("dma-buf", "map", "#mapAttachment", Answer.CONFIRM);
            wact("dma-buf", "dma-read", "#dmaRead", Answer.CONFIRM);
            wact("dma-buf", "reset", "#resetDevice", Answer.CONFIRM);
            wact("dma-buf", "dma-read", "#dmaRead", Answer.CONFIRM);
            wact("dma-buf", "map", "#mapAttachment", Answer.CONFIRM);
            wact("dma-buf", "dma-read", "#dmaRead", Answer.CONFIRM);
            wact("dma-buf", "close", "#closeDevice", Answer.CONFIRM);
            wact("dma-buf", "dma-read", "#dmaRead", Answer.CONFIRM);
            // B leaves its IOAS (cdev path): the type1 half opens it through its group and a type1 container
            select(b);
            wact("dma-buf", "close-engine", "#closeDevice", Answer.CONFIRM);
            select(a);
        } else {
            out.put("dmaBufSkipped", "the importer choice has no '" + into + "': " + fx(() -> List.copyOf(
                    importers.getItems())) + " " + fx(() -> text("#importerWhy")));
        }
        @SuppressWarnings("unchecked")
        ComboBox<PciAddress> type1Into = (ComboBox<PciAddress>) lookup("#type1Into");
        fx(() -> {
            type1Into.setValue(b);
            return null;
        });
        wact("type1", "map-type1", "#mapType1", Answer.CONFIRM);
        engine(b, 0);
        wact("type1", "dma-read", "#dmaRead", Answer.CONFIRM);
        wact("type1", "close", "#closeDevice", Answer.CONFIRM);
        wact("type1", "unbind", "#unbindDevice", Answer.CONFIRM);
        unbound = a;
        wact("type1", "dma-read", "#dmaRead", Answer.CONFIRM);
        ObjectNode objects = out.putObject("witnessObjects");
        for (Tracked t : fx(() -> List.copyOf(window.revocations().tracked()))) {
            objects.put(t.kind().label() + " " + t.description(), fx(() -> t.state().getValue().name()
                    .toLowerCase(java.util.Locale.ROOT) + (t.witness().get() == null ? ""
                    : " | " + t.witness().get().verdict())));
        }
    }

    private void select(PciAddress bdf) throws Exception {
        if (!fx(() -> window.groups().select(bdf))) {
            throw new IllegalStateException(bdf + " is not in the groups tree");
        }
        fx(() -> {
            window.device().barTable().getSelectionModel().selectFirst();
            return null;
        });
        waitFor("the try-it panel to enable", () -> !button("#resetDevice").isDisabled());
    }

    /** Chooses the engine and the {@code index}-th IOVA the app mapped in its domain. */
    private void engine(PciAddress b, int index) throws Exception {
        @SuppressWarnings("unchecked")
        ComboBox<PciAddress> engines = (ComboBox<PciAddress>) lookup("#dmaEngine");
        @SuppressWarnings("unchecked")
        ComboBox<String> iovas = (ComboBox<String>) lookup("#dmaIova");
        fx(() -> {
            engines.setValue(b);
            return null;
        });
        waitFor("the IOVAs of " + b, () -> iovas.getItems().size() > index);
        fx(() -> {
            iovas.setValue(iovas.getItems().get(index));
            return null;
        });
    }

    /** One witness step: the prediction beside the button, the press, the answer. */
    private void wact(String half, String name, String id, Answer answer) throws Exception {
        String predicted = fx(() -> text("#predict-" + id.substring(1)));
        if (id.equals("#exportDmabuf")) {
            predicted = fx(() -> text("#rangeCheck"));
        }
        int before = steps.size();
        act(name, id, answer);
        ObjectNode step = (ObjectNode) steps.remove(before);
        step.put("half", half);
        step.put("predicted", predicted);
        step.remove("states");
        witness.add(step);
    }

    /** The device the type1 half unbound goes back to vfio-pci, as the harness bound it (later commands need it). */
    private void rebind() {
        if (lab || unbound == null) {
            return;
        }
        try {
            java.nio.file.Files.writeString(org.vfioinspector.bridge.sysfs.HostPaths.live()
                    .sys("bus/pci/drivers/vfio-pci/bind"), unbound.toString());
            out.put("rebound", unbound.toString());
        } catch (Exception e) {
            out.put("rebindError", e.toString());
        }
    }

    private enum Answer { NONE, CONFIRM, CANCEL }

    /** Presses the button, answers the confirmation, waits until the vfio-io call is done, records the outcome. */
    private void act(String name, String id, Answer answer) throws Exception {
        int before = fx(() -> window.revocations().timeline().size());
        String badgeBefore = fx(() -> text("#tryResultBadge"));
        Button b = button(id);
        if (fx(b::isDisabled)) {
            throw new IllegalStateException(id + " is disabled");
        }
        ObjectNode step = steps.addObject();
        step.put("action", name);
        // not waited for: on a real host the press opens a modal confirmation (a nested event loop)
        Platform.runLater(b::fire);
        String asked = "none";
        if (answer != Answer.NONE && !lab) {
            DialogPane dialog = waitForDialog(name);
            asked = fx(dialog::getHeaderText);
            ButtonBar.ButtonData data = answer == Answer.CONFIRM ? ButtonBar.ButtonData.OK_DONE
                    : ButtonBar.ButtonData.CANCEL_CLOSE;
            fx(() -> {
                for (ButtonType t : dialog.getButtonTypes()) {
                    if (t.getButtonData() == data) {
                        ((Button) dialog.lookupButton(t)).fire();
                    }
                }
                return null;
            });
        }
        step.put("answer", answer.name().toLowerCase(java.util.Locale.ROOT));
        step.put("asked", asked);
        Thread.sleep(300);
        waitFor(name + " to finish", () -> !button("#resetDevice").isDisabled() && findDialog().isEmpty());
        Thread.sleep(1500); // events from tracefs arrive on their own thread
        step.put("badge", answer == Answer.CANCEL && badgeBefore.equals(fx(() -> text("#tryResultBadge")))
                ? "unchanged" : fx(() -> text("#tryResultBadge")));
        step.put("text", fx(() -> text("#tryResultText")));
        ObjectNode states = step.putObject("states");
        for (Tracked t : fx(() -> List.copyOf(window.revocations().tracked()))) {
            states.put(t.kind().label() + " " + t.description(), fx(() -> t.state().getValue().name()
                    .toLowerCase(java.util.Locale.ROOT)));
        }
        ArrayNode events = step.putArray("events");
        fx(() -> window.revocations().timeline().stream().skip(before).map(e -> e.event().kind().name()).toList())
                .forEach(events::add);
    }

    private DialogPane waitForDialog(String what) throws Exception {
        AtomicReference<DialogPane> found = new AtomicReference<>();
        waitFor("the confirmation of " + what, () -> {
            Optional<DialogPane> d = findDialog();
            d.ifPresent(found::set);
            return d.isPresent();
        });
        return found.get();
    }

    private Optional<DialogPane> findDialog() throws Exception {
        return fx(() -> {
            for (Window w : Window.getWindows()) {
                if (w instanceof Stage s && s.isShowing() && s.getScene() != null) {
                    Node n = s.getScene().getRoot().lookup(".dialog-pane");
                    if (n instanceof DialogPane p) {
                        return Optional.of(p);
                    }
                }
            }
            return Optional.<DialogPane>empty();
        });
    }

    private Node lookup(String id) throws Exception {
        return fx(() -> Optional.ofNullable(window.device().getScene().getRoot().lookup(id)).orElseThrow(
                () -> new IllegalStateException("no " + id + " in the window")));
    }

    private Button button(String id) throws Exception {
        return (Button) lookup(id);
    }

    private String text(String id) {
        Node n = window.device().getScene().getRoot().lookup(id);
        return n instanceof javafx.scene.control.Labeled l ? l.getText() : "";
    }

    private static <T> T fx(Callable<T> c) throws Exception {
        if (Platform.isFxApplicationThread()) {
            return c.call();
        }
        CompletableFuture<T> f = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                f.complete(c.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f.get(STEP_SECONDS, TimeUnit.SECONDS);
    }

    private static void waitFor(String what, Callable<Boolean> cond) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(STEP_SECONDS);
        while (System.nanoTime() < end) {
            if (fx(cond)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("timed out waiting for " + what);
    }

    /** The journal of this session (the only one in the fresh state directory): "TYPE operation result" in order. */
    private void readJournal() {
        ArrayNode lines = out.putArray("journal");
        try {
            List<java.nio.file.Path> journals = Journals.list(Journals.dir(StateDir.current()));
            out.put("journals", journals.size());
            if (!journals.isEmpty()) {
                List<Activity> entries = JournalReader.read(journals.get(journals.size() - 1)).entries();
                for (Activity a : entries) {
                    lines.add(a.type() + " " + a.operation() + (a.type() == Activity.Type.EVENT ? "" : " " + a.result()));
                }
                exercise4(entries);
            }
        } catch (Exception e) {
            out.put("journalError", e.toString());
        }
    }

    /**
     * Exercise 4's checks ("the old type1 peer-to-peer path", its DMA reads included) evaluated on this session's
     * journal, as the exercises panel evaluates a student's session: which steps the real kernel's answers meet.
     */
    private void exercise4(List<Activity> entries) throws Exception {
        org.vfioinspector.bridge.exercise.Exercise ex = org.vfioinspector.bridge.exercise.ExerciseLoader
                .builtIn("type1-p2p-hazard");
        org.vfioinspector.bridge.exercise.ExerciseRun run = new org.vfioinspector.bridge.exercise.ExerciseRun(ex,
                org.vfioinspector.bridge.exercise.Progress.fresh(ex.name()), 0);
        ArrayNode passed = out.putArray("exercise4");
        for (org.vfioinspector.bridge.exercise.Progress.StepPass p : run.update(entries)) {
            passed.add(p.step() + " " + p.title());
        }
        out.put("exercise4Steps", ex.steps().size());
    }

    private void stop() {
        try {
            if (window != null) {
                fx(() -> {
                    window.stop();
                    return null;
                });
            }
            if (ctx != null) {
                ctx.close();
            }
        } catch (Exception e) {
            out.put("stopError", e.toString());
        }
    }
}
