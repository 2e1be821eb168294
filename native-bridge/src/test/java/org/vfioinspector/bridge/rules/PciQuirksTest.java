package org.vfioinspector.bridge.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vfioinspector.bridge.model.HostInventory;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.model.PciDevice;

/**
 * One case per quirk class of drivers/pci/quirks.c that {@link PciQuirks} carries (Debian linux-source-7.2,
 * 7.2.13), each built as a lab host whose config files the scanner reads back, and what {@link GroupWhy} then says:
 * DMA aliases of function 0, of function 1, fixed by subsystem, the multi-alias NTBs (MIC x200, VCA, PLX,
 * Switchtec), the PCIe-to-PCI bridge that hides its capability; device-specific ACS of multifunction endpoints,
 * Intel PCH and Sunrise Point root ports, Intel RCiEPs, and the quirks that fail a port whatever its ACS says.
 */
class PciQuirksTest {
    static HostInventory host(String yaml, Path tmp) throws Exception {
        return GroupWhyTest.host(yaml, tmp);
    }

    static String groups(String... members) {
        return "groups:\n  - {id: 0, devices: [\"0000:00:00.0\"]}\n  - {id: 1, devices: [\""
                + String.join("\", \"", members) + "\"]}\n";
    }

    /** A root-bus function without PCIe, not flagged multifunction (so only an alias can explain its group). */
    static String fn(String bdf, String id, String cls) {
        String[] vd = id.split(":");
        return "  - {bdf: \"" + bdf + "\", vendor: \"" + vd[0] + "\", device: \"" + vd[1] + "\", class: \"" + cls
                + "\", capabilities: {multifunction: false}}\n";
    }

    static PciDevice dev(HostInventory inv, String bdf) {
        return inv.device(PciAddress.parse(bdf)).orElseThrow();
    }

    // ---- DMA aliases -----------------------------------------------------------------------------------------

    /** quirk_dma_func0_alias: Ricoh FireWire at .1 DMAs as .0 (its CardBus function). */
    @Test
    void func0Alias(@TempDir Path tmp) throws Exception {
        HostInventory inv = host(fn("0000:00:05.0", "1180:e476", "0x060700") + fn("0000:00:05.1", "1180:e832",
                "0x0c0010") + groups("0000:00:05.0", "0000:00:05.1"), tmp);
        GroupWhy w = GroupWhy.explain(inv.group(1).orElseThrow(), inv);
        assertEquals("dma-alias", w.cause(), w.text());
        assertTrue(w.text().contains("0000:00:05.1 (1180:e832) DMAs with the requester ID of function 0"), w.text());
        assertTrue(w.text().contains("quirk_dma_func0_alias"), w.text());
        // function 0 of the same chip aliases nothing of its own
        assertEquals(java.util.Set.of(), PciQuirks.dmaAlias(dev(inv, "0000:00:05.0")).orElseThrow().devfns());
    }

    /** quirk_dma_func1_alias: Marvell 88SE9215 (missing from the table written from memory) DMAs as .1. */
    @Test
    void func1Alias(@TempDir Path tmp) throws Exception {
        HostInventory inv = host(fn("0000:00:06.0", "1b4b:9215", "0x010601") + fn("0000:00:06.1", "1b4b:9215",
                "0x010185") + groups("0000:00:06.0", "0000:00:06.1"), tmp);
        GroupWhy w = GroupWhy.explain(inv.group(1).orElseThrow(), inv);
        assertEquals("dma-alias", w.cause(), w.text());
        assertTrue(w.text().contains("0000:00:06.0 (1b4b:9215) DMAs with the requester ID of function 1"), w.text());
        assertTrue(PciQuirks.dmaAlias(dev(inv, "0000:00:06.0")).isPresent());
    }

    /** 1d87:0100 was in the table written from memory; quirks.c has no such alias: now the group is unexplained. */
    @Test
    void noAliasThatQuirksCDoesNotHave(@TempDir Path tmp) throws Exception {
        HostInventory inv = host(fn("0000:00:06.0", "1d87:0100", "0x060400") + fn("0000:00:06.1", "1d87:0100",
                "0x060400") + groups("0000:00:06.0", "0000:00:06.1"), tmp);
        assertEquals(Optional.empty(), PciQuirks.dmaAlias(dev(inv, "0000:00:06.0")));
        assertEquals("other", GroupWhy.explain(inv.group(1).orElseThrow(), inv).cause());
    }

