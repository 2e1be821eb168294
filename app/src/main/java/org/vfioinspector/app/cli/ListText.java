package org.vfioinspector.app.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.vfioinspector.bridge.model.Blocker;
import org.vfioinspector.bridge.host.Host;
import org.vfioinspector.bridge.host.HostVerdicts;
import org.vfioinspector.bridge.input.TextEscape;
import org.vfioinspector.bridge.model.HostInventory;
import org.vfioinspector.bridge.model.IommuGroup;
import org.vfioinspector.bridge.model.KernelInfo;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.model.PciDevice;
import org.vfioinspector.bridge.model.ReadFailure;
import org.vfioinspector.bridge.model.Region;
import org.vfioinspector.bridge.model.Sizes;
import org.vfioinspector.bridge.rules.DerivedFacts;
import org.vfioinspector.bridge.rules.HostPredictions;
import org.vfioinspector.bridge.rules.Predictions;
import org.vfioinspector.bridge.rules.Verdict;

/** The {@code list} text report: kernel facts, then IOMMU group → device → BARs, then what could not be read. */
final class ListText {
    static final String NO_GROUPS = "No IOMMU groups:";

    private ListText() {
    }

    static String render(Host spec, HostInventory host, HostVerdicts verdicts, boolean explain) {
        StringBuilder out = new StringBuilder();
        KernelInfo k = host.kernel();
        spec.scenario().ifPresentOrElse(s -> out.append("LAB host ").append(spec).append(": a modelled kernel (profile ")
                        .append(s.profile().name()).append("), not this machine\n"),
                () -> out.append("Host ").append(esc(spec.toString())).append(" (sysfs ")
                        .append(esc(spec.paths().sys().toString())).append("), kernel ").append(esc(k.release()))
                        .append('\n'));
        out.append("  IOMMU ").append(k.iommuActive() ? "active" : "not active")
                .append("; modules: vfio ").append(yesNo(k.vfioModule()))
                .append(", vfio_pci ").append(yesNo(k.vfioPciModule()))
                .append(", iommufd ").append(yesNo(k.iommufdModule())).append('\n');
        out.append("  device nodes: vfio groups ").append(k.vfioGroupNodes().isEmpty() ? "none"
                        : k.vfioGroupNodes().stream().map(String::valueOf).collect(Collectors.joining(" ")))
                .append(", vfio container ").append(yesNo(k.vfioContainer()))
                .append(", vfio cdevs ").append(k.vfioDeviceNodes().isEmpty() ? "none"
                        : esc(String.join(" ", k.vfioDeviceNodes())))
                .append(", iommufd ").append(yesNo(k.iommufdNode())).append('\n');
        out.append("  verdicts: profile ").append(verdicts.profile().profile().name()).append(" (")
                .append(verdicts.profile().reason()).append("); arch ")
                .append(verdicts.arch().map(a -> a.arch() + " (" + a.source() + ")").orElse("unknown")).append('\n');
        List<String> disagree = new ArrayList<>();
        for (PciDevice d : host.devices()) {
            for (HostPredictions.RegionPrediction r : verdicts.predictions().device(d).disagreements()) {
                disagree.add(d.address() + " " + r.region().name());
            }
        }
        if (!disagree.isEmpty()) {
            out.append("  DISAGREE: mmap and dma-buf export differ on ").append(String.join(", ", disagree))
                    .append(" (see each BAR below)\n");
        }
        Renderer dev = new Renderer(verdicts.predictions(), explain);

        for (IommuGroup g : host.groups()) {
            out.append('\n').append("IOMMU group ").append(g.number()).append(" (")
                    .append(esc(g.type().orElse("type unknown"))).append("): ");
            if (g.viability().viable()) {
                out.append("viable for VFIO\n");
            } else if (g.viability().blockers().isEmpty()) {
                // never "viable" on a guess: a member may be missing from what could be read
                out.append("NOT viable for VFIO: its membership is unknown (")
                        .append(esc(String.join("; ", g.viability().unknown()))).append(")\n");
            } else {
                out.append("NOT viable for VFIO, blocked by ").append(g.viability().blockers().stream()
                        .map(ListText::blocker).collect(Collectors.joining(", ")))
                        .append(" (unbind them or bind them to vfio-pci)")
                        .append(g.viability().unknown().isEmpty() ? "" : "; its membership is unknown ("
                                + esc(String.join("; ", g.viability().unknown())) + ")").append('\n');
            }
            ListConfig.text(out, g, host);
            for (PciAddress a : g.devices()) {
                host.device(a).ifPresentOrElse(d -> dev.device(out, d, "  "),
                        () -> out.append("  ").append(a).append(" (could not be read, see errors below)\n"));
            }
        }

        List<PciDevice> ungrouped = host.ungrouped();
        if (host.groups().isEmpty()) {
            out.append('\n').append(NO_GROUPS).append(" this host has no active IOMMU.\n")
                    .append("  Devices without an IOMMU group cannot be used with VFIO, so none of the ")
                    .append(host.devices().size()).append(" PCI devices below can be.\n")
                    .append("  To enable an IOMMU:\n")
                    .append("  - turn on VT-d (Intel) or AMD-Vi / IOMMU (AMD) in the firmware setup;\n")
                    .append("  - boot with intel_iommu=on (Intel) or amd_iommu=on (AMD) on the kernel command line")
                    .append(" (iommu=pt keeps host-owned devices fast);\n")
                    .append("  - after the reboot ").append(spec.paths().sys("kernel/iommu_groups"))
                    .append(" lists one directory per group.\n");
        } else if (!ungrouped.isEmpty()) {
            out.append('\n').append("Devices without an IOMMU group (").append(ungrouped.size())
                    .append("): VFIO cannot use them.\n");
        }
        if (!ungrouped.isEmpty()) {
            out.append('\n');
            ungrouped.forEach(d -> dev.device(out, d, "  "));
        }
        if (host.devices().isEmpty() && host.failed().isEmpty()) {
            out.append("\nNo PCI devices.\n");
        }
        if (!host.failed().isEmpty()) {
            out.append('\n').append("Could not read (").append(host.failed().size()).append("):\n");
            for (ReadFailure f : host.failed()) {
                out.append("  ").append(esc(f.subject())).append(": ").append(esc(f.message())).append('\n');
            }
        }
        return out.toString();
    }

