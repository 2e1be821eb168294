package org.vfioinspector.bridge.exercise;

import org.vfioinspector.bridge.lab.scenario.LocatedException;

/** An exercise that cannot be loaded: FILE:LINE:COLUMN: what was found and what was expected. */
public final class ExerciseException extends LocatedException {
    private static final long serialVersionUID = 1L;

    public ExerciseException(String file, int line, int column, String problem, Throwable cause) {
        super(file, line, column, problem, cause);
    }
}
