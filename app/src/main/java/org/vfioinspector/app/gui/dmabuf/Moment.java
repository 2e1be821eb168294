package org.vfioinspector.app.gui.dmabuf;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One column of the revocation timeline: a kernel event, something the app did to what it holds (started following
 * an object, let it go, mapped it again), or a DMA read of the witness, with the objects it touched and the state each
 * moved to.
 *
 * @param seq     its place in the session, from 0
 * @param at      when it happened (received, for a kernel event)
 * @param event   the kernel event's timeline entry, or null
 * @param app     what the app did, or null
 * @param read    the witness's DMA read, or null
 * @param changes the objects the moment touched: a new state, or the same one (an invalidate told the importers)
 */
public record Moment(int seq, Instant at, TimelineEntry event, String app, WitnessRead read, List<Change> changes) {
    /** One object touched by a moment, and the state it was left in. */
    public record Change(Tracked object, TrackState to, boolean moved) {
    }

    public Moment {
        Objects.requireNonNull(at, "at");
        if ((event == null ? 0 : 1) + (app == null ? 0 : 1) + (read == null ? 0 : 1) != 1) {
            throw new IllegalArgumentException("a moment is exactly one of an event, an app action, a DMA read");
        }
        changes = List.copyOf(changes);
    }

    /** A kernel event that touched none of the tracked objects: folded away unless asked for. */
    public boolean noChange() {
        return event != null && changes.isEmpty();
    }

    public boolean touches(Tracked t) {
        return changes.stream().anyMatch(c -> c.object() == t) || (read != null && read.concerns().contains(t));
    }

    /** The marker's words: "revoke", "tracked", "DMA read", ... */
    public String label() {
        if (event != null) {
            return event.event().kind().name().toLowerCase(java.util.Locale.ROOT);
        }
        return read != null ? "DMA read" : app;
    }
}
