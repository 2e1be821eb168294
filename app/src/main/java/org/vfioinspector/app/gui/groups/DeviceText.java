package org.vfioinspector.app.gui.groups;

import org.vfioinspector.bridge.model.PciDevice;

/** How a device is named in the UI: pci.ids names when known, the IDs otherwise. */
public final class DeviceText {
    private DeviceText() {
    }

    public static String name(PciDevice d) {
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
