package org.vfioinspector.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vfioinspector.bench.gui.GuiBench.onFx;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.concurrent.Task;
import javafx.scene.Scene;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeView;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vfioinspector.app.gui.AppContext;
import org.vfioinspector.app.gui.MainWindow;
import org.vfioinspector.app.gui.common.AppPrefs;
import org.vfioinspector.app.gui.host.HostChoice;
import org.vfioinspector.app.gui.host.LoadedHost;

/**
 * The data-centre lab host opens in the GUI: the synthetic 10,000-function scenario (a file, as a user opens one)
 * in the real main window, headless. It used to take 25–124 s (the lab wrote 400,000 files first); its tree now
 * lives in memory. The time is printed, never asserted (BENCHMARKS.md measures it); the timeout only stops a hang.
 */
class BigLabHostFlowTest {
    private static final int FUNCTIONS = 10_000;

    @BeforeAll
    static void startFx() throws Exception {
        CountDownLatch up = new CountDownLatch(1);
        try {
            Platform.startup(up::countDown);
        } catch (IllegalStateException already) {
            up.countDown();
        }
        assertTrue(up.await(60, TimeUnit.SECONDS), "the JavaFX toolkit did not start");
        Platform.setImplicitExit(false);
    }

    @AfterAll
    static void stopFx() {
        Platform.exit();
    }

    @Test
    void theTenThousandFunctionLabHostOpensAndShowsEveryGroup(@TempDir Path tmp) throws Exception {
        Path scenario = tmp.resolve("synthetic-10000.yaml");
        Files.writeString(scenario, SyntheticHost.scenarioYaml(FUNCTIONS), StandardCharsets.UTF_8);
        AppContext ctx = new AppContext(AppPrefs.inMemory());
        MainWindow[] window = new MainWindow[1];
        Scene scene = onFx(() -> {
            window[0] = new MainWindow(ctx, new Stage());
            return window[0].show();
        });
        try {
            long t0 = System.nanoTime();
            Task<LoadedHost> open = onFx(() -> window[0].open(new HostChoice.Lab(scenario.toString())));
            LoadedHost host = open.get(5, TimeUnit.MINUTES);
            assertEquals(FUNCTIONS, host.inventory().devices().size());
            assertEquals(FUNCTIONS, host.inventory().groups().size(), "one group per function (ACS everywhere)");
            assertTrue(host.inventory().failed().isEmpty(), host.inventory().failed().toString());
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            int shown;
            while ((shown = onFx(() -> groupsShown(scene))) != FUNCTIONS && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(FUNCTIONS, shown, "groups in the tree");
            System.out.println("BigLabHostFlowTest: the " + FUNCTIONS + "-function lab host opened (scenario parsed, "
                    + "tree generated, scanned, shown) in " + ms + " ms");
            // the last group's device is there to select, as a user scrolling to it would
            String last = onFx(() -> lastGroupText(scene));
            assertTrue(last.contains("0002:"), "the last group is on the third PCI segment: " + last);
        } finally {
            onFx(() -> {
                window[0].stop();
                ctx.close();
                return null;
            });
        }
    }

    private static int groupsShown(Scene scene) {
        TreeView<?> tree = (TreeView<?>) scene.lookup("#groupsTree");
        return tree == null || tree.getRoot() == null ? -1 : tree.getRoot().getChildren().size();
    }

    private static String lastGroupText(Scene scene) {
        TreeView<?> tree = (TreeView<?>) scene.lookup("#groupsTree");
        TreeItem<?> last = tree.getRoot().getChildren().get(tree.getRoot().getChildren().size() - 1);
        StringBuilder b = new StringBuilder(String.valueOf(last.getValue()));
        last.getChildren().forEach(c -> b.append(' ').append(c.getValue()));
        return b.toString();
    }
}
