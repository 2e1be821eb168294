package org.vfioinspector.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vfioinspector.bridge.lab.scenario.LabScenario;
import org.vfioinspector.bridge.model.HostInventory;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.model.PciDevice;
import org.vfioinspector.bridge.pciids.PciIds;
import org.vfioinspector.bridge.sysfs.HostPaths;
import org.vfioinspector.bridge.sysfs.HostScanner;

class SyntheticHostTest {
    @Test
    void exactlyTheRequestedNumberOfFunctionsAcrossSegments() throws Exception {
        for (int n : List.of(1, 100, 1000, 5000)) {
            LabScenario s = SyntheticHost.scenario(n);
            assertEquals(n, s.devices().size(), "functions for " + n);
            assertEquals(n, s.groups().size(), "ACS everywhere: one group per function");
        }
        // 30 root ports of 9 + 128 functions fill a segment; the next one starts at 0001:00:00.0
        LabScenario big = SyntheticHost.scenario(5000);
        assertTrue(big.devices().stream().anyMatch(d -> d.bdf().domain() == 1), "a second PCI segment");
    }

    @Test
    void scannedTreeHasTheTopologyAndRealFiles(@TempDir Path tmp) throws Exception {
        HostPaths paths = SyntheticHost.write(200, tmp);
        HostInventory inv = new HostScanner(paths, PciIds.empty()).scan();
        assertEquals(List.of(), inv.failed());
        assertEquals(200, inv.devices().size());
        assertEquals(200, inv.groups().size());
        PciDevice pf = inv.devices().stream().filter(d -> d.vendorId() == 0x15b3 && d.deviceId() == 0x1021)
                .findFirst().orElseThrow();
        int vfs = pf.sriov().orElseThrow().virtfns().size();
        assertTrue(vfs > 100, "the NIC's VFs fill the rest of the budget: " + vfs);
        PciDevice vf = inv.device(pf.sriov().get().virtfns().get(0)).orElseThrow();
        assertEquals(pf.address(), vf.physfn().orElseThrow());
        assertEquals(java.util.Optional.of("vfio-pci"), vf.driver());
        // VF below PF's bus: root port, switch upstream port, switch downstream port
        assertEquals(List.of(PciAddress.parse("0000:00:01.0"), PciAddress.parse("0000:01:00.0"),
                PciAddress.parse("0000:02:03.0")), vf.upstream());
        PciDevice gpu = inv.devices().stream().filter(d -> d.vendorId() == 0x10de).findFirst().orElseThrow();
        assertEquals(64L << 30, gpu.regions().get(1).size());
        Path dev = paths.sys("bus/pci/devices/" + gpu.address());
        assertEquals(4096, Files.size(dev.resolve("config")));
        assertTrue(Files.readString(dev.resolve("modalias")).startsWith("pci:v000010DEd00002330"));
        assertTrue(Files.exists(dev.resolve("irq")), "lspci needs irq");
    }

    @Test
    void refusesBadSizesAndUsedDirectories(@TempDir Path tmp) throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SyntheticHost.scenarioYaml(0));
        assertTrue(e.getMessage().contains("functions"), e.getMessage());
        SyntheticHost.write(1, tmp);
        java.io.IOException again = assertThrows(java.io.IOException.class, () -> SyntheticHost.write(1, tmp));
        assertTrue(again.getMessage().contains("already holds"), again.getMessage());
    }
}
