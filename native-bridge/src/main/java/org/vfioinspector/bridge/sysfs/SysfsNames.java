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
        // what parse(name).toString().equals(name) says, without the two objects (a big host asks 20,000 times):
        // lower-case hex and ":." only, and the domain in 4 digits or more without a leading zero
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c == ':' || c == '.')) {
                return false;
            }
        }
        int colon = name.indexOf(':');
        return (colon == 4 || colon > 4 && name.charAt(0) != '0') && PciAddress.isValid(name);
    }
}
