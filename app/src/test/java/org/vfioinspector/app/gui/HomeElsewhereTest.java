package org.vfioinspector.app.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vfioinspector.app.gui.common.AppPrefs;
import org.vfioinspector.bridge.journal.StateDir;

/**
 * The whole app, headless, in a process whose {@code HOME} is not its passwd home ({@code user.home}) and without any
 * {@code XDG_*} variable: it keeps its settings under {@code $HOME/.config/vfio-inspector}, its journal under
 * {@code $HOME/.local/state/vfio-inspector}, and writes nothing under the passwd home.
 */
class HomeElsewhereTest {
    @TempDir
    Path tmp;

    /** The child: the app, closed as a user would close it once its host is shown. */
    public static final class Child {
        public static void main(String[] args) {
            Thread closer = new Thread(() -> {
                try {
                    for (int i = 0; i < 600; i++) {
                        Thread.sleep(100);
                        boolean[] shown = {false};
                        java.util.concurrent.CountDownLatch asked = new java.util.concurrent.CountDownLatch(1);
                        Platform.runLater(() -> {
                            for (Window w : Window.getWindows()) {
                                if (w instanceof Stage s && s.getScene() != null
                                        && s.getScene().lookup("#hostName") instanceof javafx.scene.control.Label l
                                        && l.getText().equals("qemu-q35")) {
                                    shown[0] = true;
                                    s.close(); // the last window: the app stops as it does for a user
                                }
                            }
                            asked.countDown();
                        });
                        asked.await();
                        if (shown[0]) {
                            return;
                        }
                    }
                    System.exit(3);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (IllegalStateException e) {
                    // the toolkit is not up yet
                }
            }, "closer");
            closer.setDaemon(true);
            closer.start();
            Application.launch(InspectorApp.class, args);
        }
    }

    @Test
    void stateAndSettingsFollowHomeNotThePasswdHome() throws Exception {
        Path home = tmp.resolve("home");
        Path passwd = Files.createDirectories(tmp.resolve("passwd-home"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Duser.home=" + passwd,
                "-Dtestfx.robot=glass", "-Dglass.platform=Monocle", "-Dmonocle.platform=Headless",
                "-Dprism.order=sw", "-Dprism.text=t2k", "-Dheadless.geometry=1600x1200-32",
                "-D" + MainWindow.HOST_PROPERTY + "=lab:qemu-q35"));
        if (Runtime.version().feature() >= 22) {
            cmd.add(1, "--enable-native-access=ALL-UNNAMED");
        }
        cmd.add(Child.class.getName());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("child.log").toFile());
        pb.environment().put("HOME", home.toString());
        pb.environment().remove("XDG_STATE_HOME");
        pb.environment().remove("XDG_CONFIG_HOME");
        Process app = pb.start();
        if (!app.waitFor(120, TimeUnit.SECONDS)) {
            // say why: what it printed and where its threads are (a thread that keeps the JVM up, a stuck FX thread)
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(app.pid()), "Thread.print").redirectErrorStream(true).start();
            String threads = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            app.destroyForcibly();
            fail("the app did not stop in 120 s; it printed:\n"
                    + Files.readString(tmp.resolve("child.log"), StandardCharsets.UTF_8) + "\nits threads:\n" + threads);
        }
        String log = Files.readString(tmp.resolve("child.log"), StandardCharsets.UTF_8);
        assertEquals(0, app.exitValue(), log);

        Path settings = home.resolve(".config").resolve(StateDir.APP).resolve(AppPrefs.FILE);
        assertTrue(Files.isRegularFile(settings), "settings under $HOME/.config: " + log);
        Properties p = new Properties();
        try (var in = Files.newInputStream(settings)) {
            p.load(in);
        }
        assertEquals("lab:qemu-q35", p.getProperty("lastHost"), p.toString());
        assertTrue(p.getProperty("layout.revocationFolded") != null, "the pane sizes are kept too: " + p);
        Path journal = home.resolve(".local").resolve("state").resolve(StateDir.APP).resolve("journal");
        try (Stream<Path> s = Files.list(journal)) {
            assertTrue(s.anyMatch(f -> f.getFileName().toString().endsWith(".jsonl")), "journal under $HOME");
        }
        // JavaFX itself unpacks its natives to user.home/.openjfx when it runs from the Maven jars (as here); the
        // installed app's runtime has them in lib/ (packaging/README.md), so only that cache may be there
        List<Path> there = files(passwd).stream().filter(f -> !f.startsWith(".openjfx")).toList();
        assertTrue(there.isEmpty(), "nothing of the app's under the passwd home: " + there);
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(dir::relativize).toList();
        }
    }
}
