package org.vfioinspector.bridge.lab.scenario;

/** A scenario that cannot be loaded: FILE:LINE:COLUMN: what was found and what was expected. */
public final class ScenarioException extends LocatedException {
    private static final long serialVersionUID = 1L;

    public ScenarioException(String file, int line, int column, String problem, Throwable cause) {
        super(file, line, column, problem, cause);
    }
}
