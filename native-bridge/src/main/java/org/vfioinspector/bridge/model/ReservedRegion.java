package org.vfioinspector.bridge.model;

import java.util.Objects;

/**
 * One line of an IOMMU group's {@code reserved_regions}: an IOVA range the IOMMU never maps for DMA.
 *
 * @param start first address
 * @param end   last address, inclusive
 * @param kind  the kernel's type: direct, direct-relaxable, reserved or msi (kept verbatim)
 */
public record ReservedRegion(long start, long end, String kind) {
    public ReservedRegion {
        Objects.requireNonNull(kind, "kind");
    }
}
