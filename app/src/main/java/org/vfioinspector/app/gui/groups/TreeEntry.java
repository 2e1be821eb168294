package org.vfioinspector.app.gui.groups;

import java.util.Locale;
import java.util.Optional;
import org.vfioinspector.bridge.model.IommuGroup;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.model.PciDevice;

/** What one row of the groups tree stands for. */
public sealed interface TreeEntry permits TreeEntry.Group, TreeEntry.Device, TreeEntry.Unreadable {
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

    static Optional<PciDevice> deviceOf(TreeEntry e) {
        return e instanceof Device d ? Optional.of(d.device()) : Optional.empty();
    }
}
