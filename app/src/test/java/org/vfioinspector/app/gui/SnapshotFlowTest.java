package org.vfioinspector.app.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TreeItem;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;
import org.vfioinspector.app.gui.common.Badge;
import org.vfioinspector.app.gui.device.BarRow;
import org.vfioinspector.app.gui.groups.TreeEntry;
import org.vfioinspector.app.gui.host.HostChoice;
import org.vfioinspector.bridge.model.PciAddress;

/** Main flows on the real Linux 7.2 q35 sysfs snapshot as the host. */
class SnapshotFlowTest extends MainWindowFlow {
    @TempDir
    static Path tmp;
    private static Path root;


    @Override
    protected AppContext newContext() throws Exception {
        if (root == null) {
            root = GuiFixtures.snapshot(tmp);
        }
        return super.newContext();
    }

    @BeforeEach
    void openSnapshot() throws Exception {
        WaitForAsyncUtils.asyncFx(() -> window.open(new HostChoice.Snapshot(root))).get();
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> window.hostProperty().get() != null);
        WaitForAsyncUtils.waitForFxEvents();
    }



    private List<TreeItem<TreeEntry>> groups() {
        return window.groups().tree().getRoot().getChildren();
    }

    @Test
    void snapshotShowsEveryGroupWithViability(FxRobot robot) {
        assertEquals(13, groups().size());
        assertEquals("qemu-q35-intel-linux7.2.13", robot.lookup("#hostName").queryAs(Label.class).getText());
        assertEquals(Badge.Tone.GREEN, robot.lookup("#viability-5").queryAs(Badge.class).tone());
        Badge blocked = robot.lookup("#viability-6").queryAs(Badge.class);
        assertEquals(Badge.Tone.RED, blocked.tone());
        assertTrue(blocked.getTooltip().getText().contains("0000:00:06.0 (e1000)"), blocked.getTooltip().getText());
        assertFalse(robot.lookup("#labBanner").query().isVisible(), "a snapshot is not a lab");
    }

    @Test
    void aHostWithoutIommuGroupsListsEveryDeviceUnderWithoutAGroup(FxRobot robot) throws Exception {
        // the same snapshot as a machine booted without an IOMMU: no kernel/iommu_groups, no iommu_group links
        Path noIommu = GuiFixtures.snapshot(java.nio.file.Files.createDirectories(tmp.resolve("no-iommu")));
        Path sys = noIommu.resolve("sys");
        try (var walk = java.nio.file.Files.walk(sys.resolve("kernel/iommu_groups"))) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.delete(p);
            }
        }
        try (var devs = java.nio.file.Files.list(sys.resolve("bus/pci/devices"))) {
            for (Path d : devs.toList()) {
                java.nio.file.Files.deleteIfExists(d.toRealPath().resolve("iommu_group"));
            }
        }
        var before = window.hostProperty().get();
        WaitForAsyncUtils.asyncFx(() -> window.open(new HostChoice.Snapshot(noIommu))).get();
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> window.hostProperty().get() != before);
        WaitForAsyncUtils.waitForFxEvents();
        var inv = window.hostProperty().get().inventory();
        assertTrue(inv.groups().isEmpty());
        assertEquals(1, groups().size(), "one node: the devices without a group");
        TreeItem<TreeEntry> node = groups().get(0);
        assertTrue(node.getValue() instanceof TreeEntry.NoGroup n && n.noIommu());
        assertTrue(node.isExpanded());
        assertEquals(inv.devices().size(), node.getChildren().size(), "every device is listed");
        assertTrue(robot.lookup("#viability-none").tryQuery().isPresent());
        robot.clickOn("0000:00:05.0");
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup("BAR2").tryQuery().isPresent(), "a device without a group still shows its BARs");
        WaitForAsyncUtils.asyncFx(() -> window.groups().tree().getSelectionModel().select(node)).get();
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup(".device-view .placeholder").queryAs(Label.class).getText()
                .contains("intel_iommu=on"), "selecting the node says how to enable an IOMMU");
    }

    @Test
    void aFailedOpenLeavesThePreviousHostAndItsHeader(FxRobot robot) throws Exception {
        var before = window.hostProperty().get();
        int facts = robot.lookup("#kernelFacts").queryAs(javafx.scene.layout.FlowPane.class).getChildren().size();
        Path bad = tmp.resolve("not-a-snapshot");
        java.nio.file.Files.createDirectories(bad.resolve("sys"));
        var task = WaitForAsyncUtils.asyncFx(() -> window.open(new HostChoice.Snapshot(bad))).get();
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS,
                () -> WaitForAsyncUtils.asyncFx(() -> task.isDone()).get());
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(WaitForAsyncUtils.asyncFx(() -> task.getException() != null).get(), "the open failed");
        assertTrue(window.hostProperty().get() == before, "the previous host is still the one shown");
        assertEquals("qemu-q35-intel-linux7.2.13", robot.lookup("#hostName").queryAs(Label.class).getText());
        assertFalse(robot.lookup("#hostKind").queryAs(Label.class).getText().contains("loading"));
        assertEquals(facts, robot.lookup("#kernelFacts").queryAs(javafx.scene.layout.FlowPane.class).getChildren().size(),
                "the header keeps its facts");
        assertEquals(before.choice(), robot.lookup("#hostSelector").queryComboBox().getValue(), "the selector names the host shown");
        // the error dialog the failure opened
        robot.listWindows().stream().filter(w -> w instanceof javafx.stage.Stage st && st.getOwner() != null
                && w.isShowing()).toList().forEach(w -> robot.interact(() -> ((javafx.stage.Stage) w).close()));
    }

    @Test
    void reopeningTheSameHostShowsTheNewScanAndKeepsTheSelection(FxRobot robot) throws Exception {
        robot.clickOn("0000:00:05.0");
        WaitForAsyncUtils.waitForFxEvents();
        var first = window.hostProperty().get();
        WaitForAsyncUtils.asyncFx(() -> window.open(new HostChoice.Snapshot(root))).get();
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> window.hostProperty().get() != first);
        WaitForAsyncUtils.waitForFxEvents();
        var inv = window.hostProperty().get().inventory();
        assertEquals(first.inventory(), inv, "the same host scans to an equal inventory");
        // The tree shows the new scan's objects (an equal inventory used to leave the old tree up), and the
        // selection survives the rebuild.
        PciAddress a = PciAddress.parse("0000:00:05.0");
        TreeItem<TreeEntry> selected = window.groups().tree().getSelectionModel().getSelectedItem();
        assertTrue(selected.getValue() instanceof TreeEntry.Device d && d.device() == inv.device(a).orElseThrow(),
                "selected: " + selected.getValue().searchText());
        assertTrue(robot.lookup("Red Hat Inter-VM shared memory").tryQuery().isPresent());
    }

    @Test
    void treeRowsShareOneHeightThatFitsEveryRow() {
        javafx.scene.control.TreeView<TreeEntry> tree = window.groups().tree();
        double fixed = tree.getFixedCellSize();
        assertTrue(fixed > 0, "the tree measures its rows: fixed cell size " + fixed);
        int rows = 0;
        for (javafx.scene.Node n : tree.lookupAll(".tree-cell")) {
            if (n instanceof javafx.scene.control.TreeCell<?> c && c.getGraphic() != null && c.isVisible()) {
                double need = c.getGraphic().prefHeight(-1) + c.getInsets().getTop() + c.getInsets().getBottom();
                assertTrue(need <= fixed + 0.5, c.getItem() + " needs " + need + " px, rows get " + fixed);
                rows++;
            }
        }
        assertTrue(rows >= 13, "rows checked: " + rows);
    }

    @Test
    void selectingGroupShowsMembersAndBlockers(FxRobot robot) {
        robot.clickOn("Group 6");
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup("IOMMU group 6").tryQuery().isPresent());
        assertTrue(robot.lookup(n -> n instanceof Label l && l.getText() != null
                && l.getText().contains("0000:00:06.0 is bound to e1000")).tryQuery().isPresent());
    }

    @Test
    void selectingDeviceShowsIdentityAndBarsToScale(FxRobot robot) {
        robot.clickOn("0000:00:05.0");
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup("Red Hat Inter-VM shared memory").tryQuery().isPresent());
        List<BarRow> bars = window.device().barTable().getItems();
        assertEquals(List.of("BAR0", "BAR2"), bars.stream().map(b -> b.region().name()).toList());
        assertEquals(List.of(256L, 8L << 20), bars.stream().map(b -> b.region().size()).toList());
        assertTrue(window.device().barStrip().scaleProperty().get().startsWith("logarithmic"));
        assertTrue(robot.lookup("#strip-BAR0").tryQuery().isPresent());
        // predicted by the rules of the profile for the snapshot's release (7.2.13 → linux-7.2)
        assertEquals(org.vfioinspector.app.gui.device.Verdict.Status.YES, bars.get(1).predicted().export().status(),
                bars.get(1).predicted().export().rule());
    }

    @Test
    void selectingBarChecksTheExportRangeAsTheKernelDoes(FxRobot robot) {
        robot.clickOn("0000:00:05.0");
        robot.clickOn("#strip-BAR0");
        WaitForAsyncUtils.waitForFxEvents();
        Badge check = window.device().tryIt().checkBadge();
        assertEquals("→ EINVAL", check.getText(), "a 256-byte BAR cannot back a page range");
        robot.clickOn("#strip-BAR2");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(Badge.Tone.GREEN, check.tone(), check.getText() + " / "
                + robot.lookup("#rangeCheckText").queryAs(Label.class).getText());
        scrollIntoView(robot, "#rangeLength");
        robot.clickOn("#rangeLength").type(KeyCode.END).eraseText(6).write("0x100");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("→ EINVAL", check.getText());
        assertTrue(robot.lookup("#rangeCheckText").queryAs(Label.class).getText().contains("page size"));
        // a snapshot has no kernel: the actions are off and say why
        assertTrue(robot.lookup("#exportDmabuf").queryAs(Button.class).isDisabled());
        assertTrue(robot.lookup("#actionGate").queryAs(Label.class).getText().contains("No kernel backend"));
    }

    @Test
    void filterNarrowsTheTreeAndArrowKeysNavigate(FxRobot robot) {
        robot.clickOn("#groupFilter").write("vfio-pci");
        WaitForAsyncUtils.waitForFxEvents();
        List<Integer> shown = groups().stream().map(g -> ((TreeEntry.Group) g.getValue()).group().number()).toList();
        assertEquals(List.of(3, 4, 5, 11, 12), shown);
        robot.eraseText(8).write("nvme");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(1, groups().size());
        robot.type(KeyCode.DOWN);
        robot.type(KeyCode.DOWN);
        WaitForAsyncUtils.waitForFxEvents();
        TreeEntry sel = window.groups().selectedProperty().get();
        assertTrue(sel instanceof TreeEntry.Device d && d.device().address().equals(PciAddress.parse("0000:00:07.0")),
                String.valueOf(sel));
        robot.clickOn("#groupFilter").type(KeyCode.ESCAPE);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(13, groups().size());
    }

    /** Scrolls the device pane so that the node is in view (TestFX clicks only what the window shows). */
    private void scrollIntoView(FxRobot robot, String id) {
        javafx.scene.Node node = robot.lookup(id).query();
        robot.interact(() -> {
            javafx.scene.Node content = window.device().getContent();
            double y = content.sceneToLocal(node.localToScene(0, 0)).getY();
            double range = content.getBoundsInLocal().getHeight() - window.device().getViewportBounds().getHeight();
            window.device().setVvalue(range <= 0 ? 0 : Math.max(0, Math.min(1, (y - 40) / range)));
        });
        WaitForAsyncUtils.waitForFxEvents();
    }
}
