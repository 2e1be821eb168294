package org.vfioinspector.bridge.lab.scenario;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a Jackson error means for someone editing a YAML file (scenarios, exercises): the line and column of the
 * offending node (found by its path, which is more exact than the parser's position) and what was expected.
 *
 * @param line   1-based, 0 when unknown
 * @param column 1-based, 0 when unknown
 * @param what   e.g. "unknown key 'sise' at devices[0].bars[1]; expected one of [index, kind, size]"
 */
public record YamlProblem(int line, int column, String what) {
    /**
     * @param text     the document (to locate the node by its path)
     * @param e        Jackson's error
     * @param typeName how to name an expected type to a user ("a list", "an integer", ...)
     */
    public static YamlProblem of(String text, JsonProcessingException e, Function<Class<?>, String> typeName) {
        JsonLocation loc = e.getLocation();
        int line = loc == null ? 0 : loc.getLineNr();
        int col = loc == null ? 0 : loc.getColumnNr();
        String path = "";
        if (e instanceof JsonMappingException m) {
            path = m.getPath().stream().map(r -> r.getFieldName() != null ? "." + r.getFieldName()
                    : "[" + r.getIndex() + "]").collect(Collectors.joining());
            path = path.startsWith(".") ? path.substring(1) : path;
            if (!path.isEmpty()) {
                int[] lc = new LocationIndex(text).at(path);
                if (lc[0] > 0) { // else keep Jackson's location
                    line = lc[0];
                    col = lc[1];
                }
            }
        }
        String what;
        if (e instanceof UnrecognizedPropertyException u) {
            what = "unknown key '" + u.getPropertyName() + "'" + (path.isEmpty() ? "" : " at " + path)
                    + "; expected one of " + u.getKnownPropertyIds().stream().map(Object::toString).sorted()
                    .collect(Collectors.toList());
        } else if (e instanceof ValueInstantiationException v && v.getCause() != null) {
            what = path + ": " + v.getCause().getMessage();
        } else if (e instanceof InvalidFormatException f) {
            what = path + ": '" + f.getValue() + "' is not a valid " + f.getTargetType().getSimpleName();
        } else if (e instanceof com.fasterxml.jackson.databind.exc.InvalidNullException) {
            what = (path.isEmpty() ? "" : path + ": ") + "an empty entry; expected a value";
        } else if (e instanceof MismatchedInputException mi) {
            String type = mi.getTargetType() == null ? "a value" : typeName.apply(mi.getTargetType());
            what = (path.isEmpty() ? "" : path + ": ") + "wrong type; expected " + type;
        } else if (e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field '")) {
            // later keys silently replaced earlier ones (a whole device list could disappear): refused by name
            String key = e.getOriginalMessage().substring("Duplicate field '".length()).replaceAll("'.*", "");
            what = "duplicate key '" + key + "'; expected each key once in a mapping";
        } else {
            what = "YAML syntax error: " + e.getOriginalMessage();
        }
        return new YamlProblem(line, col, what);
    }
}
