package org.vfioinspector.bridge.exercise;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.vfioinspector.bridge.journal.Activity;

/**
 * One exercise being worked on: its progress, and the part of the session's activity that counts (the records
 * after {@code windowStart}, i.e. since the exercise was started or its scenario reset in this session). Steps are
 * checked in order: the first step not yet passed is evaluated with the variables the earlier steps bound; when it
 * is met the next one is tried at once on the same records. Not thread-safe: one owner.
 */
public final class ExerciseRun {
    private final Exercise exercise;
    private Progress progress;
    private long windowStart;
    /** The last record of each step passed in this session (steps passed in an earlier run have none). */
    private final Map<Integer, Long> lastSeq = new java.util.HashMap<>();

    public ExerciseRun(Exercise exercise, Progress progress, long windowStart) {
        this.exercise = exercise;
        this.progress = progress;
        this.windowStart = windowStart;
    }

    public Exercise exercise() {
        return exercise;
    }

    public Progress progress() {
        return progress;
    }

    /** Starts again: no step passed, only records after {@code seq} count. */
    public void reset(long seq) {
        progress = Progress.fresh(exercise.name());
        windowStart = seq;
        lastSeq.clear();
    }

    /** The first step not passed yet, or the number of steps when all passed. */
    public int current() {
        for (int i = 0; i < exercise.steps().size(); i++) {
            if (!progress.passed(i)) {
                return i;
            }
        }
        return exercise.steps().size();
    }

    public boolean done() {
        return current() == exercise.steps().size();
    }

    /** The records that count, from the whole session's {@code entries}. */
    public List<Activity> window(List<Activity> entries) {
        return entries.stream().filter(a -> a.seq() > windowStart).toList();
    }

    /** Evaluates the pending steps on the session's {@code entries}; returns the steps that passed now. */
    public List<Progress.StepPass> update(List<Activity> entries) {
        List<Activity> window = window(entries);
        Map<Long, Map<String, String>> hosts = Check.hostFacts(entries);
        List<Progress.StepPass> now = new ArrayList<>();
        while (!done()) {
            int i = current();
            Exercise.Step step = exercise.steps().get(i);
            long from = step.afterPrevious() && i > 0 ? lastSeq.getOrDefault(i - 1, windowStart) : windowStart;
            List<Activity> w = from == windowStart ? window : window.stream().filter(a -> a.seq() > from).toList();
            Optional<Check.Met> met = step.check().evaluate(w, hosts, progress.bindings());
            if (met.isEmpty()) {
                break;
            }
            List<Activity> ev = met.get().evidence();
            Activity last = ev.stream().max(java.util.Comparator.comparingLong(Activity::seq)).orElseThrow();
            Progress.StepPass p = new Progress.StepPass(i, step.title(), last.at().toString(),
                    ev.stream().map(ExerciseRun::evidence).toList(), met.get().bindings());
            progress = progress.with(p);
            lastSeq.put(i, last.seq());
            now.add(p);
        }
        return now;
    }

    /** One line for a record: "#7 ACTION export 0000:00:05.0 BAR0 → EINVAL: detail". */
    public static String evidence(Activity a) {
        StringBuilder s = new StringBuilder("#").append(a.seq()).append(' ').append(a.type()).append(' ')
                .append(a.operation());
        if (a.device() != null) {
            s.append(' ').append(a.device());
        }
        if (a.region() >= 0) {
            s.append(a.region() == 6 ? " ROM" : " BAR" + a.region());
        }
        s.append(" → ").append(a.result());
        if (!a.detail().isEmpty()) {
            s.append(": ").append(a.detail());
        }
        return s.toString();
    }
}
