package org.vfioinspector.bridge.kernel;

import java.util.List;
import java.util.function.Consumer;

/**
 * The kernel's live revocation events. A real kernel streams them from tracefs where it can (root, tracefs
 * mounted, the functions present in available_filter_functions); the lab kernel from its model.
 */
public interface KernelEvents extends AutoCloseable {
    /** Whether events can be streamed here, and if not, exactly what is missing and what the user can do. */
    Availability availability();

    /** Registers a listener; events are delivered on a kernel-side thread while they happen. */
    void subscribe(Consumer<KernelEvent> listener);

    void unsubscribe(Consumer<KernelEvent> listener);

    /**
     * Returns once every event the kernel emitted before this call has been delivered to the listeners, or after
     * {@code timeoutMillis}. Sources that deliver synchronously (the lab model) need do nothing; a tracefs reader
     * writes a marker into its trace buffer and waits until its reader thread has passed it.
     *
     * @return true when in sync, false on timeout
     */
    default boolean sync(long timeoutMillis) {
        return true;
    }

    /** Stops streaming and removes anything installed in the kernel (probes). */
    @Override
    void close();

    /**
     * @param available true when live events flow
     * @param missing   what is missing (empty when available), e.g. "tracefs is not mounted at /sys/kernel/tracing"
     * @param remedy    what the user can do about it, or empty
     */
    record Availability(boolean available, List<String> missing, String remedy) {
        public static Availability yes() {
            return new Availability(true, List.of(), "");
        }
    }
}
