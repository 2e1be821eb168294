package org.vfioinspector.bridge.model;

import java.util.List;

/**
 * Whether a whole IOMMU group can be handed to VFIO: every member bound to vfio-pci, pci-stub or no driver
 * (PCI bridges may keep any driver). When not, {@code blockers} names each member in the way.
 */
public record Viability(List<Blocker> blockers) {
    public Viability {
        blockers = List.copyOf(blockers);
    }

    public boolean viable() {
        return blockers.isEmpty();
    }
}
