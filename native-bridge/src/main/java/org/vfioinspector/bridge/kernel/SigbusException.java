package org.vfioinspector.bridge.kernel;

/**
 * A read or write through a mapping faulted with SIGBUS, as a VFIO BAR mapping does while the device's memory
 * decoding is off or it is in a low-power state. The process survives it: the real kernel backend catches the
 * fault, the lab kernel models it.
 */
public final class SigbusException extends KernelException {
    private static final long serialVersionUID = 1L;

    public SigbusException(String operation, String target) {
        super(operation, target, operation + (target == null ? "" : " on " + target)
                        + ": SIGBUS (the kernel refused the page fault: memory decoding off, device in D3 or reset)",
                "Set the memory-enable bit of the command register again (or wait for the reset to finish), then retry.");
    }

    @Override
    public Kind kind() {
        return Kind.SIGBUS;
    }

    @Override
    public String errnoName() {
        return "SIGBUS";
    }
}
