package org.vfioinspector.app.gui.dmabuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.layout.Pane;
import javafx.scene.shape.Circle;
import javafx.scene.shape.Rectangle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.util.WaitForAsyncUtils;
import org.vfioinspector.app.gui.common.Badge;
import org.vfioinspector.bridge.kernel.KernelEvent;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.revocation.RevocationTracker;
import org.vfioinspector.bridge.witness.DmaRead;

/**
 * The picture a kernel event appends (one column, the session's earlier columns kept) is the picture drawn whole from
 * the same moments; so is the one a folded timeline draws when it is shown again. A session as the real kernel runs
 * it (facts §9: zap, revoke, invalidate, restore, cleanup), with a no-change event, a note that recolours an
 * attachment, a selection and the DMA witness's reads, compared node by node after every step.
 */
@ExtendWith(ApplicationExtension.class)
class RevocationTimelinePictureTest {
    private static final PciAddress NVME = PciAddress.parse("0000:00:07.0");
    private static final PciAddress EDU = PciAddress.parse("0000:00:03.0");

    /** A clock that moves 400 ms per reading: several seconds pass, so the time ticks are drawn too. */
    private static final class Steps extends Clock {
        private Instant now = Instant.parse("2026-12-07T04:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            now = now.plusMillis(400);
            return now;
        }
    }

    private final RevocationModel model = new RevocationModel(new Steps());
    private RevocationTimeline live;
    private RevocationTimeline folded;

    @Test
    void anAppendedColumnDrawsWhatTheWholePictureDraws() throws Exception {
        fx(() -> {
            live = new RevocationTimeline(model);
            folded = new RevocationTimeline(model);
            folded.drawnProperty().set(false);
            return null;
        });
        Tracked mapping = Tracked.active(RevocationTracker.Kind.MAPPING, NVME, 0, -1, "BAR0 [0, 16K)");
        Tracked buf = Tracked.active(RevocationTracker.Kind.DMABUF, NVME, 0, 1234, "BAR0 [0, 16K)");
        Tracked att = Tracked.active(RevocationTracker.Kind.ATTACHMENT, NVME, 0, 1234, "0000:00:04.0 — importer");
        step(() -> List.of(mapping, buf, att).forEach(model::track));

        // a kernel event that moves objects already drawn: appended, the earlier nodes kept
        Node first = fx(() -> lanes(live).getChildren().stream().filter(n -> n instanceof Circle).findFirst()
                .orElseThrow());
        step(() -> model.accept(ev(KernelEvent.Kind.ZAP, "vfio_pci_zap_and_down_write_memory_lock", NVME, -1)));
        assertTrue(fx(() -> lanes(live).getChildren().contains(first)), "the earlier columns are kept, not redrawn");
        step(() -> model.accept(ev(KernelEvent.Kind.REVOKE, "vfio_pci_dma_buf_move", NVME, -1)));
        // shown once (drawn whole), folded again: what comes while folded is appended when it is shown next
        same(fx(() -> picture(whole())), fx(() -> unfold(folded)));
        fx(() -> {
            folded.drawnProperty().set(false);
            return null;
        });
        Node kept = fx(() -> lanes(folded).getChildren().get(0));
        step(() -> model.accept(ev(KernelEvent.Kind.INVALIDATE, "dma_buf_invalidate_mappings", NVME, 1234)));
        same(fx(() -> picture(whole())), fx(() -> unfold(folded)));
        assertTrue(fx(() -> lanes(folded).getChildren().contains(kept)), "caught up by appending");
        fx(() -> {
            folded.drawnProperty().set(false);
            return null;
        });
        // one that moves nothing: folded away, only the switch's count changes
        step(() -> model.accept(ev(KernelEvent.Kind.ZAP, "vfio_pci_zap_and_down_write_memory_lock",
                PciAddress.parse("0000:00:09.0"), -1)));
        assertEquals("show 1 no-change event", fx(() -> live.showNoChange().getText()));
        step(() -> model.accept(ev(KernelEvent.Kind.RESTORE, "vfio_pci_dma_buf_move", NVME, -1)));
        // the importer's map refused: the attachment's band turns "unmapped" — drawn whole, and still equal
        step(() -> att.note().set("map refused: EINVAL"));
        step(() -> model.accept(ev(KernelEvent.Kind.REVOKE, "vfio_pci_dma_buf_move", NVME, -1)));
        // the witness: a new lane, then a read on it
        step(() -> model.witness(read(Badge.Tone.GREEN, DmaRead.Outcome.REACHED, List.of(att))));
        step(() -> model.witness(read(Badge.Tone.INFO, DmaRead.Outcome.FAULTED, List.of(att))));
        // a selection dims what it does not touch; what comes after is dimmed alike
        step(() -> live.selectedObjectProperty().set(buf));
        step(() -> folded.selectedObjectProperty().set(buf));
        step(() -> model.accept(ev(KernelEvent.Kind.RESTORE, "vfio_pci_dma_buf_move", NVME, -1)));
        step(() -> model.accept(ev(KernelEvent.Kind.PERMANENT, "vfio_pci_dma_buf_cleanup", NVME, -1)));
        step(() -> live.showNoChange().setSelected(true));
        step(() -> model.accept(ev(KernelEvent.Kind.ZAP, "vfio_pci_zap_and_down_write_memory_lock",
                PciAddress.parse("0000:00:09.0"), -1)));
        step(() -> model.letGo(mapping));

        // the folded one drew nothing while folded, and draws the same once shown
        int before = fx(() -> lanes(folded).getChildren().size());
        step(() -> model.accept(ev(KernelEvent.Kind.RESTORE, "vfio_pci_dma_buf_move", NVME, -1)));
        assertEquals(before, fx(() -> lanes(folded).getChildren().size()), "nothing is drawn while folded");
        fx(() -> {
            folded.showNoChange().setSelected(true);
            folded.drawnProperty().set(true);
            return null;
        });
        same(fx(() -> picture(whole())), fx(() -> picture(folded)));
        assertNotEquals(List.of(), fx(() -> picture(folded)));
    }

