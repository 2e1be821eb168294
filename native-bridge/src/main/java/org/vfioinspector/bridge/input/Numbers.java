package org.vfioinspector.bridge.input;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one parser of numbers from outside (sysfs names, scenario and exercise fields): every number is checked
 * against the range its field allows before it is used, so "99999999999" is an error that says which range was
 * expected, never a NumberFormatException, an overflow or a silently wrapped value. Callers name the file or field.
 */
public final class Numbers {
    private static final Pattern DECIMAL = Pattern.compile("-?[0-9]+");
    private static final Pattern SIZE = Pattern.compile("([0-9]+)\\s*([kmgtp]?)(i?b)?");

    private Numbers() {
    }

    /** A number outside its field's range, or not a number: the message says what was expected. */
    public static final class OutOfRange extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        OutOfRange(String message) {
            super(message);
        }
    }

    /**
     * A decimal integer from {@code min} to {@code max}.
     *
     * @throws OutOfRange naming the text and the range
     */
    public static long decimal(String text, long min, long max) {
        if (text == null || !DECIMAL.matcher(text).matches()) {
            throw new OutOfRange("'" + text + "' is not a decimal number; expected " + range(min, max));
        }
        long v;
        try {
            v = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new OutOfRange("'" + text + "' is out of range; expected " + range(min, max));
        }
        return check(text, v, min, max);
    }

    /** {@link #decimal} for an {@code int} field. */
    public static int decimalInt(String text, int min, int max) {
        return (int) decimal(text, min, max);
    }

    /**
     * A byte count: decimal digits with an optional binary unit (K, M, G, T, P; K = 1024; "KiB", "KB" too), from
     * {@code min} to {@code max}.
     *
     * @throws OutOfRange naming the text and the range, also when the value does not fit 64 bits
     */
    public static long size(String text, long min, long max) {
        Matcher m = text == null ? null : SIZE.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (m == null || !m.matches() || (m.group(2).isEmpty() && m.group(3) != null && m.group(3).startsWith("i"))) {
            throw new OutOfRange("'" + text + "' is not a size; expected bytes (4096) or a number with K, M, G, T "
                    + "or P (4K), " + range(min, max));
        }
        int shift = switch (m.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            case "p" -> 50;
            default -> 0;
        };
        long v;
        try {
            v = Math.multiplyExact(Long.parseLong(m.group(1)), 1L << shift);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new OutOfRange("'" + text + "' does not fit 64 bits; expected " + range(min, max));
        }
        return check(text, v, min, max);
    }

    private static long check(String text, long v, long min, long max) {
        if (v < min || v > max) {
            throw new OutOfRange("'" + text + "' is out of range; expected " + range(min, max));
        }
        return v;
    }

    private static String range(long min, long max) {
        return "a number from " + min + " to " + max;
    }
}
