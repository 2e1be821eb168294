package org.vfioinspector.app.gui.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.ButtonBase;
import javafx.scene.control.ComboBoxBase;
import javafx.scene.control.Control;
import javafx.scene.control.Labeled;
import javafx.scene.control.TextInputControl;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.BackgroundFill;
import javafx.scene.paint.Color;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;
import org.vfioinspector.app.gui.AppContext;
import org.vfioinspector.app.gui.MainWindow;
import org.vfioinspector.app.gui.MainWindowFlow;
import org.vfioinspector.app.gui.host.Diagnosis;
import org.vfioinspector.bridge.model.PciAddress;

/**
 * Keyboard first: Tab reaches every enabled control of the window (header, groups pane, device view, revocation
 * area, exercises sheet) and each shows a focus ring in the theme's accent colour; the window's own buttons have
 * mnemonics; the notice's actions, which take no Tab stop, answer to theirs.
 */
class KeyboardTest extends MainWindowFlow {
    @Override
    protected AppContext newContext() throws Exception {
        System.setProperty(MainWindow.GEOMETRY_PROPERTY, "1440x1000");
        return super.newContext();
    }

    @AfterEach
    void forgetSize() {
        System.clearProperty(MainWindow.GEOMETRY_PROPERTY);
    }

    @Test
    void tabReachesEveryControlAndShowsWhereItIs(FxRobot robot) throws Exception {
        openLab("qemu-q35");
        robot.interact(() -> window.groups().select(PciAddress.parse("0000:00:05.0")));
        robot.interact(() -> window.setRevocationFolded(false));
        robot.clickOn("#toggleExercises");
        WaitForAsyncUtils.waitForFxEvents();
        List<Control> controls = new ArrayList<>();
        robot.interact(() -> collect(window.groups().getScene().getRoot(), controls));
        assertTrue(controls.size() >= 15, "controls: " + controls.size());
        Color accent = SelectionContrastTest.palette("light.css").get("ACCENT");
        Set<Node> reached = new LinkedHashSet<>();
        List<String> noRing = new ArrayList<>();
        robot.interact(() -> window.groups().filterField().requestFocus());
        for (int i = 0; i < 400 && !reached.containsAll(controls); i++) {
            Node f = window.groups().getScene().getFocusOwner();
            if (f != null && reached.add(f) && (f instanceof ButtonBase || f instanceof ComboBoxBase<?>
                    || f instanceof TextInputControl) && !ringed(f, accent)) {
                noRing.add(name(f));
            }
            robot.push(KeyCode.TAB);
        }
        // a toggle of a segmented choice is reached as a radio button is: Tab reaches the chosen one, the arrows the
        // others (checked below)
        List<String> missed = controls.stream().filter(c -> !reached.contains(c) && !(c instanceof
                javafx.scene.control.ToggleButton t && t.getToggleGroup() != null && reached.stream().anyMatch(r ->
                r instanceof javafx.scene.control.ToggleButton o && o.getToggleGroup() == t.getToggleGroup())))
                .map(KeyboardTest::name).toList();
        assertTrue(missed.isEmpty(), "Tab never reaches: " + missed);
        assertTrue(noRing.isEmpty(), "focused without a visible ring: " + noRing);
        // the arrows move within a segmented choice
        robot.interact(() -> robot.lookup("#viewGroups").query().requestFocus());
        robot.push(KeyCode.RIGHT);
        WaitForAsyncUtils.waitForFxEvents();
        robot.push(KeyCode.SPACE);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(window.groups().tableShown(), "Right, Space: the device table");
    }

