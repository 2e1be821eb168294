package org.vfioinspector.bridge.sysfs;

/** The host cannot be read at all: its sysfs root has no readable {@code bus/pci/devices}. */
public final class HostUnreadableException extends Exception {
    public HostUnreadableException(String message) {
        super(message);
    }

    public HostUnreadableException(String message, Throwable cause) {
        super(message, cause);
    }
}