    /** quirk_fixed_dma_alias: Adaptec 3405 (subsystem 9005:02bb) DMAs as the hidden 01.0; other subsystems not. */
    @Test
    void fixedAliasBySubsystem(@TempDir Path tmp) throws Exception {
        String adaptec = "  - {bdf: \"0000:00:0e.0\", vendor: \"9005\", device: \"0285\", subsystemVendor: \"9005\", "
                + "subsystemDevice: \"%s\", class: \"0x010400\", capabilities: {multifunction: false}}\n";
        String other = fn("0000:00:01.0", "8086:0333", "0x0b4000");
        HostInventory inv = host(String.format(adaptec, "02bb") + other + groups("0000:00:01.0", "0000:00:0e.0"),
                tmp.resolve("a"));
        GroupWhy w = GroupWhy.explain(inv.group(1).orElseThrow(), inv);
        assertEquals("dma-alias", w.cause(), w.text());
        assertTrue(w.text().contains("quirk_fixed_dma_alias"), w.text());
        HostInventory plain = host(String.format(adaptec, "0290") + other + groups("0000:00:01.0", "0000:00:0e.0"),
                tmp.resolve("b"));
        assertEquals(Optional.empty(), PciQuirks.dmaAlias(dev(plain, "0000:00:0e.0")));
    }

    /** The NTBs: MIC x200 (three proxy IDs), VCA and PLX (the whole bus), Switchtec (from its registers). */
    @Test
    void ntbAliases(@TempDir Path tmp) throws Exception {
        HostInventory mic = host(fn("0000:00:02.0", "8086:2260", "0x068000") + fn("0000:00:10.0", "8086:2264",
                "0x068000") + groups("0000:00:02.0", "0000:00:10.0"), tmp.resolve("mic"));
        GroupWhy w = GroupWhy.explain(mic.group(1).orElseThrow(), mic);
        assertEquals("dma-alias", w.cause(), w.text());
        assertTrue(w.text().contains("quirk_mic_x200_dma_alias"), w.text());

        HostInventory plx = host(fn("0000:00:02.0", "10b5:87b0", "0x068000") + fn("0000:00:1b.3", "10b5:8725",
                "0x068000") + groups("0000:00:02.0", "0000:00:1b.3"), tmp.resolve("plx"));
        assertTrue(GroupWhy.explain(plx.group(1).orElseThrow(), plx).text().contains("quirk_plx_ntb_dma_alias"));
        assertTrue(PciQuirks.dmaAlias(dev(plx, "0000:00:02.0")).orElseThrow().mayAlias(0xff));

        HostInventory vca = host(fn("0000:00:02.0", "8086:2954", "0x0b4000") + fn("0000:00:07.4", "8086:2956",
                "0x0b4000") + groups("0000:00:02.0", "0000:00:07.4"), tmp.resolve("vca"));
        assertTrue(GroupWhy.explain(vca.group(1).orElseThrow(), vca).text().contains("quirk_pex_vca_alias"));
        assertFalse(PciQuirks.dmaAlias(dev(vca, "0000:00:02.0")).orElseThrow().mayAlias(0x07 << 3 | 5));

        HostInventory stec = host(fn("0000:00:02.0", "11f8:8531", "0x068000") + fn("0000:00:03.0", "11f8:8531",
                "0x058000") + groups("0000:00:02.0", "0000:00:03.0"), tmp.resolve("stec"));
        w = GroupWhy.explain(stec.group(1).orElseThrow(), stec);
        assertTrue(w.text().contains("quirk_switchtec_ntb_dma_alias") && w.text().contains("registers"), w.text());
        // the Switchtec quirk is a class fixup: the management function (class 0x0580) has none
        assertEquals(Optional.empty(), PciQuirks.dmaAlias(dev(stec, "0000:00:03.0")));
    }

