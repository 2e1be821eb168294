package org.vfioinspector.bridge.sysfs;

import org.vfioinspector.bridge.model.PciAddress;

/** Names in sysfs that must be exactly as the kernel writes them. */
final class SysfsNames {
    static final String NOT_CANONICAL = "is not a PCI address as the kernel names it (DDDD:BB:DD.F in lower-case "
            + "hex, nothing around it)";

    private SysfsNames() {
    }

    /** A BDF as the kernel prints it ("%04x:%02x:%02x.%d"): " 0000:00:02.0" or "0000:00:0A.0" are not. */
    static boolean isCanonicalBdf(String name) {
        return PciAddress.isValid(name) && PciAddress.parse(name).toString().equals(name);
    }
}
