package org.vfioinspector.bridge.witness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.vfioinspector.bridge.kernel.Kernel;
import org.vfioinspector.bridge.kernel.KernelException;
import org.vfioinspector.bridge.kernel.Mapping;
import org.vfioinspector.bridge.lab.LabKernel;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.revocation.RevocationTracker;
import org.vfioinspector.bridge.rules.Verdict;
import org.vfioinspector.bridge.session.DeviceSession;
import org.vfioinspector.bridge.session.DeviceTarget;
import org.vfioinspector.bridge.session.OpenPath;
import org.vfioinspector.bridge.session.RegionInfo;

/**
 * The single DMA read on the lab kernel of type1-p2p-hazard: device B (its DMA engine modelled as edu's) reads what
 * its own type1 container maps, each session in a container of its own, as the try-it panel opens them.
 */
class DmaReaderLabTest {
    private static final DeviceTarget A = new DeviceTarget(PciAddress.parse("0000:00:03.0"), 3, null,
            DeviceTarget.VFIO_PCI);
    private static final DeviceTarget B = new DeviceTarget(PciAddress.parse("0000:00:04.0"), 4, null,
            DeviceTarget.VFIO_PCI);
    private static final long RAM = 0x10000;
    private static final long PEER = 0x100000;

    private static DmaReader reader(Kernel k, DeviceSession b) throws KernelException {
        return DmaReader.open(k, b, RAM, EduDmaEngine.DEFAULT_DMA_MASK, ms -> {
            throw new AssertionError("the lab's engine is done on its first poll");
        }, 1, 1);
    }

    @Test
    void bReadsASBarThroughItsContainerAlsoAfterAIsUnbound() throws Exception {
        try (LabKernel k = LabKernel.of("type1-p2p-hazard");
             DeviceSession b = DeviceSession.open(k, B, OpenPath.LEGACY)) {
            DeviceSession a = DeviceSession.open(k, A, OpenPath.LEGACY);
            RegionInfo bar2 = a.regionInfo(2);
            Mapping m = a.mmap(bar2, bar2.pageSpan(), Kernel.PROT_READ);
            byte[] expected = DmaReader.read(m, 0, 16);
            assertEquals("dec0ad0b000000000000000000000000", DmaReader.hex(expected), "the scenario's BAR2 value");
            b.mapDma(m.vaddr(), PEER, bar2.pageSpan());
            DmaReader r = reader(k, b);

            DmaRead first = r.read(PEER, 16, expected);
            assertEquals(DmaRead.Outcome.REACHED, first.outcome(), first.toString());
            assertEquals("0000:00:04.0", first.engine());
            assertEquals(4, r.transfers());

            DmaRead nothing = r.read(0x80000, 16, null);
            assertEquals(DmaRead.Outcome.FAULTED, nothing.outcome(), "nothing is mapped there: " + nothing);
            assertNull(nothing.expected());
            assertTrue(k.iommuFaults().stream().anyMatch(l -> l.contains("fault addr 0x80000")), k.iommuFaults().toString());

            a.close();
            k.writeAttribute("bus/pci/drivers/vfio-pci/unbind", A.bdf().toString());
            assertTrue(k.driverOf(A.bdf()).isEmpty(), "A has no driver now");
            DmaRead after = r.read(PEER, 16, expected);
            assertEquals(DmaRead.Outcome.REACHED, after.outcome(), "use-after-free: " + after);
            r.close();
        }
    }

    @Test
    void withoutBusMasteringTheReaderSaysItCannotSee() throws Exception {
        try (LabKernel k = LabKernel.of("type1-p2p-hazard");
             DeviceSession b = DeviceSession.open(k, B, OpenPath.LEGACY)) {
            DmaReader r = reader(k, b);
            b.setBusMaster(false);
            KernelException e = assertThrows(KernelException.class, () -> r.read(PEER, 16, null));
            assertTrue(e.getMessage().contains("the witness cannot see"), e.getMessage());
        }
    }

    @Test
    void argumentsAreCheckedBeforeTheKernelIsAsked() throws Exception {
        try (LabKernel k = LabKernel.of("type1-p2p-hazard");
             DeviceSession b = DeviceSession.open(k, B, OpenPath.LEGACY)) {
            assertThrows(IllegalArgumentException.class, () -> DmaReader.open(k, b, 1L << 28,
                    EduDmaEngine.DEFAULT_DMA_MASK, ms -> { }, 1, 1), "RAM above edu's mask");
            DmaReader r = reader(k, b);
            assertThrows(IllegalArgumentException.class, () -> r.read(PEER, 6, null));
            assertThrows(IllegalArgumentException.class, () -> r.read(PEER, 8, new byte[4]));
            KernelException high = assertThrows(KernelException.class, () -> r.read(1L << 30, 16, null));
            assertTrue(high.getMessage().contains("above edu's DMA mask"), high.getMessage());
        }
    }

    @Test
    void outcomesAreToldByTheBytes() {
        byte[] bar = {1, 2, 3, 4};
        assertEquals(DmaRead.Outcome.REACHED, DmaRead.classify(new byte[] {1, 2, 3, 4}, bar));
        assertEquals(DmaRead.Outcome.FAULTED, DmaRead.classify(new byte[4], bar));
        assertEquals(DmaRead.Outcome.NO_DATA, DmaRead.classify(DmaReader.filled(4, DmaReader.FILL), bar));
        assertEquals(DmaRead.Outcome.OTHER, DmaRead.classify(new byte[] {9, 9, 9, 9}, bar));
        assertEquals(DmaRead.Outcome.UNTOLD, DmaRead.classify(new byte[4], new byte[4]),
                "a BAR of zeros looks like a faulted read");
    }

    @Test
    void theRulesSayBeforehandWhatTheReadWillReach() {
        assertTrue(WitnessRules.dma(WitnessRules.Mapped.TYPE1, true, null).allowed(), "type1 survives the unbind");
        assertTrue(WitnessRules.dma(WitnessRules.Mapped.TYPE1, true, null).rule().condition().contains("use-after-free"));
        assertTrue(WitnessRules.dma(WitnessRules.Mapped.DMA_BUF, false, RevocationTracker.State.ACTIVE).allowed());
        for (RevocationTracker.State s : new RevocationTracker.State[] {RevocationTracker.State.REVOKED,
            RevocationTracker.State.RESTORED, RevocationTracker.State.DEAD}) {
            Verdict v = WitnessRules.dma(WitnessRules.Mapped.DMA_BUF, false, s);
            assertTrue(v.refused(), s + ": " + v);
        }
        assertTrue(WitnessRules.dma(WitnessRules.Mapped.NOTHING, false, null).refused());
    }
}
