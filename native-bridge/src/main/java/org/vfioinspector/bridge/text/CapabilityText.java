package org.vfioinspector.bridge.text;

import java.util.stream.Collectors;
import org.vfioinspector.bridge.config.Capability;
import org.vfioinspector.bridge.config.Capability.Detail;
import org.vfioinspector.bridge.model.Sizes;

/** One line per capability, the way lspci -vv heads its capability blocks: "[60] MSI-X: Enable+ Count=65 ...". */
public final class CapabilityText {
    private CapabilityText() {
    }

    /** "[148 v1] ACS: cap SV TB RR CR UF DT, ctl SV RR CR UF". */
    public static String line(Capability c) {
        String at = c.extended() ? String.format("[%x v%d]", c.offset(), c.version()) : String.format("[%x]", c.offset());
        String what = body(c);
        return at + " " + c.id() + (what.isEmpty() ? "" : ": " + what);
    }

    static String body(Capability c) {
        Detail d = c.detail();
        if (d instanceof Detail.Pm pm) {
            return "version " + pm.version() + ", " + pm.stateName()
                    + (pm.powerState() == 3 ? " (vfio-pci revokes mmaps and refuses dma-buf export in D3hot)" : "");
        }
        if (d instanceof Detail.Msi m) {
            return "Enable" + pm(m.enabled()) + " Count=" + m.vectorsEnabled() + "/" + m.vectorsCapable()
                    + " Maskable" + pm(m.maskable()) + " 64bit" + pm(m.addr64());
        }
        if (d instanceof Detail.Msix m) {
            return "Enable" + pm(m.enabled()) + " Count=" + m.tableSize() + " Masked" + pm(m.masked())
                    + String.format(", table BAR%d+0x%x, PBA BAR%d+0x%x", m.tableBar(), m.tableOffset(), m.pbaBar(),
                    m.pbaOffset());
        }
        if (d instanceof Detail.Pcie p) {
            return "v" + p.version() + " " + p.portType() + (p.slot() ? " (slot)" : "") + p.link().map(l -> ", link "
                    + l.speed() + " x" + l.width() + " (max " + l.maxSpeed() + " x" + l.maxWidth() + ")").orElse("");
        }
        if (d instanceof Detail.Acs a) {
            return "cap " + names(a.capability()) + ", ctl " + names(a.control());
        }
        if (d instanceof Detail.Rebar r) {
            return r.bars().stream().map(b -> "BAR" + b.bar() + " " + Sizes.human(b.currentSize()) + " (supports "
                    + b.supportedSizes().stream().map(Sizes::human).collect(Collectors.joining(" ")) + ")")
                    .collect(Collectors.joining("; "));
        }
        if (d instanceof Detail.Sriov s) {
            return "VFs " + s.numVfs() + "/" + s.totalVfs() + " (initial " + s.initialVfs() + "), enable"
                    + pm(s.vfEnabled()) + ", offset " + s.vfOffset() + " stride " + s.vfStride()
                    + String.format(", VF device %04x", s.vfDeviceId());
        }
        if (d instanceof Detail.Truncated t) {
            return "registers cut off by the end of the readable config space (" + t.needed() + " bytes needed)";
        }
        return "";
    }

    private static String names(java.util.List<String> bits) {
        return bits.isEmpty() ? "none" : String.join(" ", bits);
    }

    private static String pm(boolean b) {
        return b ? "+" : "-";
    }
}
