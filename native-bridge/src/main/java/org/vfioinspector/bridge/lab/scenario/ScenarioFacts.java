package org.vfioinspector.bridge.lab.scenario;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.model.PciDevice;
import org.vfioinspector.bridge.model.Region;
import org.vfioinspector.bridge.model.RegionKind;
import org.vfioinspector.bridge.rules.BarFacts;
import org.vfioinspector.bridge.rules.DerivedFacts;
import org.vfioinspector.bridge.rules.DeviceFacts;
import org.vfioinspector.bridge.rules.HostPredictions;

/**
 * The facts the kernel derives for a scenario's devices (non_mappable_bars, the sub-page reservation, the reset
 * probe), each from the host as the scenario describes it, by the rules of {@link DerivedFacts}; a scenario's
 * explicit override wins and says so.
 */
public final class ScenarioFacts {
    private final LabScenario s;
    private final Map<Long, List<PciAddress>> buses = new HashMap<>();
    private final Set<Long> bridged = new HashSet<>();
    private final Map<org.vfioinspector.bridge.model.PciAddress, LabScenario.Device> byBdf = new HashMap<>();

    /** Indexes the buses once: a 10,000-function host asks for every device. */
    public ScenarioFacts(LabScenario scenario) {
        this.s = scenario;
        for (LabScenario.Device d : s.devices()) {
            byBdf.put(d.bdf(), d);
            buses.computeIfAbsent(LabScenario.busKey(d.bdf().domain(), d.bdf().bus()), k -> new ArrayList<>())
                    .add(d.bdf());
            if (d.bridge() != null) {
                bridged.add(LabScenario.busKey(d.bdf().domain(), d.bridge().secondaryBus()));
            }
        }
    }

    /**
     * The scenario's explicit overrides (quirk non_mappable_bars, restOfPageFree, vfioReset), for predictions made
     * from the lab host's sysfs tree, which cannot show a hand-set fact. Everything else the predictions derive.
     */
    public HostPredictions.Overrides overrides() {
        return new HostPredictions.Overrides() {
            @Override
            public Optional<DerivedFacts.Derived> nonMappableBars(PciDevice d) {
                return Optional.ofNullable(byBdf.get(d.address())).filter(LabScenario.Device::nonMappableBars)
                        .map(x -> ScenarioFacts.this.nonMappableBars(x));
            }

            @Override
            public Optional<DerivedFacts.Derived> restOfPageFree(PciDevice d, Region r) {
                return Optional.ofNullable(byBdf.get(d.address())).flatMap(x -> x.bar(r.index()).filter(b -> b.restOfPageFree() != null)
                        .map(b -> ScenarioFacts.this.restOfPageFree(x, b)));
            }

            @Override
            public Optional<DerivedFacts.Derived> resetWorks(PciDevice d) {
                return Optional.ofNullable(byBdf.get(d.address())).filter(x -> x.vfioReset() != null).map(ScenarioFacts.this::resetWorks);
            }
        };
    }

    /** What the rules need to know about {@code d}, with the facts the kernel derives derived (overrides win). */
    public DeviceFacts facts(LabScenario.Device d) {
        List<BarFacts> bf = new ArrayList<>();
        for (LabScenario.Bar b : d.bars()) {
            Boolean free = b.size() < org.vfioinspector.bridge.uapi.Vfio.PAGE_SIZE ? restOfPageFree(d, b).value() : null;
            bf.add(new BarFacts(b.index(), b.kind(), b.address(), b.size(), b.prefetchable(), free, true));
        }
        return new DeviceFacts(d.bdf(), DeviceFacts.slots(bf), d.rom() == null ? 0 : d.rom().size(), d.configSize(),
                Boolean.TRUE.equals(nonMappableBars(d).value()), Boolean.TRUE.equals(resetWorks(d).value()),
                d.msix() == null ? -1 : d.msix().bar(), false, true);
    }

    /** pdev->non_mappable_bars of {@code d}: the s390 ISM fixup on this scenario's {@link LabScenario#arch}, or the quirk. */
    public DerivedFacts.Derived nonMappableBars(LabScenario.Device d) {
        if (d.nonMappableBars()) {
            return DerivedFacts.Derived.override(true, "the scenario's quirk non_mappable_bars");
        }
        return DerivedFacts.nonMappableBars(d.vendor(), d.device(), s.arch());
    }

    /** Whether the rest of sub-page BAR {@code b}'s page is free of the host's other resources, or the override. */
    public DerivedFacts.Derived restOfPageFree(LabScenario.Device d, LabScenario.Bar b) {
        if (b.restOfPageFree() != null) {
            return DerivedFacts.Derived.override(b.restOfPageFree(), "the scenario's restOfPageFree");
        }
        if (b.kind() == RegionKind.IO) {
            return DerivedFacts.Derived.of(false, "I/O port BAR: no page to reserve");
        }
        long pageStart = b.address() & ~(org.vfioinspector.bridge.uapi.Vfio.PAGE_SIZE - 1);
        List<DerivedFacts.Resource> near = new ArrayList<>();
        for (LabScenario.Device o : memoryNear(pageStart)) {
            for (LabScenario.Bar ob : o.bars()) {
                if (ob.kind() != RegionKind.IO && !(o == d && ob.index() == b.index())) {
                    near.add(new DerivedFacts.Resource(ob.address(), ob.address() + ob.size() - 1, o.bdf() + " BAR"
                            + ob.index()));
                }
            }
            if (o.rom() != null) {
                near.add(new DerivedFacts.Resource(o.rom().address(), o.rom().address() + o.rom().size() - 1,
                        o.bdf() + " ROM"));
            }
        }
        return DerivedFacts.restOfPageFree(b.address(), b.size(), near, null);
    }

    /** VFIO's FLAGS_RESET for {@code d}: its reset methods where it sits, or the override. */
    public DerivedFacts.Derived resetWorks(LabScenario.Device d) {
        if (d.vfioReset() != null) {
            return DerivedFacts.Derived.override(d.vfioReset(), "the scenario's vfioReset");
        }
        boolean root = !bridged.contains(LabScenario.busKey(d.bdf().domain(), d.bdf().bus()));
        return DerivedFacts.resetWorks(d.resetMethods(), DerivedFacts.BusPosition.of(root, d.bridge() != null, d.bdf(),
                buses.getOrDefault(LabScenario.busKey(d.bdf().domain(), d.bdf().bus()), List.of())));
    }

    /** Devices with a memory resource in the page at {@code pageStart} (a scan: only sub-page BARs ask). */
    private List<LabScenario.Device> memoryNear(long pageStart) {
        long pageEnd = pageStart + org.vfioinspector.bridge.uapi.Vfio.PAGE_SIZE - 1;
        List<LabScenario.Device> out = new ArrayList<>();
        for (LabScenario.Device o : s.devices()) {
            boolean hit = false;
            for (LabScenario.Bar ob : o.bars()) {
                hit |= ob.kind() != RegionKind.IO && Long.compareUnsigned(ob.address(), pageEnd) <= 0
                        && Long.compareUnsigned(ob.address() + ob.size() - 1, pageStart) >= 0;
            }
            if (o.rom() != null) {
                hit |= Long.compareUnsigned(o.rom().address(), pageEnd) <= 0
                        && Long.compareUnsigned(o.rom().address() + o.rom().size() - 1, pageStart) >= 0;
            }
            if (hit) {
                out.add(o);
            }
        }
        return out;
    }


}
