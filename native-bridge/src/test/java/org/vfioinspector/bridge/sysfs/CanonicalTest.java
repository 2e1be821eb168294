package org.vfioinspector.bridge.sysfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.vfioinspector.bridge.model.PciAddress;

class CanonicalTest {
    @Test
    void theFirstEqualValueIsGivenBack() {
        Canonical c = new Canonical();
        PciAddress first = PciAddress.parse("0000:00:01.0");
        assertSame(first, c.of(first));
        assertSame(first, c.of(PciAddress.parse("0000:00:01.0")));
        PciAddress other = PciAddress.parse("0000:00:01.1");
        assertSame(other, c.of(other));
        Optional<String> driver = Optional.of(new String("vfio-pci"));
        assertSame(driver, c.of(driver));
        assertSame(driver, c.of(Optional.of("vfio-pci")));
        assertSame(Optional.empty(), c.of(Optional.empty()));
    }

    @Test
    void inParallelEveryoneGetsTheSameOne() {
        Canonical c = new Canonical();
        List<List<String>> got = IntStream.range(0, 10_000).parallel()
                .mapToObj(i -> c.of(List.of("flr", "bus"))).toList();
        List<String> one = got.get(0);
        got.forEach(l -> assertSame(one, l));
        // and a new Canonical (a new scan) starts afresh
        assertNotSame(one, new Canonical().of(List.of("flr", "bus")));
        assertEquals(one, new Canonical().of(List.of("flr", "bus")));
    }
}
