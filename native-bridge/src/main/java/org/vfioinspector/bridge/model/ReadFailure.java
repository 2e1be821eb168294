package org.vfioinspector.bridge.model;

import java.util.Objects;
import java.util.Optional;

/**
 * Something sysfs lists but that could not be read: one of its files is malformed or unreadable. A failed device
 * is left out of {@link HostInventory#devices()}; a group with a failed file is still listed with what could
 * be read.
 *
 * @param subject the device's directory name under {@code bus/pci/devices} (normally a BDF), or
 *                "iommu group N"
 * @param file    the file that failed, relative to the sysfs root
 * @param text    the text found, when the file could be read but not parsed
 * @param message what went wrong and what was expected
 */
public record ReadFailure(String subject, String file, Optional<String> text, String message) {
    public ReadFailure {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(message, "message");
    }
}
