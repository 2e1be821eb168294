package org.vfioinspector.app.cli;

import java.util.List;
import org.vfioinspector.bridge.host.Host;
import org.vfioinspector.bridge.probe.ProbeReport;

/** The {@code probe} text report: one table of regions per device, then the --revoke steps. */
final class ProbeText {
    private ProbeText() {
    }

    static String render(Host host, ProbeReport report, boolean noTargets) {
        StringBuilder out = new StringBuilder();
        out.append(host.isLab() ? "LAB host " : "Host ").append(host).append(", kernel ")
                .append(report.kernel().release()).append(" (profile ").append(report.kernel().profile()).append(")\n");
        if (noTargets) {
            out.append("\nNo device is bound to vfio-pci on this host, so there is nothing to probe.\n")
                    .append("  Bind one first, e.g.: echo vfio-pci > ")
                    .append(host.paths().sys("bus/pci/devices/BDF/driver_override"))
                    .append("; echo BDF > ").append(host.paths().sys("bus/pci/drivers_probe")).append('\n');
            return out.toString();
        }
        for (ProbeReport.Device d : report.devices()) {
            out.append('\n').append(d.bdf()).append(" (IOMMU group ").append(d.group()).append("), opened ")
                    .append(d.openPath()).append(": ").append(d.open());
            if (d.deviceFlags() != null) {
                out.append(", flags ").append(String.join(" ", d.deviceFlags()));
            }
            out.append('\n');
            if (d.note() != null) {
                out.append("  note: ").append(d.note()).append('\n');
            }
            if (d.regions() != null && !d.regions().isEmpty()) {
                out.append(String.format("  %-6s %-12s %-10s %-22s %-16s %-22s %-22s %s%n", "region", "info", "size",
                        "flags", "caps", "mmap", "pread", "dma-buf"));
                for (ProbeReport.Region r : d.regions()) {
                    out.append(String.format("  %-6s %-12s %-10s %-22s %-16s %-22s %-22s %s%n", name(r.index()),
                            r.regionInfo(), r.size() == null ? "-" : "0x" + Long.toHexString(r.size()),
                            join(r.flags()), join(r.caps()), withValue(r.mmap(), r.mmapValue()),
                            withValue(r.pread(), r.preadValue()), r.dmabuf()));
                }
            }
            if (d.revoke() != null) {
                out.append("  revocation sequence:\n");
                if (d.importer() != null) {
                    out.append("    importer: ").append(d.importer()).append('\n');
                }
                out.append(String.format("    %-11s %-8s %-10s %-8s %-12s %s%n", "step", "result", "mmap read", "pread",
                        "importer map", "events"));
                for (ProbeReport.RevokeStep s : d.revoke()) {
                    out.append(String.format("    %-11s %-8s %-10s %-8s %-12s %s (%s)%n", s.step(), s.result(),
                            dash(s.mmapRead()), dash(s.pread()), dash(s.importerMap()),
                            s.events() == null || s.events().isEmpty() ? "none" : String.join(", ", s.events()),
                            s.eventSource()));
                }
            }
        }
        return out.toString();
    }

    private static String name(int index) {
        return index < 6 ? "BAR" + index : index == 6 ? "ROM" : index == 7 ? "CONFIG" : "VGA";
    }

    private static String join(List<String> l) {
        return l == null || l.isEmpty() ? "-" : String.join(",", l);
    }

    private static String withValue(String result, String value) {
        if (result == null) {
            return "-";
        }
        return value == null ? result : result + " " + value;
    }

    private static String dash(String s) {
        return s == null ? "-" : s;
    }
}
