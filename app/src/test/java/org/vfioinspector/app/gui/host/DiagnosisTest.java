package org.vfioinspector.app.gui.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vfioinspector.app.gui.GuiFixtures;
import org.vfioinspector.bridge.model.HostInventory;
import org.vfioinspector.bridge.model.IommuGroup;
import org.vfioinspector.bridge.model.KernelInfo;
import org.vfioinspector.bridge.pciids.PciIds;
import org.vfioinspector.bridge.sysfs.HostPaths;
import org.vfioinspector.bridge.sysfs.HostScanner;

class DiagnosisTest {
    @Test
    void q35SnapshotIsReadyWithFiveUsableGroups(@TempDir Path tmp) throws Exception {
        HostInventory inv = new HostScanner(HostPaths.under(GuiFixtures.snapshot(tmp)), PciIds.empty()).scan();
        Diagnosis d = Diagnosis.of(inv, Set.of(), false);
        assertTrue(d.ready(), d.problems().toString());
        assertEquals(List.of(3, 4, 5, 11, 12), d.usableGroups().stream().map(IommuGroup::number).toList());
    }

    @Test
    void hostWithoutIommuOrVfioSaysWhatIsMissingAndHowToFixIt() {
        HostInventory bare = new HostInventory(new KernelInfo("6.1.0", false, false, false, false, List.of(), false,
                List.of(), false), List.of(), List.of(), List.of());
        Diagnosis d = Diagnosis.of(bare, Set.of(), true);
        assertFalse(d.ready());
        assertEquals(2, d.problems().size());
        assertTrue(d.problems().get(0).remedy().contains("intel_iommu=on"));
        assertTrue(d.problems().get(1).remedy().contains("modprobe vfio-pci"));
    }

    @Test
    void unopenableGroupNodesAreAPermissionProblem(@TempDir Path tmp) throws Exception {
        HostInventory inv = new HostScanner(HostPaths.under(GuiFixtures.snapshot(tmp)), PciIds.empty()).scan();
        Diagnosis d = Diagnosis.of(inv, Set.of(3, 4, 5, 11, 12), true);
        assertFalse(d.ready());
        assertTrue(d.problems().get(0).what().contains("/dev/vfio/3"), d.problems().toString());
    }
}