    @Test
    void theWindowsButtonsHaveMnemonicsAndTheNoticeAnswersToItsOwn(FxRobot robot) throws Exception {
        openLab("qemu-q35");
        robot.clickOn("#toggleExercises");
        WaitForAsyncUtils.waitForFxEvents();
        List<String> without = new ArrayList<>();
        robot.interact(() -> {
            for (Node n : window.groups().getScene().getRoot().lookupAll(".button, .toggle-button, .menu-button")) {
                if (n instanceof Labeled l && l.isVisible() && l.getText() != null && !l.getText().isBlank()
                        && !(l.isMnemonicParsing() && l.getText().contains("_"))) {
                    without.add(name(n) + " \"" + l.getText() + "\"");
                }
            }
        });
        assertTrue(without.isEmpty(), "buttons without a mnemonic: " + without);
        robot.interact(() -> window.notice().show("This machine cannot use VFIO yet:", new Diagnosis(List.of(),
                List.of(new Diagnosis.Problem("The vfio-pci driver is not loaded.", "sudo modprobe vfio-pci"))), ""));
        robot.interact(() -> window.notice().setFolded(true));
        robot.interact(() -> window.groups().filterField().requestFocus());
        robot.push(KeyCode.ALT, KeyCode.M);
        WaitForAsyncUtils.waitForFxEvents();
        assertFalse(window.notice().isFolded(), "Alt+M shows the fixes");
        robot.push(KeyCode.ALT, KeyCode.D);
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> !window.notice().isShowing());
        // and the window's own keys
        robot.push(KeyCode.CONTROL, KeyCode.DIGIT2);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(window.groups().tableShown(), "Ctrl+2: the device table");
        robot.push(KeyCode.CONTROL, KeyCode.DIGIT1);
        WaitForAsyncUtils.waitForFxEvents();
        assertFalse(window.groups().tableShown(), "Ctrl+1: the groups tree");
        boolean folded = window.revocationArea().isFolded();
        robot.push(KeyCode.CONTROL, KeyCode.R);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(!folded, window.revocationArea().isFolded(), "Ctrl+R folds and unfolds the revocation area");
        robot.push(KeyCode.CONTROL, KeyCode.E);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup("#labPane").tryQuery().isEmpty(), "Ctrl+E closes the exercises");
    }

    /**
     * The try-it groups and the revocation view on a device with every group shown (nvme on qemu-q35, whose edu gives
     * the DMA witness): each button's letter is its own or shared only as TryItPanel.Action documents it (never with
     * the window's), and a letter of its own fires the button: Alt+X exports, Alt+T resets.
     */
    @Test
    void theTryItAndRevocationButtonsAnswerToTheirOwnLetters(FxRobot robot) throws Exception {
        openLab("qemu-q35");
        robot.interact(() -> window.groups().select(PciAddress.parse("0000:00:07.0")));
        robot.interact(() -> window.setRevocationFolded(false));
        robot.clickOn("#toggleExercises");
        WaitForAsyncUtils.waitForFxEvents();
        java.util.Map<String, List<String>> byLetter = new java.util.TreeMap<>();
        robot.interact(() -> byLetter.putAll(Mnemonics.byLetter(window.groups().getScene().getRoot())));
        // shared on purpose (TryItPanel.Action.mnemonicText): neighbours, Alt moves between them
        Set<Set<String>> shared = Set.of(Set.of("Try mmap", "DMA read"), Set.of("Memory off", "Memory on"),
                Set.of("Attach importer", "Detach"));
        for (String action : List.of("Try mmap", "Export dma-buf", "Attach importer", "Map again", "Detach", "Reset",
                "Memory off", "Memory on", "Close device", "Map into type1", "Unbind from vfio-pci", "DMA read",
                "Save JSON…", "Save as web page…")) {
            var letter = byLetter.entrySet().stream().filter(e -> e.getValue().contains(action)).findFirst();
            assertTrue(letter.isPresent(), action + " has no mnemonic: " + byLetter);
            Set<String> with = new java.util.HashSet<>(letter.get().getValue());
            assertTrue(with.size() == 1 || shared.contains(with), "Alt+" + letter.get().getKey() + " is "
                    + letter.get().getValue());
        }
        int events = window.revocations().timeline().size();
        robot.interact(() -> window.groups().filterField().requestFocus());
        robot.push(KeyCode.ALT, KeyCode.X);
        waitUntilIdle(robot);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> window.revocations().tracked().stream()
                .anyMatch(t -> t.kind() == org.vfioinspector.bridge.revocation.RevocationTracker.Kind.DMABUF));
        robot.push(KeyCode.ALT, KeyCode.T);
        waitUntilIdle(robot);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> window.revocations().timeline().size() > events);
        assertTrue(text(robot, "#tryResultBadge").toLowerCase(java.util.Locale.ROOT).contains("reset")
                || text(robot, "#tryResultText").toLowerCase(java.util.Locale.ROOT).contains("reset"),
                text(robot, "#tryResultBadge") + " " + text(robot, "#tryResultText"));
    }

    /** Every visible, enabled, focus-traversable control (lists and tables count once, not their cells). */
    private static void collect(Node n, List<Control> out) {
        if (!n.isVisible() || n.isDisabled()) {
            return;
        }
        if (n instanceof Control c && c.isFocusTraversable() && !(n instanceof javafx.scene.control.Cell<?>)
                && !(n instanceof javafx.scene.control.ScrollPane) && !(n instanceof javafx.scene.control.ScrollBar)) {
            out.add(c);
        }
        if (n instanceof Parent p) {
            for (Node k : p.getChildrenUnmodifiable()) {
                collect(k, out);
            }
        }
    }

    /** The accent colour is among the focused control's background fills (modena's focus ring) or its border. */
    private static boolean ringed(Node n, Color accent) {
        n.applyCss();
        if (n instanceof javafx.scene.layout.Region region) {
            if (region.getBackground() != null) {
                for (BackgroundFill f : region.getBackground().getFills()) {
                    if (f.getFill() instanceof Color c && close(c, accent)) {
                        return true;
                    }
                }
            }
            if (region.getBorder() != null) {
                for (javafx.scene.layout.BorderStroke b : region.getBorder().getStrokes()) {
                    if (b.getTopStroke() instanceof Color c && close(c, accent)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static boolean close(Color a, Color b) {
        return Math.abs(a.getRed() - b.getRed()) < 0.02 && Math.abs(a.getGreen() - b.getGreen()) < 0.02
                && Math.abs(a.getBlue() - b.getBlue()) < 0.02;
    }

    private static String name(Node n) {
        return n.getClass().getSimpleName() + (n.getId() == null ? "" : "#" + n.getId())
                + (n instanceof Labeled l && l.getText() != null ? " \"" + l.getText() + "\"" : "");
    }
}
