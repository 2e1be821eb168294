package org.vfioinspector.bridge.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.uapi.Vfio;

/**
 * The facts the kernel derives by itself from what a host is, before VFIO ever looks at a BAR: whether a device gets
 * {@code non_mappable_bars}, whether the rest of a sub-page BAR's page can be reserved, whether a device has a
 * working reset. The lab kernel derives them from a scenario, the predictions from sysfs; both through here, so a
 * lab host and its sysfs tree agree by construction of the kernel's rule, not by a hand-set flag.
 */
public final class DerivedFacts {
    /** IBM's PCI vendor ID and the ISM function (PCI_VENDOR_ID_IBM, PCI_DEVICE_ID_IBM_ISM). */
    public static final int IBM = 0x1014;
    public static final int IBM_ISM = 0x04ed;
    static final String ISM_FIXUP = "zpci_ism_bar_no_mmap";
    static final String RESET_PROBE = "pci_probe_reset_function";
    private static final long PAGE = Vfio.PAGE_SIZE;

    private DerivedFacts() {
    }

    /**
     * A derived fact and the rule that gave it.
     *
     * @param value true/false, or null when a fact it needs cannot be read (the rule then says which)
     * @param rule  "function: what was found"
     */
    public record Derived(Boolean value, String rule) {
        public static Derived of(boolean value, String rule) {
            return new Derived(value, rule);
        }

        public static Derived unknown(String rule) {
            return new Derived(null, rule);
        }

        public boolean known() {
            return value != null;
        }

        /** The same value, said to come from a hand-set override. */
        public static Derived override(boolean value, String where) {
            return new Derived(value, "set by " + where + " (override; the kernel would derive it)");
        }
    }

    /** s390 in uname -m spelling: "s390x" (64-bit), "s390" (31-bit, gone but still a value of the field). */
    public static boolean isS390(String arch) {
        String a = arch.toLowerCase(Locale.ROOT);
        return a.equals("s390x") || a.equals("s390");
    }

    /**
     * pdev->non_mappable_bars: set only by the early fixup {@code zpci_ism_bar_no_mmap()} (arch/s390/pci/pci_fixup.c,
     * aa9f168d55dc) for IBM ISM 1014:04ed, and only on s390 (the fixup is not built elsewhere).
     *
     * @param arch the host's architecture (uname -m), null when it cannot be read
     */
    public static Derived nonMappableBars(int vendor, int device, String arch) {
        if (vendor != IBM || device != IBM_ISM) {
            return Derived.of(false, ISM_FIXUP + ": not IBM ISM 1014:04ed, no fixup sets non_mappable_bars");
        }
        if (arch == null) {
            return Derived.unknown(ISM_FIXUP + ": IBM ISM 1014:04ed, but the host's architecture cannot be read (the "
                    + "fixup exists only on s390)");
        }
        if (isS390(arch)) {
            return Derived.of(true, ISM_FIXUP + ": IBM ISM 1014:04ed on " + arch + " → pdev->non_mappable_bars = 1");
        }
        return Derived.of(false, ISM_FIXUP + ": IBM ISM 1014:04ed, but the host is " + arch + ", not s390: the fixup "
                + "is not built");
    }

    /** Another resource of the host: [start, end] inclusive, and who it is (for the rule's text). */
    public record Resource(long start, long end, String what) {
    }

    /**
     * Whether {@code vfio_pci_probe_mmaps()} can {@code request_resource()} the "vfio sub-page reserved" dummy
     * [end + 1, start + PAGE_SIZE - 1] of a sub-page BAR: it fails when another resource of the host overlaps that
     * rest of the page. A resource that contains the whole BAR is its parent (a bridge window), not a sibling.
     *
     * @param others every other memory resource of the host that could be read (BARs, ROMs, windows)
     * @param unreadable what could not be read (a device whose resources are unknown), null or empty when nothing
     */
    public static Derived restOfPageFree(long start, long size, List<Resource> others, String unreadable) {
        long end = start + size - 1;
        long restStart = end + 1;
        long restEnd = start + PAGE - 1;
        for (Resource r : others) {
            boolean parent = Long.compareUnsigned(r.start(), start) <= 0 && Long.compareUnsigned(r.end(), end) >= 0;
            boolean overlaps = Long.compareUnsigned(r.start(), restEnd) <= 0 && Long.compareUnsigned(r.end(), restStart) >= 0;
            if (overlaps && !parent) {
                return Derived.of(false, "request_resource(\"vfio sub-page reserved\" [" + MmapRules.hex(restStart)
                        + "-" + MmapRules.hex(restEnd) + "]) conflicts with " + r.what() + " [" + MmapRules.hex(r.start())
                        + "-" + MmapRules.hex(r.end()) + "]");
            }
        }
        if (unreadable != null && !unreadable.isEmpty()) {
            return Derived.unknown("whether the rest of the page [" + MmapRules.hex(restStart) + "-"
                    + MmapRules.hex(restEnd) + "] is free is not known: " + unreadable + " could not be read");
        }
        return Derived.of(true, "no other resource of the host lies in the rest of the page [" + MmapRules.hex(restStart)
                + "-" + MmapRules.hex(restEnd) + "], so the \"vfio sub-page reserved\" request succeeds");
    }

