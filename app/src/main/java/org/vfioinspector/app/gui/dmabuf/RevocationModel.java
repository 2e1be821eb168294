package org.vfioinspector.app.gui.dmabuf;

import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javafx.application.Platform;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.vfioinspector.bridge.kernel.KernelEvent;
import org.vfioinspector.bridge.kernel.KernelEvents;

/**
 * The live revocation view's model: every open mapping, dma-buf and attachment, and the timeline of kernel events.
 * Subscribe it to a {@link KernelEvents}; events arrive on a kernel-side thread and are applied on the FX thread at
 * once. How an event moves the objects (facts §4):
 * <ul>
 *   <li>REVOKE (vfio_pci_dma_buf_move revoked=1): the device's dma-bufs (the one inode, when the event names one)
 *       and their attachments → revoked;</li>
 *   <li>ZAP (vfio_pci_zap_and_down_write_memory_lock): the device's BAR mappings → revoked (they fault until
 *       memory decoding is back);</li>
 *   <li>RESTORE (move revoked=0): revoked dma-bufs, attachments and mappings of the device → restored;</li>
 *   <li>PERMANENT (vfio_pci_dma_buf_cleanup): the device's dma-bufs and attachments → dead; RELEASE: that buffer
 *       and its attachments → dead.</li>
 * </ul>
 */
public final class RevocationModel implements Consumer<KernelEvent> {
    private final ObservableList<Tracked> tracked = FXCollections.observableArrayList();
    private final ObservableList<TimelineEntry> timeline = FXCollections.observableArrayList();
    private final Clock clock;

    public RevocationModel(Clock clock) {
        this.clock = clock;
    }

    public ObservableList<Tracked> tracked() {
        return tracked;
    }

    public ObservableList<TimelineEntry> timeline() {
        return timeline;
    }

    /** Starts following a new object (FX thread). */
    public void track(Tracked t) {
        tracked.add(t);
    }

    /** Forgets everything (a different host was opened). */
    public void clear() {
        tracked.clear();
        timeline.clear();
    }

    /** Called by the kernel's event stream on its own thread, or by tests on the FX thread. */
    @Override
    public void accept(KernelEvent e) {
        java.time.Instant at = clock.instant();
        if (Platform.isFxApplicationThread()) {
            apply(e, at);
        } else {
            Platform.runLater(() -> apply(e, at));
        }
    }

    private void apply(KernelEvent e, java.time.Instant at) {
        Map<Tracked.Kind, Integer> moved = new EnumMap<>(Tracked.Kind.class);
        List<Tracked> mine = tracked.stream().filter(t -> e.device() == null || t.device().equals(e.device()))
                .collect(Collectors.toCollection(ArrayList::new));
        TrackState to = null;
        for (Tracked t : mine) {
            boolean inodeMatches = e.dmaBufInode() < 0 || t.inode() == e.dmaBufInode();
            TrackState now = t.state().getValue();
            TrackState next = switch (e.kind()) {
                case REVOKE -> t.kind() != Tracked.Kind.MAPPING && inodeMatches
                        && (now == TrackState.ACTIVE || now == TrackState.RESTORED) ? TrackState.REVOKED : null;
                case ZAP -> t.kind() == Tracked.Kind.MAPPING
                        && (now == TrackState.ACTIVE || now == TrackState.RESTORED) ? TrackState.REVOKED : null;
                case RESTORE -> now == TrackState.REVOKED && (t.kind() == Tracked.Kind.MAPPING || inodeMatches)
                        ? TrackState.RESTORED : null;
                case PERMANENT -> t.kind() != Tracked.Kind.MAPPING && inodeMatches && now != TrackState.DEAD
                        ? TrackState.DEAD : null;
                case RELEASE -> t.kind() != Tracked.Kind.MAPPING && e.dmaBufInode() >= 0
                        && t.inode() == e.dmaBufInode() && now != TrackState.DEAD ? TrackState.DEAD : null;
                case INVALIDATE -> null;
            };
            if (next != null && t.state().transition(now, next)) {
                moved.merge(t.kind(), 1, Integer::sum);
                to = next;
            }
        }
        String effect = moved.isEmpty() ? (e.kind() == KernelEvent.Kind.INVALIDATE
                ? "importers told to drop their mappings" : "no tracked object changed")
                : moved.entrySet().stream().map(m -> m.getValue() + " " + m.getKey().label()
                        + (m.getValue() == 1 ? "" : "s")).collect(Collectors.joining(", "))
                + " → " + (to == null ? "" : to.label());
        timeline.add(new TimelineEntry(at, e, effect));
    }
}