    /** quirk_use_pcie_bridge_dma_alias: Intel 82801 (244e) without its PCIe capability, below a root port. */
    @Test
    void bridgeThatHidesItsPcieCapability(@TempDir Path tmp) throws Exception {
        HostInventory inv = host("  - {bdf: \"0000:00:1c.0\", vendor: \"8086\", device: \"1901\", class: "
                + "\"0x060400\", configSize: 4096, bridge: {kind: root-port, secondaryBus: 1, subordinateBus: 2}, "
                + "capabilities: {acs: {capability: [SV, RR, CR, UF], control: [SV, RR, CR, UF]}}}\n"
                + "  - {bdf: \"0000:01:00.0\", vendor: \"8086\", device: \"244e\", class: \"0x060400\", "
                + "bridge: {kind: pci-bridge, secondaryBus: 2}}\n"
                + "  - {bdf: \"0000:02:00.0\", vendor: \"1102\", device: \"0002\", class: \"0x040100\"}\n"
                + groups("0000:01:00.0", "0000:02:00.0"), tmp);
        GroupWhy w = GroupWhy.explain(inv.group(1).orElseThrow(), inv);
        assertEquals("pci-bridge-alias", w.cause());
        assertTrue(w.text().contains("hides its PCIe capability: quirk_use_pcie_bridge_dma_alias"), w.text());
    }

    // ---- ACS -------------------------------------------------------------------------------------------------

    /** A multifunction PCIe device of two functions below a root port; the port's and functions' IDs vary. */
    static String mfBelowPort(String portId, String portCaps, String fnId) {
        String[] p = portId.split(":");
        String[] f = fnId.split(":");
        return "  - {bdf: \"0000:00:1c.0\", vendor: \"" + p[0] + "\", device: \"" + p[1] + "\", class: \"0x060400\", "
                + "configSize: 4096, bridge: {kind: root-port, secondaryBus: 1, subordinateBus: 1}" + portCaps + "}\n"
                + "  - {bdf: \"0000:01:00.0\", vendor: \"" + f[0] + "\", device: \"" + f[1] + "\", class: "
                + "\"0x020000\", configSize: 4096}\n"
                + "  - {bdf: \"0000:01:00.1\", vendor: \"" + f[0] + "\", device: \"" + f[1] + "\", class: "
                + "\"0x020000\", configSize: 4096}\n"
                + "groups:\n  - {id: 0, devices: [\"0000:00:00.0\"]}\n"
                + "  - {id: 1, devices: [\"0000:00:1c.0\", \"0000:01:00.0\", \"0000:01:00.1\"]}\n";
    }

    static final String PORT_ACS = ", capabilities: {acs: {capability: [SV, RR, CR, UF], control: [SV, RR, CR, UF]}}";

    /** pci_quirk_mf_endpoint_acs: 82576 functions do no peer-to-peer: the multifunction device is not the cause. */
    @Test
    void multifunctionEndpointQuirk(@TempDir Path tmp) throws Exception {
        HostInventory inv = host(mfBelowPort("8086:1901", PORT_ACS, "8086:10c9"), tmp);
        Optional<PciQuirks.AcsQuirk> q = PciQuirks.acs(dev(inv, "0000:01:00.0"), GroupWhy.REQ_ACS_FLAGS);
        assertEquals("pci_quirk_mf_endpoint_acs", q.orElseThrow().function());
        assertTrue(q.get().enabled());
        GroupWhy w = GroupWhy.explain(inv.group(1).orElseThrow(), inv);
        assertFalse(w.cause().equals("multifunction-no-acs"), w.text());
        // the same layout with an I210 (no quirk) is the multifunction case
        HostInventory i210 = host(mfBelowPort("8086:1901", PORT_ACS, "8086:1533"), tmp.resolve("i210"));
        assertEquals("multifunction-no-acs", GroupWhy.explain(i210.group(1).orElseThrow(), i210).cause());
    }

    /** pci_quirk_intel_pch_acs: a Lynxpoint PCH root port without an ACS capability is not the one to blame. */
    @Test
    void intelPchRootPortQuirk(@TempDir Path tmp) throws Exception {
        HostInventory inv = host(mfBelowPort("8086:8c10", "", "8086:1533"), tmp);
        assertEquals("pci_quirk_intel_pch_acs", PciQuirks.acs(dev(inv, "0000:00:1c.0"), GroupWhy.REQ_ACS_FLAGS)
                .orElseThrow().function());
        assertEquals("multifunction-no-acs", GroupWhy.explain(inv.group(1).orElseThrow(), inv).cause());
        HostInventory plain = host(mfBelowPort("8086:1901", "", "8086:1533"), tmp.resolve("plain"));
        assertEquals("no-acs-upstream", GroupWhy.explain(plain.group(1).orElseThrow(), plain).cause());
    }

