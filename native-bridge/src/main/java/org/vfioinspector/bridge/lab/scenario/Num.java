package org.vfioinspector.bridge.lab.scenario;

import java.math.BigInteger;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A number in a scenario: a YAML integer, or a string in hex ("0xfea00000") or with a binary unit ("1M", "16K",
 * "32G", "256T"; K = 1024).
 */
public record Num(long value) {
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Num of(long v) {
        return new Num(v);
    }

    /**
     * An unquoted number above {@code Long.MAX_VALUE}: a 64-bit address such as 0xfffffffff0000000 is a YAML integer
     * too, kept as its unsigned 64 bits.
     */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Num of(BigInteger v) {
        if (v.signum() < 0 || v.bitLength() > 64) {
            throw new IllegalArgumentException("'" + v + "' does not fit 64 bits; expected a number from "
                    + Long.MIN_VALUE + " to 0xffffffffffffffff");
        }
        return new Num(v.longValue());
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Num parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT).replace("_", "");
        try {
            if (t.startsWith("0x")) {
                return new Num(Long.parseUnsignedLong(t.substring(2), 16));
            }
            long mul = 1;
            if (t.endsWith("ib")) {
                t = t.substring(0, t.length() - 2);
            } else if (t.endsWith("b") && t.length() > 1 && !Character.isDigit(t.charAt(t.length() - 2))) {
                t = t.substring(0, t.length() - 1);
            }
            if (!t.isEmpty()) {
                switch (t.charAt(t.length() - 1)) {
                    case 'k': mul = 1L << 10; break;
                    case 'm': mul = 1L << 20; break;
                    case 'g': mul = 1L << 30; break;
                    case 't': mul = 1L << 40; break;
                    case 'p': mul = 1L << 50; break;
                    default: mul = 1;
                }
                if (mul != 1) {
                    t = t.substring(0, t.length() - 1);
                }
            }
            return new Num(Math.multiplyExact(Long.parseLong(t.trim()), mul));
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is not a number; expected an integer, hex (0xfea00000) "
                    + "or a size with a unit (256, 4K, 1M, 32G, 256T)", e);
        }
    }

    @JsonValue
    public long json() {
        return value;
    }
}
