package org.vfioinspector.bridge.rules;

import org.vfioinspector.bridge.model.RegionKind;
import org.vfioinspector.bridge.uapi.Vfio;

/**
 * What the rules need to know about one BAR (pdev->resource[i]).
 *
 * @param index          0–5
 * @param kind           MEM32, MEM64 or IO; null for an unimplemented BAR (size 0, flags 0)
 * @param start          resource start (bus address)
 * @param size           resource_size(); 0 when unimplemented
 * @param prefetchable   IORESOURCE_PREFETCH
 * @param restOfPageFree for a sub-page BAR: true when no other resource sits in [end + 1, start + PAGE_SIZE), so
 *                       the "vfio sub-page reserved" dummy request succeeds; null when not known (a real host
 *                       read from sysfs without /proc/iomem)
 * @param requestOk      pci_request_selected_regions / iomap succeed (false models -EBUSY from a conflicting
 *                       driver claiming the region)
 */
public record BarFacts(int index, RegionKind kind, long start, long size, boolean prefetchable, Boolean restOfPageFree,
                       boolean requestOk) {
    public BarFacts {
        if (index < 0 || index > 5) {
            throw new IllegalArgumentException("BAR index " + index + " is not 0-5");
        }
        if (kind == RegionKind.ROM) {
            throw new IllegalArgumentException("the ROM is not a BAR");
        }
        if (size < 0) {
            throw new IllegalArgumentException("BAR" + index + " size " + size);
        }
    }

    /** One per slot: every device has its unimplemented BARs (50,000 of 60,000 on the 10,000-function lab host). */
    private static final BarFacts[] ABSENT = new BarFacts[6];

    static {
        for (int i = 0; i < ABSENT.length; i++) {
            ABSENT[i] = new BarFacts(i, null, 0, 0, false, null, true);
        }
    }

    public static BarFacts absent(int index) {
        if (index < 0 || index >= ABSENT.length) {
            throw new IllegalArgumentException("BAR index " + index + " is not 0-5");
        }
        return ABSENT[index];
    }

    public static BarFacts mem(int index, long start, long size, boolean mem64, boolean prefetchable) {
        return new BarFacts(index, mem64 ? RegionKind.MEM64 : RegionKind.MEM32, start, size, prefetchable,
                size < Vfio.PAGE_SIZE ? Boolean.TRUE : null, true);
    }

    public static BarFacts io(int index, long start, long size) {
        return new BarFacts(index, RegionKind.IO, start, size, false, null, true);
    }

    public boolean implemented() {
        return size > 0 && kind != null;
    }

    public boolean isMem() {
        return kind == RegionKind.MEM32 || kind == RegionKind.MEM64;
    }

    public BarFacts withRestOfPageFree(Boolean free) {
        return new BarFacts(index, kind, start, size, prefetchable, free, requestOk);
    }

    public BarFacts withRequestOk(boolean ok) {
        return new BarFacts(index, kind, start, size, prefetchable, restOfPageFree, ok);
    }
}
