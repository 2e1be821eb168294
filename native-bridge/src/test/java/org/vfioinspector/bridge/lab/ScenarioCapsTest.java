package org.vfioinspector.bridge.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vfioinspector.bridge.config.Capability;
import org.vfioinspector.bridge.config.ConfigSpace;
import org.vfioinspector.bridge.config.ConfigSpaceParser;
import org.vfioinspector.bridge.lab.scenario.LabScenario;
import org.vfioinspector.bridge.lab.scenario.ScenarioException;
import org.vfioinspector.bridge.lab.scenario.ScenarioLoader;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.uapi.Vfio;
import org.vfioinspector.bridge.uapi.VfioBytes;

/** Scenario {@code capabilities:} and {@code command:}: validated, written into config, read back by the parser. */
class ScenarioCapsTest {
    static final String HEAD = "format: 1\nname: t\nprofile: linux-7.2\ndevices:\n";

    static String gpu(String extra) {
        return HEAD + "  - {bdf: \"0000:00:02.0\", vendor: \"10de\", device: \"2330\", class: \"0x030200\", "
                + "driver: vfio-pci, configSize: 4096, bars: [{index: 0, kind: mem32, address: 0xd0000000, size: 16M}, "
                + "{index: 1, kind: mem64, prefetchable: true, address: 0x2000000000, size: 64G}], "
                + "msix: {bar: 0, tableOffset: 0xb90000, entries: 9}" + extra + "}\n"
                + "groups:\n  - {id: 1, devices: [\"0000:00:02.0\"]}\n";
    }

    @Test
    void everyDescribedCapabilityIsInTheConfigFile(@TempDir Path tmp) throws Exception {
        LabScenario s = ScenarioLoader.parse(gpu(", command: 0x0106, capabilities: {pm: D3hot, msi: true, "
                + "pcie: {linkSpeed: 16GT/s, linkWidth: 16, maxLinkSpeed: 32GT/s}, "
                + "rebar: [{bar: 1, current: 64G, sizes: [256M, 1G, 64G]}], ats: true, pri: true, pasid: true, "
                + "vendorSpecific: 1}"), "t.yaml");
        LabHostTree.write(new LabKernel(s), tmp);
        byte[] bytes = Files.readAllBytes(tmp.resolve("sys/devices/pci0000:00/0000:00:02.0/config"));
        ConfigSpace c = ConfigSpaceParser.parse("config", bytes);
        assertEquals(List.of(), c.problems());
        assertEquals(0x0106, c.command());
        assertEquals(List.of("PM", "MSI", "MSI-X", "Vendor-specific", "PCIe", "AER", "ReBAR", "ATS", "PRI",
                "PASID"), c.capabilities().stream().map(Capability::id).toList());
        assertTrue(c.d3hot());
        assertEquals(new Capability.Detail.Msix(false, false, 9, 0, 0xb90000, 0, 0xb90090), c.msix().orElseThrow());
        assertEquals(new Capability.Detail.Link("32GT/s", 16, "16GT/s", 16),
                c.pcie().orElseThrow().link().orElseThrow());
        Capability.Detail.RebarEntry rb = c.rebar().orElseThrow().bars().get(0);
        assertEquals(List.of(256L << 20, 1L << 30, 64L << 30), rb.supportedSizes());
        assertEquals(64L << 30, rb.currentSize());
    }

    /** The lab kernel's config space is the host's: PCI_COMMAND reads 0x0103 on q35's edu, as on the real kernel. */
    @Test
    void labKernelReadsTheHostsPciCommand() throws Exception {
        try (LabKernel k = LabKernel.of("qemu-q35")) {
            int[] fds = LabKernelConformanceTest.openDevice(k, "0000:00:03.0", 3);
            byte[] cmd = new byte[2];
            k.pread(fds[2], cmd, (long) Vfio.VFIO_PCI_CONFIG_REGION_INDEX << Vfio.VFIO_PCI_OFFSET_SHIFT
                    | Vfio.PCI_COMMAND);
            assertEquals(0x0103, VfioBytes.u16(cmd, 0));
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        ", capabilities: {acs: {capability: [SV, XX], control: []}}|devices[0].capabilities.acs.capability[1]: 'XX'",
        ", capabilities: {acs: {capability: [SV], control: [RR]}}|control bits [RR] are not in the capability [SV]",
        ", capabilities: {pm: D4}|devices[0].capabilities.pm: 'D4'; expected D0, D1, D2 or D3hot",
        ", capabilities: {rebar: [{bar: 1, current: 32G, sizes: [64G]}]}|current size 34359738368 is not among",
        ", capabilities: {rebar: [{bar: 3}]}|devices[0].capabilities.rebar[0].bar: expected the index of a listed BAR",
        ", capabilities: {pcie: {linkSpeed: 3GT/s}}|'3GT/s'; expected one of [2.5GT/s",
        ", command: 0x10000|devices[0].command: PCI_COMMAND 0x10000; expected 16 bits",
    })
    void badCapabilitiesNameTheField(String extra, String message) {
        ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioLoader.parse(gpu(extra), "t.yaml"));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void acsOnAConventionalDeviceIsRefused() {
        ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioLoader.parse(gpu(
                ", capabilities: {acs: {capability: [SV], control: [SV]}}").replace("configSize: 4096, ", ""),
                "t.yaml"));
        assertTrue(e.getMessage().contains("needs configSize: 4096"), e.getMessage());
    }

    @Test
    void acsControlSetsTheBridgesRedirect() throws Exception {
        LabScenario s = LabKernel.of("qemu-q35").scenario();
        assertTrue(s.acsRedirect(PciAddress.parse("0000:00:08.0")), "q35's root ports have ACS RR CR enabled");
    }
}
