package org.vfioinspector.bridge.lab;

import org.vfioinspector.bridge.kernel.KernelException;

/**
 * The call would block in the real kernel (it sleeps until someone else releases something): the lab reports it
 * instead of hanging. The operation stays pending in the model and completes when the waited-for release happens.
 */
public final class LabBlockedException extends KernelException {
    private static final long serialVersionUID = 1L;

    private final String waitsFor;

    public LabBlockedException(String operation, String target, String waitsFor) {
        super(operation, target, operation + (target == null ? "" : " on " + target) + ": blocks (" + waitsFor + ")",
                "Release what it waits for; the operation then completes.");
        this.waitsFor = waitsFor;
    }

    /** What the kernel waits for, with the kernel function. */
    public String waitsFor() {
        return waitsFor;
    }

    @Override
    public String errnoName() {
        return "BLOCKED";
    }
}
