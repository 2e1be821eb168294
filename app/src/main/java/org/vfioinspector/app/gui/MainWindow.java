package org.vfioinspector.app.gui;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.application.Platform;
import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.geometry.Rectangle2D;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.ListCell;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Screen;
import javafx.stage.Stage;
import org.controlsfx.control.StatusBar;
import org.kordamp.ikonli.javafx.FontIcon;
import org.kordamp.ikonli.materialdesign2.MaterialDesignF;
import org.kordamp.ikonli.materialdesign2.MaterialDesignH;
import org.kordamp.ikonli.materialdesign2.MaterialDesignT;
import org.vfioinspector.app.gui.common.AppPrefs;
import org.vfioinspector.app.gui.common.ErrorPresenter;
import org.vfioinspector.app.gui.common.Theme;
import org.vfioinspector.app.gui.common.UiTasks;
import org.vfioinspector.app.gui.common.WindowIcons;
import org.vfioinspector.app.gui.device.DeviceView;
import org.vfioinspector.app.gui.device.RulesVerdicts;
import org.vfioinspector.app.gui.device.VerdictSource;
import org.vfioinspector.app.gui.dmabuf.RevocationModel;
import org.vfioinspector.app.gui.dmabuf.RevocationView;
import org.vfioinspector.app.gui.dmabuf.TimelineExport;
import org.vfioinspector.app.gui.groups.GroupsPane;
import org.vfioinspector.app.gui.groups.TreeEntry;
import org.vfioinspector.app.gui.host.HostChoice;
import org.vfioinspector.app.gui.host.HostHeader;
import org.vfioinspector.app.gui.host.LoadedHost;
import org.vfioinspector.app.gui.host.NoticePane;
import org.vfioinspector.app.gui.journal.PreviousSessionView;
import org.vfioinspector.bridge.journal.JournalReader;
import org.vfioinspector.bridge.journal.Journals;
import org.vfioinspector.bridge.journal.SessionJournal;
import org.vfioinspector.bridge.lab.scenario.ScenarioLoader;
import org.vfioinspector.bridge.sysfs.HostUnreadableException;

/**
 * The main window: header with host selector, notice, groups tree | device view over the revocation view, and
 * the status bar. Owns no executor: everything blocking goes through {@link AppContext}.
 */
public final class MainWindow {
    /** {@code -Dvfioinspector.host=snapshot:/path} (or {@code live}) opens that host after this machine. */
    public static final String HOST_PROPERTY = "vfioinspector.host";
    /** {@code -Dvfioinspector.select=0000:00:05.0} selects that device after start-up. */
    public static final String SELECT_PROPERTY = "vfioinspector.select";
    /**
     * {@code -Dvfioinspector.try=mmap,export,attach,reset} performs those try-it actions on the selected device's
     * first BAR after start-up (screenshots, demos; a lab host only).
     */
    public static final String TRY_PROPERTY = "vfioinspector.try";
    /** {@code -Dvfioinspector.theme=DARK} overrides the remembered theme for this run. */
    public static final String THEME_PROPERTY = "vfioinspector.theme";
    private final AppContext ctx;
    private final Stage stage;
    private final BorderPane root = new BorderPane();
    private final ComboBox<HostChoice> hostSelector = new ComboBox<>();
    private final HostHeader header;
    private final NoticePane notice = new NoticePane();
    private final GroupsPane groups = new GroupsPane();
    private final DeviceView device = new DeviceView();
    private final RevocationModel revocations = new RevocationModel(Clock.systemDefaultZone());
    private final RevocationView revocationView;
    private final StatusBar status = new StatusBar();
    private final SplitPane main;
    private final SplitPane right;
    private final ObjectProperty<LoadedHost> host = new SimpleObjectProperty<>(this, "host");
    private final ErrorPresenter errors;
    private final TryItController tryIt;
    private final org.vfioinspector.app.gui.lab.LabPane lab;
    private final javafx.scene.control.ToggleButton exercises = new javafx.scene.control.ToggleButton("Exercises");
    private Theme theme;
    private boolean switching;
    /** The current host's kernel events: recorded in the session's activity first, then shown. */
    private final java.util.function.Consumer<org.vfioinspector.bridge.kernel.KernelEvent> events = this::onEvent;

