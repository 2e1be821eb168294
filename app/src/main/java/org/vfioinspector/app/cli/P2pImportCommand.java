package org.vfioinspector.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.vfioinspector.bridge.host.Host;
import org.vfioinspector.bridge.kernel.Importer;
import org.vfioinspector.bridge.kernel.Kernel;
import org.vfioinspector.bridge.kernel.importer.ImporterModule;
import org.vfioinspector.bridge.kernel.jna.JnaKernel;
import org.vfioinspector.bridge.lab.scenario.ScenarioException;
import org.vfioinspector.bridge.model.HostInventory;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.pciids.PciIds;
import org.vfioinspector.bridge.probe.ImportSweep;
import org.vfioinspector.bridge.sysfs.HostScanner;
import org.vfioinspector.bridge.sysfs.HostUnreadableException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code p2p-import [--json] [--host HOST]}: the kernel's own answer to the P2P question for every exporter BAR and
 * importer device ({@link ImportSweep}), through the kernel's in-kernel importers: on a real kernel the harness's
 * test importer module (kernel-lab/importer), on a lab host the scenario's. Hidden: it exports every memory BAR of
 * every vfio-pci device and attaches to it as every other device; the real-kernel harness runs it and holds the
 * answers to list's p2p verdicts.
 */
@Command(name = "p2p-import", hidden = true, mixinStandardHelpOptions = true,
        description = "Export every memory BAR of every vfio-pci device and let an in-kernel importer attach and map "
                + "it as each PCI device: what the kernel answers for every P2P pair.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:every pair was asked (refusals are answers)", "1:the host could not be read",
            "2:bad arguments", "3:the kernel offers no in-kernel importer (the test module is not loaded)"})
public final class P2pImportCommand implements Callable<Integer> {
    public static final int EXIT_NO_IMPORTER = 3;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "local", converter = HostSpec.Converter.class,
            description = "local (default: this machine's kernel, with the test importer module loaded) or "
                    + "lab:NAME|FILE (the scenario's importers).")
    HostSpec host;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        host.requireKernel(spec.commandLine(), "");
        try (Host h = host.open(JnaKernel::live)) {
            Kernel kernel = h.kernel().orElseThrow();
            HostInventory inventory = new HostScanner(h.paths(), PciIds.loadDefault()).scan();
            Map<PciAddress, Importer> byDevice = new LinkedHashMap<>();
            for (Importer i : kernel.importers()) {
                i.device().ifPresent(d -> byDevice.putIfAbsent(d, i));
            }
            if (byDevice.isEmpty()) {
                err.println("vfio-inspector p2p-import: no in-kernel importer acts as a PCI device here: "
                        + (kernel.isLab() ? "the lab scenario has none" : ImporterModule.unavailable(kernel)
                        .orElse("the test importer module offers none")));
                return EXIT_NO_IMPORTER;
            }
            ImportSweep.Report r = ImportSweep.run(kernel, inventory, byDevice::get, List.copyOf(byDevice.keySet()));
            if (json) {
                out.println(ImportSweep.toJson(r));
            } else {
                out.println("p2p-import on " + r.kernel());
                for (ImportSweep.Export e : r.exports()) {
                    out.println(String.format("%s BAR%d export %s", e.exporter(), e.bar(), e.result()));
                    r.pairs().stream().filter(p -> p.exporter().equals(e.exporter()) && p.bar() == e.bar())
                            .forEach(p -> out.println(String.format("  as %s: attach %s, map %s%s", p.importer(),
                                    p.attach(), Optional.ofNullable(p.map()).orElse("-"), p.dmaAddress() == null ? ""
                                    : String.format(" at dma 0x%x", p.dmaAddress()))));
                }
            }
            out.flush();
            return Cli.EXIT_OK;
        } catch (ScenarioException | HostUnreadableException | IOException e) {
            return host.failed(err, "p2p-import", e);
        }
    }
}
