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
 * What the groups tree and the device table show beside each device: the BARs whose mmap and dma-buf verdicts
 * disagree, with both rules, before anything is tried; the one-line summary of the device table; and the scenario's
 * own device names where a lab scenario gives them. The names are there at once ({@link #names}); the rest is every
 * device's predictions, about 90 µs each (a second for 10,000 functions on the 2-core machine), so it is worked out
 * off the FX thread after the host is shown ({@link #of}), and the rows are marked when it is done.
 */
public final class DeviceMarks {
    /** A host without predictions (its release is unknown) and without a scenario: nothing to mark. */
    public static final DeviceMarks NONE = new DeviceMarks(null, Map.of(), Map.of(), Map.of(), true);

    private final HostInventory host;
    private final Map<PciAddress, String> names;
    private final Map<PciAddress, List<String>> disagreements;
    private final Map<PciAddress, DeviceSummary> summaries;
    private final boolean complete;

    private DeviceMarks(HostInventory host, Map<PciAddress, String> names, Map<PciAddress, List<String>> disagreements,
                        Map<PciAddress, DeviceSummary> summaries, boolean complete) {
        this.host = host;
        this.names = names;
        this.disagreements = disagreements;
        this.summaries = summaries;
        this.complete = complete;
    }

    /**
     * The scenario's names only, for the host's first frame, before {@link #of} is done. A scenario of 10,000 named
     * functions makes a map of 10,000, so the task that opens a host makes them ({@link GroupsPane#prepare}).
     */
    public static DeviceMarks names(HostInventory inv, Optional<LabScenario> scenario) {
        return new DeviceMarks(inv, scenarioNames(scenario), Map.of(), Map.of(), false);
    }

    private static Map<PciAddress, String> scenarioNames(Optional<LabScenario> scenario) {
        Map<PciAddress, String> names = new HashMap<>();
        scenario.ifPresent(s -> s.devices().forEach(d -> {
            if (d.name() != null && !d.name().isBlank()) {
                names.put(d.bdf(), d.name().strip());
            }
        }));
        return Map.copyOf(names);
    }

    /** Computes every mark of {@code inv}; blocking work for a background thread. */
    public static DeviceMarks of(HostInventory inv, Optional<HostVerdicts> verdicts, Optional<LabScenario> scenario) {
        Map<PciAddress, String> names = scenarioNames(scenario);
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
                summaries.put(d.address(), DeviceSummary.of(d, inv, dp));
            }
        });
        return new DeviceMarks(inv, names, Map.copyOf(disagree), Map.copyOf(summaries), true);
    }

    /** Whether these are the whole marks of {@code inv} (not only its names). */
    public boolean completeFor(HostInventory inv) {
        return complete && host == inv;
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
