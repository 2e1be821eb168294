package org.vfioinspector.app.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.vfioinspector.bridge.model.HostInventory;
import org.vfioinspector.bridge.pciids.PciIds;
import org.vfioinspector.bridge.sysfs.HostScanner;
import org.vfioinspector.bridge.sysfs.HostUnreadableException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code list [--json] [--host HOST]}: IOMMU groups, PCI devices and their BARs. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List IOMMU groups, PCI devices and their BARs, with the VFIO viability of each group.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:listed", "1:the host could not be read at all", "2:bad arguments"})
public final class ListCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print one JSON object instead of the text tree.")
    boolean json;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "local", converter = HostSpec.Converter.class,
            description = "local (default: this machine) or sysfs:DIR (a snapshot; DIR contains sys/).")
    HostSpec host;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        HostInventory inventory;
        try {
            inventory = new HostScanner(host.paths(), PciIds.loadDefault()).scan();
        } catch (HostUnreadableException e) {
            err.println("vfio-inspector list: cannot read host " + host + ": " + e.getMessage());
            return Cli.EXIT_HOST_UNREADABLE;
        }
        out.print(json ? ListJson.render(host, inventory) + System.lineSeparator() : ListText.render(host, inventory));
        out.flush();
        return Cli.EXIT_OK;
    }
}
