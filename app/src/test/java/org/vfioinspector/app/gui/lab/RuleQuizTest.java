package org.vfioinspector.app.gui.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import javafx.scene.input.KeyCode;
import org.controlsfx.control.PopOver;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;
import org.vfioinspector.app.gui.MainWindowFlow;
import org.vfioinspector.bridge.model.PciAddress;

/** The "name the rule" choice: the deciding rule among the host's other rules, and it closes on Esc and Ctrl+W. */
class RuleQuizTest extends MainWindowFlow {
    @Test
    void theDecidingRuleIsAmongTheCandidatesInAnOrderThatDoesNotGiveItAway(FxRobot robot) throws Exception {
        openLab("qemu-q35");
        RuleQuiz.Question q = RuleQuiz.question(window.hostProperty().get(), PciAddress.parse("0000:00:05.0"), 0,
                "dma-buf").orElseThrow();
        assertTrue(q.answer().startsWith("vfio_pci_core_fill_phys_vec"), q.answer());
        assertTrue(q.candidates().contains(q.answer()));
        assertTrue(q.candidates().size() >= 3 && q.candidates().size() <= RuleQuiz.CANDIDATES, q.candidates()
                .toString());
        assertEquals(q.candidates().stream().sorted().toList(), q.candidates(), "in text order");
        assertEquals(q.candidates().stream().distinct().count(), q.candidates().size());
        assertTrue(RuleQuiz.question(window.hostProperty().get(), PciAddress.parse("0000:00:05.0"), 5, "dma-buf")
                .isEmpty(), "no such BAR: no question");
    }

    @Test
    void theChoiceClosesOnEscAndCtrlW(FxRobot robot) throws Exception {
        openLab("qemu-q35");
        RuleQuiz.Question q = RuleQuiz.question(window.hostProperty().get(), PciAddress.parse("0000:00:05.0"), 0,
                "dma-buf").orElseThrow();
        for (KeyCode[] keys : List.of(new KeyCode[] {KeyCode.ESCAPE}, new KeyCode[] {KeyCode.CONTROL, KeyCode.W})) {
            List<String> named = new ArrayList<>();
            PopOver[] pop = new PopOver[1];
            robot.interact(() -> {
                pop[0] = RuleQuiz.popOver(q, (rule, decides) -> named.add(rule));
                pop[0].show(window.groups().filterField());
            });
            ownerFocused(pop[0]);
            assertTrue(pop[0].isShowing());
            robot.push(keys);
            await("closed by " + List.of(keys), () -> !pop[0].isShowing());
            assertTrue(named.isEmpty(), "closing names nothing");
        }
        // keyboard only: the first candidate has the focus; Space picks, Enter names
        PopOver[] pop = new PopOver[1];
        List<Boolean> named = new ArrayList<>();
        robot.interact(() -> {
            pop[0] = RuleQuiz.popOver(q, (rule, decides) -> named.add(decides));
            pop[0].show(window.groups().filterField());
        });
        ownerFocused(pop[0]);
        robot.push(KeyCode.SPACE);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup("#rule-choice-0").queryAs(javafx.scene.control.RadioButton.class).isSelected(),
                "Space picks the focused candidate");
        robot.push(KeyCode.ENTER);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(List.of(q.candidates().get(0).equals(q.answer())), named, "the first candidate, named by keyboard");
        robot.interact(() -> pop[0].hide());
        await("the choice closes", () -> !pop[0].isShowing());
        assertTrue(robot.lookup("#ruleQuizName").tryQuery().isEmpty(), "a closed choice leaves no button to press");
    }

    /**
     * Keys go to the focused window, and a popup gets them through its owner: give the owner the focus. Ask even when
     * it reads focused: Monocle moves its focus only on a request and never tells the window it left, so a window of
     * an earlier test can hold the keys while ours still reads focused.
     */
    private static void ownerFocused(PopOver pop) throws Exception {
        WaitForAsyncUtils.waitForFxEvents();
        javafx.application.Platform.runLater(() -> pop.getOwnerWindow().requestFocus());
        WaitForAsyncUtils.waitFor(5, java.util.concurrent.TimeUnit.SECONDS,
                () -> pop.isShowing() && pop.getOwnerWindow() != null && pop.getOwnerWindow().isFocused());
        WaitForAsyncUtils.waitForFxEvents();
    }
}
