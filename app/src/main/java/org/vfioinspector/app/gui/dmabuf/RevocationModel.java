package org.vfioinspector.app.gui.dmabuf;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import javafx.application.Platform;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.vfioinspector.bridge.kernel.KernelEvent;
import org.vfioinspector.bridge.kernel.KernelEvents;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.revocation.RevocationTracker;

/**
 * The live revocation view's model: a thin FX adapter over the bridge's {@link RevocationTracker}, which decides how
 * each kernel event moves every open mapping, dma-buf and attachment (the probe uses the same tracker). Subscribe
 * it to a {@link KernelEvents}; events arrive on a kernel-side thread and are applied on the FX thread, in order,
 * after the objects tracked before them; each becomes a timeline entry with the tracker's summary of its effect.
 */
public final class RevocationModel implements Consumer<KernelEvent> {
    private final ObservableList<Tracked> tracked = FXCollections.observableArrayList();
    private final ObservableList<TimelineEntry> timeline = FXCollections.observableArrayList();
    private final RevocationTracker tracker = new RevocationTracker();
    private final Map<Long, Tracked> byKey = new HashMap<>();
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
        long key = tracker.track(t.kind(), t.device(), t.region(), t.inode(), t.description(), t.state().getValue()
                .state());
        byKey.put(key, t);
        tracked.add(t);
    }

    /** The app let the device's objects of one kind go (it unmapped them, closed the device): dead (FX thread). */
    public void letGo(RevocationTracker.Kind kind, PciAddress device) {
        tracker.letGo(kind, device).forEach(this::show);
    }

    /** Forgets everything (a different host was opened). */
    public void clear() {
        tracker.clear();
        byKey.clear();
        tracked.clear();
        timeline.clear();
    }

    /** Called by the kernel's event stream on its own thread, or by tests on the FX thread. */
    @Override
    public void accept(KernelEvent e) {
        Instant at = clock.instant();
        if (Platform.isFxApplicationThread()) {
            apply(e, at);
        } else {
            Platform.runLater(() -> apply(e, at));
        }
    }

    private void apply(KernelEvent e, Instant at) {
        RevocationTracker.Effect effect = tracker.apply(e);
        effect.transitions().forEach(this::show);
        timeline.add(new TimelineEntry(at, e, effect.summary()));
    }

    private void show(RevocationTracker.Transition t) {
        Tracked shown = byKey.get(t.key());
        if (shown != null) {
            shown.state().set(TrackState.of(t.to()));
        }
    }
}
