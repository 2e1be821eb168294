package org.vfioinspector.bridge.model;

import java.util.Objects;

/**
 * A PCI function address, domain:bus:device.function ("BDF"), as sysfs names devices: {@code 0000:00:03.0}.
 * Validated like the kernel's and VFIO selftests' {@code is_bdf()}: 4 hex digits of domain (or more: a domain
 * can be 32-bit wide on some hosts), 2 of bus, 2 of device (0x00–0x1f) and one function digit (0–7).
 */
public record PciAddress(int domain, int bus, int device, int function) implements Comparable<PciAddress> {

    public PciAddress {
        if (domain < 0 || bus < 0 || bus > 0xff || device < 0 || device > 0x1f || function < 0 || function > 7) {
            throw new IllegalArgumentException("not a PCI address: " + domain + ":" + bus + ":" + device + "." + function);
        }
    }

    /**
     * Parses {@code DDDD:BB:DD.F}.
     *
     * @throws IllegalArgumentException naming the text and the expected form
     */
    public static PciAddress parse(String text) {
        Objects.requireNonNull(text, "text");
        // By hand, as BDF (a big host parses tens of thousands): DDDD[DDDD]:BB:DD.F after trimming
        String t = text.trim();
        if (!shaped(t)) {
            throw new IllegalArgumentException("'" + text + "' is not a PCI address; expected DDDD:BB:DD.F, e.g. 0000:01:00.0");
        }
        int colon = t.indexOf(':');
        int n = t.length();
        int dev = Integer.parseInt(t, colon + 4, colon + 6, 16);
        if (dev > 0x1f) {
            throw new IllegalArgumentException("'" + text + "' is not a PCI address: device number "
                    + t.substring(colon + 4, colon + 6) + " is above 1f");
        }
        return new PciAddress((int) Long.parseLong(t, 0, colon, 16), Integer.parseInt(t, colon + 1, colon + 3, 16), dev,
                t.charAt(n - 1) - '0');
    }

    /** DDDD[DDDD]:BB:DD.F in hex digits, the device number not yet checked. */
    private static boolean shaped(String t) {
        int colon = t.indexOf(':');
        int n = t.length();
        return colon >= 4 && colon <= 8 && n == colon + 8 && t.charAt(colon + 3) == ':' && t.charAt(colon + 6) == '.'
                && hex(t, 0, colon) && hex(t, colon + 1, colon + 3) && hex(t, colon + 4, colon + 6)
                && t.charAt(n - 1) >= '0' && t.charAt(n - 1) <= '7';
    }

    private static boolean hex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
                return false;
            }
        }
        return true;
    }

    /** True when {@code text} is a well-formed PCI address. */
    public static boolean isValid(String text) {
        // without parse's exception: a device's path has a pciDDDD:BB for every one of its PCI components
        String t = Objects.requireNonNull(text, "text").trim();
        if (!shaped(t)) {
            return false;
        }
        int colon = t.indexOf(':');
        return Integer.parseInt(t, colon + 4, colon + 6, 16) <= 0x1f && (int) Long.parseLong(t, 0, colon, 16) >= 0;
    }

    /** {@code DDDD:BB:DD.F} in lower-case hex, as sysfs names it (by hand: String.format parses its pattern on
     * every call, and a big host formats hundreds of thousands of addresses). */
    @Override
    public String toString() {
        String d = Integer.toHexString(domain);
        StringBuilder b = new StringBuilder(Math.max(4, d.length()) + 8);
        for (int i = d.length(); i < 4; i++) {
            b.append('0');
        }
        b.append(d).append(':');
        hex2(b, bus).append(':');
        return hex2(b, device).append('.').append((char) ('0' + function)).toString();
    }

    private static StringBuilder hex2(StringBuilder b, int v) {
        return b.append(Character.forDigit(v >> 4, 16)).append(Character.forDigit(v & 0xf, 16));
    }

    // By hand, not the record's: a scan hashes tens of thousands of addresses while its code is still cold, and the
    // generated hashCode/equals (method handles) are slow until compiled (BENCHMARKS.md, ninth round)
    @Override
    public int hashCode() {
        return domain * 31 + (bus << 8 | device << 3 | function);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PciAddress a && a.domain == domain && a.bus == bus && a.device == device
                && a.function == function;
    }

    @Override
    public int compareTo(PciAddress o) {
        int c = Integer.compareUnsigned(domain, o.domain);
        if (c == 0) {
            c = Integer.compare(bus, o.bus);
        }
        if (c == 0) {
            c = Integer.compare(device, o.device);
        }
        return c != 0 ? c : Integer.compare(function, o.function);
    }
}
