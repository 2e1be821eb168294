package org.vfioinspector.app.gui;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

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

    @AfterAll
    static void dropPrefs() {
        GuiFixtures.drop();
    }
}
