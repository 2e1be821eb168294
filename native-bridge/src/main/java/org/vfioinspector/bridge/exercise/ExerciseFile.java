package org.vfioinspector.bridge.exercise;

import java.util.List;
import java.util.Map;

/** An exercise file as written (format 1), before validation; see docs/exercise-format.md. */
record ExerciseFile(Integer format, String name, String title, String scenario, String intro, RealHost realHost,
                    List<StepFile> steps) {

    /** What a real host needs for the exercise to run there. */
    record RealHost(String needs, List<DeviceFile> devices, Boolean distinctGroups) {
    }

    /** One device a real host must have. */
    record DeviceFile(String driver, String id, Object barMaxSize, Object barMinSize) {
    }

    record StepFile(String title, String instructions, String hint, Boolean ordered, Boolean afterPrevious,
                    List<ExpectFile> check) {
    }

    /** One record the check looks for; exactly one of host, action, event. */
    record ExpectFile(String host, String action, String event, String result, String device, Object region,
                      Map<String, Object> facts, Map<String, Object> hostFacts, Object after) {
    }
}
