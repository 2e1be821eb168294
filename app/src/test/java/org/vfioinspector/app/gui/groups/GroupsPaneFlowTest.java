package org.vfioinspector.app.gui.groups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TreeItem;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;
import org.vfioinspector.app.gui.MainWindowFlow;
import org.vfioinspector.app.gui.common.Badge;
import org.vfioinspector.bridge.model.PciAddress;

/**
 * The groups pane on lab hosts: the divergence mark on the device row and its group row before anything is tried,
 * the "why this group" chip of every group of more than one device, the scenario's own device names, and the flat
 * device table (sortable, filtered with the tree, selecting what the tree selects).
 */
class GroupsPaneFlowTest extends MainWindowFlow {
    /** The s390-ism lab host's ISM device, whose BAR2 mmap refuses and dma-buf export allows. */
    private static final PciAddress ISM = PciAddress.parse("0001:00:00.0");

    /** Opens s390-ism, selects the ISM device and returns the disagreement badge of its row. */
    private Badge ismRowsMark(FxRobot robot) throws Exception {
        openLab("s390-ism");
        robot.interact(() -> window.groups().select(ISM));
        WaitForAsyncUtils.waitForFxEvents();
        return robot.lookup("#divergence-0001-00-00-0").queryAs(Badge.class);
    }

    /** The tree cell that shows {@code n}; null when none does. */
    private static javafx.scene.Node cellOf(javafx.scene.Node n) {
        javafx.scene.Node p = n;
        while (p != null && !(p instanceof javafx.scene.control.TreeCell<?>)) {
            p = p.getParent();
        }
        return p;
    }

    @Test
    void theUnmappableIsmBarIsMarkedOnItsRowAndItsGroupsRow(FxRobot robot) throws Exception {
        Badge device = ismRowsMark(robot);
        assertTrue(device.isVisible());
        assertTrue(device.getTooltip().getText().contains("BAR2: mmap no") && device.getTooltip().getText()
                .contains("dma-buf yes"), device.getTooltip().getText());
        int group = window.hostProperty().get().inventory().device(ISM).orElseThrow().iommuGroup().orElseThrow();
        assertTrue(robot.lookup("#divergence-group-" + group).queryAs(Badge.class).isVisible());
        // the other device of the host agrees with itself: no mark
        assertTrue(robot.lookup("#divergence-0002-00-00-0").tryQuery().map(n -> !n.isVisible()).orElse(true));
        // under the profile with the fix, nothing disagrees
        openLab("s390-ism-fixed");
        List<String> marked = robot.lookup(".badge").queryAllAs(Badge.class).stream()
                .filter(b -> b.isVisible() && b.getId() != null && b.getId().startsWith("divergence-")
                        && b.getParent() != null && b.getParent().isVisible() && b.getScene() != null)
                .map(b -> b.getId() + " " + b.getTooltip().getText()).toList();
        assertTrue(marked.isEmpty(), marked.toString());
    }

    /** Marks worked out after the rows are drawn reach the rows on screen, with no scrolling and no new cells. */
    @Test
    void marksWorkedOutLaterReachTheRowsShown(FxRobot robot) throws Exception {
        Badge device = ismRowsMark(robot);
        javafx.scene.Node cell = cellOf(device);
        assertTrue(device.isVisible());
        DeviceMarks worked = window.groups().marks();
        robot.interact(() -> window.groups().updateMarks(DeviceMarks.NONE));
        assertFalse(device.isVisible(), "no marks: the badge of the row shown is hidden");
        robot.interact(() -> window.groups().updateMarks(worked));
        assertTrue(device.isVisible(), "the marks again: shown on the same row");
        assertSame(cell, cellOf(device), "the same cell");
    }

    /**
     * The tree an open shows is the one its task made off the FX thread; with a filter typed, the pane filters
     * instead, and the scenario's names come with either.
     */
    @Test
    void anOpenShowsTheTreeItsTaskMade(FxRobot robot) throws Exception {
        openLab("type1-p2p-hazard");
        var h = window.hostProperty().get();
        GroupsPane.Prepared p = GroupsPane.prepare(h.inventory(), h.handle().flatMap(
                org.vfioinspector.bridge.host.Host::scenario));
        GroupsPane pane = window.groups();
        robot.interact(() -> pane.show(p));
        assertSame(p.root(), pane.tree().getRoot(), "the prepared tree, not one built again");
        assertSame(p.names(), pane.marks());
        assertTrue(p.names().name(PciAddress.parse("0000:00:03.0")).orElseThrow().startsWith("Device A"));
        GroupsPane.Prepared again = GroupsPane.prepare(h.inventory(), java.util.Optional.empty());
        javafx.scene.control.TextField filter = robot.lookup("#groupFilter").queryAs(
                javafx.scene.control.TextField.class);
        robot.interact(() -> {
            filter.setText("00:03.0");
            pane.show(again);
        });
        assertFalse(again.root() == pane.tree().getRoot(), "a filtered tree");
        assertEquals(1, pane.tree().getRoot().getChildren().stream().mapToLong(g -> g.getChildren().size()).sum(),
                "the one device that matches");
        robot.interact(filter::clear);
    }

