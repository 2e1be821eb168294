package org.vfioinspector.app.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;
import org.vfioinspector.app.gui.device.BarRow;
import org.vfioinspector.app.gui.dmabuf.TimelineEntry;
import org.vfioinspector.app.gui.dmabuf.TrackState;
import org.vfioinspector.app.gui.dmabuf.Tracked;
import org.vfioinspector.bridge.kernel.KernelEvent;
import org.vfioinspector.bridge.revocation.RevocationTracker;

/**
 * The try-it panel against the lab kernel of qemu-q35: nvme BAR0 exported, an importer attached, reset (revoked
 * then restored, on the timeline), close (dead); ivshmem's sub-page BAR0 export refused with EINVAL.
 */
class TryItFlowTest extends MainWindowFlow {

    @Test
    void exportAttachResetCloseThenIvshmemRefused(FxRobot robot) throws Exception {
        openLab("qemu-q35");

        robot.clickOn("0000:00:07.0");
        WaitForAsyncUtils.waitForFxEvents();
        BarRow bar0 = window.device().barTable().getSelectionModel().getSelectedItem();
        assertEquals("BAR0", bar0.region().name());
        Button export = robot.lookup("#exportDmabuf").queryAs(Button.class);
        assertFalse(export.isDisabled(), "actions are on for a vfio-pci device in a lab");
        assertFalse(robot.lookup("#actionGate").queryAs(Label.class).isVisible());

        // mmap: the dword next to the prediction
        pressAndWait(robot, "#tryMmap");
        assertEquals("mmap: ok", text(robot, "#tryResultBadge"));
        assertEquals("ok", bar0.triedProperty().get().mmap().orElseThrow());
        assertTrue(robot.lookup(".tried").queryAll().stream().anyMatch(n -> ((Label) n).getText()
                .startsWith("tried: ok 0x")), "tried mmap result beside the predicted badge");

        // export
        pressAndWait(robot, "#exportDmabuf");
        assertEquals("dma-buf: ok", text(robot, "#tryResultBadge"));
        assertEquals("ok", bar0.triedProperty().get().dmabuf().orElseThrow());
        Tracked buf = tracked(RevocationTracker.Kind.DMABUF);
        assertEquals(TrackState.ACTIVE, buf.state().getValue());
        List<TrackState> seen = new CopyOnWriteArrayList<>();
        buf.state().addListener((o, a, b) -> seen.add(b));

        // attach a scenario importer
        @SuppressWarnings("unchecked")
        ComboBox<String> importers = robot.lookup("#importerChoice").queryAs(ComboBox.class);
        assertTrue(importers.getItems().contains("testdev"), importers.getItems().toString());
        WaitForAsyncUtils.asyncFx(() -> importers.setValue("testdev")).get();
        assertEquals("→ attached, map EINVAL", robot.lookup("#predict-attachImporter").queryAs(Label.class).getText(),
                "said before the press: testdev on 00:04.0 cannot reach nvme's BAR through q35's host bridge");
        pressAndWait(robot, "#attachImporter");
        // attached, but the exporter refused the map: said so, and why, not a green "attached"
        assertEquals("attached, map EINVAL", text(robot, "#tryResultBadge"), text(robot, "#tryResultText"));
        Tracked att = tracked(RevocationTracker.Kind.ATTACHMENT);
        assertEquals(buf.inode(), att.inode());
        assertTrue(att.note().get() != null && att.note().get().contains("PCI_P2PDMA_MAP_NOT_SUPPORTED"),
                String.valueOf(att.note().get()));
        assertTrue(stateBadges(robot).contains("attached, not mapped"), stateBadges(robot).toString());

        // reset: revoked, then restored, with the events on the timeline
        int before = window.revocations().timeline().size();
        pressAndWait(robot, "#resetDevice");
        await(() -> buf.state().getValue() == TrackState.RESTORED, robot, seen);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(List.of(TrackState.REVOKED, TrackState.RESTORED), seen);
        assertEquals(TrackState.RESTORED, att.state().getValue());
        TableView<?> timeline = robot.lookup("#timelineTable").queryAs(TableView.class);
        List<KernelEvent.Kind> kinds = timeline.getItems().stream().skip(before)
                .map(e -> ((TimelineEntry) e).event().kind()).toList();
        assertTrue(kinds.indexOf(KernelEvent.Kind.REVOKE) >= 0
                && kinds.indexOf(KernelEvent.Kind.RESTORE) > kinds.indexOf(KernelEvent.Kind.REVOKE), kinds.toString());
        assertTrue(stateBadges(robot).contains("restored"), stateBadges(robot).toString());

        // close: dead for good
        pressAndWait(robot, "#closeDevice");
        await(() -> buf.state().getValue() == TrackState.DEAD, robot, seen);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(TrackState.DEAD, att.state().getValue());
        assertEquals(TrackState.DEAD, tracked(RevocationTracker.Kind.MAPPING).state().getValue());
        assertTrue(stateBadges(robot).contains("dead"), stateBadges(robot).toString());

        // ivshmem's 256-byte BAR0: export refused with EINVAL, shown with its meaning
        robot.clickOn("0000:00:05.0");
        WaitForAsyncUtils.waitForFxEvents();
        BarRow ivBar0 = window.device().barTable().getSelectionModel().getSelectedItem();
        assertEquals(256, ivBar0.region().size());
        pressAndWait(robot, "#exportDmabuf");
        assertEquals("dma-buf: EINVAL", text(robot, "#tryResultBadge"));
        assertTrue(text(robot, "#tryResultText").contains("EINVAL — "), text(robot, "#tryResultText"));
        assertEquals("EINVAL", ivBar0.triedProperty().get().dmabuf().orElseThrow());
        assertTrue(robot.lookup(".tried").queryAll().stream().anyMatch(n -> "tried: EINVAL"
                .equals(((Label) n).getText())), "tried export result beside the predicted 'no'");
        assertTrue(window.status().getText().contains("EINVAL"), window.status().getText());

        // the session's activity has every action with the kernel's answer, and the events, in order
        List<String> activity = ctx.activity().entries().stream().map(a -> a.type() + " " + a.operation() + " "
                + (a.type() == org.vfioinspector.bridge.journal.Activity.Type.EVENT ? "" : a.result())).toList();
        List<String> actions = activity.stream().filter(l -> l.startsWith("ACTION")).toList();
        assertEquals(List.of("ACTION mmap ok", "ACTION export ok", "ACTION attach ok", "ACTION reset ok",
                "ACTION close ok", "ACTION export EINVAL"), actions, activity.toString());
        assertEquals("HOST open ok", activity.get(0));
        int reset = activity.indexOf("ACTION reset ok");
        assertTrue(activity.subList(0, reset).contains("EVENT revoke ")
                && activity.subList(0, reset).contains("EVENT restore "), "the reset's events come before its "
                + "answer is recorded: " + activity);
        assertEquals(Long.toString(buf.inode()), ctx.activity().entries().stream().filter(a -> "export".equals(
                a.operation()) && a.isOk()).findFirst().orElseThrow().fact("inode").orElseThrow());
    }

