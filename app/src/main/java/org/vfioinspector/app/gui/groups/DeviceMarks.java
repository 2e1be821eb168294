package org.vfioinspector.app.gui.groups;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.vfioinspector.app.text.DeviceSummary;
import org.vfioinspector.bridge.host.HostVerdicts;
import org.vfioinspector.bridge.lab.scenario.LabScenario;
import org.vfioinspector.bridge.model.HostInventory;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.model.PciDevice;
import org.vfioinspector.bridge.rules.HostPredictions;
import org.vfioinspector.bridge.rules.Verdict;

/**
 * What the groups tree and the device table show beside each device, worked out once per host off the FX thread
 * (every device's predictions: on a 10,000-function host that is not work for a cell's update): the BARs whose mmap
 * and dma-buf verdicts disagree, with both rules, before anything is tried; the one-line summary of the device table;
 * and the scenario's own device names where a lab scenario gives them.
 */
public final class DeviceMarks {
    /** A host without predictions (its release is unknown) and without a scenario: nothing to mark. */
    public static final DeviceMarks NONE = new DeviceMarks(Map.of(), Map.of(), Map.of());

    private final Map<PciAddress, String> names;
    private final Map<PciAddress, List<String>> disagreements;
    private final Map<PciAddress, DeviceSummary> summaries;

    private DeviceMarks(Map<PciAddress, String> names, Map<PciAddress, List<String>> disagreements,
                        Map<PciAddress, DeviceSummary> summaries) {
        this.names = names;
        this.disagreements = disagreements;
        this.summaries = summaries;
    }

    /** Computes the marks of {@code inv}; blocking work for a background thread. */
    public static DeviceMarks of(HostInventory inv, Optional<HostVerdicts> verdicts, Optional<LabScenario> scenario) {
        Map<PciAddress, String> names = new HashMap<>();
        scenario.ifPresent(s -> s.devices().forEach(d -> {
            if (d.name() != null && !d.name().isBlank()) {
                names.put(d.bdf(), d.name().strip());
            }
        }));
        Map<PciAddress, List<String>> disagree = new HashMap<>();
        Map<PciAddress, DeviceSummary> summaries = new HashMap<>();
        verdicts.ifPresent(v -> {
            HostPredictions p = v.predictions();
            for (PciDevice d : inv.devices()) {
                HostPredictions.DevicePrediction dp = p.device(d);
                List<String> lines = dp.disagreements().stream().map(r -> r.region().name() + ": mmap "
                        + word(r.verdicts().mmap()) + " (" + r.verdicts().mmap().rule().describe() + ")  |  dma-buf "
                        + word(r.verdicts().dmaBuf()) + " (" + r.verdicts().dmaBuf().rule().describe() + ")").toList();
                if (!lines.isEmpty()) {
                    disagree.put(d.address(), lines);
                }
                summaries.put(d.address(), DeviceSummary.of(d, inv, p));
            }
        });
        return new DeviceMarks(Map.copyOf(names), Map.copyOf(disagree), Map.copyOf(summaries));
    }

    /** The scenario's name for the device, when its scenario gives one. */
    public Optional<String> name(PciAddress a) {
        return Optional.ofNullable(names.get(a));
    }

    public Map<PciAddress, String> names() {
        return names;
    }

    /** Each BAR whose verdicts disagree: "BAR0: mmap yes (rule)  |  dma-buf no (rule)"; empty when none. */
    public List<String> disagreements(PciAddress a) {
        return disagreements.getOrDefault(a, List.of());
    }

    /** The device table's summary; empty when the host has no predictions. */
    public Optional<DeviceSummary> summary(PciAddress a) {
        return Optional.ofNullable(summaries.get(a));
    }

    private static String word(Verdict v) {
        return v.allowed() ? "yes" : v.refused() ? "no" : "unknown";
    }
}
