package org.vfioinspector.bridge.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.vfioinspector.bridge.model.PciDevice;

/**
 * The device quirks of drivers/pci/quirks.c that shape IOMMU groups, copied from Debian's linux-source-7.2
 * (7.2.13; line numbers below are that file's): the DMA aliases pci_for_each_dma_alias() follows
 * (pci_add_dma_alias, PCI_DEV_FLAG_PCIE_BRIDGE_ALIAS) and the device-specific ACS answers pci_acs_enabled() takes
 * before it looks at an ACS capability (pci_dev_acs_enabled[]). Checked entry by entry against that file, not
 * written from memory; PciQuirksTest holds one case per quirk class.
 */
public final class PciQuirks {
    private PciQuirks() {
    }

    // ---- DMA aliases -----------------------------------------------------------------------------------------

    /**
     * A DMA alias a fixup gives a device: the requester IDs (devfns on the device's own bus) it also DMAs with, so
     * the IOMMU cannot tell it from the devices at those devfns.
     *
     * @param fixup  the fixup function in quirks.c
     * @param what   one sentence for a person
     * @param devfns the aliased devfns on the device's bus; empty when the device has the quirk but no alias (the
     *               function the quirk names is the device itself)
     * @param fromRegisters the aliases are read from the device's registers at boot (Switchtec NTB proxy IDs):
     *               sysfs does not show them, {@code devfns} is empty
     */
    public record DmaAlias(String fixup, String what, Set<Integer> devfns, boolean fromRegisters) {
        public DmaAlias {
            devfns = Set.copyOf(devfns);
        }

        /** Whether {@code devfn} (on the quirked device's bus) may be one of its aliases. */
        public boolean mayAlias(int devfn) {
            return fromRegisters || devfns.contains(devfn);
        }
    }

    /** quirk_dma_func0_alias (4287-4303): Ricoh and Glenfly functions DMA as function 0 of their slot. */
    static final Set<String> FUNC0 = Set.of("1180:e832", "1180:e476", "6766:3d40", "6766:3d41");

    /**
     * quirk_dma_func1_alias (4305-4368): Marvell SATA (PCI_VENDOR_ID_MARVELL_EXT 1b4b), TTI (1103), JMicron
     * JMB388_ESD (197b:2392) and the Lite-On Plextor M6E (1c28:0122) DMA as function 1 of their slot.
     */
    static final Set<String> FUNC1 = Set.of("1b4b:9120", "1b4b:9123", "1b4b:9125", "1b4b:9128", "1b4b:9130",
            "1b4b:9170", "1b4b:9172", "1b4b:917a", "1b4b:9182", "1b4b:9183", "1b4b:91a0", "1b4b:9215", "1b4b:9220",
            "1b4b:9230", "1b4b:9235", "1103:0642", "1103:0645", "197b:2392", "1c28:0122");

    /** quirk_mic_x200_dma_alias (4440-4447): Intel MIC x200 NTB, aliases 10.0, 11.0 and 12.3. */
    static final Set<String> MIC_X200 = Set.of("8086:2260", "8086:2264");

    /** quirk_pex_vca_alias (4463-4476): Intel VCA, functions 0-4 of every slot of its bus. */
    static final Set<String> PEX_VCA = Set.of("8086:2954", "8086:2955", "8086:2956", "8086:2958", "8086:2959",
            "8086:295a");

    /** quirk_plx_ntb_dma_alias (6116-6123): PLX NTB, pci_add_dma_alias(pdev, 0, 256): every devfn of its bus. */
    static final Set<String> PLX_NTB = Set.of("10b5:87b0", "10b5:87b1");

    /**
     * quirk_switchtec_ntb_dma_alias (5928-6109): Microsemi Switchtec (11f8) and the PCI100x parts under
     * PCI_VENDOR_ID_EFAR (1055), class PCI_CLASS_BRIDGE_OTHER (0x0680): proxy IDs read from the NTB's registers.
     */
    static final Set<String> SWITCHTEC = switchtec();

