package org.vfioinspector.app.gui;

import javafx.application.Application;
import javafx.stage.Stage;
import org.vfioinspector.app.gui.common.AppPrefs;

/** The desktop inspector: builds the {@link AppContext} once, shows the main window, shuts down on stop. */
public final class InspectorApp extends Application {
    public static final String TITLE = "VFIO Inspector";

    private AppContext ctx;
    private MainWindow window;

    @Override
    public void start(Stage stage) {
        ctx = new AppContext(AppPrefs.user());
        window = new MainWindow(ctx, stage);
        window.show();
        window.start();
    }

    @Override
    public void stop() {
        if (window != null) {
            window.stop();
        }
        if (ctx != null) {
            ctx.close();
        }
    }
}
