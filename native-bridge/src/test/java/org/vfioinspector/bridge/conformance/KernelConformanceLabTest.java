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
 * passes, except those the lab cannot run, which say why. The same suite runs on the real kernels in the harness.
 */
class KernelConformanceLabTest {
    /** What the lab cannot run, and the words its skip must carry. */
    private static final Map<String, String> LAB_SKIPS = Map.of("open-cdev", "legacy");

    private static List<ConformanceCase> runOn(String scenario) throws Exception {
        try (Host h = Host.lab(scenario)) {
            List<PciDevice> devices = new HostScanner(h.paths(), PciIds.loadDefault()).scan().devices();
            Kernel k = h.kernel().orElseThrow();
            return new KernelConformance(k, devices).run();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyCaseOnTheLab() throws Exception {
        return runOn("qemu-q35").stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            if (LAB_SKIPS.containsKey(c.name())) {
                assertEquals(ConformanceCase.Status.SKIP, c.status(), c.toString());
                assertTrue(c.detail().contains(LAB_SKIPS.get(c.name())), c.detail());
            } else {
                assertEquals(ConformanceCase.Status.PASS, c.status(), c.name() + ": " + c.detail());
            }
        }));
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
                if (c.name().startsWith("importer-") || c.name().equals("iommufd-map-file")) {
                    assertEquals(ConformanceCase.Status.SKIP, c.status(), c.toString());
                    assertTrue(c.detail().contains("no iommufd"), c.detail());
                }
            }
            String json = KernelConformance.toJson(h.kernel().orElseThrow(), cases);
            assertTrue(json.contains("\"status\" : \"SKIP\""), json);
        }
    }
}
