package org.vfioinspector.app.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vfioinspector.bridge.journal.Activity;
import org.vfioinspector.bridge.journal.JournalReader;
import org.vfioinspector.bridge.journal.Journals;
import org.vfioinspector.bridge.journal.StateDir;

/**
 * The journal survives {@code kill -9}: the app runs as a child process (headless, a lab host, try-it actions on
 * nvme), echoing each record once the journal has it; the test kills it with SIGKILL the moment the reset's answer
 * is echoed (the revocation view may still be drawing its events) and checks that every echoed record — host,
 * actions, the reset's revoke and restore events — is in the journal, in order, and that the journal reads back.
 */
class JournalKillTest {
    private static final Pattern ECHO = Pattern.compile("vfio-inspector: activity (\\d+) (\\w+) (\\S+) (\\S+)");

    @TempDir
    Path tmp;

    @Test
    void killNineLosesNothingThatWasShown() throws Exception {
        // HOME points elsewhere than the passwd home, and no XDG variable is set: the journal must land under
        // $HOME/.local/state, not under Java's user.home
        Path home = tmp.resolve("home");
        Path state = home.resolve(".local").resolve("state");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "-Dtestfx.robot=glass", "-Dglass.platform=Monocle", "-Dmonocle.platform=Headless",
                "-Dprism.order=sw", "-Dprism.text=t2k", "-Dheadless.geometry=1600x1200-32",
                "-D" + MainWindow.HOST_PROPERTY + "=lab:qemu-q35",
                "-D" + MainWindow.SELECT_PROPERTY + "=0000:00:07.0",
                "-D" + MainWindow.TRY_PROPERTY + "=mmap,export,attach,reset",
                "-D" + InspectorApp.ECHO_ACTIVITY_PROPERTY + "=true"));
        if (Runtime.version().feature() >= 22) {
            cmd.add(1, "--enable-native-access=ALL-UNNAMED");
        }
        cmd.add("org.vfioinspector.app.Main");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("HOME", home.toString());
        pb.environment().remove("XDG_STATE_HOME");
        pb.environment().remove("XDG_CONFIG_HOME");
        Process app = pb.start();
        List<String[]> echoed = new CopyOnWriteArrayList<>();
        StringBuilder output = new StringBuilder();
        Object attached = new Object();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(app.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (output) {
                        output.append(line).append('\n');
                    }
                    Matcher m = ECHO.matcher(line);
                    if (m.matches()) {
                        echoed.add(new String[] {m.group(1), m.group(2), m.group(3), m.group(4)});
                        if (m.group(2).equals("ACTION") && m.group(3).equals("reset")) {
                            synchronized (attached) {
                                attached.notifyAll();
                            }
                        }
                    }
                }
            } catch (IOException e) {
                // the process was killed: the stream ends
            }
        }, "child-output");
        reader.setDaemon(true);
        reader.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            synchronized (attached) {
                while (echoed.stream().noneMatch(e -> e[2].equals("reset")) && app.isAlive()
                        && System.nanoTime() < deadline) {
                    attached.wait(200);
                }
            }
            if (!app.isAlive() || echoed.stream().noneMatch(e -> e[2].equals("reset"))) {
                synchronized (output) {
                    fail("The app did not reach the reset (alive=" + app.isAlive() + "); its output:\n" + output);
                }
            }
        } finally {
            app.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no stop(), no close()
            assertTrue(app.waitFor(30, TimeUnit.SECONDS), "the app did not die");
        }
        reader.join(10_000);
        assertEquals(137, app.exitValue(), "killed by SIGKILL");

        List<Path> journals = Journals.list(Journals.dir(state.resolve(StateDir.APP)));
        assertEquals(1, journals.size(), "one journal for one session: " + journals);
        JournalReader.Journal j = JournalReader.read(journals.get(0));
        List<Activity> entries = j.entries();
        // a kill during a write tears at most the last line, which was not echoed (shown) yet
        assertTrue(j.notes().stream().allMatch(n -> n.contains("is incomplete")), j.notes().toString());
        assertTrue(j.started().isPresent(), "header read");
        for (int i = 0; i < entries.size(); i++) {
            assertEquals(i + 1, entries.get(i).seq(), "records in order, without gaps");
        }
        List<String[]> shown = List.copyOf(echoed);
        assertFalse(shown.isEmpty());
        for (String[] e : shown) {
            int seq = Integer.parseInt(e[0]);
            assertTrue(seq <= entries.size(), "echoed #" + seq + " is in the journal of " + entries.size());
            Activity a = entries.get(seq - 1);
            assertEquals(e[1] + " " + e[2] + " " + e[3], a.type() + " " + a.operation() + " " + a.result(),
                    "record #" + seq);
        }
        assertEquals(Activity.Type.HOST, entries.get(0).type());
        assertEquals("lab:qemu-q35", entries.stream().filter(a -> a.type() == Activity.Type.HOST).reduce(
                (a, b) -> b).orElseThrow().fact("key").orElseThrow());
        List<String> actions = entries.stream().filter(a -> a.type() == Activity.Type.ACTION)
                .map(Activity::operation).toList();
        assertEquals(List.of("mmap", "export", "attach", "reset"), actions, actions.toString());
        assertTrue(entries.stream().filter(a -> a.type() == Activity.Type.ACTION).allMatch(Activity::isOk),
                entries.toString());
        List<String> events = entries.stream().filter(a -> a.type() == Activity.Type.EVENT).map(Activity::operation)
                .toList();
        assertTrue(events.contains("revoke") && events.contains("restore"), "the reset's events: " + events);
        assertTrue(Files.size(journals.get(0)) > 0);
    }
}