    private static Set<String> switchtec() {
        List<String> ids = new ArrayList<>();
        for (String d : ("8531 8532 8533 8534 8535 8536 8541 8542 8543 8544 8545 8546 8551 8552 8553 8554 8555 8556 "
                + "8561 8562 8563 8564 8565 8566 8571 8572 8573 8574 8575 8576 4000 4084 4068 4052 4036 4028 4100 "
                + "4184 4168 4152 4136 4128 4200 4284 4268 4252 4236 4228 4352 4336 4328 4452 4436 4428 4552 4536 "
                + "4528 5000 5084 5068 5052 5036 5028 5100 5184 5168 5152 5136 5128 5200 5284 5268 5252 5236 5228 "
                + "5300 5384 5368 5352 5336 5328 5400 5484 5468 5452 5436 5428 5500 5584 5568 5552 5536 5528")
                .split(" ")) {
            ids.add("11f8:" + d);
        }
        for (int d = 0x1001; d <= 0x1006; d++) {
            ids.add(String.format("1055:%04x", d));
        }
        return Set.copyOf(ids);
    }

    /**
     * quirk_use_pcie_bridge_dma_alias (4414-4432): these conventional-looking bridges (no PCIe capability) are
     * really PCIe-to-PCI bridges; when one sits below a PCIe port (not on a root bus, the port above not itself a
     * PCIe-to-PCI bridge) the kernel aliases its devices as a PCIe-to-PCI bridge's.
     */
    static final Set<String> PCIE_BRIDGE_ALIAS = Set.of("1b21:1080", "10e3:8113", "1283:8892", "1283:8893",
            "8086:244e");

    /** The DMA alias quirk of {@code d}, if it has one. */
    public static Optional<DmaAlias> dmaAlias(PciDevice d) {
        String id = id(d);
        int slot = d.address().device();
        int fn = d.address().function();
        if (FUNC0.contains(id)) {
            return Optional.of(new DmaAlias("quirk_dma_func0_alias", "DMAs with the requester ID of function 0 of "
                    + "its slot", fn != 0 ? Set.of(slot << 3) : Set.of(), false));
        }
        if (FUNC1.contains(id)) {
            return Optional.of(new DmaAlias("quirk_dma_func1_alias", "DMAs with the requester ID of function 1 of "
                    + "its slot (which may not even exist: a ghost requester)", fn != 1 ? Set.of(slot << 3 | 1)
                    : Set.of(), false));
        }
        // fixed_dma_alias_tbl (4385-4403): Adaptec 3405 / 3805 by subsystem, alias 01.0
        if (id.equals("9005:0285") && d.subsystemVendor().orElse(-1) == 0x9005
                && (d.subsystemDevice().orElse(-1) == 0x02bb || d.subsystemDevice().orElse(-1) == 0x02bc)) {
            return Optional.of(new DmaAlias("quirk_fixed_dma_alias", "(Adaptec 3405/3805) DMAs as the hidden I/O "
                    + "processor at 01.0", Set.of(1 << 3), false));
        }
        if (MIC_X200.contains(id)) {
            return Optional.of(new DmaAlias("quirk_mic_x200_dma_alias", "(MIC x200 NTB) forwards DMA with the "
                    + "requester IDs 10.0, 11.0 and 12.3", Set.of(0x10 << 3, 0x11 << 3, 0x12 << 3 | 3), false));
        }
        if (PEX_VCA.contains(id)) {
            return Optional.of(new DmaAlias("quirk_pex_vca_alias", "(Visual Compute Accelerator) DMAs as functions "
                    + "0-4 of every slot of its bus", IntStream.range(0, 32).flatMap(s -> IntStream.range(0, 5)
                    .map(f -> s << 3 | f)).boxed().collect(Collectors.toSet()), false));
        }
        if (PLX_NTB.contains(id)) {
            return Optional.of(new DmaAlias("quirk_plx_ntb_dma_alias", "(PLX NTB) forwards DMA with any devfn of its "
                    + "bus as proxy ID", IntStream.range(0, 256).boxed().collect(Collectors.toSet()), false));
        }
        if (SWITCHTEC.contains(id) && (d.classCode() >>> 8) == 0x0680) {
            return Optional.of(new DmaAlias("quirk_switchtec_ntb_dma_alias", "(Switchtec NTB) forwards DMA with the "
                    + "proxy IDs of its partitions, read from its registers at boot", Set.of(), true));
        }
        return Optional.empty();
    }

    /** Whether quirk_use_pcie_bridge_dma_alias names {@code d} (its placement is checked by the caller). */
    public static boolean pcieBridgeAlias(PciDevice d) {
        return PCIE_BRIDGE_ALIAS.contains(id(d));
    }

    // ---- ACS -------------------------------------------------------------------------------------------------

