package org.vfioinspector.app.gui.dmabuf;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javafx.application.Platform;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.vfioinspector.bridge.kernel.KernelEvent;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.revocation.RevocationTracker;

/**
 * The live revocation view's model: a thin FX adapter over the bridge's {@link RevocationTracker}, which decides how
 * each kernel event moves every open mapping, dma-buf and attachment (the probe uses the same tracker). Subscribe
 * it to a {@link KernelEvents}; events arrive on a kernel-side thread and are applied on the FX thread, in order,
 * after the objects tracked before them; each becomes a timeline entry with the tracker's summary of its effect.
 *
 * <p>Besides the tracker's states it keeps their history for the timeline picture: every moment (a kernel event, an
 * app action on what it holds, a DMA read of the witness) with the objects it touched. What it does not decide, it
 * only records: the witness's reads come from the try-it panel, the states from the tracker.
 */
public final class RevocationModel implements Consumer<KernelEvent> {
    private final ObservableList<Tracked> tracked = FXCollections.observableArrayList();
    private final ObservableList<TimelineEntry> timeline = FXCollections.observableArrayList();
    private final ObservableList<Moment> moments = FXCollections.observableArrayList();
    private final ObservableList<WitnessRead> reads = FXCollections.observableArrayList();
    private final RevocationTracker tracker = new RevocationTracker();
    private final Map<Long, Tracked> byKey = new HashMap<>();
    private final Map<Tracked, Long> keys = new IdentityHashMap<>();
    private final Clock clock;

    public RevocationModel(Clock clock) {
        this.clock = clock;
    }

    public ObservableList<Tracked> tracked() {
        return tracked;
    }

    /** The kernel's events, as received: the table and the export. */
    public ObservableList<TimelineEntry> timeline() {
        return timeline;
    }

    /** Every moment of the session in order: the timeline picture's columns. */
    public ObservableList<Moment> moments() {
        return moments;
    }

    /** The witness's DMA reads, in order. */
    public ObservableList<WitnessRead> reads() {
        return reads;
    }

    /** Starts following a new object (FX thread), in the state its {@link Tracked#state()} holds. */
    public void track(Tracked t) {
        long key = tracker.track(t.kind(), t.device(), t.region(), t.inode(), t.description(), t.state().getValue()
                .state());
        byKey.put(key, t);
        keys.put(t, key);
        tracked.add(t);
        moments.add(new Moment(moments.size(), clock.instant(), null, "new " + t.kind().label(), null,
                List.of(new Moment.Change(t, t.state().getValue(), true))));
    }

    /** The app let the device's objects of one kind go (it unmapped them, closed the device): dead (FX thread). */
    public void letGo(RevocationTracker.Kind kind, PciAddress device) {
        app("let go", tracker.letGo(kind, device));
    }

    /** The app let one object go (it detached an attachment, its container closed): dead (FX thread). */
    public void letGo(Tracked t) {
        Long key = keys.get(t);
        if (key != null) {
            app("let go", tracker.letGo(key));
        }
    }

    /** The app mapped an attachment again and the kernel took it: active (FX thread). */
    public void mapped(Tracked t) {
        Long key = keys.get(t);
        if (key != null) {
            app("mapped again", tracker.mapped(key));
        }
    }

    /** A DMA read of the witness (FX thread): on its lane, and on the objects it concerns. */
    public void witness(WitnessRead r) {
        reads.add(r);
        r.concerns().forEach(t -> t.witness().set(r));
        moments.add(new Moment(moments.size(), r.at(), null, null, r, List.of()));
    }

    /** Forgets everything (a different host was opened). */
    public void clear() {
        tracker.clear();
        byKey.clear();
        keys.clear();
        tracked.clear();
        timeline.clear();
        moments.clear();
        reads.clear();
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
        List<Moment.Change> changes = new ArrayList<>();
        for (RevocationTracker.Transition t : effect.transitions()) {
            Tracked shown = show(t);
            if (shown != null) {
                changes.add(new Moment.Change(shown, TrackState.of(t.to()), true));
            }
        }
        if (e.kind() == KernelEvent.Kind.INVALIDATE && e.dmaBufInode() >= 0) {
            // importers of that buffer were told: a marker on their lanes, no new state
            for (Tracked t : tracked) {
                if (t.inode() == e.dmaBufInode() && t.kind() != RevocationTracker.Kind.MAPPING
                        && t.state().getValue() != TrackState.DEAD) {
                    changes.add(new Moment.Change(t, t.state().getValue(), false));
                }
            }
        }
        TimelineEntry entry = new TimelineEntry(at, e, effect.summary());
        timeline.add(entry);
        moments.add(new Moment(moments.size(), at, entry, null, null, changes));
    }

    private void app(String what, List<RevocationTracker.Transition> transitions) {
        List<Moment.Change> changes = new ArrayList<>();
        for (RevocationTracker.Transition t : transitions) {
            Tracked shown = show(t);
            if (shown != null) {
                changes.add(new Moment.Change(shown, TrackState.of(t.to()), true));
            }
        }
        if (!changes.isEmpty()) {
            moments.add(new Moment(moments.size(), clock.instant(), null, what, null, changes));
        }
    }

    private Tracked show(RevocationTracker.Transition t) {
        Tracked shown = byKey.get(t.key());
        if (shown != null) {
            shown.state().set(TrackState.of(t.to()));
        }
        return shown;
    }
}
