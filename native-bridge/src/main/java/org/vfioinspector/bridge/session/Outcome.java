package org.vfioinspector.bridge.session;

import java.util.Objects;
import java.util.Optional;
import org.vfioinspector.bridge.kernel.KernelException;
import org.vfioinspector.bridge.kernel.SigbusException;

/**
 * The result of an operation whose failure is an expected answer, not an error: a BAR that cannot be mapped, a
 * region that cannot be exported, a read that faults. {@link #result()} is "ok", the errno name ("EINVAL") or
 * "SIGBUS", exactly as the probe contract prints it.
 *
 * @param <T> the value on success
 */
public final class Outcome<T> {
    private final T value;
    private final String result;
    private final KernelException failure;

    private Outcome(T value, String result, KernelException failure) {
        this.value = value;
        this.result = result;
        this.failure = failure;
    }

    public static <T> Outcome<T> ok(T value) {
        return new Outcome<>(value, "ok", null);
    }

    /** The failure as an outcome: its errno name, or "SIGBUS". */
    public static <T> Outcome<T> failed(KernelException e) {
        Objects.requireNonNull(e, "e");
        return new Outcome<>(null, e.errnoName(), e);
    }

    public boolean isOk() {
        return failure == null;
    }

    public boolean isSigbus() {
        return failure instanceof SigbusException;
    }

    /** "ok", "EINVAL", "SIGBUS", ... */
    public String result() {
        return result;
    }

    /** The value on success; null on failure (and for operations without a value). */
    public T value() {
        return value;
    }

    public Optional<KernelException> failure() {
        return Optional.ofNullable(failure);
    }

    /** The errno number of a failure (0 for ok or SIGBUS). */
    public int errno() {
        return failure == null ? 0 : failure.errno();
    }

    @Override
    public String toString() {
        return isOk() ? "ok(" + value + ")" : result;
    }
}
