package org.vfioinspector.app.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.ComboBox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;
import org.vfioinspector.app.conformance.ProbeConformance;
import org.vfioinspector.app.gui.device.BarRow;
import org.vfioinspector.app.gui.device.Verdict;
import org.vfioinspector.app.gui.host.HostChoice;
import org.vfioinspector.bridge.model.PciAddress;

/**
 * The P2P badge decides by the same facts as {@code list}: the real q35 snapshot with an AMD Zen CPU in its
 * proc/cpuinfo (cpu_supports_p2pdma lets p2pdma through any host bridge, so q35's 8086:29c0 no longer refuses),
 * read by the host loader off the FX thread. For every importer the device view offers, the badge of ivshmem's
 * BAR2 says what {@code list --json} says for the pair — and neither says "unknown".
 */
class P2pZenFlowTest extends MainWindowFlow {
    @TempDir
    Path tmp;

    static final String ZEN = "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\nmodel\t\t: 1\n"
            + "model name\t: AMD EPYC 7713 64-Core Processor\n";

    @Test
    void guiAndListAgreeOnAZenHost(FxRobot robot) throws Exception {
        Path root = GuiFixtures.snapshot(tmp);
        Files.createDirectories(root.resolve("proc"));
        Files.writeString(root.resolve("proc/cpuinfo"), ZEN);
        JsonNode list = ProbeConformance.cliJson("list", "--json", "--host", "sysfs:" + root);

        WaitForAsyncUtils.asyncFx(() -> window.open(new HostChoice.Snapshot(root))).get();
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> window.hostProperty().get() != null);
        WaitForAsyncUtils.waitForFxEvents();
        robot.clickOn("0000:00:05.0");
        WaitForAsyncUtils.waitForFxEvents();
        @SuppressWarnings("unchecked")
        ComboBox<PciAddress> importers = robot.lookup("#p2pImporter").queryAs(ComboBox.class);
        List<PciAddress> offered = List.copyOf(importers.getItems());
        assertTrue(offered.size() >= 8, "importers offered: " + offered);
        List<String> diffs = new ArrayList<>();
        int yes = 0;
        for (PciAddress imp : offered) {
            robot.interact(() -> importers.setValue(imp));
            WaitForAsyncUtils.waitForFxEvents();
            BarRow bar2 = window.device().barTable().getItems().stream().filter(r -> r.region().index() == 2)
                    .findFirst().orElseThrow();
            Verdict gui = bar2.predicted().p2p();
            JsonNode want = pair(list, "0000:00:05.0", imp.toString());
            assertNotEquals(Verdict.Status.UNKNOWN, gui.status(), imp + ": " + gui.detail());
            String listSays = want.path("result").asText();
            String guiSays = gui.status() == Verdict.Status.YES ? "ok" : gui.status() == Verdict.Status.NO ? "EINVAL"
                    : "unknown";
            if (!listSays.equals(guiSays) || !want.path("rule").asText().equals(gui.rule())) {
                diffs.add(imp + ": list " + listSays + " (" + want.path("rule").asText() + "), GUI " + guiSays + " ("
                        + gui.rule() + ")");
            }
            if (gui.status() == Verdict.Status.YES) {
                yes++;
            }
        }
        assertEquals(List.of(), diffs);
        // root-bus devices meet at no bridge: only the Zen CPU lets them through the host bridge
        assertTrue(yes > 0, "no importer reaches ivshmem's BAR2 on the Zen host");
        Verdict edu = verdictFor(robot, importers, PciAddress.parse("0000:00:03.0"));
        assertEquals(Verdict.Status.YES, edu.status(), edu.detail());
        assertTrue(edu.rule().contains("AuthenticAMD family 25") && edu.rule().contains("THRU_HOST_BRIDGE"),
                edu.rule());
        assertTrue(edu.detail().contains("iommufd's IOMMU_IOAS_MAP_FILE asks no p2pdma distance"), edu.detail());
        // ivshmem's 256-byte BAR0 cannot be exported: there is nothing to import, whatever the topology says
        Verdict bar0 = window.device().barTable().getItems().stream().filter(r -> r.region().index() == 0)
                .findFirst().orElseThrow().predicted().p2p();
        assertEquals(Verdict.Status.NO, bar0.status(), bar0.rule());
        assertTrue(bar0.rule().startsWith("no dma-buf to import"), bar0.rule());
    }

    private Verdict verdictFor(FxRobot robot, ComboBox<PciAddress> importers, PciAddress imp) {
        robot.interact(() -> importers.setValue(imp));
        WaitForAsyncUtils.waitForFxEvents();
        return window.device().barTable().getItems().stream().filter(r -> r.region().index() == 2).findFirst()
                .orElseThrow().predicted().p2p();
    }

    private static JsonNode pair(JsonNode list, String exporter, String importer) {
        for (JsonNode v : list.path("p2p")) {
            if (v.path("exporter").asText().equals(exporter) && v.path("importer").asText().equals(importer)) {
                return v;
            }
        }
        throw new AssertionError("list --json has no p2p verdict for " + exporter + " -> " + importer);
    }
}
