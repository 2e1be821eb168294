package org.vfioinspector.bridge.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vfioinspector.bridge.lab.LabHostTree;
import org.vfioinspector.bridge.lab.LabKernel;
import org.vfioinspector.bridge.model.HostInventory;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.model.PciDevice;
import org.vfioinspector.bridge.pciids.PciIds;
import org.vfioinspector.bridge.sysfs.HostPaths;
import org.vfioinspector.bridge.sysfs.HostScanner;
import org.vfioinspector.bridge.sysfs.SnapshotFixture;

class HostTopologyTest {
    static final PciAddress GPU0 = PciAddress.parse("0000:12:00.0");
    static final PciAddress GPU1 = PciAddress.parse("0000:13:00.0");

    static Verdict p2p(HostInventory inv, PciAddress exp, PciAddress imp, Optional<String> cpuinfo) {
        PciDevice e = inv.device(exp).orElseThrow();
        return new HostTopology(inv, cpuinfo).p2p(e, e.regions().get(0), imp);
    }

    /** The real q35: two root-bus devices meet only at host bridge 8086:29c0, which is not whitelisted. */
    @Test
    void q35RootBusDevicesAreNotSupported(@TempDir Path tmp) throws Exception {
        Path root = SnapshotFixture.extract(SnapshotFixture.Q35, tmp);
        HostInventory inv = new HostScanner(HostPaths.under(root), PciIds.loadDefault()).scan();
        Verdict v = p2p(inv, PciAddress.parse("0000:00:05.0"), PciAddress.parse("0000:00:03.0"), Optional.empty());
        assertEquals("EINVAL", v.result());
        assertTrue(v.rule().condition().contains("host bridge 8086:29c0 is not in the p2pdma whitelist"),
                v.rule().condition());
        // the same host on an AMD Zen CPU: cpu_supports_p2pdma lets it through the host bridge
        Verdict amd = p2p(inv, PciAddress.parse("0000:00:05.0"), PciAddress.parse("0000:00:03.0"),
                Optional.of("processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\n"));
        assertEquals("ok", amd.result());
        assertTrue(amd.rule().condition().contains("THRU_HOST_BRIDGE"), amd.rule().condition());
    }

    /** Read as a user, the switch ports' ACS is unknown: the verdict says so instead of guessing. */
    @Test
    void acsUnreadableOnTheSharedSwitchIsUnknown(@TempDir Path tmp) throws Exception {
        HostPaths hp = LabHostTree.write(LabKernel.of("gpu-server"), tmp);
        HostInventory full = new HostScanner(hp, PciIds.loadDefault()).scan();
        assertEquals("ok", p2p(full, GPU0, GPU1, Optional.empty()).result(), "ACS redirect → whitelisted host bridge");
        try (var files = Files.walk(hp.sys("devices"))) {
            for (Path config : files.filter(p -> p.getFileName().toString().equals("config")).toList()) {
                Files.write(config, Arrays.copyOf(Files.readAllBytes(config), 256));
            }
        }
        HostInventory user = new HostScanner(hp, PciIds.loadDefault()).scan();
        Verdict v = p2p(user, GPU0, GPU1, Optional.empty());
        assertEquals("unknown", v.result());
        assertTrue(v.rule().condition().contains("only root can read"), v.rule().condition());
    }

    /** A lab host with the given host bridge at 00:00.0 and devices; every device in a group of its own. */
    static HostInventory host(String hostBridgeId, String yaml, Path tmp) throws Exception {
        String[] hb = hostBridgeId.split(":");
        String devices = "  - {bdf: \"0000:00:00.0\", vendor: \"" + hb[0] + "\", device: \"" + hb[1]
                + "\", class: \"0x060000\"}\n" + yaml;
        StringBuilder groups = new StringBuilder("groups:\n");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("bdf: \"([^\"]+)\"").matcher(devices);
        for (int g = 0; m.find(); g++) {
            groups.append("  - {id: ").append(g).append(", devices: [\"").append(m.group(1)).append("\"]}\n");
        }
        String head = "format: 1\nname: t\nprofile: linux-7.2\nhostBridge: {bdf: \"0000:00:00.0\", id: \""
                + hostBridgeId + "\"}\ndevices:\n";
        HostPaths hp = LabHostTree.write(new LabKernel(org.vfioinspector.bridge.lab.scenario.ScenarioLoader.parse(
                head + devices + groups, "t.yaml")), tmp);
        return new HostScanner(hp, PciIds.loadDefault()).scan();
    }