    /** PCI_ACS_* bits of the ACS capability and control registers. */
    static final int SV = 0x01;
    static final int TB = 0x02;
    static final int RR = 0x04;
    static final int CR = 0x08;
    static final int UF = 0x10;
    static final int EC = 0x20;
    static final int DT = 0x40;

    /**
     * A device-specific ACS answer: pci_dev_specific_acs_enabled(dev, flags) returned ≥ 0.
     *
     * @param function the quirk function (pci_quirk_*_acs)
     * @param enabled  whether the quirk says every flag asked for is enabled
     * @param note     what the answer rests on (hardware isolation, a boot-time workaround), for the text
     */
    public record AcsQuirk(String function, boolean enabled, String note) {
    }

    /** One row of pci_dev_acs_enabled[]: vendor, device (-1: PCI_ANY_ID) and its function. */
    private record Row(int vendor, int device, BiFunction<PciDevice, Integer, Optional<AcsQuirk>> quirk) {
    }

    /**
     * pci_acs_ctrl_enabled(acs_flags, ctrl): 1 when every asked flag is in ctrl. The quirks pass the flags their
     * hardware implements as ctrl.
     */
    private static Optional<AcsQuirk> ctrl(String function, int flags, int ctrl, String note) {
        return Optional.of(new AcsQuirk(function, (flags & ctrl) == flags, note));
    }

    private static final int SV_RR_CR_UF = SV | RR | CR | UF;

    /** pci_quirk_mf_endpoint_acs (5003-5017): a vendor verified its functions do no peer-to-peer. */
    private static Optional<AcsQuirk> mfEndpoint(PciDevice d, int flags) {
        return ctrl("pci_quirk_mf_endpoint_acs", flags, SV | TB | RR | CR | UF | DT,
                "its vendor verified the functions do no peer-to-peer between them");
    }

    /** pci_quirk_amd_sb_acs (4713-4737): AMD southbridge multifunction devices on the root bus, with an AMD IOMMU. */
    private static Optional<AcsQuirk> amdSb(PciDevice d, int flags) {
        if (!multifunction(d) || !d.upstream().isEmpty()) {
            return Optional.empty(); // -ENODEV: the next row is asked
        }
        return ctrl("pci_quirk_amd_sb_acs", flags & (RR | CR | EC | DT), RR | CR, "an AMD southbridge function "
                + "redirects every transaction upstream when the host has an AMD IOMMU (its ACPI IVRS table)");
    }

    /** Every x86 Intel RCiEP (pci_quirk_rciep_acs, 5019-5031): p2p only on translated addresses (VT-d 3.16). */
    private static Optional<AcsQuirk> rciep(PciDevice d, int flags) {
        if (portType(d) != 9) {
            return Optional.empty();
        }
        return ctrl("pci_quirk_rciep_acs", flags, SV_RR_CR_UF, "Intel root-complex integrated endpoints allow "
                + "peer-to-peer only on translated addresses");
    }

    /** pci_quirk_intel_pch_acs_ids[] (4819-4845): PCH root ports with ACS-like controls but no ACS capability. */
    static final Set<Integer> INTEL_PCH_ACS_IDS = Set.of(
            0x3b42, 0x3b43, 0x3b44, 0x3b45, 0x3b46, 0x3b47, 0x3b48, 0x3b49, 0x3b4a, 0x3b4b, 0x3b4c, 0x3b4d, 0x3b4e,
            0x3b4f, 0x3b50, 0x3b51, // Ibexpeak
            0x1c10, 0x1c11, 0x1c12, 0x1c13, 0x1c14, 0x1c15, 0x1c16, 0x1c17, 0x1c18, 0x1c19, 0x1c1a, 0x1c1b, 0x1c1c,
            0x1c1d, 0x1c1e, 0x1c1f, // Cougarpoint
            0x1e10, 0x1e11, 0x1e12, 0x1e13, 0x1e14, 0x1e15, 0x1e16, 0x1e17, 0x1e18, 0x1e19, 0x1e1a, 0x1e1b, 0x1e1c,
            0x1e1d, 0x1e1e, 0x1e1f, // Pantherpoint
            0x8c10, 0x8c11, 0x8c12, 0x8c13, 0x8c14, 0x8c15, 0x8c16, 0x8c17, 0x8c18, 0x8c19, 0x8c1a, 0x8c1b, 0x8c1c,
            0x8c1d, 0x8c1e, 0x8c1f, // Lynxpoint-H
            0x9c10, 0x9c11, 0x9c12, 0x9c13, 0x9c14, 0x9c15, 0x9c16, 0x9c17, 0x9c18, 0x9c19, 0x9c1a, 0x9c1b, // LP
            0x9c90, 0x9c91, 0x9c92, 0x9c93, 0x9c94, 0x9c95, 0x9c96, 0x9c97, 0x9c98, 0x9c99, 0x9c9a, 0x9c9b, // Wildcat
            0x1d10, 0x1d12, 0x1d14, 0x1d16, 0x1d18, 0x1d1a, 0x1d1c, 0x1d1e, // Patsburg (X79)
            0x8d10, 0x8d11, 0x8d12, 0x8d13, 0x8d14, 0x8d15, 0x8d16, 0x8d17, 0x8d18, 0x8d19, 0x8d1a, 0x8d1b, 0x8d1c,
            0x8d1d, 0x8d1e, // Wellsburg (X99)
            0x8c90, 0x8c92, 0x8c94, 0x8c96, 0x8c98, 0x8c9a, 0x8c9c, 0x8c9e); // Lynx Point (9 series)

