package org.vfioinspector.app.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import javafx.scene.Node;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.shape.Circle;
import javafx.scene.shape.Rectangle;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;
import org.vfioinspector.app.gui.dmabuf.Moment;
import org.vfioinspector.app.gui.dmabuf.TrackState;
import org.vfioinspector.app.gui.dmabuf.Tracked;
import org.vfioinspector.app.gui.dmabuf.WitnessRead;
import org.vfioinspector.bridge.journal.Activity;
import org.vfioinspector.bridge.kernel.KernelEvent;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.revocation.RevocationTracker;

/**
 * The DMA witness in the try-it panel on the lab kernel of type1-p2p-hazard (device B 00:04.0 has edu's DMA engine):
 * A's BAR2 mapped into B's type1 container; B's DMA reads it; A closed and unbound; B's DMA still reads it — the
 * use-after-free, said before the press and shown in the revocation view next to the type1 map, while the dma-buf
 * importer of the same BAR died. And the timeline's picture of a reset: a revoked band between revoke and restore.
 */
class WitnessFlowTest extends MainWindowFlow {
    private static final PciAddress A = PciAddress.parse("0000:00:03.0");
    private static final PciAddress B = PciAddress.parse("0000:00:04.0");

    @Test
    void type1StillReachesAfterTheUnbindWhileTheDmaBufImporterDied(FxRobot robot) throws Exception {
        openLab("type1-p2p-hazard");
        select(robot, A, 1);
        assertEquals("0000:00:04.0", robot.lookup("#type1Into").queryAs(ComboBox.class).getValue().toString());
        @SuppressWarnings("unchecked")
        ComboBox<PciAddress> engines = robot.lookup("#dmaEngine").queryAs(ComboBox.class);
        assertEquals(List.of(B), engines.getItems(), "the witness group offers B, the scenario's DMA engine");
        assertTrue(robot.lookup("#witnessGroup").query().isVisible());
        assertEquals("→ ok, no reference", prediction(robot, "#predict-mapType1"));

        pressAndWait(robot, "#mapType1");
        assertEquals("type1: mapped", text(robot, "#tryResultBadge"), text(robot, "#tryResultText"));
        @SuppressWarnings("unchecked")
        ComboBox<String> iovas = robot.lookup("#dmaIova").queryAs(ComboBox.class);
        assertEquals(List.of("0x100000 — 00:03.0 BAR2 (type1)"), iovas.getItems());
        assertEquals("→ reaches BAR2", prediction(robot, "#predict-dmaRead"));

        pressAndWait(robot, "#dmaRead");
        assertEquals("reached 0000:00:03.0 BAR2", text(robot, "#tryResultBadge"), text(robot, "#tryResultText"));
        assertTrue(text(robot, "#tryResultText").contains("As predicted"), text(robot, "#tryResultText"));
        Tracked type1 = tracked(RevocationTracker.Kind.TYPE1);
        assertEquals("reached 0000:00:03.0 BAR2", type1.witness().get().verdict());

        // a dma-buf of the same BAR, attached by B's driver (the scenario's in-kernel importer, p2p whitelisted)
        pressAndWait(robot, "#exportDmabuf");
        @SuppressWarnings("unchecked")
        ComboBox<String> importers = robot.lookup("#importerChoice").queryAs(ComboBox.class);
        robot.interact(() -> importers.setValue("nic-b"));
        assertEquals("→ ok", prediction(robot, "#predict-attachImporter"));
        pressAndWait(robot, "#attachImporter");
        assertEquals("attached", text(robot, "#tryResultBadge"), text(robot, "#tryResultText"));
        Tracked attachment = tracked(RevocationTracker.Kind.ATTACHMENT);

        // nothing is mapped at 0x80000 of B's domain: the read faults
        robot.interact(() -> iovas.getEditor().setText("0x80000"));
        assertEquals("→ IOMMU fault", prediction(robot, "#predict-dmaRead"));
        pressAndWait(robot, "#dmaRead");
        assertEquals("IOMMU fault", text(robot, "#tryResultBadge"), text(robot, "#tryResultText"));

        // A goes away
        assertEquals("→ waits", prediction(robot, "#predict-unbindDevice"), "the lab's kernel waits while A is open");
        pressAndWait(robot, "#closeDevice");
        assertEquals("→ ok", prediction(robot, "#predict-unbindDevice"));
        pressAndWait(robot, "#unbindDevice");
        assertTrue(text(robot, "#tryResultText").contains("1 type1 mapping(s) still point"),
                text(robot, "#tryResultText"));
        assertEquals(TrackState.DEAD, attachment.state().getValue(), "the importer was revoked for good");
        assertEquals(TrackState.ACTIVE, type1.state().getValue(), "nothing reached the type1 map");

        robot.interact(() -> iovas.getEditor().setText(""));
        robot.interact(() -> iovas.setValue(iovas.getItems().get(0)));
        assertEquals("→ reaches: use-after-free", prediction(robot, "#predict-dmaRead"));
        pressAndWait(robot, "#dmaRead");
        assertEquals("use-after-free", text(robot, "#tryResultBadge"), text(robot, "#tryResultText"));
        assertTrue(text(robot, "#tryResultText").contains("after 0000:00:03.0 was unbound"),
                text(robot, "#tryResultText"));
        assertEquals("use-after-free", type1.witness().get().verdict());

        // every group's content fits its fixed-width card with the longest answers this flow showed
        assertGroupsFit(robot);

        // the picture: a witness lane with its three reads, the type1 lane still green at the end
        List<WitnessRead> reads = window.revocations().reads();
        assertEquals(List.of("reached 0000:00:03.0 BAR2", "IOMMU fault", "use-after-free"),
                reads.stream().map(WitnessRead::verdict).toList());
        unfoldRevocation(robot);
        long readMarkers = robot.lookup(".witness-read").queryAll().size();
        assertEquals(3, readMarkers, "one marker per read on the witness lanes");
        assertEquals(1, robot.lookup(".marker-read-uaf").queryAll().stream().filter(n -> n.getStyleClass()
                .contains("witness-read")).count());
        assertTrue(robot.lookup(".lane-name").queryAll().stream().anyMatch(n -> ((Label) n).getText()
                .equals("type1 map 00:03.0 BAR2 → 00:04.0")), "a lane for the type1 map");

        // the session's record: each read with what it reached and whether the peer was unbound
        List<Activity> dma = ctx.activity().entries().stream().filter(a -> "dma-read".equals(a.operation()))
                .toList();
        assertEquals(List.of("reached", "iommu-fault", "reached"), dma.stream().map(Activity::result).toList());
        Map<String, String> last = dma.get(2).facts();
        assertEquals("type1", last.get("mapping"));
        assertEquals(A.toString(), last.get("peer"));
        assertEquals("true", last.get("peerUnbound"));
        assertEquals(B, dma.get(2).device());
    }

