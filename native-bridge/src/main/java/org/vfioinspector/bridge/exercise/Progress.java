package org.vfioinspector.bridge.exercise;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How far a student got in one exercise: the steps passed, each with when, by what records (the evidence), and the
 * variables it bound (the device, the BAR, the dma-buf) so that later steps, even after a restart, refer to the same
 * things. Kept in the state directory by {@link ProgressStore}.
 *
 * @param exercise the exercise's name
 * @param passed   the steps passed, in the order they passed
 */
public record Progress(String exercise, List<StepPass> passed) {
    public Progress {
        Objects.requireNonNull(exercise, "exercise");
        passed = passed == null ? List.of() : List.copyOf(passed);
    }

    /**
     * One step passed.
     *
     * @param step     0-based step index
     * @param title    the step's title when it passed
     * @param at       ISO-8601 instant of the last record that met it
     * @param evidence one line per record that met the check
     * @param bindings the variables bound by then
     */
    public record StepPass(int step, String title, String at, List<String> evidence, Map<String, String> bindings) {
        public StepPass {
            evidence = evidence == null ? List.of() : List.copyOf(evidence);
            bindings = bindings == null ? Map.of() : Map.copyOf(bindings);
        }
    }

    public static Progress fresh(String exercise) {
        return new Progress(exercise, List.of());
    }

    public Optional<StepPass> pass(int step) {
        return passed.stream().filter(p -> p.step() == step).findFirst();
    }

    public boolean passed(int step) {
        return pass(step).isPresent();
    }

    /** The variables bound by every step passed so far. */
    public Map<String, String> bindings() {
        Map<String, String> b = new LinkedHashMap<>();
        passed.forEach(p -> b.putAll(p.bindings()));
        return b;
    }

    public Progress with(StepPass p) {
        List<StepPass> l = new ArrayList<>(passed);
        l.removeIf(x -> x.step() == p.step());
        l.add(p);
        return new Progress(exercise, l);
    }
}