    /**
     * pci_quirk_intel_pch_acs (4862-4874): on when pci_quirk_enable_intel_pch_acs() (5378-5395) could enable it at
     * boot (the LPC's root complex base address is set; the kernel logs "Intel PCH root port ACS workaround
     * enabled"), which sysfs does not show: assumed, as on every such host seen.
     */
    private static Optional<AcsQuirk> intelPch(PciDevice d, int flags) {
        if (portType(d) != 4 || !INTEL_PCH_ACS_IDS.contains(d.deviceId())) {
            return Optional.empty();
        }
        return ctrl("pci_quirk_intel_pch_acs", flags, SV_RR_CR_UF, "an Intel PCH root port whose ACS-like controls "
                + "the kernel enables at boot (when it cannot, it logs \"Failed to enable Intel PCH ACS quirk\" and "
                + "the port does not pass)");
    }

    /**
     * pci_quirk_intel_spt_pch_acs (4965-5001): Sunrise/Union Point and 7th/8th gen mobile root ports have an ACS
     * capability whose control register is a dword at +8 (errata: lspci decodes the wrong word). The kernel sets
     * it from the capability at boot (pci_quirk_enable_intel_spt_pch_acs, 5397-5425), so the flags the capability
     * has are enabled.
     */
    private static Optional<AcsQuirk> intelSpt(PciDevice d, int flags) {
        int id = d.deviceId();
        boolean match = portType(d) == 4 && (id >= 0xa110 && id <= 0xa11f || id >= 0xa167 && id <= 0xa16a
                || id >= 0xa290 && id <= 0xa29f || id >= 0xa2e7 && id <= 0xa2ee || id >= 0x9d10 && id <= 0x9d1b);
        Optional<Integer> cap = d.config().flatMap(c -> c.acs()).map(a -> a.capabilityBits());
        if (!match || cap.isEmpty()) {
            return Optional.empty(); // no acs_cap: -ENOTTY
        }
        int asked = flags & (cap.get() | EC);
        return ctrl("pci_quirk_intel_spt_pch_acs", asked, cap.get() & SV_RR_CR_UF, "an Intel Sunrise/Union Point "
                + "root port: the kernel reads and enables its ACS control as a dword at +8 (lspci's control word "
                + "is not it)");
    }

    private static BiFunction<PciDevice, Integer, Optional<AcsQuirk>> always(String function, String note) {
        return (d, flags) -> ctrl(function, flags, SV_RR_CR_UF, note);
    }

    /** pci_quirk_cavium_acs (4739-4773): ThunderX root ports. */
    private static Optional<AcsQuirk> cavium(PciDevice d, int flags) {
        int id = d.deviceId();
        if (portType(d) != 4 || !(id >= 0xa000 && id <= 0xa7ff || id == 0xaf84 || id == 0xb884)) {
            return Optional.empty();
        }
        return ctrl("pci_quirk_cavium_acs", flags, SV_RR_CR_UF, "Cavium ThunderX root ports isolate as if ACS were "
                + "enabled");
    }

    /** pci_quirk_al_acs (4902-4917): Amazon Annapurna Labs root ports. */
    private static Optional<AcsQuirk> annapurna(PciDevice d, int flags) {
        if (portType(d) != 4) {
            return Optional.empty();
        }
        return Optional.of(new AcsQuirk("pci_quirk_al_acs", (flags & ~SV_RR_CR_UF) == 0, "Annapurna Labs root ports "
                + "do no peer-to-peer"));
    }