    /**
     * Where a device sits, as far as a bus reset cares (pci_parent_bus_reset / pci_reset_bus_function).
     *
     * @param rootBus        the device is on a root bus (no bridge above it to reset the bus)
     * @param bridge         the device has a subordinate bus (a bridge): its own bus reset is not offered
     * @param othersOnBus    other functions on the same bus (they would be reset too): the first {@link #NAMED}
     * @param othersCount    how many other functions the bus holds
     */
    public record BusPosition(boolean rootBus, boolean bridge, List<String> othersOnBus, int othersCount) {
        /**
         * How many of the others the words name; the rest are counted. A data-centre bus holds up to 255 others, and
         * naming them all in every device's reset verdict made 10,000 x 255 strings (and a 29 MB list --json).
         */
        public static final int NAMED = 3;

        public BusPosition {
            othersOnBus = List.copyOf(othersOnBus);
            if (othersCount < othersOnBus.size()) {
                throw new IllegalArgumentException("othersCount " + othersCount + " < " + othersOnBus.size()
                        + " others named");
            }
        }

        /** The functions on {@code self}'s bus ({@code onBus}, itself among them or not), the first few named. */
        public static BusPosition of(boolean rootBus, boolean bridge, PciAddress self, List<PciAddress> onBus) {
            List<String> named = new ArrayList<>(NAMED);
            int count = 0;
            for (PciAddress a : onBus) {
                if (!a.equals(self)) {
                    if (named.size() < NAMED) {
                        named.add(a.toString());
                    }
                    count++;
                }
            }
            return new BusPosition(rootBus, bridge, named, count);
        }
    }

    /**
     * vdev->reset_works, i.e. VFIO's FLAGS_RESET and whether VFIO_DEVICE_RESET is allowed: the first method of the
     * device's {@code reset_method} list (kept in the kernel's order) that works now. The list is probed once at
     * enumeration, when later siblings are not on the bus yet, so a {@code bus} entry can be stale: a bus (or slot,
     * cxl_bus) reset works only when the device is alone on its bus below a bridge.
     *
     * @param methods the reset_method list, null when it cannot be read
     */
    public static Derived resetWorks(List<String> methods, BusPosition pos) {
        if (methods == null) {
            return Derived.unknown(RESET_PROBE + ": the device's reset_method cannot be read");
        }
        if (methods.isEmpty()) {
            return Derived.of(false, RESET_PROBE + ": no reset method (reset_method empty) → no FLAGS_RESET, "
                    + "VFIO_DEVICE_RESET → -EINVAL");
        }
        StringBuilder refused = new StringBuilder();
        for (String m : methods) {
            if (!m.equals("bus") && !m.equals("cxl_bus")) {
                return Derived.of(true, RESET_PROBE + ": " + m + " reset" + closed(refused) + " → FLAGS_RESET");
            }
            String why = null;
            if (pos.rootBus()) {
                why = "the device is on a root bus (no bridge above it)";
            } else if (pos.bridge()) {
                why = "the device is a bridge (has a subordinate bus)";
            } else if (pos.othersCount() > 0) {
                int more = pos.othersCount() - pos.othersOnBus().size();
                why = "the bus also holds " + String.join(", ", pos.othersOnBus())
                        + (more > 0 ? " and " + more + " more function" + (more == 1 ? "" : "s") : "");
            }
            if (why == null) {
                return Derived.of(true, RESET_PROBE + ": " + m + " reset, the device is alone on its bus"
                        + closed(refused) + " → FLAGS_RESET");
            }
            refused.append(refused.length() == 0 ? " (" : "; ").append(m).append(" fails: ").append(why);
        }
        return Derived.of(false, RESET_PROBE + ": no reset method works" + closed(refused) + " → no FLAGS_RESET, "
                + "VFIO_DEVICE_RESET → -EINVAL");
    }

    private static String closed(StringBuilder refused) {
        return refused.length() == 0 ? "" : refused + ")";
    }
}
