package org.vfioinspector.app.gui.lab;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.RadioButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import org.controlsfx.control.PopOver;
import org.vfioinspector.app.gui.host.LoadedHost;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.model.PciDevice;
import org.vfioinspector.bridge.model.Region;
import org.vfioinspector.bridge.rules.HostPredictions;
import org.vfioinspector.bridge.rules.Verdict;

/**
 * "Name the rule": the student picks, out of the rules the rules engine gives this host's BARs, the one that decides a
 * verdict of one BAR. Naming is choosing: opening a rule does not name it, and a wrong choice is recorded as such (the
 * step's check looks for {@code decides: "true"}).
 */
final class RuleQuiz {
    /** At most this many candidates: the deciding rule and the nearest others. */
    static final int CANDIDATES = 6;

    private RuleQuiz() {
    }

    /**
     * @param about      "0000:00:05.0 BAR0"
     * @param verdict    "dma-buf" or "mmap"
     * @param answer     the deciding rule, as {@code Rule.describe()} writes it
     * @param candidates every rule offered, the answer among them, in a fixed order that does not give it away
     */
    record Question(String about, String verdict, String answer, List<String> candidates) {
    }

    /**
     * The question for one BAR's verdict: its deciding rule, with the other rules this host's BARs are decided by
     * (the same verdict first, then the BAR's other verdict) as the wrong answers; empty when the host has no
     * predictions or no such BAR.
     */
    static Optional<Question> question(LoadedHost h, PciAddress device, int region, String verdict) {
        if (h.verdicts().isEmpty()) {
            return Optional.empty();
        }
        HostPredictions p = h.verdicts().get().predictions();
        Optional<PciDevice> d = h.inventory().device(device);
        if (d.isEmpty()) {
            return Optional.empty();
        }
        Optional<HostPredictions.RegionPrediction> bar = p.device(d.get()).regions().stream()
                .filter(r -> r.region().index() == region).findFirst();
        if (bar.isEmpty()) {
            return Optional.empty();
        }
        boolean mmap = verdict.equals("mmap");
        Verdict right = pick(bar.get(), mmap);
        String answer = right.rule().describe();
        // the wrong answers: this BAR's other verdict's rule, then one rule per kernel function the host's BARs are
        // decided by (so they differ in what they check, not only in a BAR's number), then the rest
        List<Verdict> all = new ArrayList<>();
        all.add(pick(bar.get(), !mmap));
        for (PciDevice o : h.inventory().devices()) {
            for (HostPredictions.RegionPrediction r : p.device(o).regions()) {
                all.add(pick(r, mmap));
                all.add(pick(r, !mmap));
            }
        }
        Set<String> others = new LinkedHashSet<>();
        Set<String> functions = new java.util.HashSet<>(Set.of(right.rule().function()));
        others.add(all.get(0).rule().describe());
        functions.add(all.get(0).rule().function());
        for (Verdict v : all) {
            if (functions.add(v.rule().function())) {
                others.add(v.rule().describe());
            }
        }
        all.forEach(v -> others.add(v.rule().describe()));
        others.remove(answer);
        List<String> candidates = new ArrayList<>();
        candidates.add(answer);
        others.stream().limit(CANDIDATES - 1).forEach(candidates::add);
        // sorted by text: the right answer's place says nothing
        candidates.sort(Comparator.naturalOrder());
        return Optional.of(new Question(device + " " + Region.nameOf(region), verdict, answer, candidates));
    }

    private static Verdict pick(HostPredictions.RegionPrediction r, boolean mmap) {
        return mmap ? r.verdicts().mmap() : r.verdicts().dmaBuf();
    }

    /**
     * The choice in a PopOver (Esc and Ctrl+W close it): one radio button per candidate and "Name it"; {@code named}
     * gets the rule chosen and whether it is the deciding one. A wrong choice says so and leaves the choice open.
     */
    static PopOver popOver(Question q, BiConsumer<String, Boolean> named) {
        Label title = new Label("Which kernel rule decides the " + q.verdict() + " verdict of " + q.about() + "?");
        title.getStyleClass().add("section-title");
        title.setWrapText(true);
        VBox box = new VBox(6, title);
        box.setId("ruleQuiz");
        box.setPadding(new Insets(4));
        box.setPrefWidth(460);
        box.setMaxWidth(460);
        ToggleGroup choice = new ToggleGroup();
        int n = 0;
        for (String c : q.candidates()) {
            RadioButton r = new RadioButton(c);
            r.setId("rule-choice-" + n++);
            r.setUserData(c);
            r.setWrapText(true);
            r.setMnemonicParsing(false);
            r.getStyleClass().add("rule-choice");
            r.setToggleGroup(choice);
            box.getChildren().add(r);
        }
        Label answer = new Label();
        answer.setId("ruleQuizAnswer");
        answer.setWrapText(true);
        Button name = new Button("_Name it");
        name.setId("ruleQuizName");
        name.disableProperty().bind(choice.selectedToggleProperty().isNull());
        HBox buttons = new HBox(8, name);
        box.getChildren().addAll(buttons, answer);
        PopOver pop = new PopOver(box);
        pop.setTitle("Name the rule");
        pop.setHeaderAlwaysVisible(true);
        pop.setDetachable(false);
        pop.setArrowLocation(PopOver.ArrowLocation.RIGHT_TOP);
        pop.setAutoHide(true);
        pop.setHideOnEscape(true);
        // Ctrl+W too, as every secondary window of the app; Enter names the choice (a popup has no default button)
        box.addEventFilter(KeyEvent.KEY_PRESSED, e -> {
            if (e.getCode() == KeyCode.W && e.isShortcutDown()) {
                pop.hide();
                e.consume();
            } else if (e.getCode() == KeyCode.ENTER && !name.isDisabled()) {
                name.fire();
                e.consume();
            }
        });
        name.setOnAction(e -> {
            String rule = (String) choice.getSelectedToggle().getUserData();
            boolean decides = rule.equals(q.answer());
            named.accept(rule, decides);
            if (decides) {
                answer.setText("Named: this is the rule that decides it.");
                pop.hide();
            } else {
                answer.setText("Not this one: this rule does not decide the " + q.verdict() + " verdict of "
                        + q.about() + ". Look at the verdict's rule in the device view and choose again.");
            }
        });
        pop.setOnShown(e -> {
            if (!box.getChildren().isEmpty() && box.getChildren().get(1) instanceof RadioButton first) {
                first.requestFocus();
            }
        });
        return pop;
    }
}