    static String endpoint(String bdf, String extra) {
        return "  - {bdf: \"" + bdf + "\", vendor: \"1234\", device: \"11e8\", class: \"0x00ff00\", configSize: 4096, "
                + "driver: vfio-pci, bars: [{index: 0, kind: mem32, address: \"0x" + bdf.substring(5, 7) + bdf.substring(8, 10)
                + "00000\", size: \"1M\"}]" + extra + "}\n";
    }

    static String rootPort(String bdf, int bus, boolean acsRedirect) {
        return "  - {bdf: \"" + bdf + "\", vendor: \"1b36\", device: \"000c\", class: \"0x060400\", configSize: 4096, "
                + "bridge: {kind: root-port, secondaryBus: " + bus + ", subordinateBus: " + bus + ", acsRedirect: "
                + acsRedirect + "}}\n";
    }

    static String hostBridge(String bdf, String id) {
        String[] vd = id.split(":");
        return "  - {bdf: \"" + bdf + "\", vendor: \"" + vd[0] + "\", device: \"" + vd[1] + "\", class: \"0x060000\"}\n";
    }

    static Verdict pair(HostInventory inv, String exporter, String importer) {
        return p2p(inv, PciAddress.parse(exporter), PciAddress.parse(importer), Optional.empty());
    }

    /**
     * Second root buses: the lab puts every bus behind a bridge, so the devices of {@code buses} are written behind
     * bridges 00:1a.0 (bus 80) and 00:1b.0 (bus 40), which are then taken out: the devices get the sysfs place of a
     * second host bridge's root bus (no upstream bridge), as on a multi-socket host.
     */
    static HostInventory splitRootBuses(String hostBridgeId, String yaml, Path tmp) throws Exception {
        HostInventory inv = host(hostBridgeId, "  - {bdf: \"0000:00:1a.0\", vendor: \"1b36\", device: \"000c\", "
                + "class: \"0x060400\", bridge: {kind: pci-bridge, secondaryBus: 0x80, subordinateBus: 0x80}}\n"
                + "  - {bdf: \"0000:00:1b.0\", vendor: \"1b36\", device: \"000c\", class: \"0x060400\", bridge: "
                + "{kind: pci-bridge, secondaryBus: 0x40, subordinateBus: 0x40}}\n" + yaml, tmp);
        List<PciAddress> bridges = List.of(PciAddress.parse("0000:00:1a.0"), PciAddress.parse("0000:00:1b.0"));
        List<PciDevice> devices = inv.devices().stream().filter(d -> !bridges.contains(d.address()))
                .map(d -> d.upstream().isEmpty() ? d : new PciDevice(d.address(), d.vendorId(), d.deviceId(),
                        d.subsystemVendor(), d.subsystemDevice(), d.revision(), d.classCode(), d.names(), d.driver(),
                        d.driverOverride(), d.iommuGroup(), d.numaNode(), d.resetMethods(), d.vfioDevice(), List.of(),
                        d.sriov(), d.physfn(), d.regions(), d.config())).toList();
        return new HostInventory(inv.kernel(), inv.groups(), devices, inv.failed());
    }

    /**
     * calc_map_type_and_dist() walks up from the devices themselves: the exporting device maps its own BAR by bus
     * address, and so does a bridge above it — unless ACS redirect on the way sends it through the host bridge.
     */
    @Test
    void theExporterItselfAndABridgeAboveItMeetWithoutTheHostBridge(@TempDir Path tmp) throws Exception {
        HostInventory inv = host("8086:29c0", rootPort("0000:00:1c.0", 1, false) + endpoint("0000:01:00.0", "")
                + rootPort("0000:00:1d.0", 2, true) + endpoint("0000:02:00.0", ""), tmp);
        Verdict self = pair(inv, "0000:01:00.0", "0000:01:00.0");
        assertEquals("ok", self.result());
        assertTrue(self.rule().condition().contains("the importer is the exporting device itself"), self.toString());
        Verdict port = pair(inv, "0000:01:00.0", "0000:00:1c.0");
        assertEquals("ok", port.result(), port.toString());
        assertTrue(port.rule().condition().contains("is a bridge above 0000:01:00.0"), port.toString());
        Verdict redirected = pair(inv, "0000:02:00.0", "0000:00:1d.0");
        assertEquals("EINVAL", redirected.result());
        assertTrue(redirected.rule().condition().contains("ACS redirect on [0000:00:1d.0]"), redirected.toString());
        assertEquals("EINVAL", pair(inv, "0000:01:00.0", "0000:02:00.0").result());
    }

