package org.vfioinspector.bridge.lab.scenario;

/**
 * The size limits of a YAML file (scenarios, exercises), checked in one linear pass before the parser runs: the
 * whole text, and each line (SnakeYAML's time grows with the square of one token's length, so one long line is a
 * hang, not a slow load).
 */
public final class YamlLimits {
    private YamlLimits() {
    }

    /**
     * Null when the text is within both limits; else {line, column} of the first excess (line 0 for the whole
     * text) and, at index 2, the excess length.
     */
    public static int[] check(String text, int maxChars, int maxLine) {
        if (text.length() > maxChars) {
            return new int[] {0, 0, text.length()};
        }
        int line = 1;
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == '\n') {
                if (i - start > maxLine) {
                    return new int[] {line, maxLine + 1, i - start};
                }
                line++;
                start = i + 1;
            }
        }
        return null;
    }

    /** What {@link #check} found, with the limit, as the docs state it. */
    public static String describe(int[] excess, int maxChars, int maxLine) {
        if (excess[0] == 0) {
            return "the file has " + excess[2] + " characters; the limit is " + (maxChars >> 20)
                    + " MiB: refused before parsing";
        }
        return "line " + excess[0] + " has " + excess[2] + " characters; the limit is " + (maxLine >> 10)
                + " KiB per line (write a long text over several lines): refused before parsing";
    }
}
