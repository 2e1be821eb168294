package org.vfioinspector.bridge.lab;

import java.util.ArrayList;
import java.util.List;

import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.rules.DmaBufRules;
import org.vfioinspector.bridge.rules.ImporterRules;
import org.vfioinspector.bridge.uapi.VfioDmaBuf;

/**
 * A dma-buf vfio-pci exported (struct vfio_pci_dma_buf and its struct dma_buf): the ranges of one BAR, the revoked
 * flag and the importers attached to it. What happens to it on each trigger:
 * <ul>
 *   <li>{@link #revoke()}: vfio_pci_dma_buf_move(revoked = true) → dma_buf_invalidate_mappings; each importer's
 *       callback runs (iommufd's is iopt_revoke_notify: its area's pages are unmapped);</li>
 *   <li>{@link #restore()}: vfio_pci_dma_buf_move(revoked = false) clears the flag only; on a profile that measured
 *       it (7.2), the importers are told again, and none maps again by itself;</li>
 *   <li>{@link #cleanup()}: vfio_pci_dma_buf_cleanup at the device's close: revoked for good, priv->vdev = NULL.</li>
 * </ul>
 * The buffer is released (vfio_pci_dma_buf_release) when its last fd and attachment are gone.
 */
final class LabDmaBuf {
    /** An importer's dma_buf_attachment (dma_buf_dynamic_attach). */
    static final class Attachment {
        final int id;
        final ImporterRules.Importer importer;
        final boolean unmapsInCallback;
        final LabDmaBuf buf;
        boolean mapped;
        long dmaAddress;
        int invalidations;

        Attachment(int id, ImporterRules.Importer importer, boolean unmaps, LabDmaBuf buf) {
            this.id = id;
            this.importer = importer;
            this.unmapsInCallback = unmaps;
            this.buf = buf;
        }
    }

    /** One open file of the buffer (the fd VFIO_DEVICE_FEATURE returned). */
    record File(LabDmaBuf buf) {
    }

    private final LabState state;
    final long ino;
    LabDevice exporter;
    final PciAddress exporterBdf;
    final int bar;
    final List<VfioDmaBuf.Range> ranges;
    final List<Long> phys;
    final int openFlags;
    boolean revoked;
    boolean cleanedUp;
    boolean released;
    int fdRefs = 1;
    String name;

    LabDmaBuf(LabState state, long ino, LabDevice exporter, DmaBufRules.Export e) {
        this.state = state;
        this.ino = ino;
        this.exporter = exporter;
        this.exporterBdf = exporter.bdf();
        this.bar = e.regionIndex();
        this.ranges = e.ranges();
        this.phys = e.physAddrs();
        this.openFlags = e.openFlags();
        this.revoked = e.revokedAtBirth();
    }

    long size() {
        return ranges.stream().mapToLong(VfioDmaBuf.Range::length).sum();
    }

    List<Attachment> attached() {
        return state.dmaBufs.attachmentsOf(this);
    }

    /** file_count of the dma-buf's file: its fds and one reference per attachment. */
    int fileCount() {
        return fdRefs + attached().size();
    }

    /** vfio_pci_dma_buf_move(revoked = true) for this buffer; returns the importers the exporter now waits for. */
    List<String> revoke() {
        List<String> waits = new ArrayList<>();
        if (!revoked) {
            revoked = true;
            state.dmaBufs.invalidate(this);
            for (Attachment a : attached()) {
                if (a.mapped && state.profile.exporterWaitsForInvalidation()) {
                    waits.add(a.importer.name());
                }
            }
        }
        return waits;
    }

    /** vfio_pci_dma_buf_move(revoked = false): the flag only, unless the buffer was cleaned up. */
    void restore() {
        if (revoked && !cleanedUp) {
            revoked = false;
            if (state.profile.notifyImportersOnRestore()) {
                state.dmaBufs.invalidate(this);
            }
        }
    }

    /** vfio_pci_dma_buf_cleanup: revoked for good, detached from its device. */
    void cleanup() {
        revoked = true;
        cleanedUp = true;
        exporter = null;
        state.dmaBufs.invalidate(this);
    }
}
