package org.vfioinspector.app.gui.dmabuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;
import org.vfioinspector.app.gui.MainWindowFlow;
import org.vfioinspector.app.gui.common.Badge;
import org.vfioinspector.bridge.kernel.KernelEvent;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.revocation.RevocationTracker;

/**
 * The revocation view reacts to kernel events as they arrive, from the event thread: the sequence is the one the
 * real Linux 7.2 kernel traced for VFIO_DEVICE_RESET and close (facts §9). The events are records handed to the
 * model exactly as a {@code KernelEvents} stream hands them; no kernel is faked.
 */
class RevocationFlowTest extends MainWindowFlow {
    private static final PciAddress NVME = PciAddress.parse("0000:00:07.0");





    private static KernelEvent ev(KernelEvent.Kind k, String fn, long ino) {
        return new KernelEvent(System.nanoTime(), k, fn, NVME, ino, fn);
    }

    /** Delivers from another thread, as tracefs or the lab would, and waits until the FX thread has applied it. */
    private void deliver(KernelEvent e) throws Exception {
        int before = window.revocations().timeline().size();
        Thread t = new Thread(() -> window.revocations().accept(e), "kernel-events-test");
        t.start();
        t.join();
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> window.revocations().timeline().size() > before);
        WaitForAsyncUtils.waitForFxEvents();
    }

    /**
     * The state badge shown in table row {@code row} (scrolled into view: the table only builds visible rows), with the
     * revocation area unfolded, as a user sees it (folded, it is not in the scene).
     */
    private String stateBadgeOf(FxRobot robot, int row) {
        robot.interact(() -> window.setRevocationFolded(false));
        javafx.scene.control.TableView<?> table = robot.lookup("#trackedTable").queryAs(javafx.scene.control.TableView.class);
        robot.interact(() -> table.scrollTo(row));
        WaitForAsyncUtils.waitForFxEvents();
        List<Badge> badges = robot.from(table).lookup((java.util.function.Predicate<javafx.scene.Node>) n ->
                        n instanceof javafx.scene.control.TableRow<?> r && r.getIndex() == row && !r.isEmpty())
                .lookup((java.util.function.Predicate<javafx.scene.Node>) n -> n instanceof Badge)
                .queryAllAs(Badge.class).stream().filter(b -> b.getParent() != null).toList();
        assertEquals(1, badges.size(), "one state badge in row " + row);
        return badges.get(0).getText();
    }

    @Test
    void resetRevokesThenRestoresAndCloseKillsForGood(FxRobot robot) throws Exception {
        Tracked mapping = Tracked.active(RevocationTracker.Kind.MAPPING, NVME, 0, -1, "BAR0 [0, 16K)");
        Tracked buf = Tracked.active(RevocationTracker.Kind.DMABUF, NVME, 0, 1234, "BAR0 [0, 16K)");
        Tracked att = Tracked.active(RevocationTracker.Kind.ATTACHMENT, NVME, 0, 1234, "importer");
        robot.interact(() -> List.of(mapping, buf, att).forEach(window.revocations()::track));

        deliver(ev(KernelEvent.Kind.ZAP, "vfio_pci_zap_and_down_write_memory_lock", -1));
        deliver(ev(KernelEvent.Kind.REVOKE, "vfio_pci_dma_buf_move", -1));
        assertEquals(List.of(TrackState.REVOKED, TrackState.REVOKED, TrackState.REVOKED),
                List.of(mapping.state().getValue(), buf.state().getValue(), att.state().getValue()));
        assertEquals("revoked", stateBadgeOf(robot, 2));

        deliver(ev(KernelEvent.Kind.INVALIDATE, "dma_buf_invalidate_mappings", 1234));
        deliver(ev(KernelEvent.Kind.RESTORE, "vfio_pci_dma_buf_move", -1));
        assertEquals(TrackState.RESTORED, att.state().getValue());
        assertEquals(TrackState.RESTORED, mapping.state().getValue());
        assertEquals("restored", stateBadgeOf(robot, 2));

        deliver(ev(KernelEvent.Kind.PERMANENT, "vfio_pci_dma_buf_cleanup", -1));
        assertEquals(TrackState.DEAD, buf.state().getValue());
        assertEquals(TrackState.DEAD, att.state().getValue());
        assertEquals("dead", stateBadgeOf(robot, 2));
        assertEquals(5, window.revocations().timeline().size());
    }

    @Test
    void timelineIsSavedAsJsonAndHtml(FxRobot robot, @TempDir Path dir) throws Exception {
        robot.interact(() -> window.revocations().track(Tracked.active(RevocationTracker.Kind.DMABUF, NVME, 0, 9, "BAR0")));
        deliver(ev(KernelEvent.Kind.REVOKE, "vfio_pci_dma_buf_move", 9));
        Path json = dir.resolve("t.json");
        Path html = dir.resolve("t.html");
        WaitForAsyncUtils.asyncFx(() -> window.saveTimeline(RevocationView.Format.JSON, json)).get().get(10,
                TimeUnit.SECONDS);
        WaitForAsyncUtils.asyncFx(() -> window.saveTimeline(RevocationView.Format.HTML, html)).get().get(10,
                TimeUnit.SECONDS);
        String j = Files.readString(json, StandardCharsets.UTF_8);
        assertTrue(j.contains("\"function\": \"vfio_pci_dma_buf_move\"") && j.contains("\"state\": \"revoked\""), j);
        assertTrue(Files.readString(html, StandardCharsets.UTF_8).contains("<code>vfio_pci_dma_buf_move</code>"));
    }
}
