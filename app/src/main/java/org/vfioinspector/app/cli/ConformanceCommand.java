package org.vfioinspector.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.vfioinspector.bridge.conformance.ConformanceCase;
import org.vfioinspector.bridge.conformance.KernelConformance;
import org.vfioinspector.bridge.host.Host;
import org.vfioinspector.bridge.kernel.Kernel;
import org.vfioinspector.bridge.kernel.jna.JnaKernel;
import org.vfioinspector.bridge.lab.scenario.ScenarioException;
import org.vfioinspector.bridge.model.PciDevice;
import org.vfioinspector.bridge.pciids.PciIds;
import org.vfioinspector.bridge.sysfs.HostScanner;
import org.vfioinspector.bridge.sysfs.HostUnreadableException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code conformance [--json] [--host HOST] [--case NAME]...}: the kernel-level conformance suite on this host's
 * kernel (the harness runs it inside its guests) or a lab's. Hidden: it changes device state (reset, memory enable,
 * close, unbind and bind again) and is meant for test machines.
 */
@Command(name = "conformance", hidden = true, mixinStandardHelpOptions = true,
        description = "Run the kernel-level conformance suite against this host's kernel (changes device state).",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:every case passed or was skipped with a reason", "1:a case failed, or the host could not "
                + "be read", "2:bad arguments"})
public final class ConformanceCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print one JSON object instead of lines.")
    boolean json;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "local", converter = HostSpec.Converter.class,
            description = "local (default: this machine's kernel) or lab:NAME|FILE (the lab kernel).")
    HostSpec host;

    @Option(names = "--case", paramLabel = "NAME", description = "Run only this case (repeatable).")
    List<String> cases = new java.util.ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        host.requireKernel(spec.commandLine(), "");
        try (Host h = host.open(JnaKernel::live)) {
            List<PciDevice> devices = new HostScanner(h.paths(), PciIds.loadDefault()).scan().devices();
            Kernel kernel = h.kernel().orElseThrow();
            KernelConformance suite = new KernelConformance(kernel, devices);
            for (String c : cases) {
                if (!suite.names().contains(c)) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--case " + c
                            + ": no such case; known: " + suite.names());
                }
            }
            List<ConformanceCase> results = cases.isEmpty() ? suite.run()
                    : cases.stream().map(suite::run).toList();
            if (json) {
                out.println(KernelConformance.toJson(kernel, results));
            } else {
                out.println("conformance on " + kernel.describe());
                for (ConformanceCase c : results) {
                    out.println(String.format("%-4s %-32s %s", c.status(), c.name(), c.detail()));
                }
            }
            out.flush();
            return results.stream().anyMatch(c -> c.status() == ConformanceCase.Status.FAIL)
                    ? Cli.EXIT_HOST_UNREADABLE : Cli.EXIT_OK;
        } catch (ScenarioException | HostUnreadableException | IOException e) {
            return host.failed(err, "conformance", e);
        }
    }
}
