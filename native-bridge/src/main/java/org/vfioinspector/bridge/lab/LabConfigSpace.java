package org.vfioinspector.bridge.lab;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import org.vfioinspector.bridge.lab.scenario.LabScenario;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.model.RegionKind;
import org.vfioinspector.bridge.uapi.Vfio;
import org.vfioinspector.bridge.uapi.VfioBytes;

/**
 * A lab device's config space, as the host's {@code config} file shows it and as the lab kernel starts from: the
 * header (IDs, PCI_COMMAND as the scenario gives it, BARs, bus numbers) and the capabilities the scenario
 * describes, at fixed offsets: standard list PM 0x40, MSI 0x50, MSI-X 0x60, vendor-specific 0x70/0x78, PCIe 0x80;
 * extended list AER 0x100, ACS 0x148, ReBAR 0x150, SR-IOV 0x188, ATS 0x1c8, PRI 0x1d0, PASID 0x1e0 (each linked to
 * the next present one).
 */
public final class LabConfigSpace {
    public static final int PM = 0x40;
    public static final int MSI = 0x50;
    public static final int MSIX = 0x60;
    public static final int VENDOR = 0x70;
    public static final int PCIE = 0x80;
    static final int AER = 0x100;
    static final int ACS = 0x148;
    static final int REBAR = 0x150;
    static final int SRIOV = 0x188;
    static final int ATS = 0x1c8;
    static final int PRI = 0x1d0;
    static final int PASID = 0x1e0;

    private LabConfigSpace() {
    }

    /** The PCI_COMMAND the device has before anyone opens it: the scenario's, else decoding for its BAR kinds. */
    public static int command(LabScenario.Device d) {
        if (d.command() >= 0) {
            return d.command();
        }
        int cmd = 0;
        for (LabScenario.Bar b : d.bars()) {
            cmd |= b.kind() == RegionKind.IO ? 1 : Vfio.PCI_COMMAND_MEMORY;
        }
        return cmd | (d.rom() != null ? Vfio.PCI_COMMAND_MEMORY : 0);
    }

    /** Header type bit 7: as the scenario says, else set when another (non-VF) function of the slot exists. */
    static boolean multifunction(LabScenario s, LabScenario.Device d) {
        return multifunctionOf(List.of(d), s).test(d);
    }

    /**
     * {@link #multifunction} for every device of {@code s} at once: the slots are counted once (a scan of the whole
     * scenario per device was quadratic, 10,000 functions generating their config spaces).
     */
    public static Predicate<LabScenario.Device> multifunction(LabScenario s) {
        return multifunctionOf(s.devices(), s);
    }

    private static Predicate<LabScenario.Device> multifunctionOf(List<LabScenario.Device> asked, LabScenario s) {
        Map<Long, Integer> functions = new HashMap<>();
        Set<Long> slotsAsked = new HashSet<>();
        for (LabScenario.Device d : asked) {
            slotsAsked.add(slot(d.bdf()));
        }
        for (LabScenario.Device o : s.devices()) {
            long slot = slot(o.bdf());
            if (o.physfn() == null && slotsAsked.contains(slot)) {
                functions.merge(slot, 1, Integer::sum);
            }
        }
        return d -> d.caps().multifunction() != null ? d.caps().multifunction()
                : d.physfn() == null && functions.getOrDefault(slot(d.bdf()), 0) > 1;
    }

    private static long slot(PciAddress a) {
        return ((long) a.domain() << 16) | (a.bus() << 8) | a.device();
    }

    public static byte[] build(LabScenario s, LabScenario.Device d) {
        return build(s, d, multifunction(s, d));
    }

