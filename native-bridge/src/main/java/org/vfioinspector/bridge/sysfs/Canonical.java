package org.vfioinspector.bridge.sysfs;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One instance per distinct value read in one scan. A host repeats a few values across its devices: a driver's name,
 * revisions and subsystem IDs, a bridge's address in the upstream chain of every device below it, the same pci.ids
 * names and config space for each function of one model, a group's reserved regions. With 10,000 functions the
 * inventory held ~100,000 copies of them (BENCHMARKS.md, ninth round); shared, they are held once. Only immutable
 * values go in (records, {@code List.copyOf}, {@code Optional}). Thread-safe: devices are read in parallel. Lives as
 * long as the scan.
 */
final class Canonical {
    private final ConcurrentHashMap<Object, Object> seen;

    /** @param expected about how many distinct values the scan will see (sized once: no resize while it reads) */
    Canonical(int expected) {
        seen = new ConcurrentHashMap<>(Math.max(16, expected));
    }

    Canonical() {
        this(16);
    }

    /** The first value seen equal to {@code value}, or {@code value} itself when it is the first. */
    @SuppressWarnings("unchecked")
    <T> T of(T value) {
        if (value instanceof Optional<?> o && o.isEmpty()) {
            return value; // the one empty Optional already (most of a device's optional files are absent)
        }
        Object first = seen.get(value); // lock-free; most values were seen before
        if (first == null) {
            first = seen.putIfAbsent(value, value);
        }
        return first == null ? value : (T) first;
    }
}
