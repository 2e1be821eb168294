package org.vfioinspector.app.gui.dmabuf;

import org.vfioinspector.app.gui.common.Badge;
import org.vfioinspector.bridge.revocation.RevocationTracker;

/** The life of a mapping, dma-buf or attachment as the revocation view shows it: the tracker's state, with a tone. */
public enum TrackState {
    /** Usable. */
    ACTIVE(Badge.Tone.GREEN),
    /** Revoked by the kernel (reset, memory decoding off, low power); may come back. */
    REVOKED(Badge.Tone.RED),
    /** Usable again after a revoke; importers must re-map themselves (the kernel does not tell them). */
    RESTORED(Badge.Tone.INFO),
    /** Gone for good: the device was closed (dma-buf cleanup) or the buffer released. */
    DEAD(Badge.Tone.UNKNOWN);

    private final Badge.Tone tone;

    TrackState(Badge.Tone tone) {
        this.tone = tone;
    }

    /** The view's face of the tracker's state. */
    public static TrackState of(RevocationTracker.State s) {
        return valueOf(s.name());
    }

    /** The tracker's state this shows. */
    public RevocationTracker.State state() {
        return RevocationTracker.State.valueOf(name());
    }

    public Badge.Tone tone() {
        return tone;
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The state as the object's kind has it: a revoked BAR mmap is "faulting" (it is still mapped, and a read gets
     * SIGBUS until memory is on again); an attachment restored is "restored: map again" (the kernel does not map it).
     */
    public String label(RevocationTracker.Kind kind) {
        if (this == REVOKED && kind == RevocationTracker.Kind.MAPPING) {
            return "faulting";
        }
        return label();
    }
}
