package org.vfioinspector.bench.gui;

import java.lang.management.ManagementFactory;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.stage.Stage;

/**
 * The least a JavaFX window costs, the baseline of the app's first frame and resident memory (BENCHMARKS.md, third
 * round): a {@link Stage} with one {@link Label}, on the same runtime and display as the app. Prints
 * {@code minimal-window: first-frame-ms=N} (JVM start to the end of the first layout pulse, as the app's
 * {@code -Dvfioinspector.traceStartup} does), then after {@code -Dbench.settleMs} (2000) and a full GC
 * {@code minimal-window: rss-after-gc-mb=N}, and exits.
 */
public final class MinimalWindow extends Application {
    @Override
    public void start(Stage stage) {
        Scene scene = new Scene(new Label("VFIO Inspector"), 1280, 800);
        stage.setTitle("minimal window");
        stage.setScene(scene);
        Runnable[] once = new Runnable[1];
        once[0] = () -> {
            scene.removePostLayoutPulseListener(once[0]);
            long ms = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
            System.out.println("minimal-window: first-frame-ms=" + ms);
            Thread settle = new Thread(() -> {
                try {
                    Thread.sleep(Long.getLong("bench.settleMs", 2000));
                    System.gc();
                    Thread.sleep(1500); // G1 uncommits the shrunk heap concurrently
                    Runtime r = Runtime.getRuntime();
                    System.out.printf(java.util.Locale.ROOT, "minimal-window: heap-used-mb=%.1f%n",
                            (r.totalMemory() - r.freeMemory()) / 1048576.0);
                    System.out.printf(java.util.Locale.ROOT, "minimal-window: rss-after-gc-mb=%.1f%n",
                            rssKb() / 1024.0);
                } catch (Exception e) {
                    System.err.println("minimal-window: " + e);
                }
                Platform.exit();
            }, "minimal-window-settle");
            settle.setDaemon(true);
            settle.start();
        };
        stage.show();
        // after show(), as the app registers its trace: the next layout pulse is the one that lays the window out
        scene.addPostLayoutPulseListener(once[0]);
    }

    /** VmRSS of this process (its own copy: this class runs with JavaFX alone on the class path, not the app). */
    private static long rssKb() throws java.io.IOException {
        for (String l : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        }
        throw new java.io.IOException("/proc/self/status has no VmRSS line");
    }

    /** JavaFX on the class path needs a main class that is not the Application. */
    public static final class Main {
        private Main() {
        }

        public static void main(String[] args) {
            Application.launch(MinimalWindow.class, args);
        }
    }
}
