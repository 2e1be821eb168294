package org.vfioinspector.bridge.model;

import java.util.List;

/**
 * Whether a whole IOMMU group can be handed to VFIO: every member bound to vfio-pci, pci-stub or no driver
 * (PCI bridges may keep any driver). When not, {@code blockers} names each member in the way. A group whose
 * membership could not be established (its {@code devices/} unreadable, a device that names the group but is not
 * listed in it) is never viable: {@code unknown} says why.
 */
public record Viability(List<Blocker> blockers, List<String> unknown) {
    public Viability {
        blockers = List.copyOf(blockers);
        unknown = List.copyOf(unknown);
    }

    public Viability(List<Blocker> blockers) {
        this(blockers, List.of());
    }

    public boolean viable() {
        return blockers.isEmpty() && unknown.isEmpty();
    }
}
