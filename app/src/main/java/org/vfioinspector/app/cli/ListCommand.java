package org.vfioinspector.app.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import org.vfioinspector.bridge.host.Host;
import org.vfioinspector.bridge.host.HostVerdicts;
import org.vfioinspector.bridge.kernel.jna.JnaKernel;
import org.vfioinspector.bridge.lab.scenario.ScenarioException;
import org.vfioinspector.bridge.model.HostInventory;
import org.vfioinspector.bridge.pciids.PciIds;
import org.vfioinspector.bridge.sysfs.HostScanner;
import org.vfioinspector.bridge.sysfs.HostUnreadableException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code list [--json | --brief] [--explain] [--host HOST]}: IOMMU groups, PCI devices and their BARs. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List IOMMU groups, PCI devices and their BARs, with the VFIO viability of each group and, for "
                + "every BAR, whether VFIO will mmap it and export it as a dma-buf (and where the two disagree).",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:listed", "1:the host could not be read at all", "2:bad arguments"})
public final class ListCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print one JSON object instead of the text tree.")
    boolean json;

    @Option(names = "--explain", description = "After each BAR's verdicts, the deciding kernel rule (function, "
            + "condition, errno, source row); after each device, the rule behind its VFIO reset.")
    boolean explain;

    @Option(names = "--brief", description = "One line per device: BDF, group, viable, vendor:device, class, driver, "
            + "BARs that mmap and that export (of the BARs), BARs where the two disagree, names.")
    boolean brief;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "local", converter = HostSpec.Converter.class,
            description = "local (default: this machine), sysfs:DIR (a snapshot; DIR contains sys/) or lab:NAME|FILE "
                    + "(a lab scenario: qemu-q35, gpu-server, s390-ism, type1-p2p-hazard, ... or a YAML file).")
    HostSpec host;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (brief && (json || explain)) {
            err.println("vfio-inspector list: --brief cannot be combined with " + (json ? "--json" : "--explain")
                    + " (--brief prints one line per device; --json and --explain the whole host)");
            return Cli.EXIT_USAGE;
        }
        try (Host h = host.open(JnaKernel::live)) {
            HostInventory inventory = new HostScanner(h.paths(), PciIds.loadDefault()).scan();
            HostVerdicts verdicts = HostVerdicts.of(h, inventory);
            if (json) {
                OutputStream bytes = Cli.Output.bytes(out);
                ListJson.write(bytes, h, inventory, verdicts);
                bytes.write(System.lineSeparator().getBytes(StandardCharsets.US_ASCII));
                bytes.flush();
            } else {
                out.print(brief ? ListBrief.render(inventory, verdicts) : ListText.render(h, inventory, verdicts, explain));
            }
            out.flush();
            return Cli.EXIT_OK;
        } catch (ScenarioException | HostUnreadableException | IOException e) {
            return host.failed(err, "list", e);
        }
    }
}
