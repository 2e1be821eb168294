package org.vfioinspector.bridge.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.vfioinspector.bridge.lab.LabHostTree;
import org.vfioinspector.bridge.lab.LabKernel;
import org.vfioinspector.bridge.lab.scenario.ScenarioLoader;
import org.vfioinspector.bridge.model.HostInventory;
import org.vfioinspector.bridge.model.IommuGroup;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.pciids.PciIds;
import org.vfioinspector.bridge.sysfs.HostPaths;
import org.vfioinspector.bridge.sysfs.HostScanner;
import org.vfioinspector.bridge.sysfs.SnapshotFixture;

/**
 * Every cause of a multi-device group, each built as a lab host whose config files the scanner reads back (so the
 * explanation comes from the same bytes a real host gives), plus the real q35 snapshot and every built-in scenario.
 */
class GroupWhyTest {
    static final String HEAD = "format: 1\nname: t\nprofile: linux-7.2\nhostBridge: {bdf: \"0000:00:00.0\", id: "
            + "\"8086:29c0\"}\ndevices:\n"
            + "  - {bdf: \"0000:00:00.0\", vendor: \"8086\", device: \"29c0\", class: \"0x060000\"}\n";

    static HostInventory host(String yaml, Path tmp) throws Exception {
        HostPaths hp = LabHostTree.write(new LabKernel(ScenarioLoader.parse(HEAD + yaml, "t.yaml")), tmp);
        return new HostScanner(hp, PciIds.loadDefault()).scan();
    }

    static GroupWhy why(HostInventory inv, int group) {
        return GroupWhy.explain(inv.group(group).orElseThrow(), inv);
    }

    /** Two endpoints below a root port; {@code acs} is the root port's capabilities block. */
    static String rootPortWith(String acs) {
        return "  - {bdf: \"0000:00:1c.0\", vendor: \"8086\", device: \"1901\", class: \"0x060400\", configSize: 4096, "
                + "bridge: {kind: root-port, secondaryBus: 1, subordinateBus: 2}" + acs + "}\n"
                + "  - {bdf: \"0000:01:00.0\", vendor: \"8086\", device: \"1533\", class: \"0x020000\", configSize: 4096}\n"
                + "  - {bdf: \"0000:01:00.1\", vendor: \"8086\", device: \"1533\", class: \"0x020000\", configSize: 4096, "
                + "capabilities: {acs: {capability: [SV, RR, CR, UF], control: [SV, RR, CR, UF]}}}\n"
                + "groups:\n  - {id: 0, devices: [\"0000:00:00.0\"]}\n"
                + "  - {id: 1, devices: [\"0000:00:1c.0\", \"0000:01:00.0\", \"0000:01:00.1\"]}\n";
    }

    @Test
    void rootPortWithoutAcs(@TempDir Path tmp) throws Exception {
        HostInventory inv = host(rootPortWith(""), tmp);
        GroupWhy w = why(inv, 1);
        assertEquals("no-acs-upstream", w.cause());
        assertEquals(Optional.of(PciAddress.parse("0000:00:1c.0")), w.port());
        assertTrue(w.text().contains("root port 0000:00:1c.0 has no ACS"), w.text());
        assertTrue(w.split().contains("pcie_acs_override patch only pretends isolation"), w.split());
        assertEquals("single", why(inv, 0).cause());
    }

    /** Read as a user, a PCIe port's config file stops at 256 bytes: its ACS is unknown, not absent. */
    @Test
    void acsUnreadableWithoutRootIsNotCalledMissing(@TempDir Path tmp) throws Exception {
        HostPaths hp = LabHostTree.write(new LabKernel(ScenarioLoader.parse(HEAD + rootPortWith(""), "t.yaml")), tmp);
        for (String dev : new String[] {"0000:00:1c.0", "0000:00:1c.0/0000:01:00.0", "0000:00:1c.0/0000:01:00.1"}) {
            Path config = hp.sys("devices/pci0000:00/" + dev + "/config");
            java.nio.file.Files.write(config, java.util.Arrays.copyOf(java.nio.file.Files.readAllBytes(config), 256));
        }
        HostInventory inv = new HostScanner(hp, PciIds.loadDefault()).scan();
        GroupWhy w = why(inv, 1);
        assertEquals("other", w.cause());
        assertTrue(w.text().contains("only root can read"), w.text());
    }

    @Test
    void rootPortWithAcsButWithoutRequestRedirect(@TempDir Path tmp) throws Exception {
        GroupWhy w = why(host(rootPortWith(", capabilities: {acs: {capability: [SV, TB, RR, CR, UF], "
                + "control: [SV, UF]}}"), tmp), 1);
        assertEquals("no-acs-upstream", w.cause());
        assertTrue(w.text().contains("has ACS without RR CR enabled"), w.text());
    }

    /** With ACS on the port the endpoints' group is not explained by the port: multifunction without ACS is left. */
    @Test
    void multifunctionWithoutAcs(@TempDir Path tmp) throws Exception {
        GroupWhy w = why(host(rootPortWith(", capabilities: {acs: {capability: [SV, TB, RR, CR, UF], "
                + "control: [SV, RR, CR, UF]}}"), tmp), 1);
        assertEquals("multifunction-no-acs", w.cause());
        assertTrue(w.text().contains("multifunction device 0000:01:00 without ACS"), w.text());
        assertEquals(Optional.empty(), w.port());
    }

