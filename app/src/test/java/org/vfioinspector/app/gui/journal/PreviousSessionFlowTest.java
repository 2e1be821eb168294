package org.vfioinspector.app.gui.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;
import org.vfioinspector.app.gui.MainWindowFlow;
import org.vfioinspector.app.gui.AppContext;
import org.vfioinspector.app.gui.GuiFixtures;
import org.vfioinspector.bridge.journal.Activity;
import org.vfioinspector.bridge.journal.ActivityLog;
import org.vfioinspector.bridge.journal.JournalReader;
import org.vfioinspector.bridge.journal.Journals;
import org.vfioinspector.bridge.journal.SessionJournal;
import org.vfioinspector.bridge.kernel.KernelEvent;
import org.vfioinspector.bridge.model.PciAddress;

/**
 * The previous session's journal — left by a crash, its last line torn — opens read-only in its own window with
 * every record and the reader's note, and exports as JSON.
 */
class PreviousSessionFlowTest extends MainWindowFlow {
    @TempDir
    Path state;
    private List<Activity> previous;

    @Override
    protected AppContext newContext() throws Exception {
        // an earlier session: host, export, a revoke, and a line torn by kill -9
        Clock then = Clock.fixed(Instant.parse("2020-01-02T03:04:05Z"), ZoneOffset.UTC);
        ActivityLog log = new ActivityLog(then);
        SessionJournal old = SessionJournal.create(Journals.dir(state), then, Journals.DEFAULT_KEEP, false);
        old.open();
        log.subscribe(old);
        PciAddress nvme = PciAddress.parse("0000:00:04.0");
        log.host("lab qemu-q35", Map.of("key", "lab:qemu-q35"));
        log.action("export", nvme, 0, "ok", "dma-buf of BAR0", Map.of("inode", "42"));
        log.event(new KernelEvent(5, KernelEvent.Kind.REVOKE, "vfio_pci_dma_buf_move", nvme, 42, "revoked=1"));
        old.close();
        Files.writeString(old.file(), "{\"seq\":4,\"at\":\"2020-01-02T03:0", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.APPEND);
        previous = log.entries();

        return new AppContext(GuiFixtures.prefs(), Optional.of(state));
    }



    @Test
    void previousSessionOpensReadOnlyWithItsNoteAndExports(FxRobot robot) throws Exception {
        Optional<JournalReader.Journal> read = WaitForAsyncUtils.asyncFx(() -> window.openPreviousSession()).get()
                .get(20, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        JournalReader.Journal j = read.orElseThrow();
        assertEquals(previous, j.entries());
        TableView<?> table = robot.lookup("#journalTable").queryAs(TableView.class);
        assertEquals(3, table.getItems().size());
        assertTrue(robot.lookup(".journal-note").queryAll().stream().map(n -> ((Label) n).getText())
                .anyMatch(t -> t.contains("line 5 is incomplete")), "the torn line is named");
        assertTrue(robot.lookup("#exportJournalJson").tryQuery().isPresent());

        Path out = state.resolve("export.json");
        String[] status = new String[1];
        WaitForAsyncUtils.asyncFx(() -> PreviousSessionView.write(j, PreviousSessionView.Format.JSON, out,
                ctx.background(), s -> status[0] = s, null)).get().get(20, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        String json = Files.readString(out);
        assertTrue(json.contains("\"operation\" : \"export\""), json);
        assertTrue(json.contains("vfio_pci_dma_buf_move"), json);
        assertEquals("Exported 3 records to " + out, status[0]);
    }

    @Test
    void escapeCtrlWAndTheCloseButtonCloseTheWindow(FxRobot robot) throws Exception {
        for (KeyCode[] keys : List.of(new KeyCode[] {KeyCode.ESCAPE},
                new KeyCode[] {KeyCode.CONTROL, KeyCode.W},
                new KeyCode[] {KeyCode.ALT, KeyCode.C})) {
            WaitForAsyncUtils.asyncFx(() -> window.openPreviousSession()).get().get(20, TimeUnit.SECONDS);
            WaitForAsyncUtils.waitForFxEvents();
            Window journal = previousSessionWindow(robot).orElseThrow(() -> new AssertionError("not open"));
            robot.targetWindow(journal);
            robot.push(keys);
            WaitForAsyncUtils.waitForFxEvents();
            assertTrue(previousSessionWindow(robot).isEmpty(), "still open after " + List.of(keys));
        }
    }

    private static Optional<Window> previousSessionWindow(FxRobot robot) {
        return robot.listWindows().stream().filter(w -> w instanceof Stage s && s.isShowing()
                && s.getTitle() != null && s.getTitle().startsWith("Previous session")).findFirst();
    }
}
