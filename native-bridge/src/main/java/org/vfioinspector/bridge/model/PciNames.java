package org.vfioinspector.bridge.model;

import java.util.Objects;
import java.util.Optional;

/**
 * Human names from pci.ids (hwdata). Each is absent when the database is missing or does not know the ID.
 *
 * @param vendor    the vendor name
 * @param device    the device name
 * @param subsystem the subsystem name (for the subsystem vendor/device pair)
 * @param className the subclass name, else the base class name (as lspci prints the class)
 * @param progIf    the programming interface name, when pci.ids has one
 */
public record PciNames(Optional<String> vendor, Optional<String> device, Optional<String> subsystem,
                       Optional<String> className, Optional<String> progIf) {
    public static final PciNames NONE = new PciNames(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty());

    public PciNames {
        Objects.requireNonNull(vendor, "vendor");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(subsystem, "subsystem");
        Objects.requireNonNull(className, "className");
        Objects.requireNonNull(progIf, "progIf");
    }
}