    private void await(java.util.concurrent.Callable<Boolean> cond, FxRobot robot, List<TrackState> seen) {
        try {
            WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, cond);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("timed out; states seen " + seen + ", result '" + text(robot, "#tryResultBadge")
                    + ": " + text(robot, "#tryResultText") + "', status '" + window.status().getText()
                    + "', timeline " + window.revocations().timeline().stream().map(t -> t.event().kind() + " "
                    + t.effect()).toList(), e);
        }
    }

    private Tracked tracked(RevocationTracker.Kind kind) {
        return window.revocations().tracked().stream().filter(t -> t.kind() == kind).findFirst().orElseThrow(
                () -> new AssertionError("no tracked " + kind + " in " + window.revocations().tracked()));
    }

    /**
     * The badges of every row of the objects table (scrolled to each: the table builds only the rows it shows), with
     * the revocation area unfolded, as a user sees them (folded, it is not in the scene).
     */
    private List<String> stateBadges(FxRobot robot) {
        robot.interact(() -> window.setRevocationFolded(false));
        TableView<?> table = robot.lookup("#trackedTable").queryAs(TableView.class);
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < table.getItems().size(); i++) {
            int row = i;
            robot.interact(() -> table.scrollTo(row));
            WaitForAsyncUtils.waitForFxEvents();
            robot.from(table).lookup((java.util.function.Predicate<Node>) n -> n instanceof javafx.scene.control.TableRow<?> r
                    && r.getIndex() == row && !r.isEmpty()).lookup(".badge").queryAll().stream()
                    .filter(n -> n instanceof Label && n.getParent() != null).map(n -> ((Label) n).getText())
                    .forEach(out::add);
        }
        return out;
    }

}
