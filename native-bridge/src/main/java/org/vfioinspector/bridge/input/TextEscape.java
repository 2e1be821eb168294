package org.vfioinspector.bridge.input;

/**
 * The one escaping of outside text (sysfs names and values, pci.ids names, file contents in messages) for a terminal
 * or a text report: control characters (C0, DEL, C1), line and paragraph separators and bidirectional overrides are
 * written as {@code \n}, {@code \x1b}, {@code \u202e}, so a driver name with a newline cannot add a forged line and
 * an escape sequence cannot reach the terminal. A backslash is doubled, so the escaping is unambiguous.
 */
public final class TextEscape {
    private TextEscape() {
    }

    /** {@code s} with every character that could move the cursor, start a line or reorder text escaped. */
    public static String escape(String s) {
        int i = 0;
        while (i < s.length() && !needsEscape(s.charAt(i))) {
            i++;
        }
        if (i == s.length()) {
            return s; // the common case: nothing to do, no copy
        }
        StringBuilder b = new StringBuilder(s.length() + 16).append(s, 0, i);
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!needsEscape(c)) {
                b.append(c);
            } else if (c == '\\') {
                b.append("\\\\");
            } else if (c == '\n') {
                b.append("\\n");
            } else if (c == '\r') {
                b.append("\\r");
            } else if (c == '\t') {
                b.append("\\t");
            } else if (c < 0x100) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(String.format("\\u%04x", (int) c));
            }
        }
        return b.toString();
    }

    private static boolean needsEscape(char c) {
        return c < 0x20 || c == '\\' || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029'
                || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069') || c == '\u200e'
                || c == '\u200f' || c == '\u061c';
    }
}
