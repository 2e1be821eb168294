package org.vfioinspector.bridge.session;

import org.vfioinspector.bridge.kernel.KernelException;

/** A session step that failed without an errno of its own (an API version mismatch, a group not viable, ...). */
public final class SessionException extends KernelException {
    private static final long serialVersionUID = 1L;

    public SessionException(String operation, String target, String message, String remedy) {
        super(operation, target, operation + (target == null ? "" : " on " + target) + ": " + message, remedy);
    }
}
