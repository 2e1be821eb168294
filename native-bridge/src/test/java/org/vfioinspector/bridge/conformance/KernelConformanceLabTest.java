package org.vfioinspector.bridge.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.vfioinspector.bridge.host.Host;
import org.vfioinspector.bridge.kernel.Kernel;
import org.vfioinspector.bridge.model.PciDevice;
import org.vfioinspector.bridge.pciids.PciIds;
import org.vfioinspector.bridge.sysfs.HostScanner;

/**
 * The kernel-level conformance suite on the lab kernel (qemu-q35, the harness's "intel" device set): every case
 * passes, the cdev open included (its profile has iommufd and the cdev, as the harness's built kernel). The same
 * suite runs on the real kernels in the harness.
 */
class KernelConformanceLabTest {

    private static List<ConformanceCase> runOn(String scenario) throws Exception {
        try (Host h = Host.lab(scenario)) {
            List<PciDevice> devices = new HostScanner(h.paths(), PciIds.loadDefault()).scan().devices();
            Kernel k = h.kernel().orElseThrow();
            return new KernelConformance(k, devices).run();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyCaseOnTheLab() throws Exception {
        return runOn("qemu-q35").stream().map(c -> DynamicTest.dynamicTest(c.name(),
                () -> assertEquals(ConformanceCase.Status.PASS, c.status(), c.name() + ": " + c.detail())));
    }

    /**
     * The no-IOMMUFD variant (Debian's build, facts §10): sysfs lists vfio-dev/vfioN but there is neither /dev/iommu
     * nor a cdev node, so the cdev and importer cases skip saying why, as on Debian's real kernel; the rest passes.
     */
    @Test
    void theNoIommufdProfileSkipsTheCdevAndImporterCasesAsDebiansKernelDoes() throws Exception {
        org.vfioinspector.bridge.lab.scenario.LabScenario q35 = org.vfioinspector.bridge.lab.scenario.ScenarioLoader
                .load("qemu-q35");
        org.vfioinspector.bridge.lab.scenario.LabScenario debian = q35.withProfile(
                org.vfioinspector.bridge.rules.KernelProfiles.byName("linux-7.2-noiommufd").orElseThrow());
        try (Host h = Host.lab(debian)) {
            List<PciDevice> devices = new HostScanner(h.paths(), PciIds.loadDefault()).scan().devices();
            assertTrue(devices.stream().anyMatch(d -> d.vfioDevice().isPresent()), "vfio-dev is listed in sysfs");
            for (ConformanceCase c : new KernelConformance(h.kernel().orElseThrow(), devices).run()) {
                boolean iommufd = c.name().equals("open-cdev") || c.name().startsWith("cdev-")
                        || c.name().equals("iommufd-map-file") || c.name().startsWith("importer-");
                assertEquals(iommufd ? ConformanceCase.Status.SKIP : ConformanceCase.Status.PASS, c.status(),
                        c.toString());
                if (iommufd) {
                    assertTrue(c.detail().contains("no iommufd"), c.detail());
                }
            }
        }
    }

    /** A kernel without iommufd skips the importer cases, saying so; nothing fails. */
    @Test
    void withoutIommufdTheImporterCasesSkipWithTheReason() throws Exception {
        org.vfioinspector.bridge.lab.scenario.LabScenario q35 = org.vfioinspector.bridge.lab.scenario.ScenarioLoader
                .load("qemu-q35");
        org.vfioinspector.bridge.lab.scenario.LabScenario sc = q35.withProfile(q35.profile().with(Map.of("iommufd",
                false)));
        try (Host h = Host.lab(sc)) {
            List<PciDevice> devices = new HostScanner(h.paths(), PciIds.loadDefault()).scan().devices();
            List<ConformanceCase> cases = new KernelConformance(h.kernel().orElseThrow(), devices).run();
            for (ConformanceCase c : cases) {
                assertNotEquals(ConformanceCase.Status.FAIL, c.status(), c.toString());
                if (c.name().startsWith("importer-") || c.name().equals("iommufd-map-file")
                        || c.name().equals("open-cdev") || c.name().startsWith("cdev-")) {
                    assertEquals(ConformanceCase.Status.SKIP, c.status(), c.toString());
                    assertTrue(c.detail().contains("no iommufd"), c.detail());
                }
            }
            String json = KernelConformance.toJson(h.kernel().orElseThrow(), cases);
            assertTrue(json.contains("\"status\" : \"SKIP\""), json);
        }
    }
}
