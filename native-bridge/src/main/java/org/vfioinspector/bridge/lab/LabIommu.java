package org.vfioinspector.bridge.lab;

import java.util.ArrayList;
import java.util.List;

import org.vfioinspector.bridge.lab.scenario.LabScenario;

/**
 * The IOMMU between a lab device's DMA and memory (intel-iommu as the harness's q35 has it): a device's transfer goes
 * through the domain the kernel gave it — the type1 mappings of the container its group is in. A mapping of another
 * device's BAR mmap reaches that BAR's content whatever became of the device since (type1 kept the PFN, facts §7);
 * without bus mastering or a mapping the access faults, logged as the DMAR fault line a real kernel prints
 * (dmar_fault_do_one: {@code DMAR: [DMA Read NO_PASID] Request device [BDF] fault addr 0x... [fault reason 0x06]
 * PTE Read access is not set}).
 */
final class LabIommu {
    private final LabState state;
    private final List<String> faults = new ArrayList<>();

    LabIommu(LabState state) {
        this.state = state;
    }

    /** The device's view of memory, for its DMA engine. */
    LabDmaEngine.Bus bus(LabDevice d) {
        return new LabDmaEngine.Bus() {
            @Override
            public byte[] read(long address, int count) {
                byte[] out = new byte[count];
                return access(d, address, count, false, out) ? out : null;
            }

            @Override
            public boolean write(long address, byte[] data) {
                return access(d, address, data.length, true, data);
            }
        };
    }

    /** The IOMMU faults the lab's DMA engines took, as the kernel log lines intel-iommu prints for them. */
    List<String> faults() {
        return List.copyOf(faults);
    }

    /** The type1 container the device's group is attached to now, or null. */
    private LabContainer containerOf(LabDevice d) {
        return state.fds.open().stream().filter(o -> o instanceof LabGroup g && g.container != null
                && state.scenario.groupOf(d.bdf()).map(x -> x.id() == g.id).orElse(false))
                .map(o -> ((LabGroup) o).container).findFirst().orElse(null);
    }

    private boolean access(LabDevice d, long iova, int count, boolean write, byte[] data) {
        LabContainer c = containerOf(d);
        LabKernel.Type1Mapping m = !d.busMaster() || c == null ? null : c.translate(iova, count);
        if (m == null) {
            fault(d, iova, write);
            return false;
        }
        long delta = iova - m.iova();
        if (m.source() == null) {
            return ram(m.vaddr() + delta, count, write, data);
        }
        LabDevice peer = state.devices.get(m.source());
        bar(peer, m.sourceBar(), m.phys() - peer.sd.bar(m.sourceBar()).orElseThrow().address() + delta, count, write,
                data);
        return true;
    }

    private void fault(LabDevice d, long iova, boolean write) {
        faults.add(String.format("DMAR: [DMA %s NO_PASID] Request device [%s] fault addr 0x%x [fault reason "
                + "0x06] PTE %s access is not set", write ? "Write" : "Read", d.bdf(), iova, write ? "Write" : "Read"));
    }

    /** Process memory at {@code va}: the lab's RAM, or nothing (false). */
    private boolean ram(long va, int count, boolean write, byte[] data) {
        LabRam r = state.rams.stream().filter(x -> x.contains(va, count)).findFirst().orElse(null);
        if (r == null) {
            return false;
        }
        if (write) {
            r.write(va, data);
        } else {
            System.arraycopy(r.read(va, count), 0, data, 0, count);
        }
        return true;
    }

    /** A peer's BAR at {@code pos}, as MMIO holds it (what its mmaps wrote, its value at 0, zeros). */
    private static void bar(LabDevice peer, int index, long pos, int count, boolean write, byte[] data) {
        LabScenario.Bar b = peer.sd.bar(index).orElseThrow();
        for (int i = 0; i < count; i += 4) {
            long key = LabDevice.barKey(index, (pos + i) & ~3L);
            if (write) {
                int v = 0;
                for (int k = 0; k < 4 && i + k < count; k++) {
                    v |= (data[i + k] & 0xff) << (8 * k);
                }
                peer.barWords.put(key, v);
            } else {
                Integer w = peer.barWords.get(key);
                LabDeviceFile.putPartial(data, i, w != null ? w : pos + i == 0 ? b.value() : 0);
            }
        }
    }
}
