package org.vfioinspector.bridge.sysfs;

import java.util.Objects;

/**
 * A sysfs file whose content is not what the kernel writes there. Carries the file (as the caller named it,
 * normally relative to the sysfs root), the text found and what was expected, so the operator sees all three.
 */
public final class SysfsFormatException extends RuntimeException {
    private final String file;
    private final String text;
    private final String expected;

    public SysfsFormatException(String file, String text, String expected) {
        super(file + ": found '" + abbreviate(Objects.requireNonNull(text, "text")) + "', expected " + expected);
        this.file = Objects.requireNonNull(file, "file");
        this.text = text;
        this.expected = Objects.requireNonNull(expected, "expected");
    }

    /** The file, as the reader named it. */
    public String file() {
        return file;
    }

    /** The text found (the whole file, or the offending line). */
    public String text() {
        return text;
    }

    /** What the parser expected, in words. */
    public String expected() {
        return expected;
    }

    private static String abbreviate(String text) {
        String oneLine = text.replace("\n", "\\n");
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
    }
}