    public MainWindow(AppContext ctx, Stage stage) {
        this.ctx = ctx;
        this.stage = stage;
        this.theme = System.getProperty(THEME_PROPERTY) != null ? Theme.parse(System.getProperty(THEME_PROPERTY))
                : ctx.prefs().theme();
        this.errors = new ErrorPresenter(stage, status::setText);

        hostSelector.setId("hostSelector");
        hostSelector.setTooltip(new Tooltip("Which host to inspect: this machine, a sysfs snapshot, or a lab "
                + "scenario"));
        hostSelector.setCellFactory(l -> new ChoiceCell());
        hostSelector.setButtonCell(new ChoiceCell());
        hostSelector.getItems().add(new HostChoice.Live());
        ScenarioLoader.BUILT_IN.forEach(n -> hostSelector.getItems().add(new HostChoice.Lab(n)));
        hostSelector.valueProperty().addListener((o, a, b) -> {
            if (!switching && b != null && (host.get() == null || !b.equals(host.get().choice()))) {
                open(b);
            }
        });
        Button snapshot = new Button("Snapshot…", icon(new FontIcon(MaterialDesignF.FOLDER_OPEN)));
        snapshot.setId("openSnapshot");
        snapshot.setTooltip(new Tooltip("Open a sysfs snapshot folder (laid out like / with sys/ inside) — Ctrl+O"));
        snapshot.setOnAction(e -> chooseSnapshot());
        Button scenario = new Button("Scenario file…", icon(new FontIcon(MaterialDesignF.FLASK_OUTLINE)));
        scenario.setId("openScenario");
        scenario.setTooltip(new Tooltip("Open a lab scenario file (YAML)"));
        scenario.setOnAction(e -> chooseScenario());
        Button themeButton = new Button("", icon(new FontIcon(MaterialDesignT.THEME_LIGHT_DARK)));
        themeButton.setId("themeToggle");
        themeButton.setTooltip(new Tooltip("Switch between light and dark theme — Ctrl+T"));
        themeButton.setOnAction(e -> toggleTheme());
        exercises.setId("toggleExercises");
        exercises.setTooltip(new Tooltip("Guided lab exercises: steps whose checks pass as the kernel answers"));
        exercises.selectedProperty().addListener((o, a, b) -> showExercises(b));
        // icon-only like the theme toggle: the header has no room for more labels
        Button previous = new Button("", icon(new FontIcon(MaterialDesignH.HISTORY)));
        previous.setId("previousSession");
        previous.setAccessibleText("Previous session…");
        previous.setTooltip(new Tooltip("Previous session… — the journal of the last session, read-only, to "
                + "review or export"));
        previous.setOnAction(e -> openPreviousSession());
        HBox controls = new HBox(6, hostSelector, snapshot, scenario, exercises, previous, themeButton);
        // the buttons keep their labels; the host's name and tags to the left give way instead
        controls.getChildren().forEach(n -> ((javafx.scene.layout.Region) n).setMinWidth(
                javafx.scene.layout.Region.USE_PREF_SIZE));
        controls.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        controls.setAlignment(Pos.CENTER_RIGHT);
        header = new HostHeader(controls);

        revocationView = new RevocationView(revocations, this::saveTimeline);
        right = new SplitPane(device, revocationView);
        right.setOrientation(Orientation.VERTICAL);
        // the revocation view needs room for a few rows and the timeline below them
        right.setDividerPositions(0.64);
        main = new SplitPane(groups, right);
        main.setDividerPositions(ctx.prefs().divider());
        SplitPane.setResizableWithParent(groups, false);

        groups.selectedProperty().addListener((o, a, b) -> showSelection(b));
        tryIt = new TryItController(ctx, device.tryIt(), revocations, status::setText, () -> stage);
        device.setOnRuleInspected(this::recordRuleInspected);
        lab = new org.vfioinspector.app.gui.lab.LabPane(new org.vfioinspector.app.gui.lab.LabPane.Host() {
            @Override
            public Task<LoadedHost> open(HostChoice choice) {
                return MainWindow.this.open(choice);
            }

            @Override
            public LoadedHost current() {
                return host.get();
            }

            @Override
            public java.util.concurrent.Executor background() {
                return ctx.background();
            }

            @Override
            public javafx.stage.Window window() {
                return stage;
            }
        }, ctx.activity(), new org.vfioinspector.bridge.exercise.ProgressStore(ctx.stateDir().orElseGet(
                org.vfioinspector.bridge.journal.StateDir::current)), errors, status::setText);

        status.setId("statusBar");
        status.setText("Ready");
        root.setTop(new VBox(header, notice));
        root.setCenter(main);
        root.setBottom(status);
        root.getStyleClass().add("main-window");
        BorderPane.setMargin(main, new Insets(0));
    }