    /**
     * pci_quirk_zhaoxin_pcie_ports_acs (4791-4812): Zhaoxin root and downstream ports 0710-071e, 0721, 0723-0752
     * pass; every other Zhaoxin port FAILS (the quirk returns false, whatever ACS capability it has).
     */
    private static Optional<AcsQuirk> zhaoxin(PciDevice d, int flags) {
        int t = portType(d);
        if (t != 4 && t != 6) {
            return Optional.empty();
        }
        int id = d.deviceId();
        if (id >= 0x0710 && id <= 0x071e || id == 0x0721 || id >= 0x0723 && id <= 0x0752) {
            return ctrl("pci_quirk_zhaoxin_pcie_ports_acs", flags, SV_RR_CR_UF, "this Zhaoxin port isolates as if "
                    + "ACS were enabled");
        }
        return Optional.of(new AcsQuirk("pci_quirk_zhaoxin_pcie_ports_acs", false, "the kernel treats Zhaoxin ports "
                + "outside its list as without ACS, whatever their ACS capability says"));
    }

    /** pci_quirk_wangxun_nic_acs (5066-5078): Wangxun NICs in its list pass, any other Wangxun device fails. */
    private static Optional<AcsQuirk> wangxun(PciDevice d, int flags) {
        int id = d.deviceId();
        if (id >= 0x0100 && id <= 0x010f || id == 0x1001 || id == 0x2001 || id == 0x5010 || id == 0x5025
                || id == 0x5040 || id == 0x5110 || id == 0x5125 || id == 0x5140) {
            return ctrl("pci_quirk_wangxun_nic_acs", flags, SV_RR_CR_UF, "Wangxun NIC functions redirect "
                    + "peer-to-peer traffic upstream");
        }
        return Optional.of(new AcsQuirk("pci_quirk_wangxun_nic_acs", false, "the kernel treats Wangxun devices "
                + "outside its list as without ACS"));
    }

    private static final BiFunction<PciDevice, Integer, Optional<AcsQuirk>> MF = PciQuirks::mfEndpoint;
    private static final BiFunction<PciDevice, Integer, Optional<AcsQuirk>> ROOT_PORT_NO_P2P = always(
            "pci_quirk_*_rp_acs", "these root ports do no peer-to-peer (each is its own root complex or blocks it)");

    /** pci_dev_acs_enabled[] (5080-5246), in its order: the first row whose quirk answers (≥ 0) decides. */
    private static final List<Row> ACS_TABLE = acsTable();