    /**
     * With A's memory decoding off, type1 cannot fault the BAR's PFN in: MAP_DMA answers EFAULT (the conformance case
     * type1-map-dma-memory-off checks it on the harness's real kernels), said before the press; memory on, it maps.
     */
    @Test
    void type1RefusesABarWhoseMemoryIsOff(FxRobot robot) throws Exception {
        openLab("type1-p2p-hazard");
        select(robot, A, 1);
        assertEquals("→ ok, revokes", prediction(robot, "#predict-memoryOff"));
        assertEquals("→ ok, nothing changes", prediction(robot, "#predict-memoryOn"), "memory is on");
        pressAndWait(robot, "#memoryOff");
        assertEquals("→ EFAULT", prediction(robot, "#predict-mapType1"));
        assertEquals("→ ok, nothing changes", prediction(robot, "#predict-memoryOff"), "memory is off already");
        assertEquals("→ ok, restores", prediction(robot, "#predict-memoryOn"));
        pressAndWait(robot, "#mapType1");
        assertEquals("map into type1: EFAULT", text(robot, "#tryResultBadge"));
        assertTrue(text(robot, "#tryResultText").contains("As predicted (EFAULT)"), text(robot, "#tryResultText"));
        pressAndWait(robot, "#memoryOn");
        assertEquals("→ ok, no reference", prediction(robot, "#predict-mapType1"));
        pressAndWait(robot, "#mapType1");
        assertEquals("type1: mapped", text(robot, "#tryResultBadge"), text(robot, "#tryResultText"));
    }