    @Test
    void behindPcieToPciBridge(@TempDir Path tmp) throws Exception {
        GroupWhy w = why(host("  - {bdf: \"0000:00:1e.0\", vendor: \"8086\", device: \"244e\", class: \"0x060400\", "
                + "configSize: 4096, bridge: {kind: pci-bridge, secondaryBus: 5}}\n"
                + "  - {bdf: \"0000:05:00.0\", vendor: \"1102\", device: \"0002\", class: \"0x040100\"}\n"
                + "  - {bdf: \"0000:05:01.0\", vendor: \"1106\", device: \"3044\", class: \"0x0c0010\"}\n"
                + "groups:\n  - {id: 0, devices: [\"0000:00:00.0\"]}\n"
                + "  - {id: 1, devices: [\"0000:00:1e.0\", \"0000:05:00.0\", \"0000:05:01.0\"]}\n", tmp), 1);
        assertEquals("pci-bridge-alias", w.cause());
        assertEquals(Optional.of(PciAddress.parse("0000:00:1e.0")), w.port());
        assertTrue(w.text().contains("PCIe-to-PCI bridge 0000:00:1e.0: requester IDs are aliased"), w.text());
    }

    @Test
    void behindConventionalBridge(@TempDir Path tmp) throws Exception {
        GroupWhy w = why(host("  - {bdf: \"0000:00:1e.0\", vendor: \"8086\", device: \"244e\", class: \"0x060400\", "
                + "bridge: {kind: pci-bridge, secondaryBus: 5}}\n"
                + "  - {bdf: \"0000:05:00.0\", vendor: \"1102\", device: \"0002\", class: \"0x040100\"}\n"
                + "groups:\n  - {id: 0, devices: [\"0000:00:00.0\"]}\n"
                + "  - {id: 1, devices: [\"0000:00:1e.0\", \"0000:05:00.0\"]}\n", tmp), 1);
        assertEquals("pci-bridge-alias", w.cause());
        assertTrue(w.text().contains("conventional PCI bridge"), w.text());
    }

    @Test
    void dmaAliasQuirk(@TempDir Path tmp) throws Exception {
        GroupWhy w = why(host("  - {bdf: \"0000:00:03.0\", vendor: \"1b4b\", device: \"9230\", class: \"0x010601\", "
                + "configSize: 4096, capabilities: {multifunction: false}}\n"
                + "  - {bdf: \"0000:00:03.1\", vendor: \"1b4b\", device: \"9230\", class: \"0x010185\", "
                + "configSize: 4096, capabilities: {multifunction: false}}\n"
                + "groups:\n  - {id: 0, devices: [\"0000:00:00.0\"]}\n"
                + "  - {id: 1, devices: [\"0000:00:03.0\", \"0000:00:03.1\"]}\n", tmp), 1);
        assertEquals("dma-alias", w.cause());
        assertTrue(w.text().contains("1b4b:9230"), w.text());
    }

    @Test
    void unexplainedIsOther(@TempDir Path tmp) throws Exception {
        GroupWhy w = why(host("  - {bdf: \"0000:00:03.0\", vendor: \"10de\", device: \"2330\", class: \"0x030200\", "
                + "configSize: 4096}\n"
                + "  - {bdf: \"0000:00:04.0\", vendor: \"10de\", device: \"2330\", class: \"0x030200\", configSize: 4096}\n"
                + "groups:\n  - {id: 0, devices: [\"0000:00:00.0\"]}\n"
                + "  - {id: 1, devices: [\"0000:00:03.0\", \"0000:00:04.0\"]}\n", tmp), 1);
        assertEquals("other", w.cause());
    }

    /** The real kernel's q35 group 10: the ICH9 LPC, SATA and SMBus functions, conventional PCI, multifunction. */
    @Test
    void realSnapshotGroup10(@TempDir Path tmp) throws Exception {
        Path root = SnapshotFixture.extract(SnapshotFixture.Q35, tmp);
        HostInventory inv = new HostScanner(HostPaths.under(root), PciIds.loadDefault()).scan();
        for (IommuGroup g : inv.groups()) {
            GroupWhy w = GroupWhy.explain(g, inv);
            assertEquals(g.number() == 10 ? "multifunction-no-acs" : "single", w.cause(), "group " + g.number()
                    + ": " + w.text());
        }
        assertTrue(why(inv, 10).text().contains("0000:00:1f without ACS: its functions .0 .2 .3"),
                why(inv, 10).text());
    }

    static java.util.List<String> scenarios() {
        return ScenarioLoader.BUILT_IN;
    }

    /** Every multi-device group of every built-in scenario is explained by topology and ACS (never "other"). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void builtInScenarios(String name, @TempDir Path tmp) throws Exception {
        HostPaths hp = LabHostTree.write(LabKernel.of(name), tmp);
        HostInventory inv = new HostScanner(hp, PciIds.loadDefault()).scan();
        for (IommuGroup g : inv.groups()) {
            GroupWhy w = GroupWhy.explain(g, inv);
            assertEquals(g.devices().size() == 1, w.cause().equals("single"), name + " group " + g.number());
            assertFalse(w.cause().equals("other"), name + " group " + g.number() + " " + g.devices() + ": " + w.text());
        }
    }
}
