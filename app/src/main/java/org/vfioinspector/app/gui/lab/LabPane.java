package org.vfioinspector.app.gui.lab;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javafx.application.Platform;
import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.control.ToggleButton;
import javafx.stage.FileChooser;
import java.util.Map;
import java.util.Optional;
import org.controlsfx.control.PopOver;
import org.controlsfx.control.SegmentedButton;
import org.kordamp.ikonli.javafx.FontIcon;
import org.kordamp.ikonli.materialdesign2.MaterialDesignC;
import org.kordamp.ikonli.materialdesign2.MaterialDesignH;
import org.kordamp.ikonli.materialdesign2.MaterialDesignS;
import org.vfioinspector.bridge.exercise.Expect;
import org.vfioinspector.bridge.model.PciAddress;
import javafx.stage.Window;
import org.vfioinspector.app.gui.common.Badge;
import org.vfioinspector.app.gui.common.ErrorPresenter;
import org.vfioinspector.app.gui.common.UiTasks;
import org.vfioinspector.app.gui.host.HostChoice;
import org.vfioinspector.app.gui.host.LabProfiles;
import org.vfioinspector.app.gui.host.LoadedHost;
import org.vfioinspector.bridge.exercise.Exercise;
import org.vfioinspector.bridge.exercise.ExerciseException;
import org.vfioinspector.bridge.exercise.ExerciseLoader;
import org.vfioinspector.bridge.exercise.ExerciseReport;
import org.vfioinspector.bridge.exercise.ExerciseRun;
import org.vfioinspector.bridge.exercise.HostFit;
import org.vfioinspector.bridge.exercise.Progress;
import org.vfioinspector.bridge.exercise.ProgressStore;
import org.vfioinspector.bridge.journal.Activity;
import org.vfioinspector.bridge.journal.ActivityLog;

/**
 * Guided exercises, a side sheet beside the device view: choose one (built in or a file), follow its steps, see each
 * check pass as the session's activity meets it (what the student did and what the kernel answered), reset the
 * scenario, go on to the next exercise, export a report. A step that asks the student to name something (a check on
 * {@code name-rule}) makes the student choose: the rules the rules engine gives this host's BARs are the candidates,
 * and only the rule that decides the verdict meets the check. Progress is kept in the state directory. The checks run
 * on the FX thread over a copy of the activity (no I/O); loading and saving run on the background executor.
 */
public final class LabPane extends VBox {
    /** The action a "name the rule" choice is recorded as; its facts: verdict, rule, decides ("true"/"false"). */
    public static final String NAME_RULE = "name-rule";

    /** What the pane needs from the window. */
    public interface Host {
        /** Opens a host (a lab scenario, possibly under another profile). */
        Task<LoadedHost> open(HostChoice choice);

        /** The host shown now, or null. */
        LoadedHost current();

        /** Runs blocking work (file reads and writes). */
        java.util.concurrent.Executor background();

        Window window();

        /** Records what the student did in the session's activity (off the FX thread: the journal writes). */
        void record(String operation, PciAddress device, int region, String result, String detail,
                    Map<String, String> facts);
    }

    private final Host host;
    private final ActivityLog activity;
    private final ErrorPresenter errors;
    private final Consumer<String> status;
    private final ProgressStore store;
    private final VBox content = new VBox(10);
    private final ScrollPane scroll = new ScrollPane(content);
    private final ComboBox<Item> chooser = new ComboBox<>();
    private final ComboBox<String> profile = new ComboBox<>();
    private final ToggleButton noFix = new ToggleButton("none");
    private final List<ToggleButton> fixes = new ArrayList<>();
    private final SegmentedButton fix;
    private final Label heading = new Label();
    private final Label where = new Label();
    private final Label intro = new Label();
    private final Label summary = new Label();
    private final VBox steps = new VBox(8);
    private final Button reset = new Button("Re_set scenario");
    private final Button export = new Button("Export re_port…");
    private final Button next = new Button("_Next exercise", new FontIcon(MaterialDesignS.SKIP_NEXT));
    private final Button close = new Button("", new FontIcon(MaterialDesignC.CLOSE));
    private PopOver quiz;
    private ExerciseRun run;
    private boolean switchingProfile;
    private final Consumer<Activity> listener = a -> Platform.runLater(this::evaluate);