    /** The config space of {@code d}, its multifunction bit already known ({@link #multifunction(LabScenario)}). */
    public static byte[] build(LabScenario s, LabScenario.Device d, boolean multifunction) {
        byte[] c = new byte[d.configSize()];
        LabScenario.Caps caps = d.caps();
        VfioBytes.put16(c, 0, d.vendor());
        VfioBytes.put16(c, 2, d.device());
        VfioBytes.put16(c, Vfio.PCI_COMMAND, command(d));
        VfioBytes.put16(c, 6, 0x0010); // capability list
        c[8] = (byte) d.revision();
        c[9] = (byte) d.pciClass();
        c[10] = (byte) (d.pciClass() >> 8);
        c[11] = (byte) (d.pciClass() >> 16);
        c[14] = (byte) ((d.bridge() != null ? 1 : 0) | (multifunction ? 0x80 : 0));
        for (LabScenario.Bar b : d.bars()) {
            if (d.bridge() != null && b.index() >= 2) {
                continue;
            }
            int off = 0x10 + 4 * b.index();
            long v = b.kind() == RegionKind.IO ? (b.address() | 1)
                    : (b.address() | (b.kind() == RegionKind.MEM64 ? 4 : 0) | (b.prefetchable() ? 8 : 0));
            VfioBytes.put32(c, off, (int) v);
            if (b.kind() == RegionKind.MEM64 && b.index() < 5 && (d.bridge() == null || b.index() == 0)) {
                VfioBytes.put32(c, off + 4, (int) (b.address() >>> 32));
            }
        }
        if (d.bridge() == null) {
            VfioBytes.put16(c, 0x2c, d.subsystemVendor());
            VfioBytes.put16(c, 0x2e, d.subsystemDevice());
            if (d.rom() != null) {
                VfioBytes.put32(c, 0x30, (int) d.rom().address());
            }
        } else {
            c[0x18] = (byte) d.bdf().bus();
            c[0x19] = (byte) d.bridge().secondaryBus();
            c[0x1a] = (byte) d.bridge().subordinateBus();
        }
        c[0x34] = (byte) PM;

        List<int[]> std = new ArrayList<>(); // {offset, id}
        std.add(new int[] {PM, 0x01});
        VfioBytes.put16(c, PM + 2, 0x0003);
        VfioBytes.put16(c, PM + 4, caps.pmState());
        if (caps.msi()) {
            std.add(new int[] {MSI, 0x05});
            VfioBytes.put16(c, MSI + 2, 0x0080);
        }
        if (d.msix() != null) {
            std.add(new int[] {MSIX, 0x11});
            VfioBytes.put16(c, MSIX + 2, (d.msix().entries() - 1) & 0x7ff);
            VfioBytes.put32(c, MSIX + 4, (int) (d.msix().tableOffset() & ~7L) | d.msix().bar());
            long pba = (d.msix().tableOffset() + d.msix().tableSize() + 7) & ~7L;
            VfioBytes.put32(c, MSIX + 8, (int) pba | d.msix().bar());
        }
        for (int i = 0; i < caps.vendorSpecific(); i++) {
            std.add(new int[] {VENDOR + 8 * i, 0x09});
            c[VENDOR + 8 * i + 2] = 8;
        }
        if (caps.portType() >= 0) {
            std.add(new int[] {PCIE, 0x10});
            boolean slot = caps.portType() == 4 || caps.portType() == 6;
            VfioBytes.put16(c, PCIE + 2, 0x0002 | caps.portType() << 4 | (slot ? 0x100 : 0));
            VfioBytes.put32(c, PCIE + 4, d.resetMethods().contains("flr") ? 1 << 28 : 0);
            if (caps.portType() != 9 && caps.portType() != 10) {
                VfioBytes.put32(c, PCIE + 0x0c, caps.maxLinkSpeed() | caps.maxLinkWidth() << 4);
                VfioBytes.put16(c, PCIE + 0x12, caps.linkSpeed() | caps.linkWidth() << 4);
            }
        }
        for (int i = 0; i < std.size(); i++) {
            int[] cap = std.get(i);
            c[cap[0]] = (byte) cap[1];
            c[cap[0] + 1] = (byte) (i + 1 < std.size() ? std.get(i + 1)[0] : 0);
        }
        if (d.configSize() > 256) {
            extended(c, s, d, caps);
        }
        return c;
    }

    private static void extended(byte[] c, LabScenario s, LabScenario.Device d, LabScenario.Caps caps) {
        List<int[]> ext = new ArrayList<>(); // {offset, id, version}
        if (caps.aer()) {
            ext.add(new int[] {AER, 0x0001, 2});
        }
        if (caps.acsCapability() >= 0) {
            ext.add(new int[] {ACS, 0x000d, 1});
            VfioBytes.put16(c, ACS + 4, caps.acsCapability());
            VfioBytes.put16(c, ACS + 6, caps.acsControl());
        }
        if (!caps.rebar().isEmpty()) {
            ext.add(new int[] {REBAR, 0x0015, 1});
            for (int i = 0; i < caps.rebar().size(); i++) {
                LabScenario.RebarBar r = caps.rebar().get(i);
                int sizes = 0;
                for (long size : r.sizes()) {
                    sizes |= 1 << (Long.numberOfTrailingZeros(size) - 20 + 4);
                }
                VfioBytes.put32(c, REBAR + 4 + 8 * i, sizes);
                int ctl = r.bar() | (Long.numberOfTrailingZeros(r.current()) - 20) << 8
                        | (i == 0 ? caps.rebar().size() << 5 : 0);
                VfioBytes.put32(c, REBAR + 8 + 8 * i, ctl);
            }
        }
        if (d.totalVfs() > 0) {
            ext.add(new int[] {SRIOV, 0x0010, 1});
            VfioBytes.put16(c, SRIOV + 8, d.vfs().isEmpty() ? 0 : 0x0009); // VF enable, VF MSE
            VfioBytes.put16(c, SRIOV + 0x0c, d.totalVfs());
            VfioBytes.put16(c, SRIOV + 0x0e, d.totalVfs());
            VfioBytes.put16(c, SRIOV + 0x10, d.vfs().size());
            if (!d.vfs().isEmpty()) {
                int pf = routingId(d.bdf());
                VfioBytes.put16(c, SRIOV + 0x14, routingId(d.vfs().get(0)) - pf);
                VfioBytes.put16(c, SRIOV + 0x16, d.vfs().size() > 1
                        ? routingId(d.vfs().get(1)) - routingId(d.vfs().get(0)) : 1);
                s.device(d.vfs().get(0)).ifPresent(vf -> {
                    VfioBytes.put16(c, SRIOV + 0x1a, vf.device());
                    for (LabScenario.Bar b : vf.bars()) {
                        VfioBytes.put32(c, SRIOV + 0x24 + 4 * b.index(), (int) b.address()
                                | (b.kind() == RegionKind.MEM64 ? 4 : 0) | (b.prefetchable() ? 8 : 0));
                    }
                });
            }
        }
        if (caps.ats()) {
            ext.add(new int[] {ATS, 0x000f, 1});
        }
        if (caps.pri()) {
            ext.add(new int[] {PRI, 0x0013, 1});
        }
        if (caps.pasid()) {
            ext.add(new int[] {PASID, 0x001b, 1});
        }
        for (int i = 0; i < ext.size(); i++) {
            int[] e = ext.get(i);
            int next = i + 1 < ext.size() ? ext.get(i + 1)[0] : 0;
            VfioBytes.put32(c, e[0], e[1] | e[2] << 16 | next << 20);
        }
    }

    private static int routingId(PciAddress a) {
        return a.bus() << 8 | a.device() << 3 | a.function();
    }
}
