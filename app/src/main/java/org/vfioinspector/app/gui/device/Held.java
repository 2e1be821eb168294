package org.vfioinspector.app.gui.device;

import java.util.List;
import java.util.Optional;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.revocation.RevocationTracker;
import org.vfioinspector.bridge.session.OpenPath;
import org.vfioinspector.bridge.witness.WitnessRules;

/**
 * What the app holds and what the kernel did to it, as far as the try-it predictions need it. Read on the FX thread:
 * the controller keeps this view of its vfio-io state up to date from each answer and each revocation event.
 */
public interface Held {
    /** How the app holds a device open (LEGACY: group and type1 container; CDEV: iommufd and an IOAS), if it does. */
    Optional<OpenPath> openPath(PciAddress device);

    /** This app cleared PCI_COMMAND.MEMORY and has not set it again. */
    boolean memoryOff(PciAddress device);

    /** This app unbound the device from vfio-pci (or its unbind completed). */
    boolean unbound(PciAddress device);

    /** The tracker's state of the last dma-buf exported from the BAR; empty when none is held. */
    Optional<RevocationTracker.State> lastBuf(PciAddress device, int region);

    /** The last importer attachment to that dma-buf; empty when none (or it was detached). */
    Optional<Attached> lastAttachment(PciAddress device, int region);

    /** What this app mapped into the IOMMU domain (type1 container or IOAS) of {@code engine}, by IOVA. */
    List<DomainEntry> domain(PciAddress engine);

    /**
     * An importer's attachment.
     *
     * @param importer the importer's name in the panel
     * @param state    the tracker's state
     * @param refusal  why its last map was refused ("EINVAL: …"), or null
     */
    record Attached(String importer, RevocationTracker.State state, String refusal) {
    }

    /**
     * One mapping in an engine's IOMMU domain.
     *
     * @param iova   where
     * @param length how many bytes
     * @param how    type1 (a peer's BAR mmap) or dma-buf (MAP_FILE of its export)
     * @param peer   whose BAR it maps
     * @param region which BAR
     * @param state  the tracker's state of what maps it (the type1 map, or the attachment)
     */
    record DomainEntry(long iova, long length, WitnessRules.Mapped how, PciAddress peer, int region,
                       RevocationTracker.State state) {
        public boolean contains(long address) {
            return address >= iova && address - iova < length;
        }

        /** "0x100000 — 00:03.0 BAR2 (type1)": short enough for the IOVA field. */
        public String label() {
            String p = peer.toString();
            return String.format("0x%x — %s %s (%s)", iova, p.startsWith("0000:") ? p.substring(5) : p,
                    org.vfioinspector.bridge.model.Region.nameOf(region), how == WitnessRules.Mapped.TYPE1 ? "type1"
                    : "dma-buf");
        }
    }
}