    /** Devices with their verdicts. */
    private record Renderer(HostPredictions predictions, boolean explain) {
    void device(StringBuilder out, PciDevice d, String indent) {
        HostPredictions.DevicePrediction dp = predictions.device(d);
        out.append(indent).append(d.address()).append(' ')
                .append(String.format("[%04x:%04x]", d.vendorId(), d.deviceId())).append(' ')
                .append(esc(d.names().className().orElse(String.format("Class %04x", d.classCode() >>> 8))))
                .append(String.format(" [%06x]", d.classCode())).append(": ")
                .append(esc(d.names().vendor().orElse(String.format("vendor %04x", d.vendorId())))).append(' ')
                .append(esc(d.names().device().orElse(String.format("device %04x", d.deviceId()))));
        d.revision().ifPresent(r -> out.append(String.format(" (rev %02x)", r)));
        out.append('\n');
        List<String> facts = new ArrayList<>();
        facts.add("driver " + d.driver().orElse("none"));
        d.driverOverride().ifPresent(o -> facts.add("driver_override " + o));
        d.vfioDevice().ifPresent(v -> facts.add("vfio cdev " + v));
        d.resetMethods().ifPresent(r -> facts.add("reset " + (r.isEmpty() ? "disabled" : String.join(" ", r))));
        if (!d.upstream().isEmpty()) {
            facts.add("behind " + d.upstream().stream().map(PciAddress::toString).collect(Collectors.joining(" > ")));
        }
        d.sriov().ifPresent(s -> facts.add("SR-IOV " + s.numVfs() + "/" + s.totalVfs() + " VFs"));
        d.physfn().ifPresent(p -> facts.add("VF of " + p));
        d.numaNode().filter(n -> n >= 0).ifPresent(n -> facts.add("NUMA node " + n));
        facts.add("VFIO reset " + derived(dp.reset()));
        if (!Boolean.FALSE.equals(dp.nonMappableBars().value())) {
            facts.add("non_mappable_bars " + derived(dp.nonMappableBars()));
        }
        // every fact comes from sysfs names: a driver link named "x\nIOMMU group 77 ..." stays on its line
        out.append(indent).append("    ").append(esc(String.join(", ", facts))).append('\n');
        if (explain) {
            out.append(indent).append("      reset: ").append(dp.reset().rule()).append('\n');
        }
        if (d.regions().isEmpty()) {
            out.append(indent).append("    no BARs\n");
        }
        for (HostPredictions.RegionPrediction rp : dp.regions()) {
            Region r = rp.region();
            Predictions.BarPrediction v = rp.verdicts();
            out.append(indent).append("    ").append(String.format("%-4s %-5s %-17s 0x%016x  %-8s mmap %s  dma-buf %s%s%n",
                    r.name(), r.kind().label(), r.kind().isMemory() ? (r.prefetchable() ? "prefetchable"
                            : "non-prefetchable") : "", r.start(), Sizes.human(r.size()), verdict(v.mmap()),
                    verdict(v.dmaBuf()), v.disagree() ? "  DISAGREE" : ""));
            if (v.disagree()) {
                out.append(indent).append("      DISAGREE: ").append(v.disagreement()).append('\n');
            }
            if (explain || v.disagree()) {
                out.append(indent).append("      mmap:    ").append(v.mmap().rule().describe()).append('\n');
                out.append(indent).append("      dma-buf: ").append(v.dmaBuf().rule().describe()).append('\n');
            }
        }
        ListConfig.text(out, d, indent);
    }
    }

    /** "yes", "no (EINVAL)" or "unknown". */
    static String verdict(Verdict v) {
        switch (v.outcome()) {
            case YES:
                return "yes";
            case NO:
                return "no" + v.errno().map(e -> " (" + e.name() + ")").orElse("");
            default:
                return "unknown";
        }
    }

    private static String derived(DerivedFacts.Derived d) {
        return d.value() == null ? "unknown" : d.value() ? "yes" : "no";
    }

    private static String blocker(Blocker b) {
        return b.address() + " (driver " + esc(b.driver()) + ")";
    }

    /** Outside text on a terminal: control characters escaped (TextEscape), so no line or escape is forged. */
    private static String esc(String s) {
        return TextEscape.escape(s);
    }

    private static String yesNo(boolean b) {
        return b ? "yes" : "no";
    }
}
