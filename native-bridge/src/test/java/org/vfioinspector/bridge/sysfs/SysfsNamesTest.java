package org.vfioinspector.bridge.sysfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.vfioinspector.bridge.model.PciAddress;

class SysfsNamesTest {
    @Test
    void theNamesTheKernelWrites() {
        assertTrue(SysfsNames.isCanonicalBdf("0000:00:02.0"));
        assertTrue(SysfsNames.isCanonicalBdf("10000:3b:1f.7"));
        assertFalse(SysfsNames.isCanonicalBdf(" 0000:00:02.0"));
        assertFalse(SysfsNames.isCanonicalBdf("0000:00:0A.0"));
        assertFalse(SysfsNames.isCanonicalBdf("00000:00:02.0"));
        assertFalse(SysfsNames.isCanonicalBdf("0000:00:20.0"));
    }

    /** The oracle: a name is canonical when the address it parses to prints as the name. */
    @Test
    void agreesWithParseThenPrint() {
        Random r = new Random(11);
        String alphabet = "0123456789abcdefABCDEF:. \t";
        for (int i = 0; i < 200_000; i++) {
            StringBuilder b = new StringBuilder(String.format("%0" + (4 + r.nextInt(3)) + "x:%02x:%02x.%d",
                    r.nextInt(0x20000), r.nextInt(256), r.nextInt(40), r.nextInt(8)));
            for (int k = r.nextInt(3); k > 0; k--) {
                int at = r.nextInt(b.length() + 1);
                char c = alphabet.charAt(r.nextInt(alphabet.length()));
                if (r.nextBoolean() && at < b.length()) {
                    b.setCharAt(at, c);
                } else {
                    b.insert(at, c);
                }
            }
            String s = b.toString();
            boolean oracle = PciAddress.isValid(s) && PciAddress.parse(s).toString().equals(s);
            assertEquals(oracle, SysfsNames.isCanonicalBdf(s), "'" + s + "'");
        }
    }
}
