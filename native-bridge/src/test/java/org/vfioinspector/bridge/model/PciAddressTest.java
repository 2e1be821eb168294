package org.vfioinspector.bridge.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PciAddressTest {
    /** The grammar as it was written before the parser was by hand: the oracle. */
    private static final Pattern BDF = Pattern.compile("([0-9a-fA-F]{4,8}):([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\\.([0-7])");

    @Test
    void parsesAndPrintsAsSysfsNamesDevices() {
        PciAddress a = PciAddress.parse("0000:3b:1f.7");
        assertEquals(new PciAddress(0, 0x3b, 0x1f, 7), a);
        assertEquals("0000:3b:1f.7", a.toString());
        assertEquals("10000:00:02.1", PciAddress.parse("10000:00:02.1").toString());
        assertEquals("0000:0a:00.0", PciAddress.parse(" 0000:0A:00.0 ").toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PciAddress.parse("0000:00:20.0"));
        assertTrue(e.getMessage().contains("device number 20 is above 1f"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PciAddress.parse("80000000:00:00.0"), "negative domain");
        assertFalse(PciAddress.isValid("000:00:00.0"));
        assertFalse(PciAddress.isValid("0000:00:00.8"));
        assertFalse(PciAddress.isValid("80000000:00:00.0"), "negative domain");
        assertFalse(PciAddress.isValid("0000:00:20.0"), "device above 1f");
        assertTrue(PciAddress.isValid(" 0000:00:1f.7 "));
    }

    @Test
    void agreesWithTheGrammarOnManyStrings() {
        Random r = new Random(7);
        String alphabet = "0123456789abcdefABCDEFg:. ";
        for (int i = 0; i < 200_000; i++) {
            StringBuilder b = new StringBuilder();
            // mostly near-BDFs: a valid one with a few characters changed, or random text
            if (r.nextBoolean()) {
                b.append(String.format("%0" + (4 + r.nextInt(5)) + "x:%02x:%02x.%d", r.nextInt(0x10000), r.nextInt(256),
                        r.nextInt(40), r.nextInt(8)));
                for (int k = r.nextInt(3); k > 0; k--) {
                    b.setCharAt(r.nextInt(b.length()), alphabet.charAt(r.nextInt(alphabet.length())));
                }
            } else {
                for (int k = r.nextInt(16); k > 0; k--) {
                    b.append(alphabet.charAt(r.nextInt(alphabet.length())));
                }
            }
            String s = b.toString();
            PciAddress expected = oracle(s);
            PciAddress got;
            try {
                got = PciAddress.parse(s);
            } catch (IllegalArgumentException e) {
                got = null;
            }
            assertEquals(expected, got, "'" + s + "'");
            assertEquals(expected != null, PciAddress.isValid(s), "isValid('" + s + "')");
            if (got != null) {
                assertEquals(got, PciAddress.parse(got.toString()), "round trip of '" + s + "'");
            }
        }
    }

    private static PciAddress oracle(String s) {
        Matcher m = BDF.matcher(s.trim());
        if (!m.matches()) {
            return null;
        }
        int dev = Integer.parseInt(m.group(3), 16);
        try {
            return dev > 0x1f ? null : new PciAddress((int) Long.parseLong(m.group(1), 16),
                    Integer.parseInt(m.group(2), 16), dev, Integer.parseInt(m.group(4)));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
