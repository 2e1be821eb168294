package org.vfioinspector.bridge.lab;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.vfioinspector.bridge.kernel.KernelEvent;
import org.vfioinspector.bridge.kernel.KernelEvents;

/** The lab kernel's live events: delivered synchronously, in model order, on the calling thread. */
public final class LabEvents implements KernelEvents {
    private final List<Consumer<KernelEvent>> listeners = new CopyOnWriteArrayList<>();

    @Override
    public Availability availability() {
        return Availability.yes();
    }

    @Override
    public void subscribe(Consumer<KernelEvent> listener) {
        listeners.add(listener);
    }

    @Override
    public void unsubscribe(Consumer<KernelEvent> listener) {
        listeners.remove(listener);
    }

    synchronized void emit(KernelEvent e) {
        for (Consumer<KernelEvent> l : listeners) {
            l.accept(e);
        }
    }

    @Override
    public void close() {
        listeners.clear();
    }
}
