package org.vfioinspector.bridge.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vfioinspector.bridge.model.PciAddress;

/**
 * Whether a bus reset works depends on who else is on the bus: none (it works), a few (each named), a data-centre bus
 * of 256 functions (three named, the rest counted: every device's verdict used to name all 255).
 */
class BusResetTest {
    private static final PciAddress SELF = PciAddress.parse("0000:05:00.0");

    private static List<PciAddress> bus(int functions) {
        List<PciAddress> onBus = new ArrayList<>();
        for (int i = 0; i < functions; i++) {
            onBus.add(new PciAddress(0, 5, i / 8, i % 8));
        }
        return onBus;
    }

    @Test
    void aFunctionAloneOnItsBusCanBeResetByTheBus() {
        DerivedFacts.BusPosition alone = DerivedFacts.BusPosition.of(false, false, SELF, bus(1));
        assertEquals(0, alone.othersCount());
        DerivedFacts.Derived d = DerivedFacts.resetWorks(List.of("bus"), alone);
        assertEquals(Boolean.TRUE, d.value());
        assertEquals("pci_probe_reset_function: bus reset, the device is alone on its bus → FLAGS_RESET", d.rule());
    }

    @Test
    void aFewOthersAreEachNamed() {
        DerivedFacts.BusPosition pos = DerivedFacts.BusPosition.of(false, false, SELF, bus(3));
        assertEquals(List.of("0000:05:00.1", "0000:05:00.2"), pos.othersOnBus());
        DerivedFacts.Derived d = DerivedFacts.resetWorks(List.of("bus"), pos);
        assertEquals(Boolean.FALSE, d.value());
        assertEquals("pci_probe_reset_function: no reset method works (bus fails: the bus also holds 0000:05:00.1, "
                + "0000:05:00.2) → no FLAGS_RESET, VFIO_DEVICE_RESET → -EINVAL", d.rule());
    }

    @Test
    void aFullBusNamesThreeAndCountsTheRest() {
        DerivedFacts.BusPosition pos = DerivedFacts.BusPosition.of(false, false, SELF, bus(256));
        assertEquals(255, pos.othersCount());
        assertEquals(DerivedFacts.BusPosition.NAMED, pos.othersOnBus().size());
        assertEquals("pci_probe_reset_function: no reset method works (bus fails: the bus also holds 0000:05:00.1, "
                + "0000:05:00.2, 0000:05:00.3 and 252 more functions) → no FLAGS_RESET, VFIO_DEVICE_RESET → -EINVAL",
                DerivedFacts.resetWorks(List.of("bus"), pos).rule());
        // one more than named: the singular
        assertTrue(DerivedFacts.resetWorks(List.of("bus"), DerivedFacts.BusPosition.of(false, false, SELF, bus(5)))
                .rule().contains("0000:05:00.3 and 1 more function)"));
        // a method before the bus decides without it
        assertEquals(Boolean.TRUE, DerivedFacts.resetWorks(List.of("flr", "bus"), pos).value());
    }

    @Test
    void aCountBelowTheNamedIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new DerivedFacts.BusPosition(false, false,
                List.of("0000:05:00.1"), 0));
    }
}
