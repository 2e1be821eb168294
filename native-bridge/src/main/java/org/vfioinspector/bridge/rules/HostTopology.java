package org.vfioinspector.bridge.rules;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.vfioinspector.bridge.config.Capability;
import org.vfioinspector.bridge.config.ConfigSpace;
import org.vfioinspector.bridge.model.HostInventory;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.model.PciDevice;

/**
 * The PCI tree of a scanned host as pci_p2pdma_distance sees it: upstream bridges from each device's sysfs path, ACS
 * redirect from each bridge's config space, and the host bridge (the function at devfn 0 of the root bus) checked
 * against the kernel's p2pdma whitelist, or the CPU that p2pdma allows whatever the host bridge
 * ({@code cpu_supports_p2pdma}: AMD Zen and later).
 */
public final class HostTopology implements P2pTopology {
    /**
     * pci_p2pdma_whitelist in drivers/pci/p2pdma.c (Linux 7.2): Intel Xeon E5/Core i7 (3c00, 3c01), Xeon E7 v3/E5 v3
     * (2f00, 2f01), Skylake-E (2030-2033, 2020) and Ice Lake (09a2). q35's 8086:29c0 is not on it.
     */
    public static final Set<String> WHITELIST = Set.of("8086:3c00", "8086:3c01", "8086:2f00", "8086:2f01",
            "8086:2030", "8086:2031", "8086:2032", "8086:2033", "8086:2020", "8086:09a2");

    private final HostInventory inventory;
    private final boolean cpuAllowsP2p;
    private final String cpu;

    /**
     * @param inventory the scanned host
     * @param cpuinfo   the text of /proc/cpuinfo, when readable (decides cpu_supports_p2pdma)
     */
    public HostTopology(HostInventory inventory, Optional<String> cpuinfo) {
        this.inventory = inventory;
        String vendor = cpuinfo.flatMap(t -> field(t, "vendor_id")).orElse("");
        int family = cpuinfo.flatMap(t -> field(t, "cpu family")).map(HostTopology::parseInt).orElse(-1);
        this.cpuAllowsP2p = vendor.equals("AuthenticAMD") && family >= 0x17;
        this.cpu = vendor + " family " + family;
    }

    /** The topology of a scanned host, with the CPU from {@code proc/cpuinfo} under its paths (absent: not AMD). */
    public static HostTopology of(HostInventory inventory, org.vfioinspector.bridge.sysfs.HostPaths paths) {
        Optional<String> cpuinfo;
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(paths.proc("cpuinfo"))) {
            cpuinfo = Optional.of(new String(in.readNBytes(16384), java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            cpuinfo = Optional.empty(); // a snapshot or lab tree has none: only the host bridge decides
        }
        return new HostTopology(inventory, cpuinfo);
    }

    private static Optional<String> field(String cpuinfo, String name) {
        for (String line : cpuinfo.lines().limit(64).toList()) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equals(name)) {
                return Optional.of(line.substring(colon + 1).trim());
            }
        }
        return Optional.empty();
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public List<PciAddress> upstreamBridges(PciAddress dev) {
        List<PciAddress> up = new ArrayList<>(inventory.device(dev).map(PciDevice::upstream).orElse(List.of()));
        Collections.reverse(up);
        return up;
    }

    /** pci_bridge_has_acs_redir: the bridge's ACS control has RR, CR or EC set. */
    @Override
    public boolean acsRedirect(PciAddress bridge) {
        return inventory.device(bridge).flatMap(PciDevice::config).flatMap(ConfigSpace::acs)
                .map(a -> (a.controlBits() & (0x04 | 0x08 | 0x20)) != 0).orElse(false);
    }

    /** The function at devfn 0 of the root bus above {@code dev}: what pci_host_bridge_dev() looks at. */
    public PciAddress hostBridge(PciAddress dev) {
        List<PciAddress> up = inventory.device(dev).map(PciDevice::upstream).orElse(List.of());
        int rootBus = up.isEmpty() ? dev.bus() : up.get(0).bus();
        return new PciAddress(dev.domain(), rootBus, 0, 0);
    }

    @Override
    public boolean hostBridgeWhitelisted(PciAddress dev) {
        return cpuAllowsP2p || inventory.device(hostBridge(dev)).map(HostTopology::id).filter(WHITELIST::contains)
                .isPresent();
    }

    @Override
    public String hostBridgeId(PciAddress dev) {
        PciAddress hb = hostBridge(dev);
        String id = inventory.device(hb).map(HostTopology::id).orElse("(no function at " + hb + ")");
        return cpuAllowsP2p ? id + " (the CPU, " + cpu + ", allows p2pdma through any host bridge)" : id;
    }

    private static String id(PciDevice d) {
        return String.format("%04x:%04x", d.vendorId(), d.deviceId());
    }

    /**
     * The P2P verdict for an importer DMAing to {@code exporter}'s BAR: an I/O BAR has no P2P provider; a memory BAR
     * goes by pci_p2pdma_distance.
     */
    public Verdict p2p(PciDevice exporter, org.vfioinspector.bridge.model.Region bar, PciAddress importer) {
        if (!bar.kind().isMemory()) {
            return Verdict.no("pcim_p2pdma_provider", bar.name() + " is an I/O-port BAR: only memory BARs have a "
                    + "P2P provider", org.vfioinspector.bridge.kernel.Errno.EINVAL);
        }
        Optional<PciAddress> unknown = acsUnknownOnPath(exporter.address(), importer);
        if (unknown.isPresent()) {
            return Verdict.unknown(ImporterRules.P2P, "the ACS of bridge " + unknown.get() + " lies in its extended "
                    + "config space, which only root can read: run as root to decide between bus address and host "
                    + "bridge");
        }
        return ImporterRules.distance(exporter.address(), importer, this);
    }

    /** A bridge below the two devices' common bridge (or the common one) whose ACS control was not readable. */
    private Optional<PciAddress> acsUnknownOnPath(PciAddress a, PciAddress b) {
        List<PciAddress> ua = upstreamBridges(a);
        List<PciAddress> ub = upstreamBridges(b);
        PciAddress common = ua.stream().filter(ub::contains).findFirst().orElse(null);
        if (common == null) {
            return Optional.empty(); // through the host bridge whatever the ACS says
        }
        List<PciAddress> path = new ArrayList<>();
        for (List<PciAddress> side : List.of(ua, ub)) {
            for (PciAddress x : side) {
                path.add(x);
                if (x.equals(common)) {
                    break;
                }
            }
        }
        return path.stream().filter(x -> inventory.device(x).map(d -> pcie(d).isPresent()
                && d.config().map(c -> c.readable() < ConfigSpace.EXTENDED).orElse(true)).orElse(false)).findFirst();
    }

    /** Whether the capability list of a device is known (config readable past the header). */
    static boolean configKnown(PciDevice d) {
        return d.config().map(c -> c.readable() >= ConfigSpace.CONVENTIONAL).orElse(false);
    }

    /** The device's PCIe capability, when its config space shows one. */
    static Optional<Capability.Detail.Pcie> pcie(PciDevice d) {
        return d.config().flatMap(ConfigSpace::pcie);
    }
}
