package org.vfioinspector.bridge.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.vfioinspector.bridge.kernel.KernelEvent;
import org.vfioinspector.bridge.kernel.KernelEvents;

/** The lab kernel's live events: delivered synchronously, in model order, on the calling thread. */
public final class LabEvents implements KernelEvents {
    private final List<Consumer<KernelEvent>> listeners = new CopyOnWriteArrayList<>();
    private final List<KernelEvent> history = new ArrayList<>();

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
        history.add(e);
        for (Consumer<KernelEvent> l : listeners) {
            l.accept(e);
        }
    }

    /** Every event since the kernel was created. */
    public synchronized List<KernelEvent> history() {
        return List.copyOf(history);
    }

    @Override
    public void close() {
        listeners.clear();
    }
}
