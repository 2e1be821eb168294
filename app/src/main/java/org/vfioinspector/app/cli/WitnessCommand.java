package org.vfioinspector.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.vfioinspector.bridge.host.Host;
import org.vfioinspector.bridge.kernel.Kernel;
import org.vfioinspector.bridge.kernel.jna.JnaKernel;
import org.vfioinspector.bridge.lab.scenario.ScenarioException;
import org.vfioinspector.bridge.model.HostInventory;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.model.PciDevice;
import org.vfioinspector.bridge.pciids.PciIds;
import org.vfioinspector.bridge.session.DeviceTarget;
import org.vfioinspector.bridge.sysfs.HostScanner;
import org.vfioinspector.bridge.sysfs.HostUnreadableException;
import org.vfioinspector.bridge.witness.DmaWitness;
import org.vfioinspector.bridge.witness.WitnessJson;
import org.vfioinspector.bridge.witness.WitnessReport;
import org.vfioinspector.bridge.witness.WitnessStep;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code witness --engine BDF --peer BDF [--bar N] [--half type1|dma-buf]... [--write-pattern] [--rebind] [--json]}:
 * the DMA witness (facts §11). Hidden: it writes to both devices and unbinds the peer; the real-kernel harness runs
 * it, the GUI's try-it panel offers the same through its confirmations.
 */
@Command(name = "witness", hidden = true, mixinStandardHelpOptions = true,
        description = "Let an edu device's DMA engine read a peer's BAR through the IOMMU before and after unbind "
                + "(type1) or revocation (dma-buf). Changes device state and unbinds the peer (type1).",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:every half ran to its end", "1:the host could not be read", "2:bad arguments",
            "4:a half stopped early (its error is in the report)"})
public final class WitnessCommand implements Callable<Integer> {
    public static final int EXIT_STOPPED = 4;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "local", converter = HostSpec.Converter.class,
            description = "local (default) or lab:NAME|FILE.")
    HostSpec host;

    @Option(names = "--engine", paramLabel = "BDF", required = true, description = "The edu device whose DMA looks.")
    String engine;

    @Option(names = "--peer", paramLabel = "BDF", required = true, description = "The device whose BAR is looked at.")
    String peer;

    @Option(names = "--bar", paramLabel = "N", defaultValue = "0", description = "The peer's BAR (default 0).")
    int bar;

    @Option(names = "--half", paramLabel = "HALF", description = "type1 and/or dma-buf (repeatable; default both).")
    List<String> halves = new ArrayList<>();

    @Option(names = "--write-pattern", description = "Write a known pattern into the peer's BAR page first "
            + "(RAM-like BARs only, such as ivshmem's BAR2).")
    boolean writePattern;

    @Option(names = "--rebind", description = "type1: bind the peer to vfio-pci again at the end.")
    boolean rebind;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<String> run = halves.isEmpty() ? List.of(WitnessReport.TYPE1, WitnessReport.DMA_BUF) : halves;
        for (String h : run) {
            if (!h.equals(WitnessReport.TYPE1) && !h.equals(WitnessReport.DMA_BUF)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--half " + h
                        + ": expected type1 or dma-buf");
            }
        }
        if (bar < 0 || bar > 5) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--bar " + bar + ": expected 0..5");
        }
        host.requireKernel(spec.commandLine(), "");
        PciAddress engineBdf = parse("--engine", engine);
        PciAddress peerBdf = parse("--peer", peer);
        if (engineBdf.equals(peerBdf)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--engine and --peer are both " + peerBdf);
        }
        try (Host h = host.open(JnaKernel::live)) {
            Kernel kernel = h.kernel().orElseThrow();
            List<WitnessReport> reports = new ArrayList<>();
            for (String half : run) {
                // each half sees the host as it is now (the type1 half unbinds the peer, --rebind binds it again)
                HostInventory inventory = new HostScanner(h.paths(), PciIds.loadDefault()).scan();
                Optional<DeviceTarget> e = target(inventory, engineBdf, err);
                Optional<DeviceTarget> p = target(inventory, peerBdf, err);
                if (e.isEmpty() || p.isEmpty()) {
                    return Cli.EXIT_USAGE;
                }
                DmaWitness.Options o = DmaWitness.Options.defaults(writePattern, rebind);
                reports.add(half.equals(WitnessReport.TYPE1) ? DmaWitness.type1(kernel, e.get(), p.get(), bar, o)
                        : DmaWitness.dmaBuf(kernel, e.get(), p.get(), bar, o));
            }
            if (json) {
                out.println(WitnessJson.toJson(reports));
            } else {
                reports.forEach(r -> out.print(text(r)));
            }
            out.flush();
            return reports.stream().anyMatch(r -> r.error() != null) ? EXIT_STOPPED : Cli.EXIT_OK;
        } catch (ScenarioException | HostUnreadableException | IOException e) {
            return host.failed(err, "witness", e);
        }
    }

    private PciAddress parse(String option, String text) {
        try {
            return PciAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + ": " + e.getMessage());
        }
    }

    private static Optional<DeviceTarget> target(HostInventory inventory, PciAddress bdf, PrintWriter err) {
        Optional<PciDevice> d = inventory.device(bdf);
        if (d.isEmpty()) {
            err.println("vfio-inspector witness: no PCI device " + bdf);
            return Optional.empty();
        }
        if (d.get().iommuGroup().isEmpty()) {
            err.println("vfio-inspector witness: " + bdf + " has no IOMMU group, so VFIO cannot open it");
            return Optional.empty();
        }
        return Optional.of(DeviceTarget.of(d.get()));
    }

    static String text(WitnessReport r) {
        StringBuilder s = new StringBuilder();
        s.append(r.half()).append(": edu ").append(r.engine()).append(" looks at ").append(r.peer()).append(" BAR")
                .append(r.peerBar()).append(" (expected ").append(r.expected()).append(")\n");
        for (WitnessStep st : r.steps()) {
            s.append("  ").append(st.id()).append(": ").append(st.answer());
            if (st.isLook()) {
                s.append(", ").append(st.reach().key()).append(" ").append(st.seen());
            }
            s.append("\n");
        }
        s.append("  => ").append(r.verdict()).append("\n");
        return s.toString();
    }
}
