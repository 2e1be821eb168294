package org.vfioinspector.app.gui.dmabuf;

import java.util.Objects;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import org.vfioinspector.app.gui.common.ObservableState;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.revocation.RevocationTracker;

/**
 * One open object the revocation view follows: the FX face of an object of the bridge's
 * {@link RevocationTracker}, which decides its state; the view listens to {@link #state()}.
 *
 * @param kind        mapping, dma-buf, attachment or type1 map
 * @param device      the exporting device
 * @param region      the region index (BAR), or -1
 * @param inode       the dma-buf inode (for a dma-buf and its attachments), or -1
 * @param description "BAR2 [0, 8M)", "importer iommufd"
 * @param state       the live state, moved by the model (on the FX thread)
 * @param note        what the state alone does not say, or null: an attachment whose map the exporter refused
 *                    ("map refused: EINVAL — …")
 * @param witness     the last DMA read of the witness that concerned this object, or null
 */
public record Tracked(RevocationTracker.Kind kind, PciAddress device, int region, long inode, String description,
                      ObservableState<TrackState> state, ObjectProperty<String> note,
                      ObjectProperty<WitnessRead> witness) {
    public Tracked {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(note, "note");
        Objects.requireNonNull(witness, "witness");
    }

    public Tracked(RevocationTracker.Kind kind, PciAddress device, int region, long inode, String description,
                   ObservableState<TrackState> state) {
        this(kind, device, region, inode, description, state, new SimpleObjectProperty<>(), new SimpleObjectProperty<>());
    }

    public static Tracked active(RevocationTracker.Kind kind, PciAddress device, int region, long inode,
                                 String description) {
        return of(kind, device, region, inode, description, TrackState.ACTIVE);
    }

    /** A new object in {@code initial} (REVOKED: a mapping made while memory was off, a buffer born revoked). */
    public static Tracked of(RevocationTracker.Kind kind, PciAddress device, int region, long inode,
                             String description, TrackState initial) {
        return new Tracked(kind, device, region, inode, description, new ObservableState<>(initial));
    }

    /** "mmap 0000:00:07.0 BAR0 [0, 16K) PROT_READ": the object in one line (lanes, tooltips). */
    public String title() {
        return kind.label() + " " + description;
    }

    /** The state in this object's words: a revoked mapping is "faulting" (a read gets SIGBUS). */
    public String stateLabel() {
        return state.getValue().label(kind);
    }

    // identity, not value: two mappings of one BAR with the same words are two objects
    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