    /**
     * pci_quirk_intel_spt_pch_acs: a Sunrise Point root port whose (lspci-visible) control word lacks RR CR still
     * passes: the kernel uses the dword at +8, which it enabled from the capability at boot.
     */
    @Test
    void sunrisePointRootPortQuirk(@TempDir Path tmp) throws Exception {
        String caps = ", capabilities: {acs: {capability: [SV, RR, CR, UF], control: [SV, UF]}}";
        HostInventory inv = host(mfBelowPort("8086:a110", caps, "8086:1533"), tmp);
        assertEquals("multifunction-no-acs", GroupWhy.explain(inv.group(1).orElseThrow(), inv).cause());
        HostInventory plain = host(mfBelowPort("8086:1901", caps, "8086:1533"), tmp.resolve("plain"));
        GroupWhy w = GroupWhy.explain(plain.group(1).orElseThrow(), plain);
        assertEquals("no-acs-upstream", w.cause());
        assertTrue(w.text().contains("has ACS without RR CR enabled"), w.text());
    }

    /** pci_quirk_zhaoxin_pcie_ports_acs: a Zhaoxin port outside its list fails, although its ACS is all enabled. */
    @Test
    void zhaoxinPortOutsideTheListFails(@TempDir Path tmp) throws Exception {
        HostInventory inv = host(mfBelowPort("1d17:0700", PORT_ACS, "8086:1533"), tmp);
        GroupWhy w = GroupWhy.explain(inv.group(1).orElseThrow(), inv);
        assertEquals("no-acs-upstream", w.cause());
        assertTrue(w.text().contains("fails its ACS quirk pci_quirk_zhaoxin_pcie_ports_acs"), w.text());
        HostInventory listed = host(mfBelowPort("1d17:0710", "", "8086:1533"), tmp.resolve("listed"));
        assertEquals("multifunction-no-acs", GroupWhy.explain(listed.group(1).orElseThrow(), listed).cause());
    }

    /** pci_quirk_rciep_acs: an Intel multifunction RCiEP without ACS passes; a non-Intel one does not. */
    @Test
    void intelRciepQuirk(@TempDir Path tmp) throws Exception {
        String rciep = "  - {bdf: \"0000:00:14.0\", vendor: \"%s\", device: \"a36d\", class: \"0x0c0330\", "
                + "configSize: 4096, capabilities: {pcie: {portType: rc-integrated-endpoint}}}\n"
                + "  - {bdf: \"0000:00:14.2\", vendor: \"%s\", device: \"a36f\", class: \"0x050000\", "
                + "configSize: 4096, capabilities: {pcie: {portType: rc-integrated-endpoint}}}\n"
                + groups("0000:00:14.0", "0000:00:14.2");
        HostInventory intel = host(String.format(rciep, "8086", "8086"), tmp.resolve("intel"));
        assertEquals("pci_quirk_rciep_acs", PciQuirks.acs(dev(intel, "0000:00:14.0"), GroupWhy.REQ_ACS_FLAGS)
                .orElseThrow().function());
        assertFalse(GroupWhy.explain(intel.group(1).orElseThrow(), intel).cause().equals("multifunction-no-acs"));
        HostInventory other = host(String.format(rciep, "1022", "1022"), tmp.resolve("amd"));
        assertEquals("multifunction-no-acs", GroupWhy.explain(other.group(1).orElseThrow(), other).cause());
    }

    /** Root ports that pass by quirk alone (Qualcomm, Ampere, Loongson, ...) and Wangxun devices off its list. */
    @Test
    void rootPortQuirksAndWangxun(@TempDir Path tmp) throws Exception {
        HostInventory inv = host(mfBelowPort("17cb:0400", "", "8088:1001"), tmp);
        assertTrue(PciQuirks.acs(dev(inv, "0000:00:1c.0"), GroupWhy.REQ_ACS_FLAGS).orElseThrow().enabled());
        assertEquals("pci_quirk_wangxun_nic_acs", PciQuirks.acs(dev(inv, "0000:01:00.0"), GroupWhy.REQ_ACS_FLAGS)
                .orElseThrow().function());
        assertFalse(GroupWhy.explain(inv.group(1).orElseThrow(), inv).cause().equals("multifunction-no-acs"));
        HostInventory off = host(mfBelowPort("17cb:0400", "", "8088:0200"), tmp.resolve("off"));
        assertFalse(PciQuirks.acs(dev(off, "0000:01:00.0"), GroupWhy.REQ_ACS_FLAGS).orElseThrow().enabled());
        assertEquals("multifunction-no-acs", GroupWhy.explain(off.group(1).orElseThrow(), off).cause());
    }
}