    /** Equal, or a message with only what differs (a picture is hundreds of lines). */
    private static void same(List<String> expected, List<String> actual) {
        List<String> missing = new ArrayList<>(expected);
        actual.forEach(missing::remove);
        List<String> extra = new ArrayList<>(actual);
        expected.forEach(extra::remove);
        assertEquals(expected, actual, () -> "missing " + missing + "\nextra " + extra);
    }

    private static List<String> unfold(RevocationTimeline t) {
        t.drawnProperty().set(true);
        return picture(t);
    }

    /** Runs one change of the model on the FX thread, lets the timelines catch up, and compares them with a whole draw. */
    private void step(Runnable change) throws Exception {
        fx(() -> {
            change.run();
            return null;
        });
        WaitForAsyncUtils.waitForFxEvents();
        List<String> expected = fx(() -> picture(whole()));
        List<String> actual = fx(() -> picture(live));
        same(expected, actual);
        assertFalse(actual.isEmpty());
    }

    /** A timeline drawn once, whole, from the model as it is now, with {@link #live}'s selection and fold switch. */
    private RevocationTimeline whole() {
        RevocationTimeline t = new RevocationTimeline(model);
        t.showNoChange().setSelected(live.showNoChange().isSelected());
        t.selectedObjectProperty().set(live.selectedObjectProperty().get());
        return t;
    }

    private static Pane lanes(RevocationTimeline t) {
        return t.lanesPane();
    }

    /** Every node of the lanes and the names column in words (shape, place, size, classes, hover text), sorted. */
    private static List<String> picture(RevocationTimeline t) {
        List<String> out = new ArrayList<>();
        Pane lanes = lanes(t);
        for (Node n : lanes.getChildren()) {
            String shape = n instanceof Rectangle r ? String.format(Locale.ROOT, "rect %.1f,%.1f %.1fx%.1f", r.getX(),
                    r.getY(), r.getWidth(), r.getHeight())
                    : n instanceof Circle c ? String.format(Locale.ROOT, "circle %.1f,%.1f", c.getCenterX(),
                    c.getCenterY())
                    : n instanceof Label l ? "label " + l.getLayoutX() + " " + l.getText() : n.getClass().getName();
            out.add(shape + " " + n.getStyleClass() + " " + RevocationTimeline.tipOf(n));
        }
        out.add("size " + lanes.getPrefWidth() + "x" + lanes.getPrefHeight());
        for (Node n : t.namesColumn().getChildren()) {
            if (n instanceof Label l) {
                out.add("name " + l.getText() + " " + l.getStyleClass() + " " + l.getTooltip().getText());
            }
        }
        out.add("switch " + t.showNoChange().getText() + " " + t.showNoChange().getTooltip().getText());
        out.sort(null);
        return out;
    }

    private static KernelEvent ev(KernelEvent.Kind k, String fn, PciAddress device, long ino) {
        return new KernelEvent(System.nanoTime(), k, fn, device, ino, fn);
    }

    private WitnessRead read(Badge.Tone tone, DmaRead.Outcome outcome, List<Tracked> concerns) {
        return new WitnessRead(model.moments().isEmpty() ? Instant.EPOCH : model.moments()
                .get(model.moments().size() - 1).at().plusMillis(300), EDU,
                new DmaRead(EDU.toString(), 0x100000, 8, outcome, "00 11 22 33", "00 11 22 33"),
                outcome.key(), tone, "the read", concerns);
    }

    private static <T> T fx(Callable<T> c) throws Exception {
        return WaitForAsyncUtils.asyncFx(c).get();
    }
}
