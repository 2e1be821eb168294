package org.vfioinspector.bridge.lab.scenario;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.model.RegionKind;
import org.vfioinspector.bridge.rules.KernelProfile;
import org.vfioinspector.bridge.rules.P2pTopology;

/**
 * A validated scenario, with defaults applied: what the lab kernel and the lab sysfs tree are built from.
 *
 * @param arch the host's architecture as uname -m prints it ("x86_64", "s390x"): the kernel derives
 *             non_mappable_bars from it
 */
public record LabScenario(String name, String description, String source, KernelProfile profile, String release,
                          String arch, HostBridge hostBridge, List<Group> groups, List<Device> devices,
                          List<Importer> importers)
        implements P2pTopology {

    public LabScenario {
        groups = List.copyOf(groups);
        devices = List.copyOf(devices);
        importers = List.copyOf(importers);
    }

    /** The same host under another kernel profile (a lab host's "switch the kernel": same devices, other rules). */
    public LabScenario withProfile(KernelProfile other) {
        return new LabScenario(name, description, source, other, release, arch, hostBridge, groups, devices,
                importers);
    }

    public record HostBridge(PciAddress bdf, String id, boolean p2pWhitelisted) {
    }

    public record Group(int id, String type, List<PciAddress> devices, List<String> reservedRegions) {
        public Group {
            devices = List.copyOf(devices);
            reservedRegions = List.copyOf(reservedRegions);
        }
    }

    public record Bridge(String kind, int secondaryBus, int subordinateBus, boolean acsRedirect) {
    }

    /**
     * @param restOfPageFree the scenario's override for a sub-page BAR, null when the kernel's rule decides
     *                       ({@link ScenarioFacts#restOfPageFree})
     */
    public record Bar(int index, RegionKind kind, long address, long size, boolean prefetchable, int value,
                      Boolean restOfPageFree) {

        /** IORESOURCE_* flags as sysfs resource prints them. */
        public long resourceFlags() {
            long f;
            if (kind == RegionKind.IO) {
                f = 0x100 | 0x1;
            } else {
                f = 0x200 | (kind == RegionKind.MEM64 ? 0x100000 | 0x4 : 0) | (prefetchable ? 0x2000 | 0x8 : 0);
            }
            return f | 0x40000;
        }
    }

    public record Rom(long address, long size, int value) {
    }

    public record Msix(int bar, long tableOffset, int entries) {
        public long tableSize() {
            return entries * 16L;
        }
    }

    /**
     * One PCI function.
     *
     * @param vfioReset       the scenario's override of VFIO's FLAGS_RESET, null when the kernel's rule decides
     *                        ({@link ScenarioFacts#resetWorks})
     * @param nonMappableBars the scenario forces pdev->non_mappable_bars (quirk); false when the kernel's rule
     *                        decides ({@link ScenarioFacts#nonMappableBars})
     */
    public record Device(PciAddress bdf, String name, int vendor, int device, int subsystemVendor, int subsystemDevice,
                         int pciClass, int revision, String driver, List<String> resetMethods, Boolean vfioReset,
                         boolean nonMappableBars, int configSize, int numaNode, Bridge bridge, int totalVfs,
                         List<PciAddress> vfs, PciAddress physfn, List<Bar> bars, Rom rom, Msix msix, int command,
                         Caps caps, String dmaEngine) {
        /** The only DMA engine the lab models (docs/scenario-format.md "dmaEngine"). */
        public static final String EDU = "edu";

        public Device {
            resetMethods = List.copyOf(resetMethods);
            vfs = List.copyOf(vfs);
            bars = List.copyOf(bars);
        }

        public boolean vfioBound() {
            return "vfio-pci".equals(driver);
        }

        public Optional<Bar> bar(int index) {
            return bars.stream().filter(b -> b.index() == index).findFirst();
        }
    }

    /**
     * The capabilities the lab writes into the device's config space (defaults applied by the loader).
     *
     * @param pmState        PMCSR power state, 0-3 (3 = D3hot)
     * @param portType       PCI_EXP_FLAGS_TYPE, or -1 for a conventional PCI device (no PCIe capability)
     * @param linkSpeed      LnkSta speed code (1 = 2.5GT/s ... 6 = 64GT/s)
     * @param acsCapability  ACS capability bits, -1 without an ACS capability
     * @param multifunction  header type bit 7; null: set when another function of the slot is in the scenario
     */
    public record Caps(int pmState, boolean msi, int portType, int linkSpeed, int linkWidth, int maxLinkSpeed,
                       int maxLinkWidth, int acsCapability, int acsControl, List<RebarBar> rebar, boolean aer,
                       boolean ats, boolean pri, boolean pasid, int vendorSpecific, Boolean multifunction) {
        public Caps {
            rebar = List.copyOf(rebar);
        }
    }

    /** A resizable BAR: index, current size and supported sizes in bytes. */
    public record RebarBar(int bar, long current, List<Long> sizes) {
        public RebarBar {
            sizes = List.copyOf(sizes);
        }
    }

    public record Importer(String name, PciAddress device, boolean peer2peer, boolean revocable,
                           boolean unmapsInCallback) {
    }

    public Optional<Device> device(PciAddress bdf) {
        return devices.stream().filter(d -> d.bdf().equals(bdf)).findFirst();
    }

    public Optional<Group> groupOf(PciAddress bdf) {
        return groups.stream().filter(g -> g.devices().contains(bdf)).findFirst();
    }

    public Optional<Importer> importer(String importerName) {
        return importers.stream().filter(i -> i.name().equals(importerName)).findFirst();
    }

    /** The bridge whose secondary bus is {@code bus}, if any (bus 0 hangs off the host bridge). */
    public Optional<Device> bridgeAbove(int domain, int bus) {
        return devices.stream().filter(d -> d.bridge() != null && d.bdf().domain() == domain
                && d.bridge().secondaryBus() == bus).findFirst();
    }

    /** Device directory path below sys/devices, e.g. "pci0000:00/0000:00:08.0/0000:01:00.0". */
    public String devicePath(PciAddress bdf) {
        return devicePath(bdf, this::bridgeAbove);
    }

    /**
     * {@link #devicePath} of every device, by address. One index of the bridges serves all of them: a lookup per
     * path step scans every device, which made writing a 10,000-function host's tree quadratic.
     */
    public Map<PciAddress, String> devicePaths() {
        Map<Long, Device> bridges = new HashMap<>();
        for (Device d : devices) {
            if (d.bridge() != null) {
                bridges.putIfAbsent(busKey(d.bdf().domain(), d.bridge().secondaryBus()), d); // first, as bridgeAbove
            }
        }
        BridgeLookup above = (domain, bus) -> Optional.ofNullable(bridges.get(busKey(domain, bus)));
        Map<PciAddress, String> paths = new HashMap<>();
        for (Device d : devices) {
            paths.put(d.bdf(), devicePath(d.bdf(), above));
        }
        return paths;
    }

    static long busKey(int domain, int bus) {
        return ((long) domain << 8) | bus;
    }

    private static String devicePath(PciAddress bdf, BridgeLookup above) {
        List<String> parts = new ArrayList<>();
        PciAddress cur = bdf;
        int guard = 0;
        while (cur != null && guard++ < 64) {
            parts.add(0, cur.toString());
            cur = above.find(cur.domain(), cur.bus()).map(Device::bdf).orElse(null);
        }
        parts.add(0, String.format("pci%04x:00", bdf.domain()));
        return String.join("/", parts);
    }

    private interface BridgeLookup {
        Optional<Device> find(int domain, int bus);
    }

    @Override
    public List<PciAddress> upstreamBridges(PciAddress dev) {
        List<PciAddress> up = new ArrayList<>();
        Optional<Device> b = bridgeAbove(dev.domain(), dev.bus());
        int guard = 0;
        while (b.isPresent() && guard++ < 64) {
            up.add(b.get().bdf());
            b = bridgeAbove(b.get().bdf().domain(), b.get().bdf().bus());
        }
        return up;
    }

    /** pci_bridge_has_acs_redir(): RR, CR or EC in the ACS control, of a bridge or of any device with ACS. */
    @Override
    public boolean acsRedirect(PciAddress dev) {
        return device(dev).map(d -> d.bridge() != null && d.bridge().acsRedirect() || d.caps() != null
                && d.caps().acsCapability() >= 0 && (d.caps().acsControl() & (0x04 | 0x08 | 0x20)) != 0)
                .orElse(false);
    }

    @Override
    public boolean hostBridgeWhitelisted(PciAddress dev) {
        return hostBridge.p2pWhitelisted();
    }

    @Override
    public String hostBridgeId(PciAddress dev) {
        return hostBridge.id();
    }

}
