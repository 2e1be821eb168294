package org.vfioinspector.bridge.conformance;

/**
 * One case of the kernel-level conformance suite and how it came out.
 *
 * @param name   "dmabuf-edge-cases"
 * @param status PASS, FAIL, or SKIP (the kernel or the host cannot run it)
 * @param detail what was checked, why it failed, or why it was skipped; never empty for FAIL and SKIP
 */
public record ConformanceCase(String name, Status status, String detail) {
    public enum Status {
        PASS, FAIL, SKIP
    }

    public ConformanceCase {
        if (status != Status.PASS && (detail == null || detail.isBlank())) {
            throw new IllegalArgumentException(name + ": a " + status + " needs a reason");
        }
    }
}
