package org.vfioinspector.bridge.witness;

import java.util.List;
import java.util.Optional;

/**
 * What one DMA witness run saw, step by step.
 *
 * @param half     "type1" (the peer's BAR mmap in edu's container with VFIO_IOMMU_MAP_DMA) or "dma-buf" (the
 *                 peer's BAR exported and mapped with IOMMU_IOAS_MAP_FILE into edu's IOAS)
 * @param kernel   the kernel's own description
 * @param engine   the edu device whose DMA engine looks (BDF)
 * @param peer     the device whose BAR is looked at (BDF)
 * @param peerBar  the BAR index
 * @param peerIova where the peer's BAR page is mapped in edu's domain
 * @param ramIova  where the witness's two RAM pages are mapped (fill pattern, copy-out)
 * @param expected the peer BAR's first bytes as its own mapping read them before any DMA (hex)
 * @param steps    every step, in order
 * @param error    why the run stopped early, or null when it ran to the end
 */
public record WitnessReport(String half, String kernel, String engine, String peer, int peerBar, long peerIova,
        long ramIova, String expected, List<WitnessStep> steps, String error) {
    public static final String TYPE1 = "type1";
    public static final String DMA_BUF = "dma-buf";

    public WitnessReport {
        steps = List.copyOf(steps);
    }

    public Optional<WitnessStep> step(String id) {
        return steps.stream().filter(s -> s.id().equals(id)).findFirst();
    }

    /** Whether the look {@code id} ran and reached the peer's BAR. */
    public boolean reached(String id) {
        return step(id).map(s -> s.reach() == WitnessStep.Reach.REACHED).orElse(false);
    }

    /** The answer of step {@code id} ("ok", an errno name, "skipped: ..."), or "not run". */
    public String answer(String id) {
        return step(id).map(WitnessStep::answer).orElse("not run");
    }

    /** One line: what the run shows. */
    public String verdict() {
        if (error != null) {
            return "the witness stopped: " + error;
        }
        if (half.equals(TYPE1)) {
            return reached(DmaWitness.REACH_AFTER_UNBIND)
                    ? "use-after-free: edu's DMA still reached " + peer + "'s BAR after " + peer + " was unbound"
                    : "edu's DMA no longer reached " + peer + "'s BAR after the unbind";
        }
        boolean revoked = !reached(DmaWitness.REACH_MEMORY_OFF) && !reached(DmaWitness.REACH_CLOSED);
        return revoked && reached(DmaWitness.REACH_MAPPED) && reached(DmaWitness.REACH_REMAPPED)
                ? "revoked: edu's DMA reached " + peer + "'s BAR through the dma-buf, faulted after each revoke, and "
                        + "reached again after a new map"
                : "the dma-buf did not behave as a revocable mapping: see the steps";
    }
}
