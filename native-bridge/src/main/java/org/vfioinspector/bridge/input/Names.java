package org.vfioinspector.bridge.input;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The one validator of names that become path components (a scenario's driver names, device and group directory
 * names): a name is one component, never a path. "../x", "/tmp/x", "." and names with a slash, NUL or control
 * characters are refused, so nothing written from a scenario or an exercise lands outside its own tree.
 */
public final class Names {
    /** What the kernel accepts as a driver or module name, and more than any sysfs directory name needs. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.:+-]{0,63}");

    /** What a valid name looks like, for error messages. */
    public static final String EXPECTED = "a name of up to 64 letters, digits, '_', '.', ':', '+' or '-' (not a path: "
            + "no '/', not '.' or '..')";

    private Names() {
    }

    /** Whether {@code name} is one safe path component. */
    public static boolean isName(String name) {
        return name != null && NAME.matcher(name).matches() && !name.equals(".") && !name.equals("..");
    }

    /**
     * {@code dir/name} for a validated name.
     *
     * @throws IllegalArgumentException the name is not one safe component (the message says what was expected)
     */
    public static Path child(Path dir, String name) {
        if (!isName(name)) {
            throw new IllegalArgumentException("'" + TextEscape.escape(String.valueOf(name)) + "' is not " + EXPECTED);
        }
        Path p = dir.resolve(name);
        if (!dir.equals(p.getParent())) { // belt and braces: the pattern already rules this out
            throw new IllegalArgumentException("'" + name + "' is not " + EXPECTED);
        }
        return p;
    }
}
