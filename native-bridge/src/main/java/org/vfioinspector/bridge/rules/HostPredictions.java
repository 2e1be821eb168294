package org.vfioinspector.bridge.rules;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.vfioinspector.bridge.model.HostInventory;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.model.PciDevice;
import org.vfioinspector.bridge.model.ReadFailure;
import org.vfioinspector.bridge.model.Region;
import org.vfioinspector.bridge.model.RegionKind;
import org.vfioinspector.bridge.rules.DerivedFacts.Derived;
import org.vfioinspector.bridge.uapi.Vfio;

/**
 * The verdicts for every BAR of a host read from sysfs, with the facts the kernel derives derived from the host
 * itself ({@link DerivedFacts}: non_mappable_bars from vendor:device and architecture, the sub-page reservation
 * from the other resources, the reset probe from reset_method and the bus). One source for the CLI and the GUI.
 * A verdict is unknown only when a fact it turns on cannot be read; it then names the fact.
 */
public final class HostPredictions {
    /** Facts a host knows beyond sysfs (a lab scenario's explicit overrides); empty where the kernel's rule decides. */
    public interface Overrides {
        Optional<Derived> nonMappableBars(PciDevice d);

        Optional<Derived> restOfPageFree(PciDevice d, Region r);

        Optional<Derived> resetWorks(PciDevice d);

        Overrides NONE = new Overrides() {
            @Override
            public Optional<Derived> nonMappableBars(PciDevice d) {
                return Optional.empty();
            }

            @Override
            public Optional<Derived> restOfPageFree(PciDevice d, Region r) {
                return Optional.empty();
            }

            @Override
            public Optional<Derived> resetWorks(PciDevice d) {
                return Optional.empty();
            }
        };
    }

    /**
     * One region's verdicts.
     *
     * @param region         the region as sysfs lists it
     * @param restOfPageFree for a sub-page MMIO BAR, the derived reservation; null otherwise
     * @param verdicts       mmap and dma-buf verdicts and the disagreement
     */
    public record RegionPrediction(Region region, Derived restOfPageFree, Predictions.BarPrediction verdicts) {
    }

    /**
     * One device's facts and verdicts.
     *
     * @param nonMappableBars pdev->non_mappable_bars and why
     * @param reset           VFIO's FLAGS_RESET (vdev->reset_works) and why
     * @param regions         every region sysfs lists, in order
     */
    public record DevicePrediction(PciDevice device, Derived nonMappableBars, Derived reset,
                                   List<RegionPrediction> regions) {
        public DevicePrediction {
            regions = List.copyOf(regions);
        }

        /** The regions whose mmap and export verdicts differ. */
        public List<RegionPrediction> disagreements() {
            return regions.stream().filter(r -> r.verdicts().disagree()).toList();
        }
    }

    private final KernelProfile profile;
    private final String arch;
    private final Overrides overrides;
    private final List<DerivedFacts.Resource> memory = new ArrayList<>();
    private final Map<Long, List<PciAddress>> buses = new HashMap<>();
    private final String unreadableResources;

    /**
     * @param arch the host's architecture (uname -m), null when it cannot be read
     */
    public HostPredictions(KernelProfile profile, HostInventory host, String arch, Overrides overrides) {
        this.profile = profile;
        this.arch = arch;
        this.overrides = overrides;
        for (PciDevice d : host.devices()) {
            buses.computeIfAbsent(busKey(d.address()), k -> new ArrayList<>()).add(d.address());
            for (Region r : d.regions()) {
                if (r.kind() != RegionKind.IO && r.size() > 0) {
                    memory.add(new DerivedFacts.Resource(r.start(), r.end(), d.address() + " " + r.name()));
                }
            }
        }
        memory.sort((a, b) -> Long.compareUnsigned(a.start(), b.start()));
        List<String> bad = new ArrayList<>();
        for (ReadFailure f : host.failed()) {
            if (f.file().endsWith("resource") || f.file().endsWith(f.subject())) {
                bad.add(f.subject());
            }
        }
        this.unreadableResources = bad.isEmpty() ? null : "the resources of " + String.join(", ", bad);
    }

    public KernelProfile profile() {
        return profile;
    }

