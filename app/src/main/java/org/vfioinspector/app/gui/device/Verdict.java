package org.vfioinspector.app.gui.device;

import java.util.Objects;
import org.vfioinspector.app.gui.common.Badge;

/**
 * One answer about one BAR (may it be mmapped? exported as a dma-buf? used for P2P?), with the kernel rule that
 * decided it.
 *
 * @param status yes, no, or unknown here
 * @param rule   the deciding rule, e.g. "vfio_pci_probe_mmaps: BAR >= PAGE_SIZE"; for unknown, why it is unknown
 * @param detail a sentence for the details pane
 * @param errno  the errno the kernel answers when it refuses ("EINVAL"), or null (allowed, unknown, or a refusal
 *               without an errno such as a SIGBUS)
 */
public record Verdict(Status status, String rule, String detail, String errno) {
    public enum Status {
        YES(Badge.Tone.GREEN), NO(Badge.Tone.RED), UNKNOWN(Badge.Tone.UNKNOWN);

        private final Badge.Tone tone;

        Status(Badge.Tone tone) {
            this.tone = tone;
        }

        public Badge.Tone tone() {
            return tone;
        }
    }

    public Verdict {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(detail, "detail");
    }

    public Verdict(Status status, String rule, String detail) {
        this(status, rule, detail, null);
    }

    public static Verdict unknown(String why) {
        return new Verdict(Status.UNKNOWN, why, why);
    }

    public boolean known() {
        return status != Status.UNKNOWN;
    }
}
