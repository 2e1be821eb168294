package org.vfioinspector.app.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;
import org.vfioinspector.app.gui.device.BarRow;
import org.vfioinspector.app.gui.device.Verdict;

/** The lab scenario qemu-q35: marked as a lab, verdicts from the linux-7.2 rules, the sub-page BAR divergence. */
class LabFlowTest extends MainWindowFlow {




    @Test
    void ivshmemSubPageBarShowsMmapYesExportNoAndTheWarning(FxRobot robot) throws Exception {
        openLab("qemu-q35");
        assertTrue(robot.lookup("#labBanner").query().isVisible(), "a lab is unmistakably marked");
        robot.clickOn("0000:00:05.0");
        WaitForAsyncUtils.waitForFxEvents();
        List<BarRow> bars = window.device().barTable().getItems();
        BarRow bar0 = bars.get(0);
        assertEquals(256, bar0.region().size());
        assertEquals(Verdict.Status.YES, bar0.predicted().mmap().status(), bar0.predicted().mmap().rule());
        assertEquals(Verdict.Status.NO, bar0.predicted().export().status(), bar0.predicted().export().rule());
        assertFalse(bar0.divergence().isEmpty());
        assertTrue(robot.lookup("#divergence-BAR0").tryQuery().isPresent(), "warning badge in the table");
        assertEquals(Verdict.Status.YES, bars.get(1).predicted().export().status());
    }
}
