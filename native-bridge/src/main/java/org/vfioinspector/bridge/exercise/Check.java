package org.vfioinspector.bridge.exercise;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.vfioinspector.bridge.journal.Activity;

/**
 * A step's check: records that must all be in the session's activity, with consistent variables, in the order
 * given when {@code ordered}. It is met by what was recorded (the student's actions with the kernel's answers, and
 * the kernel's events), nothing else.
 */
public record Check(List<Expect> expects, boolean ordered) {
    public Check {
        expects = List.copyOf(expects);
    }

    /**
     * How a check was met: the variables bound and the records that met each expectation, in the check's order.
     */
    public record Met(Map<String, String> bindings, List<Activity> evidence) {
        public Met {
            bindings = Map.copyOf(bindings);
            evidence = List.copyOf(evidence);
        }
    }

    /**
     * Evaluates the check on {@code window} (records in sequence order), starting from {@code bound} (the variables
     * of earlier steps). {@code hostOf} gives, per record, the facts of the host that was open when it was made.
     */
    public Optional<Met> evaluate(List<Activity> window, Map<Long, Map<String, String>> hostOf,
                                  Map<String, String> bound) {
        List<Activity> picked = new ArrayList<>();
        Map<String, String> result = search(0, window, hostOf, bound, picked, new boolean[window.size()], -1);
        return result == null ? Optional.empty() : Optional.of(new Met(result, picked));
    }

    /** Depth-first: the earliest records that meet the expectations from {@code i} on. */
    private Map<String, String> search(int i, List<Activity> window, Map<Long, Map<String, String>> hostOf,
                                       Map<String, String> bound, List<Activity> picked, boolean[] used, int after) {
        if (i == expects.size()) {
            return bound;
        }
        Expect e = expects.get(i);
        for (int j = ordered ? after + 1 : 0; j < window.size(); j++) {
            if (used[j]) {
                continue;
            }
            Activity a = window.get(j);
            if (!e.after().stream().allMatch(k -> picked.get(k).seq() < a.seq())) {
                continue;
            }
            Optional<Map<String, String>> m = e.match(a, hostOf.getOrDefault(a.seq(), new HashMap<>()), bound);
            if (m.isEmpty()) {
                continue;
            }
            used[j] = true;
            picked.add(a);
            Map<String, String> r = search(i + 1, window, hostOf, m.get(), picked, used, j);
            if (r != null) {
                return r;
            }
            picked.remove(picked.size() - 1);
            used[j] = false;
        }
        return null;
    }

    /** Per record, the facts of the host open when it was made (the last HOST record at or before it). */
    public static Map<Long, Map<String, String>> hostFacts(List<Activity> entries) {
        Map<Long, Map<String, String>> out = new HashMap<>();
        Map<String, String> current = Map.of();
        for (Activity a : entries) {
            if (a.type() == Activity.Type.HOST) {
                current = a.facts();
            }
            out.put(a.seq(), current);
        }
        return out;
    }
}
