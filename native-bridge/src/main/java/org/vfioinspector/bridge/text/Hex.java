package org.vfioinspector.bridge.text;

/**
 * Hex numbers zero-padded, by hand: {@code String.format} parses its pattern on every call, and a 10,000-function host
 * formats hundreds of thousands of them (its lab tree's files, {@code list --json}'s IDs).
 */
public final class Hex {
    private Hex() {
    }

    /** {@code String.format("%0Nx", v)}: {@code v} unsigned, lower case, at least {@code digits} digits. */
    public static String padded(long v, int digits) {
        String h = Long.toHexString(v);
        if (h.length() >= digits) {
            return h;
        }
        StringBuilder b = new StringBuilder(digits);
        for (int i = h.length(); i < digits; i++) {
            b.append('0');
        }
        return b.append(h).toString();
    }

    /** {@code String.format("%0Nx", v)} of an int: its 32 bits unsigned, as Formatter prints a negative int. */
    public static String padded(int v, int digits) {
        return padded(Integer.toUnsignedLong(v), digits);
    }
}
