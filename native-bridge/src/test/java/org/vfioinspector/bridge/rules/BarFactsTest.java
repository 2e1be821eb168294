package org.vfioinspector.bridge.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class BarFactsTest {
    @Test
    void unimplementedBarsAreOneInstancePerSlot() {
        // every device has its unimplemented BARs: held once per slot, not once per device (BENCHMARKS.md, ninth round)
        List<BarFacts> a = DeviceFacts.slots(List.of(BarFacts.mem(0, 0xfe000000L, 0x1000, false, false)));
        List<BarFacts> b = DeviceFacts.slots(List.of());
        for (int i = 1; i < 6; i++) {
            assertSame(a.get(i), b.get(i));
            assertEquals(i, b.get(i).index());
            assertFalse(b.get(i).implemented());
        }
        assertSame(BarFacts.absent(0), b.get(0));
        assertEquals(new BarFacts(3, null, 0, 0, false, null, true), BarFacts.absent(3));
        assertThrows(IllegalArgumentException.class, () -> BarFacts.absent(6));
        assertThrows(IllegalArgumentException.class, () -> BarFacts.absent(-1));
    }
}
