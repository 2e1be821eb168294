package org.vfioinspector.bridge.rules;

import java.util.Objects;
import java.util.Optional;

import org.vfioinspector.bridge.kernel.Errno;

/**
 * The kernel rule that decided a verdict: the kernel function and the condition, in words a user can read, plus
 * the errno the kernel returns when the rule refuses.
 *
 * @param function  the kernel function, e.g. "vfio_pci_probe_mmaps"
 * @param condition what was found and what it means, e.g. "BAR is not IORESOURCE_MEM (I/O port BAR) → not mmappable"
 * @param errno     the errno returned, or null when the rule allows (or the kernel returns no errno)
 */
public record Rule(String function, String condition, Errno errno) {
    public Rule {
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(condition, "condition");
    }

    public Optional<Errno> errnoIfAny() {
        return Optional.ofNullable(errno);
    }

    /** "vfio_pci_core_mmap: index ≥ ROM (ROM, config, VGA cannot be mmapped) → -EINVAL". */
    public String describe() {
        return function + ": " + condition + (errno == null ? "" : " → -" + errno.name());
    }

    @Override
    public String toString() {
        return describe();
    }
}
