package org.vfioinspector.app.gui;

import java.lang.management.ManagementFactory;
import java.util.Optional;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.vfioinspector.app.gui.common.AppPrefs;
import org.vfioinspector.app.gui.common.UiTasks;
import org.vfioinspector.bridge.journal.StateDir;

/** The desktop inspector: builds the {@link AppContext} once, shows the main window, shuts down on stop. */
public final class InspectorApp extends Application {
    public static final String TITLE = "VFIO Inspector";
    /**
     * {@code -Dvfioinspector.traceStartup=true} prints {@code vfio-inspector: first-frame-ms=N} on stderr: the time
     * from JVM start to the first pulse that lays out the main window (the frame is rendered in that pulse). The
     * startup measurements (installers, benchmarks) read this line.
     */
    public static final String TRACE_STARTUP_PROPERTY = "vfioinspector.traceStartup";
    /**
     * {@code -Dvfioinspector.echoActivity=true} prints {@code vfio-inspector: activity SEQ TYPE OPERATION RESULT} on
     * stdout after the journal has the record: the crash test kills the app and checks that each echoed record is
     * in the journal.
     */
    public static final String ECHO_ACTIVITY_PROPERTY = "vfioinspector.echoActivity";

    private AppContext ctx;
    private MainWindow window;

    @Override
    public void start(Stage stage) {
        ctx = new AppContext(AppPrefs.user(), Optional.of(StateDir.current()));
        if (Boolean.getBoolean(ECHO_ACTIVITY_PROPERTY)) {
            // subscribed after the journal, so it runs once the record is written
            ctx.activity().subscribe(a -> System.out.println("vfio-inspector: activity " + a.seq() + " " + a.type()
                    + " " + a.operation() + " " + a.result()));
        }
        window = new MainWindow(ctx, stage);
        // Closing the main window ends the app even while another of its windows is up (a popup, a dialog): with
        // implicit exit alone a window left showing kept the process alive with no way back to it (seen once in
        // HomeElsewhereTest's child, 56 minutes after its main window was closed)
        stage.setOnHidden(e -> Platform.exit());
        window.show();
        if (Boolean.getBoolean(TRACE_STARTUP_PROPERTY)) {
            traceFirstFrame(stage.getScene());
        }
        window.start();
    }

    private static void traceFirstFrame(Scene scene) {
        UiTasks.afterNextPulse(scene, () -> {
            long ms = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
            System.err.println("vfio-inspector: first-frame-ms=" + ms);
        });
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
