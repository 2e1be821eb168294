package org.vfioinspector.bridge.lab;

import java.util.ArrayList;
import java.util.List;

import org.vfioinspector.bridge.lab.scenario.LabScenario;

/**
 * The IOMMU between a lab device's DMA and memory (intel-iommu as the harness's q35 has it): a device's transfer goes
 * through the domain the kernel gave it — the IOAS its cdev is attached to (iommufd), or the type1 mappings of the
 * container its group is in. A type1 mapping of another device's BAR mmap reaches that BAR's content whatever became
 * of the device since (type1 kept the PFN, facts §7); an IOAS area of a dma-buf reaches the exporter's BAR only until
 * the buffer is revoked (iopt_revoke_notify unmaps it, and nothing maps it again but a new MAP_FILE, facts §11).
 * Without bus mastering or a mapping the access faults, logged as the DMAR fault line a real kernel prints
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

    /** Where a DMA lands: process memory at {@code ramVa}, or MMIO of {@code peer}'s BAR {@code bar} at {@code pos}. */
    record Target(long ramVa, LabDevice peer, int bar, long pos) {
        static Target memory(long va) {
            return new Target(va, null, -1, 0);
        }

        static Target bar(LabDevice peer, int bar, long pos) {
            return new Target(0, peer, bar, pos);
        }
    }

    /** The type1 container the device's group is in now (the group file is held open), or null. */
    private LabContainer containerOf(LabDevice d) {
        int group = state.scenario.groupOf(d.bdf()).map(g -> g.id()).orElse(-1);
        return state.groups.stream().filter(g -> g.id == group && g.container != null).map(g -> g.container)
                .findFirst().orElse(null);
    }

    /**
     * The device's domain translates [iova, iova + count): the IOAS it is attached to through its cdev (iommufd), else
     * the type1 container of its group; null when nothing is mapped there or bus mastering is off (a fault).
     */
    private Target translate(LabDevice d, long iova, int count) {
        if (!d.busMaster()) {
            return null;
        }
        if (d.cdevFile != null) {
            return d.cdevFile.iommufd.translate(d.cdevFile.devid, iova, count);
        }
        LabContainer c = containerOf(d);
        LabKernel.Type1Mapping m = c == null ? null : c.translate(iova, count);
        if (m == null) {
            return null;
        }
        long delta = iova - m.iova();
        if (m.source() == null) {
            return Target.memory(m.vaddr() + delta);
        }
        LabDevice peer = state.devices.get(m.source());
        return Target.bar(peer, m.sourceBar(), m.phys() - peer.sd.bar(m.sourceBar()).orElseThrow().address() + delta);
    }

    private boolean access(LabDevice d, long iova, int count, boolean write, byte[] data) {
        Target t = translate(d, iova, count);
        if (t == null) {
            fault(d, iova, write);
            return false;
        }
        if (t.peer() == null) {
            return ram(t.ramVa(), count, write, data);
        }
        bar(t.peer(), t.bar(), t.pos(), count, write, data);
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
