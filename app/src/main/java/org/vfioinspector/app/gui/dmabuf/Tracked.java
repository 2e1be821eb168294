package org.vfioinspector.app.gui.dmabuf;

import java.util.Objects;
import org.vfioinspector.app.gui.common.ObservableState;
import org.vfioinspector.bridge.model.PciAddress;

/**
 * One open object the revocation view follows.
 *
 * @param kind        mapping, dma-buf or attachment
 * @param device      the exporting device
 * @param region      the region index (BAR), or -1
 * @param inode       the dma-buf inode (for a dma-buf and its attachments), or -1
 * @param description "BAR2 [0, 8M)", "importer iommufd"
 * @param state       the live state; any thread may move it, listeners hear it on the FX thread
 */
public record Tracked(Kind kind, PciAddress device, int region, long inode, String description,
                      ObservableState<TrackState> state) {
    public enum Kind {
        MAPPING("mmap"), DMABUF("dma-buf"), ATTACHMENT("attachment");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public Tracked {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(state, "state");
    }

    public static Tracked active(Kind kind, PciAddress device, int region, long inode, String description) {
        return new Tracked(kind, device, region, inode, description, new ObservableState<>(TrackState.ACTIVE));
    }
}
