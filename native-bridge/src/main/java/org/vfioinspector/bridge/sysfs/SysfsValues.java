package org.vfioinspector.bridge.sysfs;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Pure parsers for the one-value sysfs attributes of a PCI device and an IOMMU group. Each takes the file's name
 * (used only in errors) and its text, and throws {@link SysfsFormatException} for content the kernel does not
 * write. A single trailing newline, as sysfs adds it, is accepted.
 */
public final class SysfsValues {
    private static final Pattern HEX4 = Pattern.compile("0x[0-9a-fA-F]{4}");
    private static final Pattern HEX6 = Pattern.compile("0x[0-9a-fA-F]{6}");
    private static final Pattern HEX2 = Pattern.compile("0x[0-9a-fA-F]{2}");
    private static final Pattern INT = Pattern.compile("-?[0-9]{1,9}");
    private static final Pattern NON_NEGATIVE = Pattern.compile("[0-9]{1,9}");
    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9_.:+-]+");
    private static final Pattern RESET_METHOD = Pattern.compile("[a-z0-9_]+");

    /** What {@code driver_override} reads when unset (pci-sysfs prints the NULL pointer with %s). */
    public static final String DRIVER_OVERRIDE_UNSET = "(null)";

    private SysfsValues() {
    }

    /** {@code vendor}, {@code device}, {@code subsystem_vendor}, {@code subsystem_device}: "0xNNNN". */
    public static int id16(String file, String text) {
        String v = value(text);
        if (!HEX4.matcher(v).matches()) {
            throw new SysfsFormatException(file, text, "a 16-bit ID as 0x and 4 hex digits, e.g. 0x8086");
        }
        return Integer.parseInt(v.substring(2), 16);
    }

    /** {@code class}: "0xBBSSPP" (base class, subclass, programming interface). */
    public static int classCode(String file, String text) {
        String v = value(text);
        if (!HEX6.matcher(v).matches()) {
            throw new SysfsFormatException(file, text, "a class code as 0x and 6 hex digits, e.g. 0x020000");
        }
        return Integer.parseInt(v.substring(2), 16);
    }

    /** {@code revision}: "0xNN". */
    public static int revision(String file, String text) {
        String v = value(text);
        if (!HEX2.matcher(v).matches()) {
            throw new SysfsFormatException(file, text, "a revision as 0x and 2 hex digits, e.g. 0x03");
        }
        return Integer.parseInt(v.substring(2), 16);
    }

    /** {@code numa_node}: a decimal node number, -1 when the device has no NUMA affinity. */
    public static int numaNode(String file, String text) {
        String v = value(text);
        if (!INT.matcher(v).matches() || Integer.parseInt(v) < -1) {
            throw new SysfsFormatException(file, text, "a NUMA node number or -1");
        }
        return Integer.parseInt(v);
    }

    /** {@code sriov_totalvfs}, {@code sriov_numvfs}: a non-negative decimal count. */
    public static int count(String file, String text) {
        String v = value(text);
        if (!NON_NEGATIVE.matcher(v).matches()) {
            throw new SysfsFormatException(file, text, "a non-negative decimal count");
        }
        return Integer.parseInt(v);
    }

    /**
     * {@code reset_method}: the enabled reset methods separated by spaces (flr, af_flr, pm, bus, cxl_bus, acpi,
     * device_specific, ...). Empty when reset is disabled.
     */
    public static List<String> resetMethods(String file, String text) {
        String v = value(text);
        if (v.isEmpty()) {
            return List.of();
        }
        List<String> methods = Arrays.asList(v.split(" +"));
        for (String m : methods) {
            if (!RESET_METHOD.matcher(m).matches()) {
                throw new SysfsFormatException(file, text,
                        "reset method names (lowercase letters, digits, _) separated by spaces, e.g. 'flr bus'");
            }
        }
        return List.copyOf(methods);
    }

    /** {@code driver_override}: a driver name, or "(null)" / empty when unset. */
    public static Optional<String> driverOverride(String file, String text) {
        String v = value(text);
        if (v.isEmpty() || v.equals(DRIVER_OVERRIDE_UNSET)) {
            return Optional.empty();
        }
        if (!WORD.matcher(v).matches()) {
            throw new SysfsFormatException(file, text, "a driver name (one word) or (null)");
        }
        return Optional.of(v);
    }

    /** An IOMMU group's {@code type}: one word (blocked, identity, unmanaged, DMA, DMA-FQ, unknown, ...). */
    public static String groupType(String file, String text) {
        String v = value(text);
        if (!WORD.matcher(v).matches()) {
            throw new SysfsFormatException(file, text, "a domain type such as DMA, DMA-FQ, identity or blocked");
        }
        return v;
    }

    /** The target name of an {@code iommu_group} link (or a {@code kernel/iommu_groups} entry): a group number. */
    public static int groupNumber(String file, String text) {
        if (!NON_NEGATIVE.matcher(text).matches()) {
            throw new SysfsFormatException(file, text, "an IOMMU group number (decimal)");
        }
        return Integer.parseInt(text);
    }

    /** {@code proc/sys/kernel/osrelease}: one line, the kernel release. */
    public static String osRelease(String file, String text) {
        String v = value(text);
        if (v.isEmpty() || v.contains("\n")) {
            throw new SysfsFormatException(file, text, "one line with the kernel release, e.g. 6.8.0-45-generic");
        }
        return v;
    }

    /** The text without the one trailing newline sysfs adds, and without surrounding blanks. */
    static String value(String text) {
        String v = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        return v.strip();
    }
}