    public DevicePrediction device(PciDevice d) {
        Derived nmb = overrides.nonMappableBars(d)
                .orElseGet(() -> DerivedFacts.nonMappableBars(d.vendorId(), d.deviceId(), arch));
        // No reset_method file: the kernel hides the attribute when the device has no reset method.
        Derived reset = overrides.resetWorks(d).orElseGet(() -> DerivedFacts.resetWorks(
                d.resetMethods().orElse(List.of()), position(d)));
        Map<Integer, Derived> free = new HashMap<>();
        List<BarFacts> bars = new ArrayList<>();
        long rom = 0;
        for (Region r : d.regions()) {
            if (!r.isBar()) {
                rom = r.size();
                continue;
            }
            Boolean f = null;
            if (r.kind() != RegionKind.IO && r.size() > 0 && r.size() < Vfio.PAGE_SIZE) {
                Derived fr = overrides.restOfPageFree(d, r).orElseGet(() -> restOfPageFree(r));
                free.put(r.index(), fr);
                f = fr.value();
            }
            bars.add(new BarFacts(r.index(), r.kind(), r.start(), r.size(), r.prefetchable(), f, true));
        }
        Boolean vfio = d.driver().filter("vfio-pci"::equals).isPresent() ? Boolean.TRUE : null;
        List<RegionPrediction> out = new ArrayList<>();
        for (Region r : d.regions()) {
            Predictions.BarPrediction p;
            if (!r.isBar()) {
                p = Predictions.forBar(profile, r, Predictions.DeviceQuirks.none());
            } else {
                p = decide(d.address(), bars, rom, nmb, r.index(), vfio);
            }
            out.add(new RegionPrediction(r, free.get(r.index()), p));
        }
        return new DevicePrediction(d, nmb, reset, out);
    }

    /**
     * The verdicts where every fact is known; where one is not (non_mappable_bars, a sub-page reservation), both
     * values are tried and a verdict that depends on the missing fact is unknown, naming it.
     */
    private Predictions.BarPrediction decide(PciAddress bdf, List<BarFacts> bars, long rom, Derived nmb, int index,
                                             Boolean vfio) {
        List<Boolean> nmbValues = nmb.known() ? List.of(nmb.value()) : List.of(false, true);
        Predictions.BarPrediction first = null;
        boolean mmapVaries = false;
        boolean exportVaries = false;
        for (Boolean n : nmbValues) {
            DeviceFacts d = new DeviceFacts(bdf, DeviceFacts.slots(bars), rom, 256, n, false, -1, false, true);
            Predictions.BarPrediction p = Predictions.forBar(profile, d, index, vfio);
            if (first == null) {
                first = p;
            } else {
                mmapVaries |= p.mmap().outcome() != first.mmap().outcome();
                exportVaries |= p.dmaBuf().outcome() != first.dmaBuf().outcome();
            }
        }
        Verdict mm = first.mmap();
        Verdict db = first.dmaBuf();
        if (mmapVaries) {
            mm = Verdict.unknown(MmapRules.MMAP, "depends on pdev->non_mappable_bars, which is not known: "
                    + nmb.rule());
        }
        if (exportVaries) {
            db = Verdict.unknown(DmaBufRules.EXPORT, "depends on pdev->non_mappable_bars, which is not known: "
                    + nmb.rule());
        }
        if (profile.exportChecksBarMmapSupported() && mm.outcome() == Verdict.Outcome.UNKNOWN && db.allowed()) {
            db = Verdict.unknown(DmaBufRules.EXPORT, "the export checks bar_mmap_supported[" + index + "], which is not "
                    + "known: " + mm.rule().condition());
        }
        return Predictions.of(mm, db);
    }

    private Derived restOfPageFree(Region r) {
        long pageStart = r.start() & ~(Vfio.PAGE_SIZE - 1);
        long pageEnd = pageStart + Vfio.PAGE_SIZE - 1;
        List<DerivedFacts.Resource> near = new ArrayList<>();
        for (DerivedFacts.Resource m : memory) {
            if (Long.compareUnsigned(m.start(), pageEnd) > 0) {
                break;
            }
            if (Long.compareUnsigned(m.end(), pageStart) >= 0 && !(m.start() == r.start() && m.end() == r.end())) {
                near.add(m);
            }
        }
        return DerivedFacts.restOfPageFree(r.start(), r.size(), near, unreadableResources);
    }

    private DerivedFacts.BusPosition position(PciDevice d) {
        return DerivedFacts.BusPosition.of(d.upstream().isEmpty(), d.isBridge(), d.address(),
                buses.getOrDefault(busKey(d.address()), List.of()));
    }

    private static long busKey(PciAddress a) {
        return ((long) a.domain() << 8) | a.bus();
    }
}
