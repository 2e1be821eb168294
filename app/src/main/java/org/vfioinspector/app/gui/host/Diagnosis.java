package org.vfioinspector.app.gui.host;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.vfioinspector.bridge.model.HostInventory;
import org.vfioinspector.bridge.model.IommuGroup;
import org.vfioinspector.bridge.model.KernelInfo;
import org.vfioinspector.bridge.model.PciDevice;

/**
 * Whether a host can be used with VFIO and, when not, what is missing in plain words and how to fix it.
 *
 * @param usableGroups groups that are viable and hold at least one vfio-pci device
 * @param problems     what is missing, most fundamental first
 */
public record Diagnosis(List<IommuGroup> usableGroups, List<Problem> problems) {
    /** One missing piece: what, and what to do about it. */
    public record Problem(String what, String remedy) {
    }

    public Diagnosis {
        usableGroups = List.copyOf(usableGroups);
        problems = List.copyOf(problems);
    }

    public boolean ready() {
        return !usableGroups.isEmpty() && problems.isEmpty();
    }

    /**
     * @param inventory       the scan
     * @param inaccessible    group numbers whose VFIO node exists but that this user may not open
     * @param checkDeviceRoot false for a snapshot (it has no device nodes to check)
     */
    public static Diagnosis of(HostInventory inventory, Set<Integer> inaccessible, boolean checkDeviceRoot) {
        KernelInfo k = inventory.kernel();
        List<Problem> problems = new ArrayList<>();
        if (!k.iommuActive()) {
            problems.add(new Problem("No IOMMU is active, so the kernel forms no IOMMU groups and VFIO cannot "
                    + "isolate a device.",
                    "Turn on VT-d (Intel) or AMD-Vi in the firmware setup and boot with intel_iommu=on "
                            + "(Intel) or amd_iommu=on; check with: ls "
                            + org.vfioinspector.bridge.sysfs.HostPaths.live().sys("kernel/iommu_groups")));
        }
        if (!k.vfioPciModule()) {
            problems.add(new Problem("The vfio-pci driver is not loaded.",
                    "sudo modprobe vfio-pci (make it permanent with a line in /etc/modules-load.d/vfio.conf)"));
        }
        List<IommuGroup> usable = new ArrayList<>();
        for (IommuGroup g : inventory.groups()) {
            boolean hasVfio = g.devices().stream().map(inventory::device).flatMap(java.util.Optional::stream)
                    .map(PciDevice::driver).anyMatch(d -> d.filter("vfio-pci"::equals).isPresent());
            if (hasVfio && g.viability().viable()) {
                usable.add(g);
            }
        }
        if (k.iommuActive() && k.vfioPciModule() && usable.isEmpty()) {
            problems.add(new Problem("No device is bound to vfio-pci in a viable IOMMU group.",
                    "Bind a device: sudo driverctl set-override DDDD:BB:DD.F vfio-pci (every other member of "
                            + "its group must be bound to vfio-pci or unbound)"));
        }
        if (checkDeviceRoot && !usable.isEmpty()) {
            List<Integer> denied = usable.stream().map(IommuGroup::number).filter(inaccessible::contains).toList();
            if (denied.size() == usable.size()) {
                problems.add(new Problem("You have no permission to open the VFIO group nodes " + denied
                        .stream().map(n -> org.vfioinspector.bridge.sysfs.HostPaths.live().dev("vfio/" + n).toString()).toList() + ".",
                        "Give your user read and write access to the nodes (the inspector does not need root): a udev rule "
                                + "SUBSYSTEM==\"vfio\", GROUP=\"kvm\", MODE=\"0660\" and membership in kvm"));
            }
        }
        return new Diagnosis(usable, problems);
    }
}
