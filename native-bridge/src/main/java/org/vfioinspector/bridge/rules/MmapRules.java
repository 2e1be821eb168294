package org.vfioinspector.bridge.rules;

import org.vfioinspector.bridge.kernel.Errno;
import org.vfioinspector.bridge.uapi.Vfio;

/** vfio_pci_probe_mmaps() and vfio_pci_core_mmap(), in kernel order (facts §2). */
public final class MmapRules {
    static final String PROBE = "vfio_pci_probe_mmaps";
    static final String MMAP = "vfio_pci_core_mmap";
    private static final long PAGE = Vfio.PAGE_SIZE;

    private MmapRules() {
    }

    /** bar_mmap_supported[bar] as vfio_pci_probe_mmaps decides it on every device open. */
    public static Verdict probe(DeviceFacts d, int bar) {
        BarFacts b = d.bar(bar);
        if (d.nonMappableBars()) {
            return Verdict.no(PROBE, "pdev->non_mappable_bars is set (IBM ISM on s390: BARs reachable only with PCI "
                    + "instructions) → no BAR of this device is mmappable", null);
        }
        if (!b.isMem()) {
            return Verdict.no(PROBE, b.implemented() ? "BAR is not IORESOURCE_MEM (I/O port BAR) → not mmappable"
                    : "BAR is not IORESOURCE_MEM (unimplemented BAR) → not mmappable", null);
        }
        if (b.size() == 0) {
            return Verdict.no(PROBE, "resource_size is 0 → not mmappable", null);
        }
        if (b.size() >= PAGE) {
            return Verdict.yes(PROBE, "MEM BAR of " + b.size() + " bytes, at least a page → mmappable");
        }
        if (b.start() % PAGE != 0) {
            return Verdict.no(PROBE, "sub-page BAR (" + b.size() + " bytes) does not start on a page boundary → "
                    + "not mmappable", null);
        }
        if (b.restOfPageFree() == null) {
            return Verdict.unknown(PROBE, "sub-page BAR (" + b.size() + " bytes): mmappable only if the \"vfio sub-page "
                    + "reserved\" request for the rest of the page succeeds; whether another resource sits there is not "
                    + "known here");
        }
        if (!b.restOfPageFree()) {
            return Verdict.no(PROBE, "sub-page BAR (" + b.size() + " bytes): request_resource of the \"vfio sub-page "
                    + "reserved\" dummy for the rest of the page fails (another resource sits there) → not mmappable", null);
        }
        return Verdict.yes(PROBE, "sub-page BAR (" + b.size() + " bytes), page aligned, the \"vfio sub-page reserved\" "
                + "dummy resource takes the rest of the page → the whole page is mmappable");
    }

    /**
     * vfio_pci_core_mmap for region {@code index}, {@code offset}/{@code length} relative to the region.
     *
     * @param barSetupError the stored vfio_pci_core_setup_barmap error for BARs (null when it succeeds)
     */
    public static Verdict mmap(DeviceFacts d, int index, long offset, long length, boolean shared, Errno barSetupError) {
        if (index < 0 || index >= Vfio.VFIO_PCI_NUM_REGIONS) {
            return Verdict.no(MMAP, "region index " + index + " ≥ VFIO_PCI_NUM_REGIONS + device regions (9)", Errno.EINVAL);
        }
        if (length <= 0) {
            return Verdict.no(MMAP, "vm_end < vm_start (empty or negative length)", Errno.EINVAL);
        }
        if (!shared) {
            return Verdict.no(MMAP, "VM_SHARED not set (MAP_PRIVATE)", Errno.EINVAL);
        }
        if (index >= Vfio.VFIO_PCI_ROM_REGION_INDEX) {
            return Verdict.no(MMAP, "index ≥ VFIO_PCI_ROM_REGION_INDEX: " + regionName(index)
                    + " cannot be mmapped (ROM, config and VGA never can)", Errno.EINVAL);
        }
        Verdict probe = probe(d, index);
        if (!probe.allowed()) {
            if (probe.outcome() == Verdict.Outcome.UNKNOWN) {
                return Verdict.unknown(MMAP, "bar_mmap_supported[" + index + "] unknown: " + probe.rule().condition());
            }
            return Verdict.no(MMAP, "!bar_mmap_supported[" + index + "] (" + probe.rule().condition() + ")", Errno.EINVAL);
        }
        long physLen = pageAlign(d.bar(index).size());
        if (offset < 0 || offset + length > physLen || offset + length < 0) {
            return Verdict.no(MMAP, "request [" + hex(offset) + ", +" + hex(length) + ") ends past PAGE_ALIGN(BAR size) = "
                    + hex(physLen), Errno.EINVAL);
        }
        if (barSetupError != null) {
            return Verdict.no(MMAP, "vfio_pci_core_setup_barmap failed (BAR region request or iomap)", barSetupError);
        }
        return Verdict.yes(MMAP, "BAR" + index + " mmap of [" + hex(offset) + ", +" + hex(length)
                + ") inside PAGE_ALIGN(BAR size) = " + hex(physLen) + " → PFNs inserted on fault");
    }

    /** The stored vfio_pci_core_setup_barmap result for a BAR (null = success). */
    public static Errno barSetupError(BarFacts b) {
        if (b.size() == 0) {
            return Errno.ENODEV;
        }
        return b.requestOk() ? null : Errno.EBUSY;
    }

    static long pageAlign(long v) {
        return (v + PAGE - 1) & ~(PAGE - 1);
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    static String regionName(int index) {
        if (index >= 0 && index <= 5) {
            return "BAR" + index;
        }
        switch (index) {
            case 6:
                return "ROM";
            case 7:
                return "config space";
            case 8:
                return "VGA";
            default:
                return "region " + index;
        }
    }
}
