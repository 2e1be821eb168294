package org.vfioinspector.bridge.session;

import java.util.Objects;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.model.PciDevice;

/**
 * What a session needs to know about a device from the host model.
 *
 * @param bdf    the device
 * @param group  its IOMMU group number (the N of vfio/N)
 * @param cdev   its vfio-dev cdev name ("vfio0", from sysfs vfio-dev/), or null when it has none
 * @param driver the driver it is bound to ("vfio-pci"), or null when unbound
 */
public record DeviceTarget(PciAddress bdf, int group, String cdev, String driver) {
    public static final String VFIO_PCI = "vfio-pci";

    public DeviceTarget {
        Objects.requireNonNull(bdf, "bdf");
        if (group < 0) {
            throw new IllegalArgumentException("iommu group " + group);
        }
        if (cdev != null && !cdev.matches("vfio\\d+")) {
            throw new IllegalArgumentException("'" + cdev + "' is not a vfio-dev cdev name (vfioN)");
        }
    }

    /** The target of a scanned device; a device in no IOMMU group has none (IllegalStateException). */
    public static DeviceTarget of(PciDevice d) {
        int group = d.iommuGroup().orElseThrow(() -> new IllegalStateException(d.address() + " is in no IOMMU group"));
        return new DeviceTarget(d.address(), group, d.vfioDevice().orElse(null), d.driver().orElse(null));
    }

    public boolean boundToVfioPci() {
        return VFIO_PCI.equals(driver);
    }
}
