package org.vfioinspector.bridge.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One {@code kernel/iommu_groups/N} directory.
 *
 * @param number          N, also the name of the group's VFIO node (vfio/N under the device root)
 * @param type            the default domain type (blocked, identity, unmanaged, DMA, DMA-FQ, unknown); absent
 *                        when the {@code type} file is missing
 * @param reservedRegions the lines of {@code reserved_regions}, empty when the file is missing or empty
 * @param devices         the PCI members (from {@code devices/}), sorted
 * @param viability       the VFIO viability verdict
 */
public record IommuGroup(int number, Optional<String> type, List<ReservedRegion> reservedRegions,
                         List<PciAddress> devices, Viability viability) {
    public IommuGroup {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(viability, "viability");
        reservedRegions = List.copyOf(reservedRegions);
        devices = List.copyOf(devices);
    }
}
