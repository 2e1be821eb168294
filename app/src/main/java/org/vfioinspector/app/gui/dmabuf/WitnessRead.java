package org.vfioinspector.app.gui.dmabuf;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.vfioinspector.app.gui.common.Badge;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.witness.DmaRead;

/**
 * One DMA read of the witness as the revocation view shows it: through which device, from which IOVA, what it
 * brought back, and the mappings and attachments it concerns (what the app had mapped at that IOVA).
 *
 * @param at       when the answer came
 * @param engine   the device whose DMA engine read
 * @param read     the bridge's record of the read
 * @param verdict  its meaning in a few words: "reached 0000:00:03.0 BAR2", "IOMMU fault", "use-after-free"
 * @param tone     green (reached a live peer), info (the IOMMU faulted: a revoke protects), red (reached a peer that
 *                 was unbound: use-after-free), warning (no data, other bytes), unknown
 * @param detail   the sentence behind it
 * @param concerns the tracked objects that map that IOVA (a type1 map, an attachment), possibly none
 */
public record WitnessRead(Instant at, PciAddress engine, DmaRead read, String verdict, Badge.Tone tone,
                          String detail, List<Tracked> concerns) {
    public WitnessRead {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(read, "read");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(tone, "tone");
        concerns = List.copyOf(concerns);
    }

    /** "DMA 0000:00:04.0 ← 0x100000": the witness lane this read belongs to. */
    public String lane() {
        return String.format("DMA %s ← 0x%x", engine, read.iova());
    }
}
