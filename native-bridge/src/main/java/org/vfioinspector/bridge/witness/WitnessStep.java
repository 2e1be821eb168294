package org.vfioinspector.bridge.witness;

import java.util.Objects;

/**
 * One step of a DMA witness run: a kernel call and its answer, or a look (edu's DMA from the peer's IOVA, its
 * buffer copied out to RAM) and what it saw.
 *
 * @param id     a stable key ("map-dma", "reach-after-unbind", ...) that tests and views look steps up by
 * @param action what was done, in the kernel's words
 * @param answer "ok", the errno name ("ENODEV"), or "skipped: why"
 * @param detail the failure's message or what a skip means; null when there is nothing to add
 * @param reach  for a look: whether the DMA reached the peer's BAR; null for a kernel call
 * @param seen   for a look: the bytes edu's buffer held after the DMA (hex); null for a kernel call
 * @param expected for a look: the peer's bytes it was compared with (they may change with a reset); else null
 */
public record WitnessStep(String id, String action, String answer, String detail, Reach reach, String seen,
        String expected) {
    /** What a look saw. */
    public enum Reach {
        /** edu's buffer held exactly the peer BAR's bytes. */
        REACHED,
        /** It held anything else: the fill pattern (no data arrived) or the zeros of a faulted read. */
        NOT_REACHED;

        /** "reached" / "not-reached", as the JSON and views spell it. */
        public String key() {
            return this == REACHED ? "reached" : "not-reached";
        }
    }

    public WitnessStep {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(answer, "answer");
        if ((reach == null) != (seen == null) || (reach == null) != (expected == null)) {
            throw new IllegalArgumentException("a look has reach, seen and expected bytes, a call none of them");
        }
    }

    public boolean isLook() {
        return reach != null;
    }

    public boolean ok() {
        return answer.equals("ok");
    }
}
