package org.vfioinspector.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.vfioinspector.bridge.host.Host;
import org.vfioinspector.bridge.host.HostVerdicts;
import org.vfioinspector.bridge.kernel.Kernel;
import org.vfioinspector.bridge.kernel.jna.JnaKernel;
import org.vfioinspector.bridge.lab.scenario.LabScenario;
import org.vfioinspector.bridge.lab.scenario.ScenarioException;
import org.vfioinspector.bridge.model.HostInventory;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.model.PciDevice;
import org.vfioinspector.bridge.pciids.PciIds;
import org.vfioinspector.bridge.probe.ProbeJson;
import org.vfioinspector.bridge.probe.ProbeOptions;
import org.vfioinspector.bridge.probe.ProbeReport;
import org.vfioinspector.bridge.probe.Prober;
import org.vfioinspector.bridge.session.DeviceTarget;
import org.vfioinspector.bridge.session.OpenPath;
import org.vfioinspector.bridge.sysfs.HostScanner;
import org.vfioinspector.bridge.sysfs.HostUnreadableException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code probe [--json] [--host HOST] [--device BDF]... [--revoke]}: asks the kernel, for every vfio-pci device,
 * what each region index 0–8 gives for region info, mmap, pread and dma-buf export; with --revoke, walks reset,
 * memory-enable off/on and close with exported dma-bufs and reports the revocations seen.
 */
@Command(name = "probe", mixinStandardHelpOptions = true,
        description = "Open every vfio-pci device (or those given) and report, per region 0-8, region info, an mmap "
                + "read, a pread and a dma-buf export as the kernel answers them.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:probed (kernel refusals are results, not failures)", "1:the host could not be read",
            "2:bad arguments (unknown device, a snapshot without a kernel, a scenario that does not load)"})
public final class ProbeCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print one JSON object instead of tables.")
    boolean json;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "local", converter = HostSpec.Converter.class,
            description = "local (default: this machine's kernel) or lab:NAME|FILE (the lab kernel).")
    HostSpec host;

    @Option(names = "--device", paramLabel = "BDF", description = "Probe only this device (repeatable).")
    List<String> devices = new ArrayList<>();

    @Option(names = "--revoke", description = "On devices with a reset, export their BARs and step through reset, "
            + "memory-enable off, on and close, reporting the revocations seen. Changes device state.")
    boolean revoke;

    @Option(names = "--open-path", paramLabel = "PATH", defaultValue = "AUTO",
            description = "How to open devices: ${COMPLETION-CANDIDATES} (default AUTO: cdev + iommufd where the "
                    + "kernel has them, else the legacy container/group path).")
    OpenPath openPath;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<PciAddress> wanted = new ArrayList<>();
        for (String d : devices) {
            try {
                wanted.add(PciAddress.parse(d));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--device: " + e.getMessage());
            }
        }
        host.requireKernel(spec.commandLine(), " to probe");
        try (Host h = host.open(JnaKernel::live)) {
            HostInventory inventory = new HostScanner(h.paths(), PciIds.loadDefault()).scan();
            List<DeviceTarget> targets = new ArrayList<>();
            for (PciAddress bdf : wanted) {
                Optional<PciDevice> d = inventory.device(bdf);
                if (d.isEmpty()) {
                    err.println("vfio-inspector probe: no PCI device " + bdf + " on host " + h);
                    return Cli.EXIT_USAGE;
                }
                if (d.get().iommuGroup().isEmpty()) {
                    err.println("vfio-inspector probe: " + bdf + " has no IOMMU group, so VFIO cannot open it");
                    return Cli.EXIT_USAGE;
                }
                targets.add(DeviceTarget.of(d.get()));
            }
            if (wanted.isEmpty()) {
                inventory.devices().stream()
                        .filter(d -> d.driver().filter(DeviceTarget.VFIO_PCI::equals).isPresent())
                        .filter(d -> d.iommuGroup().isPresent())
                        .map(DeviceTarget::of)
                        .forEach(targets::add);
            }
            Kernel kernel = h.kernel().orElseThrow();
            ProbeReport report = new Prober(kernel, options(h, inventory)).probe(targets);
            if (json) {
                out.println(ProbeJson.toJson(report));
            } else {
                out.print(ProbeText.render(h, report, targets.isEmpty()));
            }
            out.flush();
            return Cli.EXIT_OK;
        } catch (ScenarioException | HostUnreadableException | IOException e) {
            return host.failed(err, "probe", e);
        }
    }

    private ProbeOptions options(Host h, HostInventory inventory) throws IOException {
        Map<String, Object> hostInfo = new LinkedHashMap<>();
        hostInfo.put("kind", h.kind().label());
        hostInfo.put("name", h.name());
        String release;
        Optional<LabScenario> scenario = h.scenario();
        if (scenario.isPresent()) {
            hostInfo.put("lab", true);
            hostInfo.put("scenario", scenario.get().name());
            release = scenario.get().release();
        } else {
            hostInfo.put("lab", false);
            release = inventory.kernel().release();
        }
        // the profile list shows for this host (a Debian build without iommufd gets its variant), so both agree
        String profile = HostVerdicts.of(h, inventory).profile().profile().name();
        return new ProbeOptions(revoke, openPath, hostInfo, release, profile,
                ProbeOptions.defaults().syncMillis());
    }
}
