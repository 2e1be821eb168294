package org.vfioinspector.bridge.model;

/**
 * One implemented PCI region of a device as sysfs {@code resource} describes it: BAR0–BAR5 (index 0–5) or the
 * expansion ROM (index 6, {@link #ROM_INDEX}), which is also VFIO's region index for it.
 *
 * @param index        0–5 for BARs, 6 for the ROM
 * @param kind         mem32, mem64, io or rom
 * @param start        first address (bus address as sysfs prints it after pci_resource_to_user)
 * @param size         length in bytes (end - start + 1)
 * @param flags        the raw IORESOURCE_* flags from {@code resource}
 * @param prefetchable IORESOURCE_PREFETCH
 * @param readOnly     IORESOURCE_READONLY (a ROM is read-only to VFIO whatever this says)
 */
public record Region(int index, RegionKind kind, long start, long size, long flags, boolean prefetchable,
                     boolean readOnly) {
    public static final int ROM_INDEX = 6;

    public Region {
        if (index < 0 || index > ROM_INDEX) {
            throw new IllegalArgumentException("region index " + index + " is not 0-6");
        }
        if (size <= 0) {
            throw new IllegalArgumentException("region " + index + " has size " + size);
        }
    }

    public boolean isBar() {
        return index < ROM_INDEX;
    }

    /** Last address, inclusive. */
    public long end() {
        return start + size - 1;
    }

    /** "BAR2" or "ROM". */
    public String name() {
        return isBar() ? "BAR" + index : "ROM";
    }

    /** How a record names the region it is about: "BAR2", "ROM", or "" for none (a negative index). */
    public static String nameOf(int index) {
        return index < 0 ? "" : index == 6 ? "ROM" : "BAR" + index;
    }
}
