package org.vfioinspector.bridge.exercise;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.vfioinspector.bridge.journal.Activity;

/**
 * One record a check looks for: a host opened, an action with the kernel's answer, or a kernel event, with
 * conditions on its fields. A condition is a literal ("ok"), alternatives ("EINVAL|EOPNOTSUPP"), a negation
 * ("!ok": present and different), "*" (present), a variable ("$dev": binds on first use, must be equal after) or a
 * negated variable ("!$profile": bound, and different).
 *
 * @param type       HOST, ACTION or EVENT
 * @param operation  "open" (HOST), the action ("mmap", "export", ...) or the event ("revoke", ...)
 * @param conditions by field: "result", "device", "region", "facts.NAME", "hostFacts.NAME" (the facts of the
 *                   host that was open when the record was made); "a&b" means both conditions
 * @param after      indexes of earlier expectations of the same check that this record must come after (for
 *                   checks that are not ordered as a whole: a kernel's events may be recorded before or after the
 *                   answer to the action that caused them)
 */
public record Expect(Activity.Type type, String operation, Map<String, String> conditions, List<Integer> after) {
    public Expect {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(operation, "operation");
        // in the order written: a variable is bound by an earlier condition before a later one compares with it
        conditions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(conditions));
        after = after == null ? List.of() : List.copyOf(after);
    }

    /** The fields a condition may name, besides "facts.*" and "hostFacts.*". */
    public static final List<String> FIELDS = List.of("result", "device", "region");

    /**
     * Whether {@code a} meets every condition given {@code bound}; on success the returned map is {@code bound} plus
     * the variables this record binds.
     */
    Optional<Map<String, String>> match(Activity a, Map<String, String> hostFacts, Map<String, String> bound) {
        if (a.type() != type || !a.operation().equals(operation)) {
            return Optional.empty();
        }
        Map<String, String> out = new LinkedHashMap<>(bound);
        for (Map.Entry<String, String> c : conditions.entrySet()) {
            String value = value(a, hostFacts, c.getKey());
            if (!meets(c.getValue(), value, out)) {
                return Optional.empty();
            }
        }
        return Optional.of(out);
    }

    private static String value(Activity a, Map<String, String> hostFacts, String field) {
        if (field.startsWith("facts.")) {
            return a.facts().get(field.substring("facts.".length()));
        }
        if (field.startsWith("hostFacts.")) {
            return hostFacts.get(field.substring("hostFacts.".length()));
        }
        return switch (field) {
            case "result" -> a.result();
            case "device" -> a.device() == null ? null : a.device().toString();
            case "region" -> a.region() < 0 ? null : Integer.toString(a.region());
            default -> throw new IllegalStateException("unknown field " + field);
        };
    }

    private static boolean meets(String conditions, String value, Map<String, String> vars) {
        for (String c : conditions.split("&")) {
            if (!meetsOne(c, value, vars)) {
                return false;
            }
        }
        return true;
    }

    private static boolean meetsOne(String condition, String value, Map<String, String> vars) {
        if (value == null) {
            return false;
        }
        if (condition.startsWith("!$")) {
            String bound = vars.get(condition.substring(2));
            return bound != null && !bound.equals(value);
        }
        if (condition.startsWith("$")) {
            String name = condition.substring(1);
            String bound = vars.get(name);
            if (bound == null) {
                vars.put(name, value);
                return true;
            }
            return bound.equals(value);
        }
        if (condition.equals("*")) {
            return true;
        }
        if (condition.startsWith("!")) {
            return !List.of(condition.substring(1).split("\\|")).contains(value);
        }
        return List.of(condition.split("\\|")).contains(value);
    }

    /** "ACTION export result=EINVAL device=$dev" for messages and reports. */
    public String describe() {
        return (type + " " + operation + " " + (after.isEmpty() ? "" : "after " + after + " ") + conditions.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" "))).strip();
    }
}
