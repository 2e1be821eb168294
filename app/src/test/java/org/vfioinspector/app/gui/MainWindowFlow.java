package org.vfioinspector.app.gui;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;
import org.vfioinspector.app.gui.host.HostChoice;

/**
 * The frame of every flow test of the main window: a fresh {@link AppContext} and {@link MainWindow} shown on
 * TestFX's primary stage before each test, stopped and closed after it (device sessions first, then the executors), and the
 * test preferences dropped after the class.
 */
@ExtendWith(ApplicationExtension.class)
public abstract class MainWindowFlow {
    protected AppContext ctx;
    protected MainWindow window;

    /** This test's context; override for a journal, a shorter grace period or a wrapped lab kernel. */
    protected AppContext newContext() throws Exception {
        return new AppContext(GuiFixtures.prefs());
    }

    /** Runs after TestFX registered the primary stage, before the subclass's own @BeforeEach methods. */
    @BeforeEach
    protected void startWindow() throws Exception {
        ctx = newContext();
        FxToolkit.setupStage(stage -> {
            window = new MainWindow(ctx, stage);
            window.show();
        });
        WaitForAsyncUtils.waitForFxEvents();
    }

    @AfterEach
    protected void stopWindow() {
        window.stop();
        ctx.close();
    }

    /** Presses an action button (fired, not clicked: it may lie below the device pane's fold). */
    protected static void press(FxRobot robot, String id) {
        Button b = robot.lookup(id).queryAs(Button.class);
        assertFalse(b.isDisabled(), id + " is enabled");
        robot.interact(b::fire);
    }

    /** {@link #press} and {@link #waitUntilIdle}. */
    protected static void pressAndWait(FxRobot robot, String id) throws Exception {
        press(robot, id);
        waitUntilIdle(robot);
    }

    /** Opens the built-in lab scenario {@code name} and waits until the window shows it (not the host before). */
    protected void openLab(String name) throws Exception {
        var before = window.hostProperty().get();
        WaitForAsyncUtils.asyncFx(() -> window.open(new HostChoice.Lab(name))).get();
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> window.hostProperty().get() != null
                && window.hostProperty().get() != before
                && window.hostProperty().get().choice().equals(new HostChoice.Lab(name))
                // and the tree's marks, worked out after the host is shown
                && window.groups().marks().completeFor(window.hostProperty().get().inventory()));
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** The vfio-io call and its FX callbacks are done when the try-it buttons are on again. */
    protected static void waitUntilIdle(FxRobot robot) throws Exception {
        WaitForAsyncUtils.waitForFxEvents();
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS,
                () -> !robot.lookup("#resetDevice").queryAs(Button.class).isDisabled());
        WaitForAsyncUtils.waitForFxEvents();
    }

    /**
     * Waits up to 10 s until {@code done}, else fails naming {@code what}: for what ends on a later pulse, such as a
     * PopOver, which stays showing through its 200 ms fade-out after hide() (one waitForFxEvents is not enough).
     */
    protected static void await(String what, Callable<Boolean> done) throws Exception {
        try {
            WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, done);
        } catch (TimeoutException e) {
            fail(what + " (waited 10 s)");
        }
    }

    protected static String text(FxRobot robot, String id) {
        return robot.lookup(id).queryAs(Label.class).getText();
    }
}
