package org.vfioinspector.app.gui.layout;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;
import org.vfioinspector.app.gui.AppContext;
import org.vfioinspector.app.gui.MainWindow;
import org.vfioinspector.app.gui.MainWindowFlow;
import org.vfioinspector.app.gui.host.Diagnosis;
import org.vfioinspector.bridge.lab.scenario.ScenarioLoader;
import org.vfioinspector.bridge.model.PciDevice;

/**
 * At 1024×700, on every built-in lab host, with the no-VFIO notice showing: nothing in a button, a badge or a chip is
 * cut, and no other text is cut without a tooltip that says it whole — with nothing selected, with every group and
 * every device selected in turn, with the revocation area folded and unfolded, and with the exercises sheet open.
 * Whatever the panels hold (the try-it groups, the revocation timeline and its tables), this walks every visible
 * Labeled of the window: run it after changing a panel ({@code mvn -o -B -pl native-bridge,icons,app -am test
 * -Dtest=NoTruncationTest -Dsurefire.failIfNoSpecifiedTests=false}). The device view never scrolls sideways: its
 * content reflows (a wide BAR table scrolls inside itself).
 */
class NoTruncationTest extends MainWindowFlow {
    static final String SIZE = "1024x700";

    @Override
    protected AppContext newContext() throws Exception {
        System.setProperty(MainWindow.GEOMETRY_PROPERTY, SIZE);
        return super.newContext();
    }

    @AfterEach
    void forgetSize() {
        System.clearProperty(MainWindow.GEOMETRY_PROPERTY);
    }

    @Test
    void nothingIsCutAt1024x700OnAnyLabHost(FxRobot robot) throws Exception {
        Map<String, List<String>> cut = new LinkedHashMap<>();
        robot.interact(() -> window.notice().show("This machine cannot use VFIO yet:", new Diagnosis(List.of(),
                List.of(new Diagnosis.Problem("No IOMMU is active, so the kernel forms no IOMMU groups and VFIO cannot "
                        + "isolate a device.", "Turn on VT-d (Intel) or AMD-Vi in the firmware setup and boot with "
                        + "intel_iommu=on (Intel) or amd_iommu=on (AMD); check with: ls /sys/kernel/iommu_groups"),
                        new Diagnosis.Problem("The vfio-pci driver is not loaded.", "sudo modprobe vfio-pci"))),
                "Opened the lab scenario qemu-q35 instead."));
        for (String scenario : ScenarioLoader.BUILT_IN) {
            openLab(scenario);
            check(robot, scenario + ", nothing selected", cut);
            for (boolean folded : new boolean[] {true, false}) {
                robot.interact(() -> window.setRevocationFolded(folded));
                for (javafx.scene.control.TreeItem<org.vfioinspector.app.gui.groups.TreeEntry> g
                        : List.copyOf(window.groups().tree().getRoot().getChildren())) {
                    robot.interact(() -> window.groups().tree().getSelectionModel().select(g));
                    check(robot, scenario + ", " + g.getValue().searchText() + (folded ? "" : ", revocation unfolded"), cut);
                }
                for (PciDevice d : window.hostProperty().get().inventory().devices()) {
                    robot.interact(() -> window.groups().select(d.address()));
                    check(robot, scenario + ", " + d.address() + (folded ? "" : ", revocation unfolded"), cut);
                }
            }
            robot.interact(() -> window.groups().showTable(true));
            check(robot, scenario + ", device table", cut);
            robot.interact(() -> window.groups().showTable(false));
        }
        robot.interact(() -> window.notice().setFolded(false));
        check(robot, "notice unfolded", cut);
        robot.clickOn("#toggleExercises");
        WaitForAsyncUtils.waitForFxEvents();
        var lab = window.lab();
        robot.interact(() -> lab.chooser().setValue(lab.chooser().getItems().get(0)));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> lab.run() != null);
        WaitForAsyncUtils.waitForFxEvents();
        check(robot, "exercises sheet", cut);
        robot.interact(() -> window.groups().select(org.vfioinspector.bridge.model.PciAddress.parse("0000:00:05.0")));
        check(robot, "exercises sheet, ivshmem", cut);
        // what the try-it groups and the revocation view show once used: an answer with its error details, the
        // objects' state badges, the timeline's lanes (nvme BAR0 attached to testdev: map EINVAL; then a reset)
        robot.interact(() -> window.groups().select(org.vfioinspector.bridge.model.PciAddress.parse("0000:00:07.0")));
        robot.interact(() -> window.setRevocationFolded(false));
        pressAndWait(robot, "#tryMmap");
        pressAndWait(robot, "#exportDmabuf");
        @SuppressWarnings("unchecked")
        javafx.scene.control.ComboBox<String> importers = robot.lookup("#importerChoice")
                .queryAs(javafx.scene.control.ComboBox.class);
        robot.interact(() -> importers.setValue("testdev"));
        pressAndWait(robot, "#attachImporter");
        check(robot, "exercises sheet, nvme attached", cut);
        pressAndWait(robot, "#resetDevice");
        check(robot, "exercises sheet, nvme reset", cut);
        robot.clickOn("#toggleExercises");
        WaitForAsyncUtils.waitForFxEvents();
        check(robot, "nvme reset", cut);
        List<String> found = new ArrayList<>();
        cut.forEach((what, where) -> found.add(what + "\n    " + where.size() + "x, first at " + where.get(0)));
        assertTrue(found.isEmpty(), found.size() + " cut:\n" + String.join("\n", found));
    }

    private void check(FxRobot robot, String where, Map<String, List<String>> cut) throws Exception {
        WaitForAsyncUtils.waitForFxEvents();
        List<String> found = new ArrayList<>();
        robot.interact(() -> {
            var root = window.groups().getScene().getRoot();
            root.applyCss();
            root.layout();
            found.addAll(Truncation.cut(root));
            for (javafx.scene.Node n : window.device().getChildrenUnmodifiable()) {
                if (n instanceof javafx.scene.control.ScrollBar b && b.isVisible()
                        && b.getOrientation() == javafx.geometry.Orientation.HORIZONTAL) {
                    found.add("the device view scrolls sideways: its content needs "
                            + Math.round(window.device().getContent().minWidth(-1)) + " px of "
                            + Math.round(window.device().getViewportBounds().getWidth()) + ", held by "
                            + widest(window.device().getContent(), window.device().getViewportBounds().getWidth()));
                }
            }
        });
        found.forEach(f -> cut.computeIfAbsent(f, k -> new ArrayList<>()).add(where));
    }

    /** The deepest nodes under {@code n} whose minimum width exceeds {@code width}: what holds a pane wide. */
    private static String widest(javafx.scene.Node n, double width) {
        if (n instanceof javafx.scene.Parent p) {
            List<String> inner = new ArrayList<>();
            for (javafx.scene.Node c : p.getChildrenUnmodifiable()) {
                if (c.isManaged() && c.minWidth(-1) > width - 30) {
                    inner.add(widest(c, width));
                }
            }
            if (!inner.isEmpty()) {
                return String.join(", ", inner);
            }
        }
        return n.getClass().getSimpleName() + (n.getId() == null ? "" : "#" + n.getId()) + n.getStyleClass()
                + " (" + Math.round(n.minWidth(-1)) + " px)";
    }
}
