package org.vfioinspector.app.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;
import org.vfioinspector.app.gui.host.HostChoice;

/**
 * Every secondary window closes on Esc and on Ctrl+W: an error dialog (a failed open), a confirmation (cancelled, as
 * its Cancel would), and any other window the app opens; the main window stays.
 */
class SecondaryWindowsTest extends MainWindowFlow {
    @TempDir
    Path tmp;

    private static final List<KeyCode[]> KEYS = List.of(new KeyCode[] {KeyCode.ESCAPE},
            new KeyCode[] {KeyCode.CONTROL, KeyCode.W});

    @Test
    void anErrorDialogClosesOnEscAndCtrlW(FxRobot robot) throws Exception {
        openLab("qemu-q35");
        Path bad = Files.createDirectories(tmp.resolve("not-a-snapshot").resolve("sys")).getParent();
        for (KeyCode[] keys : KEYS) {
            WaitForAsyncUtils.asyncFx(() -> window.open(new HostChoice.Snapshot(bad))).get();
            Window dialog = waitForSecondary(robot);
            robot.interact(dialog::requestFocus);
            robot.push(keys);
            WaitForAsyncUtils.waitForFxEvents();
            assertFalse(dialog.isShowing(), "the error dialog is still open after " + List.of(keys));
            assertTrue(window.groups().getScene().getWindow().isShowing(), "the main window stays");
        }
    }

    @Test
    void aConfirmationIsCancelledByEscAndCtrlW(FxRobot robot) throws Exception {
        for (KeyCode[] keys : KEYS) {
            Alert[] alert = new Alert[1];
            robot.interact(() -> {
                alert[0] = new Alert(Alert.AlertType.CONFIRMATION, "Reset 0000:00:07.0 on this machine?",
                        new ButtonType("Reset", javafx.scene.control.ButtonBar.ButtonData.OK_DONE), ButtonType.CANCEL);
                alert[0].initOwner(window.groups().getScene().getWindow());
                alert[0].show();
            });
            WaitForAsyncUtils.waitForFxEvents();
            Window dialog = alert[0].getDialogPane().getScene().getWindow();
            robot.interact(dialog::requestFocus);
            robot.push(keys);
            WaitForAsyncUtils.waitForFxEvents();
            assertFalse(alert[0].isShowing(), "still open after " + List.of(keys));
            assertEquals(Optional.of(ButtonType.CANCEL), Optional.ofNullable(alert[0].getResult()),
                    "closing a confirmation cancels it");
        }
    }

    @Test
    void anyOtherWindowClosesOnEscAndCtrlW(FxRobot robot) throws Exception {
        for (KeyCode[] keys : KEYS) {
            Stage[] other = new Stage[1];
            robot.interact(() -> {
                other[0] = new Stage();
                other[0].initOwner(window.groups().getScene().getWindow());
                other[0].setScene(new Scene(new Label("a window"), 300, 200));
                other[0].show();
            });
            WaitForAsyncUtils.waitForFxEvents();
            robot.interact(other[0]::requestFocus);
            robot.push(keys);
            WaitForAsyncUtils.waitForFxEvents();
            assertFalse(other[0].isShowing(), "still open after " + List.of(keys));
        }
    }

    private Window waitForSecondary(FxRobot robot) throws Exception {
        Window main = window.groups().getScene().getWindow();
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> robot.listWindows().stream()
                .anyMatch(w -> w != main && w instanceof Stage && w.isShowing()));
        WaitForAsyncUtils.waitForFxEvents();
        return robot.listWindows().stream().filter(w -> w != main && w instanceof Stage && w.isShowing())
                .findFirst().orElseThrow();
    }
}
