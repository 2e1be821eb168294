package org.vfioinspector.app.gui.groups;

import org.vfioinspector.bridge.model.PciDevice;

/**
 * How a device is named in the UI: the lab scenario's own name where the shown host's scenario gives one (its devices
 * are what the scenario says they are: "Device A (exporter …)"), else pci.ids names when known, the IDs otherwise.
 */
public final class DeviceText {
    /**
     * The scenario names of the host on screen. One host is shown at a time and every view names its devices alike,
     * so the window sets them here when it shows a host (FX thread; volatile for the odd background reader).
     */
    private static volatile java.util.Map<org.vfioinspector.bridge.model.PciAddress, String> hostNames =
            java.util.Map.of();

    private DeviceText() {
    }

    /** The names the shown host's scenario gives its devices (empty: none, use pci.ids). */
    public static void useHostNames(java.util.Map<org.vfioinspector.bridge.model.PciAddress, String> names) {
        hostNames = java.util.Map.copyOf(names);
    }

    public static String name(PciDevice d) {
        String own = hostNames.get(d.address());
        if (own != null) {
            return own;
        }
        return pciIdsName(d);
    }

    /** The pci.ids name (short vendor and device), whatever the scenario calls the device. */
    public static String pciIdsName(PciDevice d) {
        String dev = d.names().device().orElse(String.format("Device %04x", d.deviceId()));
        String ven = d.names().vendor().orElse(String.format("Vendor %04x", d.vendorId()));
        return shortVendor(ven) + " " + dev;
    }

    public static String shortVendor(String vendor) {
        return vendor.replace(" Corporation", "").replace(", Inc.", "").replace(" Inc.", "")
                .replace(" Co., Ltd.", "");
    }

    public static String ids(PciDevice d) {
        return String.format("%04x:%04x", d.vendorId(), d.deviceId());
    }

    public static String className(PciDevice d) {
        return d.names().className().orElse("Class") + String.format(" [%06x]", d.classCode());
    }
}
