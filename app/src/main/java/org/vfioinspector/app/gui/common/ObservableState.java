package org.vfioinspector.app.gui.common;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import javafx.application.Platform;
import javafx.beans.value.ObservableValueBase;

/**
 * A thread-safe state holder (Cryptomator's {@code VaultState}): any thread may move it, listeners are always
 * told on the FX thread. A kernel-side event moving a dma-buf from ACTIVE to REVOKED is exactly this problem.
 *
 * @param <S> the state type
 */
public final class ObservableState<S> extends ObservableValueBase<S> {
    private final AtomicReference<S> value;

    public ObservableState(S initial) {
        this.value = new AtomicReference<>(Objects.requireNonNull(initial, "initial"));
    }

    @Override
    public S getValue() {
        return value.get();
    }

    /** Moves from {@code from} to {@code to}; false (and no change) when another thread moved it first. */
    public boolean transition(S from, S to) {
        Objects.requireNonNull(to, "to");
        if (value.compareAndSet(from, to)) {
            fire();
            return true;
        }
        return false;
    }

    /** Sets the state unconditionally; returns the previous one. */
    public S set(S to) {
        S old = value.getAndSet(Objects.requireNonNull(to, "to"));
        if (!old.equals(to)) {
            fire();
        }
        return old;
    }

    private void fire() {
        if (Platform.isFxApplicationThread()) {
            fireValueChangedEvent();
        } else {
            Platform.runLater(this::fireValueChangedEvent);
        }
    }
}
