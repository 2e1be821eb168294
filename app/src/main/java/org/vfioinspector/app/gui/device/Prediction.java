package org.vfioinspector.app.gui.device;

import java.util.Objects;
import org.vfioinspector.app.gui.common.Badge;

/**
 * What the kernel will answer to a try-it action, said before it is pressed: a short answer for the badge beside the
 * button ("EINVAL", "ok, reads SIGBUS", "IOMMU fault") and the rule behind it.
 *
 * @param answer the short answer (fits the badge beside the button)
 * @param tone   green (allowed), red (refused, or a hazard), warning (allowed with a catch), info (an IOMMU fault: the
 *               protection working), unknown
 * @param why    the deciding rule, "kernel_function: condition"
 */
public record Prediction(String answer, Badge.Tone tone, String why) {
    public Prediction {
        Objects.requireNonNull(answer, "answer");
        Objects.requireNonNull(tone, "tone");
        Objects.requireNonNull(why, "why");
    }

    public static Prediction ok(String answer, String why) {
        return new Prediction(answer, Badge.Tone.GREEN, why);
    }

    public static Prediction refused(String answer, String why) {
        return new Prediction(answer, Badge.Tone.RED, why);
    }

    public static Prediction caught(String answer, String why) {
        return new Prediction(answer, Badge.Tone.WARNING, why);
    }

    public static Prediction unknown(String answer, String why) {
        return new Prediction(answer, Badge.Tone.UNKNOWN, why);
    }

    /** Nothing to predict: the panel cannot even ask (no BAR selected, no importer chosen). */
    public static Prediction none(String why) {
        return new Prediction("—", Badge.Tone.UNKNOWN, why);
    }
}