    private static List<Row> acsTable() {
        List<Row> t = new ArrayList<>();
        for (int dev : new int[] {0x4385, 0x439c, 0x4383, 0x439d, 0x4384, 0x4399}) {
            t.add(new Row(0x1002, dev, PciQuirks::amdSb)); // PCI_VENDOR_ID_ATI
        }
        t.add(new Row(0x1022, 0x780f, PciQuirks::amdSb));
        t.add(new Row(0x1022, 0x7809, PciQuirks::amdSb));
        for (int dev : new int[] {0x0903, 0x0923, 0x0a03}) {
            t.add(new Row(0x1924, dev, MF)); // Solarflare
        }
        for (int dev : new int[] {0x10c6, 0x10db, 0x10dd, 0x10e1, 0x10f1, 0x10f7, 0x10f8, 0x10f9, 0x10fa, 0x10fb,
            0x10fc, 0x1507, 0x1514, 0x151c, 0x1529, 0x152a, 0x154d, 0x154f, 0x1551, 0x1558, // 82598/82599/X540
            0x1509, 0x150e, 0x150f, 0x1510, 0x1511, 0x1516, 0x1527, // 82580
            0x10c9, 0x10e6, 0x10e7, 0x10e8, 0x150a, 0x150d, 0x1518, 0x1526, // 82576
            0x10a7, 0x10a9, 0x10d6, // 82575
            0x1521, 0x1522, 0x1523, 0x1524, // I350
            0x105e, 0x105f, 0x1060, 0x10d9, // 82571
            0x15b7, 0x15b8}) { // I219
            t.add(new Row(0x8086, dev, MF));
        }
        t.add(new Row(0x8086, -1, PciQuirks::rciep));
        for (int dev : new int[] {0x0400, 0x0401, 0x0115, 0x0111, 0x0120}) {
            t.add(new Row(0x17cb, dev, always("pci_quirk_qcom_rp_acs", "Qualcomm root ports are each their own root "
                    + "complex and pass no peer-to-peer")));
        }
        t.add(new Row(0x1dbf, 0x0401, always("pci_quirk_qcom_rp_acs", "HXT SD4800 root ports (the Qualcomm design) "
                + "pass no peer-to-peer")));
        t.add(new Row(0x8086, -1, PciQuirks::intelPch));
        t.add(new Row(0x8086, -1, PciQuirks::intelSpt));
        t.add(new Row(0x19a2, 0x0710, MF)); // Emulex BE3-R
        t.add(new Row(0x10df, 0x0720, MF)); // Emulex Skyhawk-R
        t.add(new Row(0x177d, -1, PciQuirks::cavium));
        for (int dev : new int[] {0xa026, 0xa059, 0xa060}) {
            t.add(new Row(0x177d, dev, MF));
        }
        t.add(new Row(0x10e8, 0xe004, always("pci_quirk_xgene_acs", "APM X-Gene root ports pass no peer-to-peer")));
        for (int dev = 0xe005; dev <= 0xe00c; dev++) {
            t.add(new Row(0x1def, dev, always("pci_quirk_xgene_acs", "Ampere root ports pass no peer-to-peer")));
        }
        for (int dev : new int[] {0x16d7, 0x1750, 0x1751, 0x1752, 0x1760, 0x1761, 0x1762, 0x1763}) {
            t.add(new Row(0x14e4, dev, MF)); // Broadcom
        }
        t.add(new Row(0x14e4, 0xd714, always("pci_quirk_brcm_acs", "Broadcom iProc PAXB root ports pass no "
                + "peer-to-peer")));
        for (int dev : new int[] {0x3c09, 0x3c19, 0x3c29, 0x7a09, 0x7a19, 0x7a29, 0x7a39, 0x7a49, 0x7a59, 0x7a69}) {
            t.add(new Row(0x0014, dev, always("pci_quirk_loongson_acs", "Loongson root ports pass no peer-to-peer")));
        }
        t.add(new Row(0x1c36, 0x0031, PciQuirks::annapurna));
        for (int dev : new int[] {0x3038, 0x3104, 0x9083}) {
            t.add(new Row(0x1d17, dev, MF)); // Zhaoxin multifunction devices
        }
        for (int dev : new int[] {0x8d81, 0x8da1, 0x8d83, 0x8d80, 0x8da0, 0x8d82, 0x8d90, 0x8db0, 0x8d92, 0x8d91,
            0x8db1, 0x8d93, 0x8d89, 0x8da9, 0x8d8b, 0x8d88, 0x8da8, 0x8d8a, 0x8d98, 0x8db8, 0x8d9a, 0x8d99, 0x8db9,
            0x8d9b}) {
            t.add(new Row(0x1957, dev, always("pci_quirk_nxp_rp_acs", "NXP Layerscape root ports are each their own "
                    + "root complex")));
        }
        t.add(new Row(0x1d17, -1, PciQuirks::zhaoxin));
        t.add(new Row(0x8088, -1, PciQuirks::wangxun));
        return List.copyOf(t);
    }

    /**
     * pci_dev_specific_acs_enabled(dev, flags) (5262-5285): the answer of the first quirk row that matches the
     * device and answers; empty when none does (-ENOTTY: pci_acs_enabled() then reads the ACS capability).
     */
    public static Optional<AcsQuirk> acs(PciDevice d, int flags) {
        for (Row r : ACS_TABLE) {
            if (r.vendor() == d.vendorId() && (r.device() < 0 || r.device() == d.deviceId())) {
                Optional<AcsQuirk> q = r.quirk().apply(d, flags);
                if (q.isPresent()) {
                    return q;
                }
            }
        }
        return Optional.empty();
    }

    private static boolean multifunction(PciDevice d) {
        return d.config().map(c -> c.multifunction()).orElse(false);
    }

    /** PCI_EXP_FLAGS_TYPE, or -1 for a device without a PCIe capability (pci_pcie_type() reads 0 there). */
    private static int portType(PciDevice d) {
        return HostTopology.pcie(d).map(p -> p.portTypeCode()).orElse(-1);
    }

    private static String id(PciDevice d) {
        return String.format("%04x:%04x", d.vendorId(), d.deviceId());
    }
}
