package org.vfioinspector.bridge.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class HexTest {
    /** The oracle: String.format's "%0Nx", for longs and ints (negative ints as their 32 bits). */
    @Test
    void asFormatPrintsIt() {
        Random r = new Random(13);
        for (int i = 0; i < 100_000; i++) {
            int digits = 1 + r.nextInt(18);
            long l = r.nextInt(4) == 0 ? r.nextLong() : r.nextLong() >>> r.nextInt(64);
            assertEquals(String.format("%0" + digits + "x", l), Hex.padded(l, digits), Long.toHexString(l));
            int v = r.nextInt(4) == 0 ? r.nextInt() : r.nextInt() >>> r.nextInt(32);
            assertEquals(String.format("%0" + digits + "x", v), Hex.padded(v, digits), Integer.toHexString(v));
        }
    }
}
