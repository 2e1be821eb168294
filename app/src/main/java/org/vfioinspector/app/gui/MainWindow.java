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
import org.kordamp.ikonli.materialdesign2.MaterialDesignS;
import org.kordamp.ikonli.materialdesign2.MaterialDesignW;
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
 * The main window: the header (host, controls, kernel facts), the no-VFIO notice over the body, and the body: the
 * groups tree (or the flat device table) | the device view over the revocation area, which folds to one line, and
 * the exercises side sheet when open; the status bar. Every divider is wide enough to grab and remembered. Owns no
 * executor: everything blocking goes through {@link AppContext}.
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
    /** {@code -Dvfioinspector.geometry=1024x700} sizes the window for this run (screenshots, demos). */
    public static final String GEOMETRY_PROPERTY = "vfioinspector.geometry";
    /** {@code -Dvfioinspector.revocation=folded|0.3}: the revocation area with the try-it actions (screenshots). */
    public static final String REVOCATION_PROPERTY = "vfioinspector.revocation";
    /** {@code -Dvfioinspector.scrollTo=tryit}: the device view scrolled to its try-it panel (screenshots). */
    public static final String SCROLL_PROPERTY = "vfioinspector.scrollTo";
    /** {@code -Dvfioinspector.exercise=sub-page-bar} opens the exercises with that one after start-up. */
    public static final String EXERCISE_PROPERTY = "vfioinspector.exercise";
    /** The device view keeps at least this width: the exercises sheet takes its room from the groups pane. */
    static final double DEVICE_MIN_WIDTH = 480;
    private final AppContext ctx;
    private final Stage stage;
    private final BorderPane root = new BorderPane();
    private final ComboBox<HostChoice> hostSelector = new ComboBox<>();
    private final HostHeader header;
    private final NoticePane notice;
    private final GroupsPane groups = new GroupsPane();
    private final DeviceView device = new DeviceView();
    private final RevocationModel revocations = new RevocationModel(Clock.systemDefaultZone());
    private final RevocationView revocationView;
    private final StatusBar status = new StatusBar();
    private final SplitPane main;
    private final SplitPane right;
    private final org.vfioinspector.app.gui.common.FoldingArea bottom;
    private final javafx.scene.control.ToggleButton lightTheme = new javafx.scene.control.ToggleButton();
    private final javafx.scene.control.ToggleButton darkTheme = new javafx.scene.control.ToggleButton();
    private double rightDivider;
    private double groupsWidthBeforeSheet = -1;
    private Runnable undoCloseKeys = () -> { };
    private final ObjectProperty<LoadedHost> host = new SimpleObjectProperty<>(this, "host");
    private final ErrorPresenter errors;
    private final TryItController tryIt;
    /** The exercises sheet, made when first shown (it reads the built-in exercises): most sessions never do. */
    private org.vfioinspector.app.gui.lab.LabPane lab;
    private final javafx.scene.control.ToggleButton exercises = new javafx.scene.control.ToggleButton("_Exercises");
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
        javafx.scene.control.MenuItem snapshot = new javafx.scene.control.MenuItem("_Snapshot folder…",
                icon(new FontIcon(MaterialDesignF.FOLDER_OPEN)));
        snapshot.setId("openSnapshot");
        snapshot.setAccelerator(new KeyCodeCombination(KeyCode.O, KeyCombination.SHORTCUT_DOWN));
        snapshot.setOnAction(e -> chooseSnapshot());
        javafx.scene.control.MenuItem scenario = new javafx.scene.control.MenuItem("S_cenario file…",
                icon(new FontIcon(MaterialDesignF.FLASK_OUTLINE)));
        scenario.setId("openScenario");
        scenario.setAccelerator(new KeyCodeCombination(KeyCode.O, KeyCombination.SHORTCUT_DOWN,
                KeyCombination.SHIFT_DOWN));
        scenario.setOnAction(e -> chooseScenario());
        javafx.scene.control.MenuButton openMenu = new javafx.scene.control.MenuButton("_Open",
                icon(new FontIcon(MaterialDesignF.FOLDER_OPEN)), snapshot, scenario);
        openMenu.setId("openMenu");
        openMenu.setTooltip(new Tooltip("Open a sysfs snapshot folder (laid out like / with sys/ inside; Ctrl+O) or a "
                + "lab scenario file (YAML; Ctrl+Shift+O)"));
        lightTheme.setGraphic(icon(new FontIcon(MaterialDesignW.WHITE_BALANCE_SUNNY)));
        lightTheme.setId("themeLight");
        lightTheme.setTooltip(new Tooltip("Light theme (Ctrl+T switches)"));
        lightTheme.setAccessibleText("Light theme");
        darkTheme.setGraphic(icon(new FontIcon(MaterialDesignW.WEATHER_NIGHT)));
        darkTheme.setId("themeDark");
        darkTheme.setTooltip(new Tooltip("Dark theme (Ctrl+T switches)"));
        darkTheme.setAccessibleText("Dark theme");
        org.controlsfx.control.SegmentedButton themes = new org.controlsfx.control.SegmentedButton(lightTheme,
                darkTheme);
        themes.setId("themeChoice");
        (theme == Theme.DARK ? darkTheme : lightTheme).setSelected(true);
        themes.getToggleGroup().selectedToggleProperty().addListener((o, a, b) -> {
            if (b == null) {
                a.setSelected(true); // one theme is always chosen
            } else {
                setTheme(b == darkTheme ? Theme.DARK : Theme.LIGHT);
            }
        });
        exercises.setId("toggleExercises");
        exercises.setGraphic(icon(new FontIcon(MaterialDesignS.SCHOOL_OUTLINE)));
        exercises.setTooltip(new Tooltip("Guided lab exercises, in a side sheet: steps whose checks pass as the kernel "
                + "answers (Ctrl+E)"));
        exercises.selectedProperty().addListener((o, a, b) -> showExercises(b));
        // icon-only like the theme choice: the header has no room for more labels (Ctrl+H, and its tooltip)
        Button previous = new Button("", icon(new FontIcon(MaterialDesignH.HISTORY)));
        previous.setId("previousSession");
        previous.setAccessibleText("Previous session…");
        previous.setTooltip(new Tooltip("Previous session… — the journal of the last session, read-only, to "
                + "review or export (Ctrl+H)"));
        previous.setOnAction(e -> openPreviousSession());
        // as wide as its longest built-in choice; a long snapshot or file name is cut, and said whole by the tooltip
        hostSelector.setMaxWidth(300);
        hostSelector.valueProperty().addListener((o, a, b) -> hostSelector.getTooltip().setText("Which host to "
                + "inspect: this machine, a sysfs snapshot, or a lab scenario" + (b == null ? "" : ". Now: "
                + b.label())));
        HBox controls = new HBox(6, hostSelector, openMenu, exercises, previous, themes);
        // the buttons keep their labels; the host's name and kind to the left give way instead
        controls.getChildren().forEach(n -> ((javafx.scene.layout.Region) n).setMinWidth(
                javafx.scene.layout.Region.USE_PREF_SIZE));
        controls.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        controls.setAlignment(Pos.CENTER_RIGHT);
        header = new HostHeader(controls);

        revocationView = new RevocationView(revocations, this::saveTimeline);
        // The revocation area folds to one line (its live summary), so the device view keeps the height; unfolded,
        // the divider between the two is where the user left it.
        bottom = new org.vfioinspector.app.gui.common.FoldingArea("_Revocation", "The live revocation view: the "
                + "mappings, dma-bufs and attachments open now, and the kernel's events (Ctrl+R folds and unfolds)",
                revocationView);
        bottom.setId("revocationArea");
        // folded, the picture is not drawn: a kernel event then costs the summary line, not a column of lanes
        revocationView.timeline().drawnProperty().bind(bottom.foldedProperty().not());
        bottom.toggle().setId("toggleRevocation");
        revocations.tracked().addListener((javafx.collections.ListChangeListener<
                org.vfioinspector.app.gui.dmabuf.Tracked>) c -> {
            while (c.next()) {
                // an object's state changes without the list changing (revoked, restored, dead)
                c.getAddedSubList().forEach(t -> t.state().addListener(o -> summarizeRevocation()));
            }
            summarizeRevocation();
        });
        revocations.timeline().addListener((javafx.collections.ListChangeListener<
                org.vfioinspector.app.gui.dmabuf.TimelineEntry>) c -> summarizeRevocation());
        summarizeRevocation();
        right = new SplitPane(device, bottom);
        right.setOrientation(Orientation.VERTICAL);
        right.setMinWidth(DEVICE_MIN_WIDTH);
        rightDivider = ctx.prefs().layout("revocationDivider", 0.6, 0.15, 0.9);
        right.setDividerPositions(rightDivider);
        bottom.foldedProperty().addListener((o, a, folded) -> foldRevocation(folded));
        main = new SplitPane(groups, right);
        main.setDividerPositions(ctx.prefs().divider());
        SplitPane.setResizableWithParent(groups, false);
        notice = new NoticePane(main);
        groups.selectedProperty().addListener((o, a, b) -> showSelection(b));
        tryIt = new TryItController(ctx, device.tryIt(), revocations, status::setText, () -> stage);
        device.setOnRuleInspected(this::recordRuleInspected);

        status.setId("statusBar");
        status.setText("Ready");
        root.setTop(header);
        root.setCenter(notice);
        root.setBottom(status);
        root.getStyleClass().add("main-window");
        BorderPane.setMargin(notice, new Insets(0));
    }

    /** The exercises sheet, made on first use and told which host is open. */
    private org.vfioinspector.app.gui.lab.LabPane labPane() {
        if (lab == null) {
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

                @Override
                public void record(String operation, org.vfioinspector.bridge.model.PciAddress device, int region,
                                   String result, String detail, java.util.Map<String, String> facts) {
                    // on vfio-io: the journal writes, and the record stays in order with the kernel calls
                    ctx.vfioIo().execute(() -> ctx.activity().action(operation, device, region, result, detail, facts));
                }
            }, ctx.activity(), new org.vfioinspector.bridge.exercise.ProgressStore(ctx.stateDir().orElseGet(
                    org.vfioinspector.bridge.journal.StateDir::current)), errors, status::setText);

            lab.setOnClose(() -> exercises.setSelected(false));
            SplitPane.setResizableWithParent(lab, false);
            if (host.get() != null) {
                lab.hostChanged(host.get());
            }
        }
        return lab;
    }

    /** The folded revocation area's one line: what is open and in which state, and how many events came. */
    private void summarizeRevocation() {
        java.util.Map<String, Long> states = new java.util.TreeMap<>();
        for (org.vfioinspector.app.gui.dmabuf.Tracked t : revocations.tracked()) {
            states.merge(t.state().getValue().label(), 1L, Long::sum);
        }
        int n = revocations.tracked().size();
        int ev = revocations.timeline().size();
        bottom.summary().setText(n == 0 && ev == 0 ? "nothing open, no kernel events yet"
                : n + (n == 1 ? " object" : " objects") + (states.isEmpty() ? "" : " (" + states.entrySet().stream()
                .map(e -> e.getValue() + " " + e.getKey()).collect(java.util.stream.Collectors.joining(", ")) + ")")
                + " · " + ev + (ev == 1 ? " kernel event" : " kernel events"));
    }

    /** Folding moves the divider to the bottom; unfolding puts it back where it was. */
    private void foldRevocation(boolean folded) {
        if (folded) {
            double[] d = right.getDividerPositions();
            if (d.length > 0 && d[0] < 0.97) {
                rightDivider = d[0];
            }
            right.setDividerPositions(1.0);
        } else {
            right.setDividerPositions(rightDivider);
            // once more after the unfolded area's next layout: the split pane clamps the divider to the folded
            // area's maximum height until it has laid it out again
            double at = rightDivider;
            Platform.runLater(() -> {
                if (!bottom.isFolded()) {
                    right.setDividerPositions(at);
                }
            });
        }
    }

    /** Folds or unfolds the revocation area (Ctrl+R). */
    public void setRevocationFolded(boolean folded) {
        bottom.setFolded(folded);
    }

    public org.vfioinspector.app.gui.common.FoldingArea revocationArea() {
        return bottom;
    }

    public NoticePane notice() {
        return notice;
    }

    /** Shows the window with remembered (or sensible) bounds and theme. */
    public Scene show() {
        Rectangle2D screen = Screen.getPrimary().getVisualBounds();
        double w = Math.min(1440, screen.getWidth() * 0.9);
        double h = Math.min(920, screen.getHeight() * 0.9);
        Optional<AppPrefs.Bounds> saved = ctx.prefs().bounds();
        Optional<double[]> asked = geometry(System.getProperty(GEOMETRY_PROPERTY));
        if (asked.isPresent()) {
            saved = Optional.empty();
            w = asked.get()[0];
            h = asked.get()[1];
        }
        Scene scene = new Scene(root, saved.map(AppPrefs.Bounds::width).orElse(w),
                saved.map(AppPrefs.Bounds::height).orElse(h));
        if (!ctx.prefs().hasDivider()) {
            // the groups pane takes about 300 px (up to 420 on a wide screen): the device view gets the rest
            main.setDividerPositions(Math.min(420, Math.max(280, scene.getWidth() * 0.28)) / scene.getWidth());
        }
        // the revocation area starts folded (nothing is open yet; its line says when something is), then as the user
        // left it
        bottom.setFolded(ctx.prefs().layout("revocationFolded", 1, 0, 1) > 0.5);
        theme.applyTo(scene);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.F, KeyCombination.SHORTCUT_DOWN),
                () -> groups.filterField().requestFocus());
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.O, KeyCombination.SHORTCUT_DOWN),
                this::chooseSnapshot);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.T, KeyCombination.SHORTCUT_DOWN),
                this::toggleTheme);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.O, KeyCombination.SHORTCUT_DOWN,
                KeyCombination.SHIFT_DOWN), this::chooseScenario);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.E, KeyCombination.SHORTCUT_DOWN),
                () -> exercises.setSelected(!exercises.isSelected()));
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.R, KeyCombination.SHORTCUT_DOWN),
                () -> bottom.setFolded(!bottom.isFolded()));
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.H, KeyCombination.SHORTCUT_DOWN),
                this::openPreviousSession);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.DIGIT1, KeyCombination.SHORTCUT_DOWN),
                () -> groups.showTable(false));
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.DIGIT2, KeyCombination.SHORTCUT_DOWN),
                () -> groups.showTable(true));
        stage.setTitle(InspectorApp.TITLE);
        WindowIcons.applyTo(stage);
        stage.setScene(scene);
        stage.setMinWidth(900);
        stage.setMinHeight(600);
        if (scene.getHeight() < 1000) {
            notice.setFolded(true); // one line: the problems; "More" shows each with its fix
        }
        saved.ifPresent(b -> {
            if (!Double.isNaN(b.x()) && Screen.getScreensForRectangle(b.x(), b.y(), 100, 100).size() > 0) {
                stage.setX(b.x());
                stage.setY(b.y());
            }
            stage.setMaximized(b.maximized());
        });
        stage.setOnHiding(e -> remember());
        // every dialog and window opened from here closes on Esc and Ctrl+W, confirmations included
        undoCloseKeys = org.vfioinspector.app.gui.common.SecondaryWindows.closeAllByKeyboard(stage);
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
        String exercise = System.getProperty(EXERCISE_PROPERTY);
        if (exercise != null && !exercise.isBlank()) {
            System.clearProperty(EXERCISE_PROPERTY); // once
            exercises.setSelected(true);
            Optional<org.vfioinspector.app.gui.lab.LabPane.Item> item = labPane().chooser().getItems().stream()
                    .filter(i -> i.nameOrFile().equals(exercise.strip())).findFirst();
            if (item.isPresent()) {
                // the exercise opens its scenario: the selection and the actions are for that host, once shown
                host.addListener(new javafx.beans.value.ChangeListener<LoadedHost>() {
                    @Override
                    public void changed(javafx.beans.value.ObservableValue<? extends LoadedHost> o, LoadedHost a,
                                        LoadedHost b) {
                        host.removeListener(this);
                        selectAndTry();
                    }
                });
                lab.chooser().setValue(item.get());
                return;
            }
        }
        selectAndTry();
    }

    /** {@code -Dvfioinspector.select} and {@code -Dvfioinspector.try} on the host shown. */
    private void selectAndTry() {
        String bdf = System.getProperty(SELECT_PROPERTY);
        if (bdf != null && org.vfioinspector.bridge.model.PciAddress.isValid(bdf)) {
            groups.select(org.vfioinspector.bridge.model.PciAddress.parse(bdf));
            groups.tree().requestFocus();
            String actions = System.getProperty(TRY_PROPERTY);
            if (actions != null && !actions.isBlank() && host.get() != null && host.get().isLab()) {
                layoutForScreenshot();
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

    /**
     * {@code -Dvfioinspector.revocation=folded} folds the revocation area, a number (0.3) unfolds it with the divider
     * there (default: unfolded at half the height); {@code -Dvfioinspector.scrollTo=tryit} scrolls the device view to
     * its try-it panel once the actions are done. For screenshots and demos.
     */
    private void layoutForScreenshot() {
        String rev = System.getProperty(REVOCATION_PROPERTY, "0.5");
        if (rev.equals("folded")) {
            bottom.setFolded(true);
        } else {
            double at;
            try {
                at = Math.max(0.1, Math.min(0.9, Double.parseDouble(rev)));
            } catch (NumberFormatException e) {
                at = 0.5;
            }
            rightDivider = at;
            if (bottom.isFolded()) {
                bottom.setFolded(false); // puts the divider at rightDivider
            } else {
                right.setDividerPositions(at);
            }
        }
        if ("tryit".equals(System.getProperty(SCROLL_PROPERTY))) {
            // after the actions' answers are shown (they are queued on vfio-io before this)
            ctx.vfioIo().execute(() -> Platform.runLater(() -> Platform.runLater(() -> {
                javafx.scene.Node panel = device.tryIt();
                javafx.scene.Node content = device.getContent();
                double y = panel.localToScene(0, 0).getY() - content.localToScene(0, 0).getY();
                double room = content.getBoundsInLocal().getHeight() - device.getViewportBounds().getHeight();
                if (room > 0) {
                    device.setVvalue(Math.min(1, Math.max(0, (y - 8) / room)));
                }
            })));
        }
    }

    public Task<LoadedHost> open(HostChoice choice) {
        return open(choice, h -> { });
    }

    private Task<LoadedHost> open(HostChoice choice, java.util.function.Consumer<LoadedHost> then) {
        header.showLoading(choice.label());
        status.setText("Opening " + choice.label() + "…");
        // what the groups pane shows, made with the host off the FX thread; this task's own hand-off to apply
        java.util.concurrent.atomic.AtomicReference<GroupsPane.Prepared> shown =
                new java.util.concurrent.atomic.AtomicReference<>();
        Task<LoadedHost> task = UiTasks.call(() -> {
            LoadedHost h = ctx.hostLoader().load(choice);
            shown.set(GroupsPane.prepare(h.inventory(),
                    h.handle().flatMap(org.vfioinspector.bridge.host.Host::scenario)));
            return h;
        })
                .title("Scanning " + choice.label())
                .onSuccess(h -> {
                    apply(h, shown.get());
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

    private void apply(LoadedHost h, GroupsPane.Prepared shown) {
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
        // the scenario's names at once; the disagreement marks and the table's summaries once worked out (below)
        Optional<org.vfioinspector.bridge.lab.scenario.LabScenario> scenario = h.handle()
                .flatMap(org.vfioinspector.bridge.host.Host::scenario);
        org.vfioinspector.app.gui.groups.DeviceText.useHostNames(shown.names().names());
        revocations.clear();
        revocationView.setTracing(h.tracing().available() ? "live events" : "no live events: "
                + String.join("; ", h.tracing().missing()), h.tracing().available());
        device.setVerdictSource(h.verdicts().<VerdictSource>map(v -> new RulesVerdicts(v.predictions(),
                h.profileWhy())).orElse(VerdictSource.NONE));
        device.setTopology(h.topology());
        device.setActionGate(h.kernel().isPresent() ? Optional.empty()
                : Optional.of("No kernel backend for this host: " + h.noKernelWhy() + "."));
        groups.show(shown);
        UiTasks.call(() -> org.vfioinspector.app.gui.groups.DeviceMarks.of(h.inventory(), h.verdicts(), scenario))
                .title("Marking disagreeing BARs")
                .onSuccess(m -> {
                    if (host.get() == h) {
                        groups.updateMarks(m);
                    }
                })
                .onError(RuntimeException.class, e -> errors.show("Predict the verdicts of " + h.choice().label(), e))
                .runOnce(ctx.background());
        if (groups.selectedProperty().get() != null) {
            // the tree kept the selection across the rebuild (same device on the re-opened host): show it
            showSelection(groups.selectedProperty().get());
        } else {
            device.showNothing(h.inventory().groups().isEmpty()
                    ? "This host has no IOMMU groups: its devices are listed on the left under \"Without an IOMMU "
                    + "group\". " + TreeEntry.NoGroup.FIX : "Select a group or a device on the left.");
        }
        ctx.prefs().saveLastHost(h.choice().key());
        if (lab != null) {
            lab.hostChanged(h);
        }
        int nd = h.inventory().devices().size();
        status.setText(h.choice().label() + ": " + h.inventory().groups().size() + " IOMMU groups, " + nd
                + " PCI devices" + (h.inventory().failed().isEmpty() ? ""
                : ", " + h.inventory().failed().size() + " unreadable") + ", "
                + h.diagnosis().usableGroups().size() + " usable with VFIO");
    }

    /**
     * The exercises side sheet, right of the device view. It takes its room from the groups pane, never from the
     * device view (which keeps {@link #DEVICE_MIN_WIDTH}, so the try-it groups are not squeezed); the groups pane
     * gets its width back when the sheet closes.
     */
    private void showExercises(boolean show) {
        double total = main.getWidth() > 0 ? main.getWidth() : stage.getWidth();
        if (show && !main.getItems().contains(labPane())) {
            double groupsWidth = main.getDividerPositions()[0] * total;
            groupsWidthBeforeSheet = groupsWidth;
            double sheet = Math.max(lab.getMinWidth(), Math.min(ctx.prefs().layout("exercisesWidth", 360, 280, 900),
                    total - groups.getMinWidth() - DEVICE_MIN_WIDTH));
            double g = Math.max(groups.getMinWidth(), Math.min(groupsWidth, total - sheet - DEVICE_MIN_WIDTH));
            main.getItems().add(lab);
            main.setDividerPositions(g / total, (total - sheet) / total);
            lab.chooser().requestFocus();
        } else if (!show && lab != null && main.getItems().contains(lab)) {
            double[] d = main.getDividerPositions();
            ctx.prefs().saveLayout("exercisesWidth", (1 - d[1]) * total);
            main.getItems().remove(lab);
            if (groupsWidthBeforeSheet > 0) {
                main.setDividerPositions(groupsWidthBeforeSheet / total);
            }
            exercises.requestFocus();
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
        undoCloseKeys.run();
        tryIt.stop();
    }

    private void toggleTheme() {
        (theme.other() == Theme.DARK ? darkTheme : lightTheme).setSelected(true);
    }

    private void setTheme(Theme t) {
        if (t == theme) {
            // the choice's skin re-selects its toggle while the scene's CSS is processed: replacing the stylesheets
            // then leaves that pass without the palette (unresolved colours)
            return;
        }
        theme = t;
        if (stage.getScene() != null) {
            theme.applyTo(stage.getScene());
        }
        ctx.prefs().saveTheme(theme);
    }

    private void remember() {
        ctx.prefs().saveBounds(new AppPrefs.Bounds(stage.getX(), stage.getY(), stage.getWidth(), stage.getHeight(),
                stage.isMaximized()));
        ctx.prefs().saveDivider(main.getDividerPositions()[0]);
        if (!bottom.isFolded() && right.getDividerPositions().length > 0) {
            ctx.prefs().saveLayout("revocationDivider", right.getDividerPositions()[0]);
        } else {
            ctx.prefs().saveLayout("revocationDivider", rightDivider);
        }
        ctx.prefs().saveLayout("revocationFolded", bottom.isFolded() ? 1 : 0);
        if (lab != null && main.getItems().contains(lab)) {
            double[] d = main.getDividerPositions();
            ctx.prefs().saveLayout("exercisesWidth", (1 - d[1]) * main.getWidth());
            if (groupsWidthBeforeSheet > 0) {
                // the groups pane's own width, not the one the sheet squeezed it to
                ctx.prefs().saveDivider(groupsWidthBeforeSheet / main.getWidth());
            }
        }
        // the file is written off the FX thread; AppContext.close() flushes again when the app ends
        try {
            ctx.background().execute(ctx.prefs()::flush);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            ctx.prefs().flush(); // the context is already closed: the app is ending, no frame to keep
        }
    }

    /** "1024x700" → {1024, 700}; anything else → empty. */
    static Optional<double[]> geometry(String spec) {
        if (spec == null || !spec.matches("\\d{3,5}x\\d{3,5}")) {
            return Optional.empty();
        }
        String[] p = spec.split("x");
        return Optional.of(new double[] {Double.parseDouble(p[0]), Double.parseDouble(p[1])});
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
        return labPane();
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
