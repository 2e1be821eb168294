package org.vfioinspector.bridge.exercise;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.vfioinspector.bridge.model.HostInventory;
import org.vfioinspector.bridge.model.PciDevice;
import org.vfioinspector.bridge.model.Region;

/**
 * Whether a real host's devices fit an exercise: each device the exercise needs is matched by a different device of
 * the host (in different IOMMU groups when asked), so that the steps can be done there and the checks read the real
 * kernel's answers.
 */
public final class HostFit {
    private HostFit() {
    }

    /**
     * The answer.
     *
     * @param fits    whether the host has the devices
     * @param devices the host's devices chosen, one per need, when it fits
     * @param why     a sentence: which devices fit, or what the host lacks
     */
    public record Fit(boolean fits, List<PciDevice> devices, String why) {
        public Fit {
            devices = List.copyOf(devices);
        }
    }

    public static Fit check(Exercise.RealHostNeeds needs, HostInventory inv) {
        List<PciDevice> chosen = new ArrayList<>();
        if (assign(needs, inv.devices(), 0, chosen)) {
            return new Fit(true, chosen, "fits: " + String.join(", ", chosen.stream().map(d -> d.address()
                    + d.driver().map(x -> " (" + x + ")").orElse("")).toList()));
        }
        return new Fit(false, List.of(), "this host does not fit: the exercise needs " + needs.needs());
    }

    private static boolean assign(Exercise.RealHostNeeds needs, List<PciDevice> devices, int i,
                                  List<PciDevice> chosen) {
        if (i == needs.devices().size()) {
            return true;
        }
        Exercise.DeviceNeed n = needs.devices().get(i);
        for (PciDevice d : devices) {
            if (chosen.contains(d) || !fits(n, d) || (needs.distinctGroups() && chosen.stream()
                    .anyMatch(c -> c.iommuGroup().equals(d.iommuGroup())))) {
                continue;
            }
            chosen.add(d);
            if (assign(needs, devices, i + 1, chosen)) {
                return true;
            }
            chosen.remove(chosen.size() - 1);
        }
        return false;
    }

    static boolean fits(Exercise.DeviceNeed n, PciDevice d) {
        if (d.iommuGroup().isEmpty()) {
            return false;
        }
        if (n.driver() != null && !Optional.of(n.driver()).equals(d.driver())) {
            return false;
        }
        if (n.vendorId() >= 0 && (d.vendorId() != n.vendorId() || d.deviceId() != n.deviceId())) {
            return false;
        }
        if (n.barMaxSize() < 0 && n.barMinSize() < 0) {
            return true;
        }
        for (Region r : d.regions()) {
            if (r.isBar() && r.kind().isMemory() && (n.barMaxSize() < 0 || r.size() <= n.barMaxSize())
                    && (n.barMinSize() < 0 || r.size() >= n.barMinSize())) {
                return true;
            }
        }
        return false;
    }
}
