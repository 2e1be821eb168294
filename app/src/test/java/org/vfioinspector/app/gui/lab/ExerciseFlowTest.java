package org.vfioinspector.app.gui.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Hyperlink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;
import org.vfioinspector.app.gui.AppContext;
import org.vfioinspector.app.gui.GuiFixtures;
import org.vfioinspector.app.gui.MainWindowFlow;
import org.vfioinspector.app.gui.host.HostChoice;
import org.vfioinspector.bridge.exercise.Progress;
import org.vfioinspector.bridge.exercise.ProgressStore;

/**
 * Every built-in exercise solved the way a student would: clicks in the exercises panel, the device tree, the
 * verdicts and the try-it panel, against the lab kernel. Each also takes a wrong action first and sees its check
 * stay unmet.
 */
class ExerciseFlowTest extends MainWindowFlow {
    @TempDir
    Path state;

    /** Progress (and the journal) go to this test's state directory. */
    @Override
    protected AppContext newContext() {
        return new AppContext(GuiFixtures.prefs(), Optional.of(state));
    }

    @Test
    void subPageBar(FxRobot robot) throws Exception {
        LabPane lab = begin(robot, "sub-page-bar", "qemu-q35");
        device(robot, "0000:00:05.0", 1);
        // wrong: BAR2 (8 MiB) maps and exports: not the BAR asked for
        pressAndWait(robot, "#tryMmap");
        pressAndWait(robot, "#exportDmabuf");
        assertEquals("dma-buf: ok", text(robot, "#tryResultBadge"));
        settle();
        assertUnmet(robot, lab, 0);
        device(robot, "0000:00:05.0", 0);
        pressAndWait(robot, "#tryMmap");
        pressAndWait(robot, "#exportDmabuf");
        assertEquals("dma-buf: EINVAL", text(robot, "#tryResultBadge"));
        assertPassed(robot, lab, 0);
        assertTrue(text(robot, "#step-0-evidence").contains("ACTION export 0000:00:05.0 BAR0 → EINVAL"));
        // the hint is on demand
        assertFalse(robot.lookup("#step-1-hintText").query().isVisible());
        robot.interact(() -> robot.lookup("#step-1-hint").queryAs(Hyperlink.class).fire());
        assertTrue(robot.lookup("#step-1-hintText").query().isVisible());
        // looking at the rule names nothing
        why(robot, "#why-dma-buf");
        assertUnmet(robot, lab, 1);
        // naming is choosing, among the rules of this host's BARs; a wrong choice leaves the step to do
        robot.interact(() -> robot.lookup("#step-1-name").queryAs(Button.class).fire());
        WaitForAsyncUtils.waitForFxEvents();
        org.controlsfx.control.PopOver quiz = lab.quiz();
        assertTrue(quiz != null && quiz.isShowing(), "the choice opens");
        java.util.List<javafx.scene.control.RadioButton> choices = robot.lookup(".rule-choice")
                .queryAllAs(javafx.scene.control.RadioButton.class).stream().toList();
        assertTrue(choices.size() >= 3, "candidates: " + choices.size());
        String right = window.hostProperty().get().verdicts().orElseThrow().predictions().device(window.hostProperty()
                .get().inventory().device(org.vfioinspector.bridge.model.PciAddress.parse("0000:00:05.0"))
                .orElseThrow()).regions().get(0).verdicts().dmaBuf().rule().describe();
        javafx.scene.control.RadioButton wrong = choices.stream().filter(c -> !c.getText().equals(right)).findFirst()
                .orElseThrow();
        robot.interact(() -> wrong.setSelected(true));
        robot.interact(() -> robot.lookup("#ruleQuizName").queryAs(Button.class).fire());
        settle();
        assertUnmet(robot, lab, 1);
        assertTrue(robot.lookup("#ruleQuizAnswer").queryAs(javafx.scene.control.Label.class).getText()
                .startsWith("Not this one"));
        assertTrue(ctx.activity().entries().stream().anyMatch(a -> a.operation().equals("name-rule")
                && "false".equals(a.facts().get("decides"))), "the wrong choice is recorded as such");
        javafx.scene.control.RadioButton good = choices.stream().filter(c -> c.getText().equals(right)).findFirst()
                .orElseThrow(() -> new AssertionError("the deciding rule is a candidate: " + right));
        robot.interact(() -> good.setSelected(true));
        robot.interact(() -> robot.lookup("#ruleQuizName").queryAs(Button.class).fire());
        settle();
        assertPassed(robot, lab, 1);
        await("named: the choice closes", () -> !quiz.isShowing());
        assertEquals("All 2 steps passed", text(robot, "#exerciseSummary"));
        // kept across restarts, and the report
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> new ProgressStore(state).load("sub-page-bar")
                .map(p -> p.passed().size() == 2).orElse(false));
        Path report = state.resolve("report.html");
        WaitForAsyncUtils.asyncFx(() -> lab.exportReport(report)).get().get(10, TimeUnit.SECONDS);
        String html = Files.readString(report, StandardCharsets.UTF_8);
        assertTrue(html.contains("2 of 2 steps passed") && html.contains("name-rule"), html);
        // choosing it again (as after a restart) loads the progress from disk and opens the scenario fresh
        LabPane.Item same = lab.chooser().getValue();
        long hosts = hostRecords();
        robot.interact(() -> lab.chooser().setValue(null));
        robot.interact(() -> lab.chooser().setValue(same));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> hostRecords() > hosts && lab.run() != null
                && lab.run().done());
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("passed", text(robot, "#step-1-state"));
    }

    @Test
    void unmappableBar(FxRobot robot) throws Exception {
        LabPane lab = begin(robot, "unmappable-bar", "s390-ism");
        device(robot, "0001:00:00.0", 0);
        pressAndWait(robot, "#tryMmap");
        pressAndWait(robot, "#exportDmabuf");
        assertEquals("dma-buf: ok", text(robot, "#tryResultBadge"), text(robot, "#tryResultText"));
        assertPassed(robot, lab, 0);
        // wrong: trying again on the same kernel profile
        pressAndWait(robot, "#tryMmap");
        pressAndWait(robot, "#exportDmabuf");
        settle();
        assertUnmet(robot, lab, 1);
        @SuppressWarnings("unchecked")
        ComboBox<String> profile = robot.lookup("#labProfile").queryAs(ComboBox.class);
        assertEquals("linux-7.2", profile.getValue());
        String fixed = "linux-7.2 +p2pdmaRefusesNonMappableBars";
        javafx.scene.control.ToggleButton fix = robot.lookup("#labFix-p2pdmaRefusesNonMappableBars")
                .queryAs(javafx.scene.control.ToggleButton.class);
        assertFalse(fix.isDisabled());
        robot.interact(() -> fix.setSelected(true));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> window.hostProperty().get().profile()
                .map(p -> p.name().equals(fixed)).orElse(false));
        WaitForAsyncUtils.waitForFxEvents();
        device(robot, "0001:00:00.0", 0);
        pressAndWait(robot, "#tryMmap");
        pressAndWait(robot, "#exportDmabuf");
        assertEquals("dma-buf: EINVAL", text(robot, "#tryResultBadge"), text(robot, "#tryResultText"));
        assertPassed(robot, lab, 1);
    }

    @Test
    void revocationLifecycle(FxRobot robot) throws Exception {
        LabPane lab = begin(robot, "revocation-lifecycle", "qemu-q35");
        device(robot, "0000:00:07.0", 0);
        pressAndWait(robot, "#exportDmabuf");
        // wrong: reset before attaching
        pressAndWait(robot, "#resetDevice");
        pressAndWait(robot, "#attachImporter");
        assertEquals("attached, map EINVAL", text(robot, "#tryResultBadge"), text(robot, "#tryResultText"));
        settle();
        assertUnmet(robot, lab, 0);
        pressAndWait(robot, "#resetDevice");
        assertPassed(robot, lab, 0);
        pressAndWait(robot, "#memoryOff");
        pressAndWait(robot, "#tryMmap");
        assertEquals("mmap: SIGBUS", text(robot, "#tryResultBadge"));
        assertPassed(robot, lab, 1);
        pressAndWait(robot, "#closeDevice");
        assertPassed(robot, lab, 2);
        assertTrue(lab.run().done());
        // and on to the next one
        String nextName = lab.chooser().getItems().get(lab.chooser().getItems().indexOf(lab.chooser().getValue()) + 1)
                .nameOrFile();
        robot.interact(() -> robot.lookup("#nextExercise").queryAs(Button.class).fire());
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> lab.run() != null
                && lab.run().exercise().name().equals(nextName));
    }

    @Test
    void type1P2pHazard(FxRobot robot) throws Exception {
        LabPane lab = begin(robot, "type1-p2p-hazard", "type1-p2p-hazard");
        device(robot, "0000:00:03.0", 1);
        // wrong: unbinding A with nothing mapped the old way
        pressAndWait(robot, "#closeDevice");
        pressAndWait(robot, "#unbindDevice");
        settle();
        assertUnmet(robot, lab, 0);
        robot.interact(() -> robot.lookup("#resetExercise").queryAs(Button.class).fire());
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> window.hostProperty().get() != null
                && window.hostProperty().get().inventory().device(org.vfioinspector.bridge.model.PciAddress
                .parse("0000:00:03.0")).flatMap(d -> d.driver()).isPresent()
                && ctx.activity().entries().get(ctx.activity().entries().size() - 1).type()
                == org.vfioinspector.bridge.journal.Activity.Type.HOST);
        WaitForAsyncUtils.waitForFxEvents();
        device(robot, "0000:00:03.0", 1);
        assertEquals("0000:00:04.0", robot.lookup("#type1Into").queryAs(ComboBox.class).getValue().toString());
        pressAndWait(robot, "#mapType1");
        assertEquals("type1: mapped", text(robot, "#tryResultBadge"), text(robot, "#tryResultText"));
        assertPassed(robot, lab, 0);
        // the witness: B's DMA from the IOVA the mapping got reaches A's BAR
        assertEquals("0x100000 — 00:03.0 BAR2 (type1)", robot.lookup("#dmaIova").queryAs(ComboBox.class)
                .getValue());
        pressAndWait(robot, "#dmaRead");
        assertEquals("reached 0000:00:03.0 BAR2", text(robot, "#tryResultBadge"), text(robot, "#tryResultText"));
        assertPassed(robot, lab, 1);
        pressAndWait(robot, "#exportDmabuf");
        pressAndWait(robot, "#attachImporter");
        assertPassed(robot, lab, 2);
        // a DMA read before the unbind does not meet the use-after-free step
        pressAndWait(robot, "#dmaRead");
        pressAndWait(robot, "#closeDevice");
        pressAndWait(robot, "#unbindDevice");
        assertTrue(text(robot, "#tryResultText").contains("1 type1 mapping(s) still point"),
                text(robot, "#tryResultText"));
        assertPassed(robot, lab, 3);
        settle();
        assertUnmet(robot, lab, 4);
        pressAndWait(robot, "#dmaRead");
        assertEquals("use-after-free", text(robot, "#tryResultBadge"), text(robot, "#tryResultText"));
        assertPassed(robot, lab, 4);
        assertPassed(robot, lab, 5);
    }

    /** With an exercise under way, every letter (Alt+letter) in the exercises pane belongs to one control. */
    @Test
    void theExercisePanesLettersAreEachItsOwn(FxRobot robot) throws Exception {
        begin(robot, "sub-page-bar", "qemu-q35");
        java.util.Map<String, java.util.List<String>> byLetter = new java.util.TreeMap<>();
        robot.interact(() -> byLetter.putAll(org.vfioinspector.app.gui.layout.Mnemonics.byLetter(
                robot.lookup("#labPane").query())));
        byLetter.forEach((letter, labels) -> assertEquals(1, labels.size(), "Alt+" + letter + " is " + labels));
        assertEquals("Skip to the _next exercise", robot.lookup("#nextExercise").queryAs(Button.class).getText(),
                "an exercise under way: the next one is a skip, on the same letter as \"Next exercise\"");
    }

    /**
     * The sheet is made when first shown (start-up does not read the exercises): made after a lab host opened, it
     * offers that host's kernel profile, as one made at start-up and told of every host did.
     */
    @Test
    void theSheetMadeAfterAHostOpenedShowsItsProfile(FxRobot robot) throws Exception {
        openLab("s390-ism");
        String profile = window.hostProperty().get().profile().orElseThrow().name();
        robot.clickOn("#toggleExercises");
        WaitForAsyncUtils.waitForFxEvents();
        @SuppressWarnings("unchecked")
        ComboBox<String> chosen = robot.lookup("#labProfile").queryAs(ComboBox.class);
        assertEquals(profile.strip().split("\\s+\\+")[0], chosen.getValue());
        assertFalse(chosen.isDisabled(), "a lab host's profile can be switched");
        // closed and opened again: the same sheet
        LabPane lab = window.lab();
        robot.clickOn("#closeExercises");
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup("#labPane").tryQuery().isEmpty());
        robot.clickOn("#toggleExercises");
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(lab == window.lab() && robot.lookup("#labPane").tryQuery().isPresent());
    }

    // ---- helpers ----

    private long hostRecords() {
        return ctx.activity().entries().stream().filter(a -> a.type()
                == org.vfioinspector.bridge.journal.Activity.Type.HOST).count();
    }

    /** Opens the exercises panel, chooses the exercise and waits for its scenario. */
    private LabPane begin(FxRobot robot, String exercise, String scenario) throws Exception {
        robot.clickOn("#toggleExercises");
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup("#labPane").tryQuery().isPresent());
        LabPane lab = window.lab();
        LabPane.Item item = lab.chooser().getItems().stream().filter(i -> i.nameOrFile().equals(exercise))
                .findFirst().orElseThrow();
        robot.interact(() -> lab.chooser().setValue(item));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> lab.run() != null && window.hostProperty().get() != null
                && window.hostProperty().get().choice().equals(new HostChoice.Lab(scenario)));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("to do", text(robot, "#step-0-state"));
        return lab;
    }

    /** Selects the device in the tree and the BAR in the table. */
    private void device(FxRobot robot, String bdf, int barRow) {
        robot.interact(() -> window.groups().select(org.vfioinspector.bridge.model.PciAddress.parse(bdf)));
        WaitForAsyncUtils.waitForFxEvents();
        robot.interact(() -> window.device().barTable().getSelectionModel().select(barRow));
        WaitForAsyncUtils.waitForFxEvents();
    }

    private void why(FxRobot robot, String id) throws Exception {
        robot.interact(() -> robot.lookup(id).queryAs(Hyperlink.class).fire());
        settle();
    }

    /** Lets records made on vfio-io reach the panel. */
    private void settle() throws Exception {
        ctx.vfioIo().submit(() -> { }).get(10, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        WaitForAsyncUtils.waitForFxEvents();
    }

    private void assertPassed(FxRobot robot, LabPane lab, int step) throws Exception {
        try {
            WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> lab.run().progress().passed(step));
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("step " + step + " not passed; activity: " + ctx.activity().entries().stream()
                    .map(org.vfioinspector.bridge.exercise.ExerciseRun::evidence).toList() + " facts "
                    + ctx.activity().entries().stream().map(a -> a.facts()).toList(), e);
        }
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("passed", text(robot, "#step-" + step + "-state"));
    }

    private void assertUnmet(FxRobot robot, LabPane lab, int step) {
        Progress p = lab.run().progress();
        assertFalse(p.passed(step), "step " + step + " must stay unmet: " + p);
        assertEquals("to do", text(robot, "#step-" + step + "-state"));
    }

}
