package org.vfioinspector.bridge.model;

import java.util.Objects;

/**
 * A group member that keeps its IOMMU group from being usable with VFIO: it is bound to a driver other than
 * vfio-pci or pci-stub and is not a PCI bridge.
 *
 * @param address the member
 * @param driver  the driver it is bound to
 */
public record Blocker(PciAddress address, String driver) {
    public Blocker {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(driver, "driver");
    }
}
