package org.vfioinspector.bridge.rules;

import java.util.Optional;

import org.vfioinspector.bridge.kernel.Errno;

/**
 * An answer of the rules: allowed, refused (with the errno where the kernel returns one) or unknown (the facts
 * needed are not available), always with the rule that decided it.
 */
public record Verdict(Outcome outcome, Rule rule) {
    /** yes / no / unknown. */
    public enum Outcome {
        YES, NO, UNKNOWN
    }

    public static Verdict yes(String function, String condition) {
        return new Verdict(Outcome.YES, new Rule(function, condition, null));
    }

    public static Verdict no(String function, String condition, Errno errno) {
        return new Verdict(Outcome.NO, new Rule(function, condition, errno));
    }

    public static Verdict unknown(String function, String condition) {
        return new Verdict(Outcome.UNKNOWN, new Rule(function, condition, null));
    }

    public boolean allowed() {
        return outcome == Outcome.YES;
    }

    public boolean refused() {
        return outcome == Outcome.NO;
    }

    public Optional<Errno> errno() {
        return rule.errnoIfAny();
    }

    /** "ok", the errno name, "refused" (no errno) or "unknown". */
    public String result() {
        switch (outcome) {
            case YES:
                return "ok";
            case NO:
                return rule.errno() == null ? "refused" : rule.errno().name();
            default:
                return "unknown";
        }
    }

    @Override
    public String toString() {
        return result() + " (" + rule.describe() + ")";
    }
}