    @Test
    void theIovaChoiceFollowsTheEngineChosen(FxRobot robot) throws Exception {
        openLab("qemu-q35"); // two edus: 00:03.0 and 02:00.0
        PciAddress edu = PciAddress.parse("0000:00:03.0");
        PciAddress edu2 = PciAddress.parse("0000:02:00.0");
        select(robot, edu, 0);
        @SuppressWarnings("unchecked")
        ComboBox<PciAddress> engines = robot.lookup("#dmaEngine").queryAs(ComboBox.class);
        assertEquals(List.of(edu2), engines.getItems(), "a device is not its own witness");
        select(robot, PciAddress.parse("0000:00:07.0"), 0);
        assertEquals(List.of(edu, edu2), engines.getItems());
        robot.interact(() -> engines.setValue(edu2));
        @SuppressWarnings("unchecked")
        ComboBox<PciAddress> into = robot.lookup("#type1Into").queryAs(ComboBox.class);
        robot.interact(() -> into.setValue(edu));
        pressAndWait(robot, "#mapType1");
        assertEquals(edu, engines.getValue(), "the witness looks where the mapping went");
        @SuppressWarnings("unchecked")
        ComboBox<String> iovas = robot.lookup("#dmaIova").queryAs(ComboBox.class);
        assertEquals("0x100000 — 00:07.0 BAR0 (type1)", iovas.getValue());
        robot.interact(() -> engines.setValue(edu2));
        assertEquals(List.of(), iovas.getItems(), "nothing is mapped in 02:00.0's domain");
        assertEquals("→ —", prediction(robot, "#predict-dmaRead"), "no IOVA yet: nothing to predict");
        robot.interact(() -> engines.setValue(edu));
        assertEquals(List.of("0x100000 — 00:07.0 BAR0 (type1)"), iovas.getItems());
        pressAndWait(robot, "#dmaRead");
        assertEquals("reached 0000:00:07.0 BAR0", text(robot, "#tryResultBadge"), text(robot, "#tryResultText"));
    }