    /** pci_bridge_has_acs_redir() is asked of the provider too: ACS redirect on the device itself. */
    @Test
    void acsRedirectOnTheExporterItselfGoesThroughTheHostBridge(@TempDir Path tmp) throws Exception {
        HostInventory inv = host("8086:29c0", endpoint("0000:00:03.0", ", capabilities: {acs: {capability: [SV, RR, "
                + "CR, UF], control: [SV, RR, CR, UF]}}"), tmp);
        Verdict v = pair(inv, "0000:00:03.0", "0000:00:03.0");
        assertEquals("EINVAL", v.result(), v.toString());
        assertTrue(v.rule().condition().contains("8086:29c0 is not in the p2pdma whitelist"), v.toString());
    }

    /**
     * host_bridge_whitelist(): below one host bridge its first matching entry decides (REQ_SAME_HOST_BRIDGE is
     * met); across two, both must match entries without REQ_SAME_HOST_BRIDGE: Skylake-E 8086:2020 / 2030 pass,
     * Xeon E5 8086:3c00 does not, and q35's 8086:29c0 is on no entry.
     */
    @Test
    void oneOrTwoHostBridges(@TempDir Path tmp) throws Exception {
        for (String[] c : new String[][] {{"2020", "2030", "ok"}, {"3c00", "3c00", "EINVAL"},
            {"29c0", "2030", "EINVAL"}}) {
            HostInventory inv = splitRootBuses("8086:" + c[0], endpoint("0000:00:03.0", "") + hostBridge(
                    "0000:80:00.0", "8086:" + c[1]) + endpoint("0000:80:03.0", "") + endpoint("0000:80:04.0", ""),
                    tmp.resolve(c[0]));
            Verdict across = pair(inv, "0000:00:03.0", "0000:80:03.0");
            assertEquals(c[2], across.result(), c[0] + "/" + c[1] + ": " + across);
            assertTrue(across.rule().condition().contains(c[2].equals("ok") ? "are both in the p2pdma whitelist"
                    : "below two host bridges"), across.toString());
            Verdict same = pair(inv, "0000:80:03.0", "0000:80:04.0");
            assertEquals("ok", same.result(), c[1] + ": " + same);
            assertTrue(same.rule().condition().contains("host bridge 8086:" + c[1] + " is in the p2pdma whitelist"),
                    same.toString());
        }
    }

    /** pci_host_bridge_dev(): a root bus whose first device is neither at 00.0 nor a root port has no host bridge. */
    @Test
    void noHostBridgeDeviceMeansNoWhitelist(@TempDir Path tmp) throws Exception {
        HostInventory inv = splitRootBuses("8086:29c0", hostBridge("0000:40:01.0", "8086:2020")
                + endpoint("0000:40:03.0", "") + endpoint("0000:40:04.0", ""), tmp);
        Verdict v = pair(inv, "0000:40:03.0", "0000:40:04.0");
        assertEquals("EINVAL", v.result(), v.toString());
        assertTrue(v.rule().condition().contains("neither at 00.0 nor a root port"), v.toString());
        assertEquals("ok", pair(inv, "0000:40:03.0", "0000:40:03.0").result());
    }

    /**
     * The real q35 (Linux 7.2.13): its root ports have ACS with RR and CR enabled (the kernel enables them when an
     * IOMMU asks for ACS), so even the root port above e1000e maps it through the host bridge: EINVAL. Only each
     * device itself maps its own BARs (facts §9: the exporting device maps with PCI_P2PDMA_MAP_BUS_ADDR).
     */
    @Test
    void q35OnlyTheDeviceItselfMapsItsBar(@TempDir Path tmp) throws Exception {
        Path root = SnapshotFixture.extract(SnapshotFixture.Q35, tmp);
        HostInventory inv = new HostScanner(HostPaths.under(root), PciIds.loadDefault()).scan();
        Verdict port = pair(inv, "0000:01:00.0", "0000:00:08.0");
        assertEquals("EINVAL", port.result(), port.toString());
        assertTrue(port.rule().condition().contains("ACS redirect on [0000:00:08.0]"), port.toString());
        int pairs = 0;
        for (PciDevice e : inv.devices()) {
            if (e.driver().filter("vfio-pci"::equals).isEmpty()) {
                continue;
            }
            for (PciDevice i : inv.devices()) {
                Verdict v = pair(inv, e.address().toString(), i.address().toString());
                assertEquals(e.equals(i) ? "ok" : "EINVAL", v.result(), e.address() + " -> " + i.address() + ": " + v);
                pairs++;
            }
        }
        assertTrue(pairs > 50, "pairs: " + pairs);
    }
}
