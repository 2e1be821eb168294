package org.vfioinspector.app.gui.groups;

import java.util.Locale;
import java.util.Optional;
import org.vfioinspector.bridge.model.IommuGroup;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.model.PciDevice;

/** What one row of the groups tree stands for. */
public sealed interface TreeEntry permits TreeEntry.Group, TreeEntry.Device, TreeEntry.Unreadable,
        TreeEntry.NoGroup {
    /** Text the filter matches against. */
    String searchText();

    /**
     * @param group the group
     * @param why   why it holds more than one device (GroupWhy: topology and ACS); empty for a single device
     */
    record Group(IommuGroup group, Optional<org.vfioinspector.bridge.rules.GroupWhy> why) implements TreeEntry {
        Group(IommuGroup group) {
            this(group, Optional.empty());
        }

        @Override
        public String searchText() {
            return "group " + group.number();
        }
    }

    /**
     * @param device the device
     * @param role   "" for a group member, "VF 3 of 0000:03:00.0" for a virtual function listed under its PF
     */
    record Device(PciDevice device, String role) implements TreeEntry {
        @Override
        public String searchText() {
            PciDevice d = device;
            return String.join(" ", d.address().toString(), String.format("%04x:%04x", d.vendorId(),
                            d.deviceId()), d.names().vendor().orElse(""), d.names().device().orElse(""),
                    d.names().className().orElse(""), String.format("class %06x", d.classCode()),
                    d.driver().orElse("no driver"), d.isBridge() ? "bridge" : "", role)
                    .toLowerCase(Locale.ROOT);
        }

        public String title() {
            return DeviceText.name(device);
        }
    }

    /** A group member sysfs lists but whose files could not be read. */
    record Unreadable(PciAddress address, String why) implements TreeEntry {
        @Override
        public String searchText() {
            return address.toString();
        }
    }

    /**
     * The devices that are in no IOMMU group (as {@code list} prints them): VFIO cannot use any of them. On a host
     * without an active IOMMU that is every device.
     *
     * @param devices how many
     * @param noIommu the host has no IOMMU groups at all
     */
    record NoGroup(int devices, boolean noIommu) implements TreeEntry {
        /** How to get IOMMU groups, in the words {@code list} uses. */
        public static final String FIX = "Devices without an IOMMU group cannot be used with VFIO. To enable an "
                + "IOMMU: turn on VT-d (Intel) or AMD-Vi / IOMMU (AMD) in the firmware setup, and boot with "
                + "intel_iommu=on (Intel) or amd_iommu=on (AMD) on the kernel command line (iommu=pt keeps "
                + "host-owned devices fast); after the reboot sysfs kernel/iommu_groups lists one directory per group.";

        @Override
        public String searchText() {
            return "without a group";
        }
    }

    static Optional<PciDevice> deviceOf(TreeEntry e) {
        return e instanceof Device d ? Optional.of(d.device()) : Optional.empty();
    }
}
