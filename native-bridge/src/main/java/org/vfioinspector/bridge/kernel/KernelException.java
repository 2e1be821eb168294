package org.vfioinspector.bridge.kernel;

import java.util.Optional;

/**
 * A failed call across the kernel boundary, carrying what a user needs: the operation (e.g.
 * "VFIO_DEVICE_GET_REGION_INFO"), the target (group, BDF, region), the errno number and name, and a remedy where
 * one exists. Expected negative outcomes (a BAR that cannot be mapped) are results, not this exception, at the
 * session level; at this boundary every errno is reported as it came.
 */
public class KernelException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What kind of failure: an errno, a fault through a mapping, or a call that sleeps until someone else acts. */
    public enum Kind {
        /** The call returned -1 with errno set. */
        ERRNO,
        /** A read or write through a mapping faulted (see {@link SigbusException}). */
        SIGBUS,
        /**
         * The call would sleep in the kernel until someone else releases something (an unbind waiting for the
         * device's users, a revoke waiting for an importer to unmap). A model reports it instead of hanging; the
         * operation stays pending and completes when the waited-for release happens.
         */
        BLOCKED
    }

    private final String operation;
    private final String target;
    private final int errno;
    private final String remedy;
    private final String waitsFor;

    public KernelException(String operation, String target, int errno, String remedy) {
        super(operation + (target == null || target.isEmpty() ? "" : " on " + target) + ": " + Errno.nameOf(errno)
                + describe(errno));
        this.operation = operation;
        this.target = target;
        this.errno = errno;
        this.remedy = remedy;
        this.waitsFor = null;
    }

    public KernelException(String operation, String target, Errno errno) {
        this(operation, target, errno.number(), null);
    }

    protected KernelException(String operation, String target, String message, String remedy) {
        this(operation, target, message, remedy, null);
    }

    private KernelException(String operation, String target, String message, String remedy, String waitsFor) {
        super(message);
        this.operation = operation;
        this.target = target;
        this.errno = 0;
        this.remedy = remedy;
        this.waitsFor = waitsFor;
    }

    /**
     * A call that blocks in the kernel (it sleeps until someone else releases something), reported instead of
     * hanging: see {@link Kind#BLOCKED}.
     *
     * @param waitsFor what the kernel waits for, with the kernel function
     */
    public static KernelException blocked(String operation, String target, String waitsFor) {
        return new KernelException(operation, target, operation + (target == null ? "" : " on " + target)
                + ": blocks (" + waitsFor + ")", "Release what it waits for; the operation then completes.",
                waitsFor);
    }

    /** ERRNO, SIGBUS or BLOCKED. */
    public Kind kind() {
        return waitsFor != null ? Kind.BLOCKED : Kind.ERRNO;
    }

    /** True for a call that blocks until someone else releases something. */
    public boolean isBlocked() {
        return kind() == Kind.BLOCKED;
    }

    /** What a blocked call waits for (the kernel function and whom), empty for any other failure. */
    public Optional<String> waitsFor() {
        return Optional.ofNullable(waitsFor);
    }

    private static String describe(int errno) {
        Errno e = Errno.of(errno);
        return e == null ? "" : " (" + e.description() + ")";
    }

    public String operation() {
        return operation;
    }

    public String target() {
        return target;
    }

    /** The errno number; 0 for a fault that is not an errno (see {@link SigbusException}). */
    public int errno() {
        return errno;
    }

    /** The errno name ("EINVAL"), or the fault's name ("SIGBUS"), or "BLOCKED". */
    public String errnoName() {
        return isBlocked() ? "BLOCKED" : Errno.nameOf(errno);
    }

    public Optional<String> remedy() {
        return Optional.ofNullable(remedy);
    }

    /** The same failure with a remedy attached (the layer that knows the context knows the remedy). */
    public KernelException withRemedy(String newRemedy) {
        if (isBlocked()) {
            return new KernelException(operation, target, getMessage(), newRemedy, waitsFor);
        }
        return new KernelException(operation, target, errno, newRemedy);
    }
}
