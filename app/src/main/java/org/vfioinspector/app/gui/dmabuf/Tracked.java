package org.vfioinspector.app.gui.dmabuf;

import java.util.Objects;
import org.vfioinspector.app.gui.common.ObservableState;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.revocation.RevocationTracker;

/**
 * One open object the revocation view follows: the FX face of an object of the bridge's
 * {@link RevocationTracker}, which decides its state; the view listens to {@link #state()}.
 *
 * @param kind        mapping, dma-buf or attachment
 * @param device      the exporting device
 * @param region      the region index (BAR), or -1
 * @param inode       the dma-buf inode (for a dma-buf and its attachments), or -1
 * @param description "BAR2 [0, 8M)", "importer iommufd"
 * @param state       the live state, moved by the model (on the FX thread)
 */
public record Tracked(RevocationTracker.Kind kind, PciAddress device, int region, long inode, String description,
                      ObservableState<TrackState> state) {
    public Tracked {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(state, "state");
    }

    public static Tracked active(RevocationTracker.Kind kind, PciAddress device, int region, long inode,
                                 String description) {
        return new Tracked(kind, device, region, inode, description, new ObservableState<>(TrackState.ACTIVE));
    }
}
