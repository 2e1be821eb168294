package org.vfioinspector.bridge.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

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
        groups = List.copyOf(groups);
        devices = List.copyOf(devices);
        failed = List.copyOf(failed);
    }

    public Optional<PciDevice> device(PciAddress address) {
        return devices.stream().filter(d -> d.address().equals(address)).findFirst();
    }

    public Optional<IommuGroup> group(int number) {
        return groups.stream().filter(g -> g.number() == number).findFirst();
    }

    /** Devices without an IOMMU group: VFIO cannot use them. */
    public List<PciDevice> ungrouped() {
        return devices.stream().filter(d -> d.iommuGroup().isEmpty()).toList();
    }
}