    /**
     * A cell keeps its one graphic when it goes from a group's row to a device's and back: another graphic would
     * match the CSS of the new row's every node again.
     */
    @Test
    void aCellKeepsItsGraphicWhenItShowsAnotherKindOfRow(FxRobot robot) throws Exception {
        openLab("qemu-q35");
        javafx.scene.control.TreeView<TreeEntry> tree = window.groups().tree();
        robot.interact(() -> tree.getRoot().getChildren().forEach(g -> g.setExpanded(false)));
        WaitForAsyncUtils.waitForFxEvents();
        java.util.Map<javafx.scene.control.TreeCell<?>, Object[]> before = new java.util.HashMap<>();
        robot.interact(() -> tree.lookupAll(".tree-cell").forEach(n -> {
            if (n instanceof javafx.scene.control.TreeCell<?> c && !c.isEmpty()) {
                before.put(c, new Object[] {c.getGraphic(), c.getItem()});
            }
        }));
        robot.interact(() -> tree.getRoot().getChildren().forEach(g -> g.setExpanded(true)));
        WaitForAsyncUtils.waitForFxEvents();
        int switched = 0;
        for (var e : before.entrySet()) {
            javafx.scene.control.TreeCell<?> c = e.getKey();
            assertSame(e.getValue()[0], c.getGraphic(), "the cell's graphic");
            if (e.getValue()[1] instanceof TreeEntry.Group && c.getItem() instanceof TreeEntry.Device) {
                switched++;
            }
        }
        assertTrue(switched > 0, "some cell went from a group's row to a device's");
        robot.interact(() -> tree.getRoot().getChildren().forEach(g -> g.setExpanded(false)));
    }

    @Test
    void everyGroupOfSeveralDevicesSaysWhy(FxRobot robot) throws Exception {
        int checked = 0;
        for (String scenario : org.vfioinspector.bridge.lab.scenario.ScenarioLoader.BUILT_IN) {
            openLab(scenario);
            for (TreeItem<TreeEntry> g : List.copyOf(window.groups().tree().getRoot().getChildren())) {
                if (g.getValue() instanceof TreeEntry.Group grp && grp.group().devices().size() > 1) {
                    robot.interact(() -> window.groups().tree().scrollTo(window.groups().tree().getRow(g)));
                    WaitForAsyncUtils.waitForFxEvents();
                    // the row's chip (cells are reused: an idle cell may keep an id it no longer shows)
                    Label why = robot.lookup("#why-" + grp.group().number()).queryAllAs(Label.class).stream()
                            .filter(l -> l.isVisible() && l.getParent().isVisible()
                                    && cellOf(l) instanceof javafx.scene.control.TreeCell<?> c && c.isVisible()
                                    && c.getItem() == grp).findFirst()
                            .orElseThrow(() -> new AssertionError(scenario + " group " + grp.group().number()));
                    assertTrue(!why.getText().isBlank(), scenario + " group " + grp.group().number());
                    assertTrue(why.getTooltip().getText().contains("To split it"), why.getTooltip().getText());
                    checked++;
                }
            }
        }
        assertTrue(checked > 0, "the built-in hosts have groups of several devices");
    }

    @Test
    void theScenarioNamesItsOwnDevices(FxRobot robot) throws Exception {
        openLab("type1-p2p-hazard");
        assertTrue(robot.lookup("Device A (exporter: GPU-like, 256 MiB prefetchable BAR2)").tryQuery().isPresent(),
                "the scenario's name in the tree");
        robot.interact(() -> window.groups().select(PciAddress.parse("0000:00:03.0")));
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup(n -> n instanceof Label l && l.getStyleClass().contains("view-title")
                && l.getText().startsWith("Device A")).tryQuery().isPresent(), "and as the device view's title");
        // the header says what the scenario is, whole in its tooltip
        Label banner = robot.lookup("#labBanner").queryAs(Label.class);
        assertTrue(banner.getTooltip().getText().contains("type1 P2P the old way"), banner.getTooltip().getText());
    }

    @Test
    void theDeviceTableListsSortsFiltersAndSelects(FxRobot robot) throws Exception {
        openLab("qemu-q35");
        robot.interact(() -> window.groups().showTable(true));
        DeviceTable table = window.groups().table();
        assertEquals(window.hostProperty().get().inventory().devices().size(), table.getItems().size());
        List<String> columns = table.getColumns().stream().map(TableColumn::getText).toList();
        assertEquals(List.of("BDF", "Group", "Vendor / device", "Class", "Driver", "Viable", "mmap", "dma-buf",
                "Disagree"), columns);
        DeviceTable.Row ivshmem = table.getItems().stream().filter(r -> r.device().address().toString()
                .equals("0000:00:05.0")).findFirst().orElseThrow();
        assertEquals("2/2", ivshmem.summary().mmap());
        assertEquals("1/2", ivshmem.summary().dmaBuf());
        assertEquals(List.of("BAR0"), ivshmem.summary().disagree());
        // sorted by group, numerically (12 before 9 when descending), then filtered
        TableColumn<DeviceTable.Row, ?> group = table.getColumns().get(1);
        robot.interact(() -> {
            group.setSortType(TableColumn.SortType.DESCENDING);
            table.getSortOrder().setAll(List.of(group));
        });
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("12", table.getItems().get(0).summary().group().map(String::valueOf).orElse(""));
        robot.interact(() -> window.groups().filterField().setText("1b36:0010"));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(1, table.getItems().size());
        robot.interact(() -> table.getSelectionModel().select(0));
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(window.groups().selectedProperty().get() instanceof TreeEntry.Device d
                && d.device().address().toString().equals("0000:00:07.0"), "the table selects the device");
        // back to the tree: the same device stays selected
        robot.interact(() -> window.groups().showTable(false));
        assertFalse(window.groups().tableShown());
        TreeItem<TreeEntry> sel = window.groups().tree().getSelectionModel().getSelectedItem();
        assertTrue(sel != null && sel.getValue() instanceof TreeEntry.Device d
                && d.device().address().toString().equals("0000:00:07.0"));
    }
}