    @Test
    void theTimelineShowsARevokedBandBetweenResetAndRestore(FxRobot robot) throws Exception {
        openLab("qemu-q35");
        select(robot, PciAddress.parse("0000:00:07.0"), 0);
        pressAndWait(robot, "#exportDmabuf");
        Tracked buf = tracked(RevocationTracker.Kind.DMABUF);
        pressAndWait(robot, "#resetDevice");
        WaitForAsyncUtils.waitFor(10, java.util.concurrent.TimeUnit.SECONDS,
                () -> buf.state().getValue() == TrackState.RESTORED);
        WaitForAsyncUtils.waitForFxEvents();
        List<Moment> moments = window.revocations().moments();
        Moment revoke = moments.stream().filter(m -> m.event() != null
                && m.event().event().kind() == KernelEvent.Kind.REVOKE).findFirst().orElseThrow();
        Moment restore = moments.stream().filter(m -> m.event() != null
                && m.event().event().kind() == KernelEvent.Kind.RESTORE).findFirst().orElseThrow();
        unfoldRevocation(robot);
        double xRevoke = timeline(robot).x(revoke);
        double xRestore = timeline(robot).x(restore);
        assertTrue(xRevoke >= 0 && xRestore > xRevoke, xRevoke + " < " + xRestore);
        // the dma-buf's lane: a revoked band from the revoke to the restore, restored after it
        List<Rectangle> bands = robot.lookup(".band").queryAllAs(Rectangle.class).stream()
                .filter(r -> r.getUserData() == buf).toList();
        Rectangle revoked = bands.stream().filter(r -> r.getStyleClass().contains("band-revoked")).findFirst()
                .orElseThrow(() -> new AssertionError("no revoked band: " + bands.stream()
                        .map(r -> r.getStyleClass().toString()).toList()));
        assertEquals(xRevoke, revoked.getX(), 0.5);
        assertEquals(xRestore, revoked.getX() + revoked.getWidth(), 0.5);
        assertTrue(bands.stream().anyMatch(r -> r.getStyleClass().contains("band-restored")
                && Math.abs(r.getX() - xRestore) < 0.5));
        // markers on the lane at both moments; the revoke's says the function and the errno
        List<Circle> markers = robot.lookup(".marker").queryAllAs(Circle.class).stream()
                .filter(c -> c.getUserData() == revoke).toList();
        assertFalse(markers.isEmpty());
        String said = org.vfioinspector.app.gui.dmabuf.RevocationTimeline.tipOf(markers.get(0));
        assertTrue(said != null && said.contains("(revoke)") && said.contains("now answers: "), said);
        // the pointer on the marker: the timeline's one tooltip says what that marker holds
        robot.interact(() -> markers.get(0).fireEvent(new javafx.scene.input.MouseEvent(
                javafx.scene.input.MouseEvent.MOUSE_ENTERED, 0, 0, 0, 0, javafx.scene.input.MouseButton.NONE, 0,
                false, false, false, false, false, false, false, false, false, false, null)));
        assertEquals(said, timeline(robot).hoverTip().getText());
        // selecting the revoke highlights the objects it touched, and the event's row in the table
        robot.interact(() -> timeline(robot).selectedMomentProperty().set(revoke));
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup(".lane-highlight").queryAll().stream().anyMatch(n -> ((Label) n).getText()
                .startsWith("dma-buf 00:07.0 BAR0")));
        assertEquals(revoke.event(), robot.lookup("#timelineTable").queryAs(javafx.scene.control.TableView.class)
                .getSelectionModel().getSelectedItem());
        // and the other way: the object's lane selected dims the moments that did not touch it
        robot.interact(() -> timeline(robot).selectedObjectProperty().set(buf));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(buf, robot.lookup("#trackedTable").queryAs(javafx.scene.control.TableView.class)
                .getSelectionModel().getSelectedItem());
    }

    @Test
    void anMmapMadeWhileMemoryIsOffIsFaultingNotActive(FxRobot robot) throws Exception {
        openLab("qemu-q35");
        select(robot, PciAddress.parse("0000:00:07.0"), 0);
        pressAndWait(robot, "#memoryOff");
        assertEquals("→ ok, reads SIGBUS", prediction(robot, "#predict-tryMmap"));
        pressAndWait(robot, "#tryMmap");
        assertEquals("mmap: SIGBUS", text(robot, "#tryResultBadge"));
        Tracked m = tracked(RevocationTracker.Kind.MAPPING);
        assertEquals(TrackState.REVOKED, m.state().getValue());
        assertEquals("faulting", m.stateLabel());
        unfoldRevocation(robot);
        assertTrue(robot.lookup(".band-faulting").queryAll().stream().anyMatch(n -> n.getUserData() == m));
        pressAndWait(robot, "#memoryOn");
        WaitForAsyncUtils.waitFor(10, java.util.concurrent.TimeUnit.SECONDS,
                () -> m.state().getValue() == TrackState.RESTORED);
    }

    @Test
    void aRefusedResetSaysSoBeforehandAndAnswersInline(FxRobot robot) throws Exception {
        openLab("qemu-q35");
        select(robot, PciAddress.parse("0000:00:03.0"), 0); // edu on the root bus: no reset method
        assertEquals("→ EINVAL", prediction(robot, "#predict-resetDevice"));
        assertFalse(robot.lookup("#resetDevice").queryAs(javafx.scene.control.Button.class).isDisabled(),
                "a refused action stays available: trying it is the point");
        pressAndWait(robot, "#resetDevice");
        assertEquals("reset: EINVAL", text(robot, "#tryResultBadge"), text(robot, "#tryResultText"));
        assertEquals(1, javafx.stage.Window.getWindows().stream().filter(javafx.stage.Window::isShowing).count(),
                "no dialog: the answer is in the panel");
    }

    /** No try-it group clips its content: each row's minimum width fits inside the card. */
    static void assertGroupsFit(FxRobot robot) {
        WaitForAsyncUtils.waitForFxEvents();
        for (Node card : robot.lookup(".try-group").queryAll()) {
            javafx.scene.layout.VBox v = (javafx.scene.layout.VBox) card;
            double inner = v.getWidth() - v.getInsets().getLeft() - v.getInsets().getRight();
            for (Node row : v.getChildren()) {
                if (row instanceof javafx.scene.layout.Region r && r.isManaged()) {
                    assertTrue(r.minWidth(-1) <= inner + 0.5, card.getId() + ": a row needs " + r.minWidth(-1)
                            + " px, the card has " + inner);
                }
            }
        }
    }

    private static String prediction(FxRobot robot, String id) {
        WaitForAsyncUtils.waitForFxEvents();
        return robot.lookup(id).queryAs(Label.class).getText();
    }

    private void select(FxRobot robot, PciAddress bdf, int barRow) {
        robot.interact(() -> window.groups().select(bdf));
        WaitForAsyncUtils.waitForFxEvents();
        robot.interact(() -> window.device().barTable().getSelectionModel().select(barRow));
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** The revocation area starts folded, and a folded timeline draws nothing: unfolded, as a user would. */
    private void unfoldRevocation(FxRobot robot) {
        robot.interact(() -> window.setRevocationFolded(false));
        WaitForAsyncUtils.waitForFxEvents();
    }

    private Tracked tracked(RevocationTracker.Kind kind) {
        return window.revocations().tracked().stream().filter(t -> t.kind() == kind).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no tracked " + kind));
    }

    private static org.vfioinspector.app.gui.dmabuf.RevocationTimeline timeline(FxRobot robot) {
        return robot.lookup("#revocationTimeline").queryAs(org.vfioinspector.app.gui.dmabuf.RevocationTimeline.class);
    }
}
