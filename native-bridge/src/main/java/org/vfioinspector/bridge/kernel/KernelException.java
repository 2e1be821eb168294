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

    private final String operation;
    private final String target;
    private final int errno;
    private final String remedy;

    public KernelException(String operation, String target, int errno, String remedy) {
        super(operation + (target == null || target.isEmpty() ? "" : " on " + target) + ": " + Errno.nameOf(errno)
                + describe(errno));
        this.operation = operation;
        this.target = target;
        this.errno = errno;
        this.remedy = remedy;
    }

    public KernelException(String operation, String target, Errno errno) {
        this(operation, target, errno.number(), null);
    }

    protected KernelException(String operation, String target, String message, String remedy) {
        super(message);
        this.operation = operation;
        this.target = target;
        this.errno = 0;
        this.remedy = remedy;
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

    /** The errno name ("EINVAL"), or the fault's name ("SIGBUS"). */
    public String errnoName() {
        return Errno.nameOf(errno);
    }

    public Optional<String> remedy() {
        return Optional.ofNullable(remedy);
    }

    /** The same failure with a remedy attached (the layer that knows the context knows the remedy). */
    public KernelException withRemedy(String newRemedy) {
        return new KernelException(operation, target, errno, newRemedy);
    }
}