    /** Shows the window with remembered (or sensible) bounds and theme. */
    public Scene show() {
        Rectangle2D screen = Screen.getPrimary().getVisualBounds();
        double w = Math.min(1440, screen.getWidth() * 0.9);
        double h = Math.min(920, screen.getHeight() * 0.9);
        Optional<AppPrefs.Bounds> saved = ctx.prefs().bounds();
        Scene scene = new Scene(root, saved.map(AppPrefs.Bounds::width).orElse(w),
                saved.map(AppPrefs.Bounds::height).orElse(h));
        theme.applyTo(scene);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.F, KeyCombination.SHORTCUT_DOWN),
                () -> groups.filterField().requestFocus());
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.O, KeyCombination.SHORTCUT_DOWN),
                this::chooseSnapshot);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.T, KeyCombination.SHORTCUT_DOWN),
                this::toggleTheme);
        stage.setTitle(InspectorApp.TITLE);
        WindowIcons.applyTo(stage);
        stage.setScene(scene);
        stage.setMinWidth(900);
        stage.setMinHeight(600);
        saved.ifPresent(b -> {
            if (!Double.isNaN(b.x()) && Screen.getScreensForRectangle(b.x(), b.y(), 100, 100).size() > 0) {
                stage.setX(b.x());
                stage.setY(b.y());
            }
            stage.setMaximized(b.maximized());
        });
        stage.setOnHiding(e -> remember());
        stage.show();
        groups.filterField().requestFocus();
        return scene;
    }

    /** Start-up: this machine when it can use VFIO; otherwise a notice, and the remembered host if there is one. */
    public void start() {
        Optional<HostChoice> requested = Optional.ofNullable(System.getProperty(HOST_PROPERTY))
                .flatMap(MainWindow::choiceFromKey);
        Optional<HostChoice> last = requested.or(() -> ctx.prefs().lastHost().flatMap(MainWindow::choiceFromKey));
        open(new HostChoice.Live(), loaded -> {
            if (!loaded.diagnosis().ready()) {
                String next = last.filter(c -> !(c instanceof HostChoice.Live))
                        .map(c -> "Opened the last host instead: " + c.label() + ".")
                        .orElse("Opened the lab scenario qemu-q35 instead, so you can explore at once; every lab "
                        + "scenario is in the host selector.");
                notice.show("This machine cannot use VFIO yet:", loaded.diagnosis(), next);
                open(last.filter(c -> !(c instanceof HostChoice.Live)).orElse(new HostChoice.Lab("qemu-q35")),
                        h -> preselect());
            } else {
                preselect();
            }
        });
    }

    /** {@code -Dvfioinspector.select=BDF}: select that device once the host is open (screenshots, demos). */
    private void preselect() {
        String bdf = System.getProperty(SELECT_PROPERTY);
        if (bdf != null && org.vfioinspector.bridge.model.PciAddress.isValid(bdf)) {
            groups.select(org.vfioinspector.bridge.model.PciAddress.parse(bdf));
            groups.tree().requestFocus();
            String actions = System.getProperty(TRY_PROPERTY);
            if (actions != null && !actions.isBlank() && host.get() != null && host.get().isLab()) {
                right.setDividerPositions(0.5);
                // after the host's importers are listed (a kernel call queued on vfio-io when the host was
                // applied, its answer posted to the FX thread): ATTACH needs the importer choice filled
                ctx.vfioIo().execute(() -> Platform.runLater(() -> {
                    for (String a : actions.split(",")) {
                        device.tryIt().perform(org.vfioinspector.app.gui.device.TryItPanel.Action.valueOf(
                                a.strip().toUpperCase(java.util.Locale.ROOT).replace('-', '_')));
                    }
                }));
            }
        }
    }

    public Task<LoadedHost> open(HostChoice choice) {
        return open(choice, h -> { });
    }

    private Task<LoadedHost> open(HostChoice choice, java.util.function.Consumer<LoadedHost> then) {
        header.showLoading(choice.label());
        status.setText("Opening " + choice.label() + "…");
        Task<LoadedHost> task = UiTasks.call(() -> {
            LoadedHost h = ctx.hostLoader().load(choice);
            GroupsPane.prebuild(h.inventory()); // the groups tree of a big host, built off the FX thread
            return h;
        })
                .title("Scanning " + choice.label())
                .onSuccess(h -> {
                    apply(h);
                    then.accept(h);
                })
                .onError(HostUnreadableException.class, e -> openFailed(choice, e))
                .onError(Exception.class, e -> openFailed(choice, e))
                .andFinally(() -> {
                    status.progressProperty().unbind();
                    status.setProgress(0);
                })
                .build();
        status.progressProperty().bind(task.progressProperty());
        ctx.background().execute(task);
        return task;
    }

    /**
     * A host that could not be opened changes nothing: the previous host stays shown with its header and its entry
     * in the host selector, and the error says what failed.
     */
    private void openFailed(HostChoice choice, Exception e) {
        LoadedHost current = host.get();
        if (current != null) {
            header.show(current);
            switching = true;
            hostSelector.setValue(current.choice());
            switching = false;
        } else {
            header.showFailed(choice.label());
        }
        errors.show("Open " + choice.label(), e);
    }

    private void apply(LoadedHost h) {
        LoadedHost old = host.get();
        // The event source is the kernel's (a tracefs reader on a real one): (un)subscribed on vfio-io, in order
        // with the old host's sessions closing and before any action on the new host is queued there.
        if (old != null) {
            old.kernel().ifPresent(k -> ctx.vfioIo().execute(() -> k.events().unsubscribe(events)));
        }
        // The old host's device sessions close first, then its handle (both on vfio-io).
        tryIt.hostChanged(old, h);
        host.set(h);
        // recorded on vfio-io: the journal writes, and the record stays in order with the kernel calls
        java.util.Map<String, String> facts = hostFacts(h);
        ctx.vfioIo().execute(() -> ctx.activity().host(h.choice().label(), facts));
        h.kernel().ifPresent(k -> ctx.vfioIo().execute(() -> k.events().subscribe(events)));
        switching = true;
        if (!hostSelector.getItems().contains(h.choice())) {
            hostSelector.getItems().add(h.choice());
        }
        hostSelector.setValue(h.choice());
        switching = false;
        header.show(h);
        revocations.clear();
        revocationView.setTracing(h.tracing().available() ? "live events" : "no live events: "
                + String.join("; ", h.tracing().missing()), h.tracing().available());
        device.setVerdictSource(h.verdicts().<VerdictSource>map(v -> new RulesVerdicts(v.predictions(),
                h.profileWhy())).orElse(VerdictSource.NONE));
        device.setTopology(h.topology());
        device.setActionGate(h.kernel().isPresent() ? Optional.empty()
                : Optional.of("No kernel backend for this host: " + h.noKernelWhy() + "."));
        groups.inventoryProperty().set(h.inventory());
        if (groups.selectedProperty().get() != null) {
            // the tree kept the selection across the rebuild (same device on the re-opened host): show it
            showSelection(groups.selectedProperty().get());
        } else {
            device.showNothing(h.inventory().groups().isEmpty()
                    ? "This host has no IOMMU groups: its devices are listed on the left under \"Without an IOMMU "
                    + "group\". " + TreeEntry.NoGroup.FIX : "Select a group or a device on the left.");
        }
        ctx.prefs().saveLastHost(h.choice().key());
        lab.hostChanged(h);
        int nd = h.inventory().devices().size();
        status.setText(h.choice().label() + ": " + h.inventory().groups().size() + " IOMMU groups, " + nd
                + " PCI devices" + (h.inventory().failed().isEmpty() ? ""
                : ", " + h.inventory().failed().size() + " unreadable") + ", "
                + h.diagnosis().usableGroups().size() + " usable with VFIO");
    }

    /** The exercises side panel, right of the device pane. */
    private void showExercises(boolean show) {
        if (show && !main.getItems().contains(lab)) {
            double[] d = main.getDividerPositions();
            main.getItems().add(lab);
            main.setDividerPositions(d[0], 0.72);
        } else if (!show) {
            main.getItems().remove(lab);
        }
    }

    /**
     * The user opened the rule behind a verdict: recorded as the ACTION "inspect-rule" (on vfio-io, in order with the
     * kernel calls, and off the FX thread since the journal writes), with the verdict and its rule as facts.
     */
    private void recordRuleInspected(org.vfioinspector.app.gui.device.BarRow row, String what,
                                     org.vfioinspector.app.gui.device.Verdict v) {
        String st = v.status().name().toLowerCase(java.util.Locale.ROOT);
        ctx.vfioIo().execute(() -> ctx.activity().action("inspect-rule", row.device().address(),
                row.region().index(), "ok", what + " verdict of " + row.region().name() + ": " + st + ", decided by "
                + v.rule(), java.util.Map.of("verdict", what, "status", st, "rule", v.rule())));
    }

    private void showSelection(TreeEntry e) {
        LoadedHost h = host.get();
        if (h == null || e == null) {
            return;
        }
        if (e instanceof TreeEntry.Group g) {
            device.showGroup(g.group(), h.inventory());
        } else if (e instanceof TreeEntry.Device d) {
            device.showDevice(d.device(), h.inventory());
            status.setText(d.device().address() + " · " + d.title());
        } else if (e instanceof TreeEntry.Unreadable u) {
            device.showNothing(u.address() + " could not be read: " + u.why());
        } else if (e instanceof TreeEntry.NoGroup n) {
            device.showNothing((n.noIommu() ? "This host has no active IOMMU: none of its " + n.devices()
                    + " PCI devices is in an IOMMU group. " : n.devices() + " PCI devices are in no IOMMU group. ")
                    + TreeEntry.NoGroup.FIX);
        }
    }

    private void onEvent(org.vfioinspector.bridge.kernel.KernelEvent e) {
        ctx.activity().event(e);
        revocations.accept(e);
    }

    private static java.util.Map<String, String> hostFacts(LoadedHost h) {
        java.util.Map<String, String> facts = new java.util.LinkedHashMap<>();
        facts.put("key", h.choice().key());
        facts.put("hostname", h.hostname());
        facts.put("lab", Boolean.toString(h.isLab()));
        h.profile().ifPresent(p -> facts.put("profile", p.name()));
        h.kernel().ifPresent(k -> facts.put("kernel", h.kernelDescription()));
        return facts;
    }

    private void chooseScenario() {
        FileChooser fc = new FileChooser();
        fc.setTitle("Open a lab scenario");
        fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("Scenario (YAML)", "*.yaml", "*.yml"));
        File f = fc.showOpenDialog(stage);
        if (f != null) {
            open(new HostChoice.Lab(f.getAbsolutePath()));
        }
    }

    private void chooseSnapshot() {
        DirectoryChooser dc = new DirectoryChooser();
        dc.setTitle("Open a sysfs snapshot (a folder with sys/ inside)");
        File dir = dc.showDialog(stage);
        if (dir != null) {
            open(new HostChoice.Snapshot(dir.toPath()));
        }
    }

    private void saveTimeline(RevocationView.Format format, RevocationModel model) {
        FileChooser fc = new FileChooser();
        fc.setTitle(format == RevocationView.Format.JSON ? "Save timeline as JSON" : "Save timeline report");
        fc.getExtensionFilters().add(new FileChooser.ExtensionFilter(format.extension().toUpperCase(
                java.util.Locale.ROOT), "*." + format.extension()));
        fc.setInitialFileName("vfio-timeline." + format.extension());
        File f = fc.showSaveDialog(stage);
        if (f != null) {
            saveTimeline(format, f.toPath());
        }
    }

    /** Writes the timeline to {@code file} off the FX thread (tests call this directly). */
    public Task<Path> saveTimeline(RevocationView.Format format, Path file) {
        String hostLabel = host.get() == null ? "" : host.get().hostname() + " (" + host.get().choice().label() + ")";
        List<TimelineExport.ObjectRow> objects = TimelineExport.snapshot(revocations.tracked());
        List<org.vfioinspector.app.gui.dmabuf.TimelineEntry> events = List.copyOf(revocations.timeline());
        return UiTasks.call(() -> {
            String text = format == RevocationView.Format.JSON ? TimelineExport.json(hostLabel, objects, events)
                    : TimelineExport.html(hostLabel, objects, events);
            Files.writeString(file, text, StandardCharsets.UTF_8);
            return file;
        }).title("Saving timeline")
                .onSuccess(p -> status.setText("Saved " + events.size() + " events to " + p))
                .onError(java.io.IOException.class, e -> errors.show("Save timeline", e))
                .runOnce(ctx.background());
    }

    /** Reads the previous session's journal off the FX thread and shows it read-only. */
    public Task<Optional<JournalReader.Journal>> openPreviousSession() {
        Optional<SessionJournal> current = ctx.journal();
        return UiTasks.call(() -> {
            if (current.isEmpty()) {
                return Optional.<JournalReader.Journal>empty();
            }
            Path dir = current.get().file().getParent();
            Optional<Path> previous = Journals.previous(dir, current.get().file());
            return previous.isEmpty() ? Optional.<JournalReader.Journal>empty()
                    : Optional.of(JournalReader.read(previous.get()));
        }).title("Reading the previous session's journal")
                .onSuccess(j -> j.ifPresentOrElse(
                        journal -> PreviousSessionView.show(stage, journal, ctx.background(), status::setText,
                                errors),
                        () -> status.setText(current.isEmpty() ? "This session keeps no journal."
                                : "No previous session journal in " + current.get().file().getParent())))
                .onError(java.io.IOException.class, e -> errors.show("Read the previous session's journal", e))
                .runOnce(ctx.background());
    }

    /** The app stops: the device sessions close on vfio-io before the executors shut down. */
    public void stop() {
        tryIt.stop();
    }

    private void toggleTheme() {
        theme = theme.other();
        theme.applyTo(stage.getScene());
        ctx.prefs().saveTheme(theme);
    }

    private void remember() {
        ctx.prefs().saveBounds(new AppPrefs.Bounds(stage.getX(), stage.getY(), stage.getWidth(), stage.getHeight(),
                stage.isMaximized()));
        ctx.prefs().saveDivider(main.getDividerPositions()[0]);
        // the file is written off the FX thread; AppContext.close() flushes again when the app ends
        try {
            ctx.background().execute(ctx.prefs()::flush);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            ctx.prefs().flush(); // the context is already closed: the app is ending, no frame to keep
        }
    }

    private static Optional<HostChoice> choiceFromKey(String key) {
        if ("live".equals(key)) {
            return Optional.of(new HostChoice.Live());
        }
        if (key.startsWith("lab:")) {
            return Optional.of(HostChoice.Lab.fromKey(key.substring("lab:".length())));
        }
        if (key.startsWith("snapshot:")) {
            Path p = Path.of(key.substring("snapshot:".length()));
            return Files.isDirectory(p) ? Optional.of(new HostChoice.Snapshot(p)) : Optional.empty();
        }
        return Optional.empty();
    }

    private static FontIcon icon(FontIcon i) {
        i.getStyleClass().add("icon");
        return i;
    }

    public GroupsPane groups() {
        return groups;
    }

    public DeviceView device() {
        return device;
    }

    public org.vfioinspector.app.gui.lab.LabPane lab() {
        return lab;
    }

    public RevocationModel revocations() {
        return revocations;
    }

    public ObjectProperty<LoadedHost> hostProperty() {
        return host;
    }

    public StatusBar status() {
        return status;
    }

    private static final class ChoiceCell extends ListCell<HostChoice> {
        @Override
        protected void updateItem(HostChoice item, boolean empty) {
            super.updateItem(item, empty);
            setText(empty || item == null ? null : item.label());
        }
    }
}
