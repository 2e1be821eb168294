package org.vfioinspector.bridge.exercise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vfioinspector.bridge.model.HostInventory;
import org.vfioinspector.bridge.pciids.PciIds;
import org.vfioinspector.bridge.sysfs.HostPaths;
import org.vfioinspector.bridge.sysfs.HostScanner;
import org.vfioinspector.bridge.sysfs.SnapshotFixture;

/** Which built-in exercises run on the real Linux 7.2.13 q35 host of the sysfs snapshot. */
class HostFitTest {
    @TempDir
    static Path dir;
    private static HostInventory q35;

    @BeforeAll
    static void scan() throws Exception {
        q35 = new HostScanner(HostPaths.under(SnapshotFixture.extract(SnapshotFixture.Q35, dir)), PciIds.empty())
                .scan();
    }

    private static HostFit.Fit fit(String exercise) throws Exception {
        return HostFit.check(ExerciseLoader.builtIn(exercise).realHost(), q35);
    }

    @Test
    void subPageBarFitsOnIvshmem() throws Exception {
        HostFit.Fit f = fit("sub-page-bar");
        assertTrue(f.fits(), f.why());
        assertEquals("0000:00:05.0", f.devices().get(0).address().toString());
    }

    @Test
    void unmappableBarNeedsAnIsmFunction() throws Exception {
        HostFit.Fit f = fit("unmappable-bar");
        assertFalse(f.fits());
        assertTrue(f.why().contains("1014:04ed"), f.why());
    }

    @Test
    void revocationAndType1FitWithDevicesInDifferentGroups() throws Exception {
        assertTrue(fit("revocation-lifecycle").fits());
        HostFit.Fit t = fit("type1-p2p-hazard");
        assertTrue(t.fits(), t.why());
        assertFalse(t.devices().get(0).iommuGroup().equals(t.devices().get(1).iommuGroup()));
        assertEquals(0x11e8, t.devices().get(1).deviceId(), "B is an edu: its DMA engine is the witness");
    }
}