    /** An exercise in the chooser: built-in name or file. */
    public record Item(String nameOrFile, String title) {
    }

    public LabPane(Host host, ActivityLog activity, ProgressStore store, ErrorPresenter errors,
                   Consumer<String> status) {
        this.host = host;
        this.activity = activity;
        this.store = store;
        this.errors = errors;
        this.status = status;
        setId("labPane");
        getStyleClass().addAll("lab-pane", "side-sheet");
        setPrefWidth(360);
        setMinWidth(300);
        content.setPadding(new Insets(8, 12, 12, 12));
        scroll.setFitToWidth(true);
        VBox.setVgrow(scroll, Priority.ALWAYS);
        Label title = new Label("Lab exercises");
        title.getStyleClass().add("view-title");
        title.setMinWidth(USE_PREF_SIZE);
        close.setId("closeExercises");
        close.setTooltip(new Tooltip("Close the exercises (Ctrl+E); your progress is kept"));
        close.setAccessibleText("Close the exercises");
        Region spring = new Region();
        HBox.setHgrow(spring, Priority.ALWAYS);
        HBox head = new HBox(8, title, spring, close);
        head.setAlignment(Pos.CENTER_LEFT);
        head.getStyleClass().add("side-sheet-head");
        chooser.setId("exerciseChoice");
        chooser.setPromptText("choose an exercise");
        chooser.setMaxWidth(Double.MAX_VALUE);
        chooser.setCellFactory(l -> new ItemCell());
        chooser.setButtonCell(new ItemCell());
        for (String n : ExerciseLoader.BUILT_IN) {
            try {
                chooser.getItems().add(new Item(n, ExerciseLoader.builtIn(n).title()));
            } catch (ExerciseException e) {
                // a broken built-in is a build error; the loader test catches it
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
        chooser.valueProperty().addListener((o, a, b) -> {
            if (b != null) {
                choose(b);
            }
        });
        Button file = new Button("_File…");
        file.setId("openExercise");
        file.setTooltip(new Tooltip("Open an exercise file (YAML, see docs/exercise-format.md)"));
        file.setOnAction(e -> chooseFile());
        profile.setId("labProfile");
        profile.getItems().setAll(org.vfioinspector.bridge.rules.KernelProfiles.NAMES);
        profile.setTooltip(new Tooltip("Re-open this lab scenario under another kernel profile"));
        profile.valueProperty().addListener((o, a, b) -> switchProfile(spec()));
        Label profileLabel = new Label("_Kernel");
        profileLabel.setMnemonicParsing(true);
        profileLabel.setLabelFor(profile);
        profileLabel.setMinWidth(USE_PREF_SIZE);
        file.setMinWidth(USE_PREF_SIZE);
        HBox profileRow = new HBox(6, profileLabel, profile);
        profileRow.setAlignment(Pos.CENTER_LEFT);
        // upstream fixes not in a release yet, switched on one at a time over the chosen profile
        noFix.setId("labFix-none");
        noFix.setTooltip(new Tooltip("The profile as released"));
        fixes.add(noFix);
        for (String f : LabProfiles.FIXES) {
            ToggleButton t = new ToggleButton(fixLabel(f));
            t.setId("labFix-" + f);
            t.setUserData(f);
            t.setTooltip(new Tooltip(fixTip(f)));
            fixes.add(t);
        }
        fix = new SegmentedButton(fixes.toArray(ToggleButton[]::new));
        fix.setId("labFix");
        noFix.setSelected(true);
        fix.getToggleGroup().selectedToggleProperty().addListener((o, a, b) -> {
            if (b == null) {
                a.setSelected(true); // one choice is always made
            } else {
                switchProfile(spec());
            }
        });
        Label fixLabel = new Label("Upstream fix");
        fixLabel.setMinWidth(USE_PREF_SIZE);
        FlowPane fixRow = new FlowPane(6, 4, fixLabel, fix);
        fixRow.setAlignment(Pos.CENTER_LEFT);
        where.setId("exerciseWhere");
        where.setWrapText(true);
        where.getStyleClass().add("muted");
        intro.setId("exerciseIntro");
        intro.setWrapText(true);
        summary.setId("exerciseSummary");
        summary.getStyleClass().add("section-title");
        reset.setId("resetExercise");
        reset.setTooltip(new Tooltip("Open the exercise's scenario fresh and start its steps again"));
        reset.setOnAction(e -> resetExercise());
        export.setId("exportReport");
        export.setTooltip(new Tooltip("Save the steps, checks and timeline of this session as HTML"));
        export.setOnAction(e -> chooseReportFile());
        next.setId("nextExercise");
        next.setTooltip(new Tooltip("Go on to the next built-in exercise"));
        next.setOnAction(e -> nextExercise());
        FlowPane buttons = new FlowPane(6, 6, next, reset, export);
        file.setText("Exercise _file…");
        // the chooser has the sheet's whole width (an exercise's title is long); its tooltip names the choice
        Tooltip chosen = new Tooltip("Choose an exercise: it opens its lab scenario");
        chosen.setWrapText(true);
        chosen.setMaxWidth(420);
        chooser.setTooltip(chosen);
        chooser.valueProperty().addListener((o, a, b) -> chosen.setText(b == null
                ? "Choose an exercise: it opens its lab scenario" : b.title()));
        FlowPane more = new FlowPane(6, 4, file);
        heading.setId("exerciseTitle");
        heading.getStyleClass().add("section-title");
        heading.setWrapText(true);
        content.getChildren().setAll(chooser, more, profileRow, fixRow, heading, where, intro, summary, steps,
                buttons);
        getChildren().setAll(head, scroll);
        activity.subscribe(listener);
        refresh();
    }

    public ComboBox<Item> chooser() {
        return chooser;
    }

    /** What the sheet's close button does (the window hides the sheet). */
    public void setOnClose(Runnable r) {
        close.setOnAction(e -> r.run());
    }

    /** The "name the rule" choice, while it is open (tests). */
    public PopOver quiz() {
        return quiz;
    }

    /** "linux-7.2", or "linux-7.2 +p2pdmaRefusesNonMappableBars" with a fix switched on. */
    private String spec() {
        String base = profile.getValue();
        Object f = fix == null || fix.getToggleGroup().getSelectedToggle() == null ? null
                : fix.getToggleGroup().getSelectedToggle().getUserData();
        return base == null ? null : f == null ? base : base + " +" + f;
    }

    private static String fixLabel(String fix) {
        return switch (fix) {
            case "p2pdmaRefusesNonMappableBars" -> "p2pdma";
            case "exportChecksBarMmapSupported" -> "export check";
            default -> fix;
        };
    }

    private static String fixTip(String fix) {
        return switch (fix) {
            case "p2pdmaRefusesNonMappableBars" -> "951ebc18d181 (pci/next): p2pdma refuses BARs the device marks "
                    + "non-mappable, so their export fails";
            case "exportChecksBarMmapSupported" -> "Matt Evans's proposal (in review): the export checks "
                    + "bar_mmap_supported[] and refuses what mmap refuses";
            default -> fix;
        };
    }

    /** Chooses the built-in exercise after the current one (or the first). */
    public void nextExercise() {
        int i = chooser.getItems().indexOf(chooser.getValue());
        if (!chooser.getItems().isEmpty()) {
            chooser.setValue(chooser.getItems().get((i + 1) % chooser.getItems().size()));
        }
    }

    /** The exercise being worked on, or null. */
    public ExerciseRun run() {
        return run;
    }

    /** A new host was opened (FX thread): the profile choice and the real-host fit follow it. */
    public void hostChanged(LoadedHost h) {
        switchingProfile = true;
        boolean lab = h != null && h.isLab();
        profile.setDisable(!lab);
        fix.setDisable(!lab);
        String name = h == null ? null : h.profile().map(p -> p.name()).orElse(null);
        String[] parts = name == null ? new String[0] : name.strip().split("\\s+\\+");
        profile.setValue(parts.length == 0 ? null : parts[0]);
        String on = parts.length > 1 ? parts[1].strip() : null;
        for (ToggleButton t : fixes) {
            t.setSelected(java.util.Objects.equals(t.getUserData(), on));
            // a fix the profile already has, or one that changes nothing under it, is not offered
            String base = parts.length == 0 ? null : parts[0];
            t.setDisable(t != noFix && (base == null || !LabProfiles.choices().contains(base + " +" + t.getUserData())));
        }
        switchingProfile = false;
        refresh();
    }

    /** Loads the exercise and its saved progress (background), then opens its scenario unless a real host fits. */
    public void choose(Item item) {
        long start = lastSeq();
        ProgressStore s = store;
        UiTasks.call(() -> {
            Exercise ex = ExerciseLoader.load(item.nameOrFile());
            Progress p = s.load(ex.name()).orElse(Progress.fresh(ex.name()));
            return new ExerciseRun(ex, p, start);
        }).title("Loading exercise " + item.title())
                .onSuccess(r -> {
                    run = r;
                    LoadedHost h = host.current();
                    boolean realFits = h != null && !h.isLab() && h.kernel().isPresent()
                            && HostFit.check(r.exercise().realHost(), h.inventory()).fits();
                    if (!realFits) {
                        host.open(new HostChoice.Lab(r.exercise().scenario()));
                    }
                    refresh();
                    evaluate();
                })
                .onError(Exception.class, e -> errors.show("Load exercise " + item.nameOrFile(), e))
                .runOnce(host.background());
    }

    private void chooseFile() {
        FileChooser fc = new FileChooser();
        fc.setTitle("Open an exercise");
        fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("Exercise (YAML)", "*.yaml", "*.yml"));
        File f = fc.showOpenDialog(host.window());
        if (f != null) {
            Item it = new Item(f.getAbsolutePath(), f.getName());
            chooser.getItems().add(it);
            chooser.setValue(it);
        }
    }

    private void switchProfile(String spec) {
        LoadedHost h = host.current();
        if (switchingProfile || spec == null || h == null || !(h.choice() instanceof HostChoice.Lab lab)
                || h.profile().map(p -> p.name()).filter(spec::equals).isPresent()) {
            return;
        }
        host.open(new HostChoice.Lab(lab.nameOrFile(), spec));
    }

    /** Starts the exercise again: no step passed, the scenario opened fresh, earlier records no longer count. */
    public void resetExercise() {
        if (run == null) {
            return;
        }
        run.reset(lastSeq());
        String name = run.exercise().name();
        ProgressStore s = store;
        UiTasks.call(() -> {
            s.clear(name);
            return name;
        }).title("Clearing progress").onError(Exception.class, e -> errors.show("Clear exercise progress", e))
                .runOnce(host.background());
        host.open(new HostChoice.Lab(run.exercise().scenario()));
        refresh();
        status.accept("Exercise " + run.exercise().title() + " reset: its scenario is opened fresh.");
    }

    private long lastSeq() {
        List<Activity> all = activity.entries();
        return all.isEmpty() ? 0 : all.get(all.size() - 1).seq();
    }

    /** Re-checks the pending steps on the activity so far (FX thread); saves and shows what passed. */
    void evaluate() {
        if (run == null) {
            return;
        }
        List<Progress.StepPass> now = run.update(activity.entries());
        if (!now.isEmpty()) {
            Progress p = run.progress();
            ProgressStore s = store;
            UiTasks.call(() -> {
                s.save(p);
                return p;
            }).title("Saving exercise progress").onError(Exception.class, e -> errors.show("Save exercise progress",
                    e)).runOnce(host.background());
            status.accept("Exercise step passed: " + now.get(now.size() - 1).title());
            refresh();
        }
    }

    private void refresh() {
        reset.setDisable(run == null);
        export.setDisable(run == null);
        next.setText(run != null && run.done() ? "_Next exercise" : "Skip to the _next exercise");
        LoadedHost h = host.current();
        if (run == null) {
            where.setText("Choose an exercise: it opens its lab scenario. Exercises also run on a real host whose "
                    + "devices fit.");
            intro.setText("");
            heading.setText("");
            summary.setText("");
            steps.getChildren().clear();
            return;
        }
        Exercise ex = run.exercise();
        HostFit.Fit fit = h == null || h.isLab() ? null : HostFit.check(ex.realHost(), h.inventory());
        where.setText("Lab scenario: " + ex.scenario() + ". On a real host it needs " + ex.realHost().needs() + "."
                + (fit == null ? "" : " This host: " + fit.why() + "."));
        intro.setText(ex.intro());
        heading.setText(ex.title());
        int current = run.current();
        summary.setText(run.done() ? "All " + ex.steps().size() + " steps passed"
                : "Step " + (current + 1) + " of " + ex.steps().size());
        List<javafx.scene.Node> nodes = new ArrayList<>();
        for (int i = 0; i < ex.steps().size(); i++) {
            nodes.add(stepNode(i, ex.steps().get(i), run.progress().pass(i).orElse(null), i == current));
        }
        steps.getChildren().setAll(nodes);
        if (current != shownStep && current < nodes.size()) {
            // a step passed (or the exercise was chosen): the sheet shows the step to do now
            shownStep = current;
            javafx.scene.Node step = nodes.get(current);
            Platform.runLater(() -> {
                double room = content.getBoundsInLocal().getHeight() - scroll.getViewportBounds().getHeight();
                if (room > 0 && step.getScene() != null) {
                    double y = step.localToScene(0, 0).getY() - content.localToScene(0, 0).getY();
                    scroll.setVvalue(Math.min(1, Math.max(0, (y - 40) / room)));
                }
            });
        }
    }

    private int shownStep = -1;

    private VBox stepNode(int i, Exercise.Step s, Progress.StepPass pass, boolean current) {
        Badge b = pass != null ? new Badge("passed", Badge.Tone.GREEN)
                : current ? new Badge("to do", Badge.Tone.WARNING) : new Badge("later", Badge.Tone.UNKNOWN);
        b.setId("step-" + i + "-state");
        Label t = new Label((i + 1) + ". " + s.title());
        t.getStyleClass().add("subsection-title");
        t.setWrapText(true);
        HBox head = new HBox(8, b, t);
        head.setAlignment(Pos.CENTER_LEFT);
        VBox box = new VBox(4, head);
        box.getStyleClass().add("card");
        box.setPadding(new Insets(8));
        box.setId("step-" + i);
        if (pass != null || current) {
            Label text = new Label(s.instructions());
            text.setWrapText(true);
            box.getChildren().add(text);
        }
        if (pass == null && current && !s.hint().isEmpty()) {
            Label hint = new Label("Hint: " + s.hint());
            hint.setId("step-" + i + "-hintText");
            hint.setWrapText(true);
            hint.getStyleClass().add("muted");
            hint.setVisible(false);
            hint.setManaged(false);
            Hyperlink show = new Hyperlink("Show a hint");
            show.setId("step-" + i + "-hint");
            show.setOnAction(e -> {
                hint.setVisible(true);
                hint.setManaged(true);
                show.setVisible(false);
                show.setManaged(false);
            });
            box.getChildren().addAll(show, hint);
        }
        if (pass == null && current) {
            naming(s).ifPresent(q -> box.getChildren().add(quizButton(i, q)));
        }
        if (pass != null) {
            Label ev = new Label("Passed " + pass.at() + " by:\n" + String.join("\n", pass.evidence()));
            ev.setId("step-" + i + "-evidence");
            ev.setWrapText(true);
            ev.getStyleClass().add("mono-small");
            box.getChildren().add(ev);
        }
        return box;
    }

    /**
     * What a step asks the student to name: its check expects a {@link #NAME_RULE} record for a device and BAR (bound
     * by an earlier step) and a verdict ("dma-buf" or "mmap").
     */
    record Naming(PciAddress device, int region, String verdict) {
    }

    private Optional<Naming> naming(Exercise.Step s) {
        for (Expect e : s.check().expects()) {
            if (e.type() != Activity.Type.ACTION || !e.operation().equals(NAME_RULE)) {
                continue;
            }
            Map<String, String> bound = run.progress().bindings();
            String dev = resolve(e.conditions().get("device"), bound);
            String region = resolve(e.conditions().get("region"), bound);
            String verdict = resolve(e.conditions().getOrDefault("facts.verdict", "dma-buf"), bound);
            if (dev != null && PciAddress.isValid(dev) && region != null && region.matches("[0-6]")) {
                return Optional.of(new Naming(PciAddress.parse(dev), Integer.parseInt(region), verdict));
            }
        }
        return Optional.empty();
    }

    private static String resolve(String condition, Map<String, String> bound) {
        if (condition == null) {
            return null;
        }
        return condition.startsWith("$") ? bound.get(condition.substring(1)) : condition;
    }

    /** "Name the rule…": opens the choice of candidate rules beside the step. */
    private Button quizButton(int step, Naming q) {
        Button b = new Button("Name the r_ule…", new FontIcon(MaterialDesignH.HELP_CIRCLE_OUTLINE));
        b.setId("step-" + step + "-name");
        b.setTooltip(new Tooltip("Choose, among the rules the kernel applies to this host's BARs, the one that decides "
                + "the " + q.verdict() + " verdict of " + q.device() + " " + org.vfioinspector.bridge.model.Region.nameOf(q.region())));
        b.setOnAction(e -> openQuiz(b, q));
        return b;
    }

    private void openQuiz(Button anchor, Naming q) {
        LoadedHost h = host.current();
        RuleQuiz.Question question = h == null ? null : RuleQuiz.question(h, q.device(), q.region(), q.verdict())
                .orElse(null);
        if (question == null) {
            status.accept("The rules of " + q.device() + " " + org.vfioinspector.bridge.model.Region.nameOf(q.region()) + " are not known on this "
                    + "host: open the exercise's scenario.");
            return;
        }
        if (quiz != null) {
            quiz.hide();
        }
        quiz = RuleQuiz.popOver(question, (rule, decides) -> {
            host.record(NAME_RULE, q.device(), q.region(), "ok", "named for the " + q.verdict() + " verdict of "
                    + org.vfioinspector.bridge.model.Region.nameOf(q.region()) + ": " + rule + (decides ? " (the deciding rule)" : " (not the "
                    + "deciding rule)"), Map.of("verdict", q.verdict(), "rule", rule, "decides",
                    Boolean.toString(decides)));
        });
        quiz.show(anchor);
    }

    private void chooseReportFile() {
        if (run == null) {
            return;
        }
        FileChooser fc = new FileChooser();
        fc.setTitle("Save the exercise report");
        fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("HTML", "*.html"));
        fc.setInitialFileName("exercise-" + run.exercise().name() + ".html");
        File f = fc.showSaveDialog(host.window());
        if (f != null) {
            exportReport(f.toPath());
        }
    }

    /** Writes the report to {@code file} off the FX thread (tests call this directly). */
    public Task<Path> exportReport(Path file) {
        Exercise ex = run.exercise();
        Progress p = run.progress();
        List<Activity> timeline = run.window(activity.entries());
        LoadedHost h = host.current();
        String hostLabel = h == null ? "" : h.hostname() + " (" + h.choice().label() + ")";
        return UiTasks.call(() -> {
            Files.writeString(file, ExerciseReport.html(ex, p, timeline, hostLabel, Instant.now()),
                    StandardCharsets.UTF_8);
            return file;
        }).title("Saving exercise report")
                .onSuccess(f -> status.accept("Saved the exercise report to " + f))
                .onError(java.io.IOException.class, e -> errors.show("Save exercise report", e))
                .runOnce(host.background());
    }

    private static final class ItemCell extends ListCell<Item> {
        @Override
        protected void updateItem(Item item, boolean empty) {
            super.updateItem(item, empty);
            setText(empty || item == null ? null : item.title());
        }
    }
}
