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
     * pci_p2pdma_whitelist[] in drivers/pci/p2pdma.c (Debian linux-source-7.2, 7.2.13), in its order: vendor, device
     * (-1: PCI_ANY_ID) and REQ_SAME_HOST_BRIDGE (the entry only lets traffic through when both devices are below
     * this one host bridge). Device IDs of the named ones from include/linux/pci_ids.h. q35's 8086:29c0 is not on it.
     */
    public static final List<WhitelistEntry> WHITELIST = List.of(
            new WhitelistEntry(0x8086, 0x3c00, true), new WhitelistEntry(0x8086, 0x3c01, true), // Xeon E5/Core i7
            new WhitelistEntry(0x8086, 0x2f00, true), new WhitelistEntry(0x8086, 0x2f01, true), // Xeon E7 v3/E5 v3
            new WhitelistEntry(0x8086, 0x2030, false), new WhitelistEntry(0x8086, 0x2031, false), // Skylake-E
            new WhitelistEntry(0x8086, 0x2032, false), new WhitelistEntry(0x8086, 0x2033, false),
            new WhitelistEntry(0x8086, 0x2020, false), new WhitelistEntry(0x8086, 0x09a2, false),
            new WhitelistEntry(0x8086, 0x0b25, false), // PCI_DEVICE_ID_INTEL_DSA_SPR0
            new WhitelistEntry(0x8086, 0x0cfe, false), // PCI_DEVICE_ID_INTEL_IAX_SPR0
            new WhitelistEntry(0x8086, 0x11fb, false), // PCI_DEVICE_ID_INTEL_DSA_GNRD
            new WhitelistEntry(0x8086, 0x1212, false), // PCI_DEVICE_ID_INTEL_DSA_DMR
            new WhitelistEntry(0x8086, 0x1216, false), // PCI_DEVICE_ID_INTEL_IAA_DMR
            new WhitelistEntry(0x8086, 0x4940, false), // PCI_DEVICE_ID_INTEL_QAT_4XXX
            new WhitelistEntry(0x8086, 0x4942, false), // PCI_DEVICE_ID_INTEL_QAT_401XX
            new WhitelistEntry(0x8086, 0x4944, false), // PCI_DEVICE_ID_INTEL_QAT_402XX
            new WhitelistEntry(0x8086, 0x4946, false), // PCI_DEVICE_ID_INTEL_QAT_420XX
            new WhitelistEntry(0x8086, 0x4948, false), // PCI_DEVICE_ID_INTEL_QAT_6XXX
            new WhitelistEntry(0x1ae0, -1, false)); // PCI_VENDOR_ID_GOOGLE, any device: Google SoCs

    /** One row of pci_p2pdma_whitelist[]. */
    public record WhitelistEntry(int vendor, int device, boolean requireSameHostBridge) {
        boolean matches(PciDevice d) {
            return d.vendorId() == vendor && (device < 0 || d.deviceId() == device);
        }
    }

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

    /** The root bus above {@code dev} (its host bridge's bus), as a domain:bus address of devfn 0. */
    private PciAddress rootBus(PciAddress dev) {
        List<PciAddress> up = inventory.device(dev).map(PciDevice::upstream).orElse(List.of());
        int rootBus = up.isEmpty() ? dev.bus() : up.get(0).bus();
        return new PciAddress(dev.domain(), rootBus, 0, 0);
    }

    /**
     * pci_host_bridge_dev(): the first device on the root bus above {@code dev} (the lowest devfn, as the bus was
     * scanned) when it is at devfn 00.0 or is a PCIe root port; empty otherwise (then nothing is whitelisted).
     */
    public Optional<PciDevice> hostBridge(PciAddress dev) {
        PciAddress root = rootBus(dev);
        return inventory.devices().stream().filter(d -> d.address().domain() == root.domain()
                        && d.address().bus() == root.bus() && d.upstream().isEmpty())
                .min(java.util.Comparator.comparingInt(d -> d.address().device() * 8 + d.address().function()))
                .filter(d -> (d.address().device() == 0 && d.address().function() == 0)
                        || pcie(d).map(p -> p.portTypeCode() == 4).orElse(false));
    }

    private Optional<WhitelistEntry> whitelistEntry(PciAddress dev) {
        return hostBridge(dev).flatMap(h -> WHITELIST.stream().filter(e -> e.matches(h)).findFirst());
    }

    @Override
    public boolean hostBridgeWhitelisted(PciAddress dev) {
        return cpuAllowsP2p || whitelistEntry(dev).isPresent();
    }

    @Override
    public String hostBridgeId(PciAddress dev) {
        return hostBridge(dev).map(HostTopology::id).orElse("(none: the first device on root bus "
                + String.format("%04x:%02x", dev.domain(), rootBus(dev).bus()) + " is neither at 00.0 nor a root port)");
    }

    /**
     * cpu_supports_p2pdma() || host_bridge_whitelist(provider, client): one host bridge above both → its first
     * matching whitelist entry lets it through; two host bridges → both must match an entry without
     * REQ_SAME_HOST_BRIDGE.
     */
    @Override
    public Optional<String> hostBridgeRefusal(PciAddress provider, PciAddress client) {
        if (cpuAllowsP2p) {
            return Optional.empty();
        }
        Optional<WhitelistEntry> ep = whitelistEntry(provider);
        if (rootBus(provider).equals(rootBus(client))) {
            return ep.isPresent() ? Optional.empty() : Optional.of("host bridge " + hostBridgeId(provider)
                    + " is not in the p2pdma whitelist");
        }
        Optional<WhitelistEntry> ec = whitelistEntry(client);
        if (ep.isPresent() && ec.isPresent() && !ep.get().requireSameHostBridge()
                && !ec.get().requireSameHostBridge()) {
            return Optional.empty();
        }
        return Optional.of("the devices are below two host bridges, " + hostBridgeId(provider) + " and "
                + hostBridgeId(client) + ", and p2pdma lets traffic cross between host bridges only when both are "
                + "whitelisted without REQ_SAME_HOST_BRIDGE");
    }

    @Override
    public String hostBridgeAllowance(PciAddress provider, PciAddress client) {
        if (cpuAllowsP2p) {
            return "the CPU (" + cpu + ") allows p2pdma through any host bridge (cpu_supports_p2pdma: AMD Zen or "
                    + "later)";
        }
        return rootBus(provider).equals(rootBus(client)) ? "host bridge " + hostBridgeId(provider)
                + " is in the p2pdma whitelist" : "host bridges " + hostBridgeId(provider) + " and "
                + hostBridgeId(client) + " are both in the p2pdma whitelist";
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
            return Verdict.unknown(ImporterRules.P2P, "the ACS of " + unknown.get() + " lies in its extended "
                    + "config space, which only root can read: run as root to decide between bus address and host "
                    + "bridge");
        }
        return ImporterRules.distance(exporter.address(), importer, this);
    }

    /**
     * A device on the two paths up to where they meet (the devices themselves included: calc_map_type_and_dist()
     * reads their ACS control too) whose ACS control was not readable.
     */
    private Optional<PciAddress> acsUnknownOnPath(PciAddress a, PciAddress b) {
        List<PciAddress> ua = new ArrayList<>(List.of(a));
        ua.addAll(upstreamBridges(a));
        List<PciAddress> ub = new ArrayList<>(List.of(b));
        ub.addAll(upstreamBridges(b));
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
