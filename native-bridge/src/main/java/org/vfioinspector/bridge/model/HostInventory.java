package org.vfioinspector.bridge.model;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.ToIntFunction;

/**
 * Everything one sysfs scan found: the kernel facts, the IOMMU groups, the devices that could be read and the
 * devices that could not.
 *
 * @param kernel  kernel facts
 * @param groups  IOMMU groups by number
 * @param devices PCI devices by address
 * @param failed  devices and groups whose files were malformed or unreadable
 */
public record HostInventory(KernelInfo kernel, List<IommuGroup> groups, List<PciDevice> devices,
                            List<ReadFailure> failed) {
    public HostInventory {
        Objects.requireNonNull(kernel, "kernel");
        // Kept sorted so that device() and group() are binary searches: the GUI and the text listing look up every
        // member of every group, which was quadratic on a host with thousands of functions.
        groups = groups.stream().sorted(Comparator.comparingInt(IommuGroup::number)).toList();
        devices = devices.stream().sorted(Comparator.comparing(PciDevice::address)).toList();
        failed = List.copyOf(failed);
    }

    public Optional<PciDevice> device(PciAddress address) {
        return find(devices, d -> d.address().compareTo(address));
    }

    public Optional<IommuGroup> group(int number) {
        return find(groups, g -> Integer.compare(g.number(), number));
    }

    /** Binary search of a sorted list; {@code order} compares an element with the key sought. */
    private static <T> Optional<T> find(List<T> sorted, ToIntFunction<T> order) {
        int lo = 0;
        int hi = sorted.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = order.applyAsInt(sorted.get(mid));
            if (c == 0) {
                return Optional.of(sorted.get(mid));
            } else if (c < 0) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return Optional.empty();
    }

    /** Devices without an IOMMU group: VFIO cannot use them. */
    public List<PciDevice> ungrouped() {
        return devices.stream().filter(d -> d.iommuGroup().isEmpty()).toList();
    }
}
