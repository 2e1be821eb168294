package org.vfioinspector.bridge.session;

import java.util.ArrayDeque;
import java.util.Deque;
import org.vfioinspector.bridge.kernel.KernelException;

/**
 * Owned kernel resources (fds, mappings, dma-bufs), released in reverse order of acquisition. Every release runs
 * even when an earlier one fails; the first failure is thrown with the others suppressed.
 */
final class Resources {
    /** Releases one resource. */
    @FunctionalInterface
    interface Release {
        void release() throws KernelException;
    }

    private record Entry(String what, Release release) {
    }

    private final Deque<Entry> stack = new ArrayDeque<>();

    synchronized void push(String what, Release release) {
        stack.push(new Entry(what, release));
    }

    /** Drops a resource from the stack without releasing it (it was released by its owner). */
    synchronized void forget(String what) {
        stack.removeIf(e -> e.what().equals(what));
    }

    synchronized void closeAll() throws KernelException {
        KernelException first = null;
        while (!stack.isEmpty()) {
            Entry e = stack.pop();
            try {
                e.release().release();
            } catch (KernelException ex) {
                if (first == null) {
                    first = ex;
                } else {
                    first.addSuppressed(ex);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
