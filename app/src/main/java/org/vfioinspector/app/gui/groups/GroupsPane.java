package org.vfioinspector.app.gui.groups;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javafx.application.Platform;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.control.TreeCell;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeView;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.javafx.FontIcon;
import org.kordamp.ikonli.materialdesign2.MaterialDesignF;
import org.vfioinspector.app.gui.common.UiTasks;
import org.vfioinspector.bridge.model.HostInventory;
import org.vfioinspector.bridge.model.IommuGroup;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.model.PciDevice;
import org.vfioinspector.bridge.model.ReadFailure;

/**
 * The left pane: IOMMU groups as a tree (group → devices, SR-IOV VFs under their PF), each group with its
 * viability badge, blockers and why it holds more than one device, each device (and its group) marked where its mmap
 * and dma-buf verdicts disagree; or, switched with "Devices", the same devices as a flat sortable table
 * ({@link DeviceTable}). One clearable filter field (BDF, IDs, names, driver, class) filters both.
 */
public final class GroupsPane extends VBox {
    private final ObjectProperty<HostInventory> inventory = new SimpleObjectProperty<>(this, "inventory");
    private final ReadOnlyObjectWrapper<TreeEntry> selected = new ReadOnlyObjectWrapper<>(this, "selected");
    private final org.controlsfx.control.textfield.CustomTextField filter =
            new org.controlsfx.control.textfield.CustomTextField();
    private final TreeView<TreeEntry> tree = new TreeView<>();
    private final DeviceTable table = new DeviceTable();
    /** The tree, and the table over it once it has been shown. */
    private final StackPane lists;
    private final javafx.scene.control.ToggleButton groupsView = new javafx.scene.control.ToggleButton("_Groups");
    private final javafx.scene.control.ToggleButton devicesView = new javafx.scene.control.ToggleButton("De_vices");
    private final Label count = new Label();
    private final Tooltip countTip = new Tooltip();
    private final ReadOnlyObjectWrapper<DeviceMarks> marks = new ReadOnlyObjectWrapper<>(this, "marks",
            DeviceMarks.NONE);
    private boolean syncing;

    public GroupsPane() {
        getStyleClass().add("groups-pane");
        setMinWidth(220);
        filter.setId("groupFilter");
        filter.setPromptText("Filter");
        filter.setTooltip(new Tooltip("Shows devices whose BDF, vendor:device IDs, names, driver or class contain "
                + "the text (Ctrl+F). Esc clears; Down moves into the list."));
        FontIcon fi = new FontIcon(MaterialDesignF.FILTER_VARIANT);
        fi.getStyleClass().add("icon");
        filter.setLeft(fi);
        // the clear button is the mouse's way; the keyboard's is Esc (so the button takes no Tab stop)
        javafx.scene.control.Button clear = new javafx.scene.control.Button("", DeviceIcons.icon(
                org.kordamp.ikonli.materialdesign2.MaterialDesignC.CLOSE_CIRCLE));
        clear.setId("clearFilter");
        clear.getStyleClass().setAll("clear-filter");
        clear.setFocusTraversable(false);
        clear.setTooltip(new Tooltip("Clear the filter (Esc)"));
        clear.setOnAction(e -> filter.clear());
        clear.visibleProperty().bind(filter.textProperty().isNotEmpty());
        filter.setRight(clear);
        filter.setMinWidth(80);
        groupsView.setId("viewGroups");
        groupsView.setTooltip(new Tooltip("IOMMU groups as a tree (Alt+G, Ctrl+1)"));
        devicesView.setId("viewDevices");
        devicesView.setTooltip(new Tooltip("Every device in one sortable table: BDF, group, name, class, driver, "
                + "viable, BARs that mmap and export (Alt+V, Ctrl+2)"));
        org.controlsfx.control.SegmentedButton views = new org.controlsfx.control.SegmentedButton(groupsView,
                devicesView);
        views.getStyleClass().add("view-switch");
        views.setMinWidth(USE_PREF_SIZE);
        groupsView.setSelected(true);
        views.getToggleGroup().selectedToggleProperty().addListener((o, a, b) -> {
            if (b == null) {
                a.setSelected(true); // one view is always shown
            } else {
                showTable(b == devicesView);
            }
        });
        count.getStyleClass().add("muted");
        count.setMinWidth(40);
        count.setTooltip(countTip);
        count.textProperty().addListener((o, a, b) -> countTip.setText(b));
        HBox filterRow = new HBox(6, filter);
        filterRow.setAlignment(Pos.CENTER_LEFT);
        HBox.setHgrow(filter, Priority.ALWAYS);
        filterRow.setPadding(new Insets(8, 8, 4, 8));
        // the view switch keeps its width; the count beside it gives way (its tooltip has it whole)
        HBox viewRow = new HBox(8, views, count);
        viewRow.setAlignment(Pos.CENTER_LEFT);
        viewRow.setPadding(new Insets(0, 8, 6, 8));
        table.setVisible(false);
        table.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> {
            if (!syncing && b != null && table.isVisible()) {
                selected.set(b.entry());
            }
        });
        // the table joins the scene when first shown: JavaFX styles invisible nodes too, and its header and skin
        // were an eighth of the window's first CSS pass
        lists = new StackPane(tree);
        VBox.setVgrow(lists, Priority.ALWAYS);

        tree.setId("groupsTree");
        tree.setShowRoot(false);
        tree.setCellFactory(t -> {
            EntryCell c = new EntryCell(marks::get);
            cells.add(c);
            return c;
        });
        tree.getSelectionModel().selectedItemProperty()
                .addListener((o, a, b) -> {
                    if (!syncing) {
                        selected.set(b == null ? null : b.getValue());
                    }
                });
        tree.sceneProperty().addListener((o, a, scene) -> {
            if (scene != null && tree.getFixedCellSize() <= 0) {
                // after the window's first frame, not before it
                UiTasks.afterNextPulse(scene, () -> Platform.runLater(this::fixRowHeight));
            }
        });

        filter.textProperty().addListener((o, a, b) -> rebuild());
        // An invalidation listener: a change listener compares old and new with equals(), and two scans of the
        // same host are equal records, so a re-opened host was never shown, and the deep comparison alone took
        // ~100 ms of the FX thread on a 10,000-function host.
        inventory.addListener(o -> rebuild());
        filter.setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.ESCAPE) {
                filter.clear();
            } else if (e.getCode() == KeyCode.DOWN) {
                javafx.scene.control.Control list = table.isVisible() ? table : tree;
                list.requestFocus();
                if (table.isVisible() && table.getSelectionModel().isEmpty()) {
                    table.getSelectionModel().selectFirst();
                } else if (!table.isVisible() && tree.getSelectionModel().isEmpty()) {
                    tree.getSelectionModel().selectFirst();
                }
                e.consume();
            }
        });
        getChildren().addAll(filterRow, viewRow, lists);
    }

    /** The cells the tree made (weakly: the flow drops them when it makes new ones), for {@link #updateMarks}. */
    private final java.util.Set<EntryCell> cells = java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>());

    /**
     * The whole marks of the inventory shown, worked out after it was shown: the visible rows are drawn again, the
     * table gets its summaries.
     */
    public void updateMarks(DeviceMarks m) {
        marks.set(m);
        // the cells showing rows get their marks; TreeView.refresh() would make every cell anew, restyling all
        // their rows (a layout of 50-120 ms on the FX thread after each open of a 10,000-function host)
        for (EntryCell c : cells) {
            c.remark();
        }
        if (table.isVisible()) {
            fillTable();
        }
    }

    /** The marks drawn now. */
    public DeviceMarks marks() {
        return marks.get();
    }

    /** The marks drawn: the scenario's names when a host is shown, its whole marks once worked out. */
    public ReadOnlyObjectProperty<DeviceMarks> marksProperty() {
        return marks.getReadOnlyProperty();
    }

    public DeviceTable table() {
        return table;
    }

    /** Shows the flat device table instead of the tree (or back), keeping the selected device selected. */
    public void showTable(boolean flat) {
        (flat ? devicesView : groupsView).setSelected(true);
        if (table.isVisible() == flat) {
            return;
        }
        TreeEntry keep = selected.get();
        if (flat) {
            fillTable();
            String q = filter.getText() == null ? "" : filter.getText().strip().toLowerCase(Locale.ROOT);
            table.filter(q);
        }
        if (flat && !lists.getChildren().contains(table)) {
            lists.getChildren().add(table);
        }
        table.setVisible(flat);
        tree.setVisible(!flat);
        syncing = true;
        try {
            if (flat) {
                table.getSelectionModel().clearSelection();
                if (keep instanceof TreeEntry.Device d) {
                    table.getItems().stream().filter(r -> r.device() == d.device()).findFirst()
                            .ifPresent(r -> {
                                table.getSelectionModel().select(r);
                                table.scrollTo(r);
                            });
                }
            } else if (keep instanceof TreeEntry.Device d) {
                select(d.device().address());
            }
        } finally {
            syncing = false;
        }
        updateCount();
        (flat ? table : tree).requestFocus();
    }

    public boolean tableShown() {
        return table.isVisible();
    }

    public ObjectProperty<HostInventory> inventoryProperty() {
        return inventory;
    }

    public ReadOnlyObjectProperty<TreeEntry> selectedProperty() {
        return selected.getReadOnlyProperty();
    }

    public TextField filterField() {
        return filter;
    }

    public TreeView<TreeEntry> tree() {
        return tree;
    }

    /** Selects the row of this device (first occurrence), expanding its group; in the table when it is shown. */
    public boolean select(PciAddress address) {
        if (table.isVisible()) {
            for (DeviceTable.Row r : table.getItems()) {
                if (r.device().address().equals(address)) {
                    table.getSelectionModel().select(r);
                    table.scrollTo(r);
                    return true;
                }
            }
            return false;
        }
        for (TreeItem<TreeEntry> g : tree.getRoot() == null ? List.<TreeItem<TreeEntry>>of()
                : tree.getRoot().getChildren()) {
            for (TreeItem<TreeEntry> d : g.getChildren()) {
                if (d.getValue() instanceof TreeEntry.Device dev && dev.device().address().equals(address)) {
                    g.setExpanded(true);
                    tree.getSelectionModel().select(d);
                    tree.scrollTo(Math.max(0, tree.getSelectionModel().getSelectedIndex() - 3));
                    return true;
                }
            }
        }
        return false;
    }

    /** A tree of {@code inventory} filtered by {@code query}, with the number of groups and devices it shows. */
    private record Built(HostInventory inventory, String query, TreeItem<TreeEntry> root, int groups, int devices) {
    }

    /**
     * What showing a host takes, made off the FX thread by the task that opened it ({@link #prepare}): its
     * unfiltered tree (TreeItems are model objects, and building tens of thousands of them stalled the FX thread for
     * hundreds of milliseconds on a big host) and its scenario's device names (a map of 10,000 on a data-centre
     * scenario).
     */
    public static final class Prepared {
        private final Built tree;
        private final DeviceMarks names;

        private Prepared(Built tree, DeviceMarks names) {
            this.tree = tree;
            this.names = names;
        }

        public HostInventory inventory() {
            return tree.inventory();
        }

        /** The unfiltered tree. */
        TreeItem<TreeEntry> root() {
            return tree.root();
        }

        /** The marks the host is shown with until its whole marks are worked out: the scenario's names. */
        public DeviceMarks names() {
            return names;
        }
    }

    /** Blocking work for the background thread that opened {@code inv}; touches no scene node. */
    public static Prepared prepare(HostInventory inv, Optional<org.vfioinspector.bridge.lab.scenario.LabScenario>
            scenario) {
        return new Prepared(build(inv, ""), DeviceMarks.names(inv, scenario));
    }

    /** The tree {@link #show} brought for the rebuild its inventory's change starts; null otherwise. */
    private Built arriving;

    /** Shows a prepared host: its names at once, its tree as prepared unless the filter asks for another. */
    public void show(Prepared p) {
        marks.set(p.names());
        arriving = p.tree;
        try {
            if (inventory.get() == p.inventory()) {
                rebuild(); // the same inventory again: no change to listen to
            } else {
                inventory.set(p.inventory());
            }
        } finally {
            arriving = null;
        }
    }

    private void rebuild() {
        HostInventory inv = inventory.get();
        TreeEntry before = selected.get();
        if (inv == null) {
            tree.setRoot(new TreeItem<>());
            count.setText("");
            return;
        }
        String q = filter.getText() == null ? "" : filter.getText().strip().toLowerCase(Locale.ROOT);
        Built b = arriving != null && arriving.inventory() == inv && arriving.query().equals(q) ? arriving
                : build(inv, q);
        tree.setRoot(b.root());
        shownGroups = b.groups();
        shownDevices = b.devices();
        // the table's rows are made when it is shown (10,000 rows are not work for every host's first frame)
        if (table.isVisible()) {
            fillTable();
        }
        table.filter(q);
        updateCount();
        if (before != null) {
            reselect(b.root(), before);
        }
    }

    private int shownGroups;
    private int shownDevices;
    private HostInventory tableHost;
    private DeviceMarks tableMarks;

    /** The table's rows for the inventory and marks shown, unless it has them. */
    private void fillTable() {
        HostInventory inv = inventory.get();
        if (inv != null && (tableHost != inv || tableMarks != marks.get())) {
            DeviceTable.Row keep = table.getSelectionModel().getSelectedItem();
            table.setHost(inv, marks.get());
            tableHost = inv;
            tableMarks = marks.get();
            if (keep != null) {
                table.getItems().stream().filter(r -> r.device() == keep.device()).findFirst()
                        .ifPresent(r -> table.getSelectionModel().select(r));
            }
        }
    }

    private void updateCount() {
        HostInventory inv = inventory.get();
        if (inv == null) {
            count.setText("");
            return;
        }
        boolean filtered = filter.getText() != null && !filter.getText().isBlank();
        count.setText(table.isVisible() ? table.shown() + " devices" + (filtered ? " match" : "")
                : shownGroups + " groups, " + shownDevices + " devices" + (filtered ? " match" : "")
                + (inv.ungrouped().isEmpty() ? "" : " (" + inv.ungrouped().size() + " without a group)"));
    }

    /**
     * Gives the tree one row height, so its flow never measures rows: on a 10,000-group host, measuring rows and
     * re-estimating the list's length were a third of the FX-thread stall after opening it. Every row is one line;
     * the height is the taller of a group row and a device row with every part shown, measured once with the
     * window's stylesheets on an offscreen tree, right after the window's first frame (cold, it takes ~100 ms: not
     * inside a host's opening, nor before the first frame).
     */
    private void fixRowHeight() {
        if (tree.getFixedCellSize() > 0 || tree.getScene() == null) {
            return;
        }
        TreeItem<javafx.scene.Node> root = new TreeItem<>();
        new EntryCell(() -> DeviceMarks.NONE).sampleRows().forEach(r -> root.getChildren().add(new TreeItem<>(r)));
        TreeView<javafx.scene.Node> probe = new TreeView<>(root);
        probe.setShowRoot(false);
        probe.setCellFactory(t -> new TreeCell<>() {
            @Override
            protected void updateItem(javafx.scene.Node row, boolean empty) {
                super.updateItem(row, empty);
                setText(null);
                setGraphic(empty ? null : row);
            }
        });
        StackPane box = new StackPane(probe);
        box.getStyleClass().setAll(getStyleClass());
        Scene scene = new Scene(box, 800, 200);
        scene.getStylesheets().setAll(tree.getScene().getStylesheets());
        box.applyCss();
        box.layout();
        double h = probe.lookupAll(".tree-cell").stream()
                .filter(n -> n instanceof TreeCell<?> c && c.getItem() != null)
                .mapToDouble(n -> ((TreeCell<?>) n).prefHeight(-1)).max().orElse(-1);
        if (h > 0) {
            tree.setFixedCellSize(Math.ceil(h));
        }
    }

    /** The tree of {@code inv} filtered by {@code q} (lower case; empty: everything); touches no scene node. */
    private static Built build(HostInventory inv, String q) {
        TreeItem<TreeEntry> root = new TreeItem<>();
        int groups = 0;
        int devices = 0;
        List<TreeItem<TreeEntry>> shown = new ArrayList<>();
        for (IommuGroup g : inv.groups()) {
            TreeEntry.Group ge = new TreeEntry.Group(g, g.devices().size() > 1
                    ? Optional.of(org.vfioinspector.bridge.rules.GroupWhy.explain(g, inv)) : Optional.empty());
            TreeItem<TreeEntry> gi = new TreeItem<>(ge);
            List<TreeItem<TreeEntry>> members = new ArrayList<>();
            boolean groupMatches = !q.isEmpty() && ge.searchText().equals(q);
            for (PciAddress a : g.devices()) {
                Optional<PciDevice> d = inv.device(a);
                TreeEntry e = d.<TreeEntry>map(x -> new TreeEntry.Device(x, ""))
                        .orElseGet(() -> new TreeEntry.Unreadable(a, why(inv, a)));
                if (!q.isEmpty() && !groupMatches && !e.searchText().contains(q)) {
                    continue;
                }
                TreeItem<TreeEntry> di = new TreeItem<>(e);
                d.flatMap(PciDevice::sriov).ifPresent(s -> {
                    // children are added in one change: each add fires a tree modification event up the chain
                    List<TreeItem<TreeEntry>> vfs = new ArrayList<>();
                    int n = 0;
                    for (PciAddress vf : s.virtfns()) {
                        int idx = n++;
                        inv.device(vf).ifPresent(v -> vfs.add(new TreeItem<>(
                                new TreeEntry.Device(v, "VF " + idx + " of " + a))));
                    }
                    di.getChildren().setAll(vfs);
                });
                members.add(di);
                devices++;
            }
            if (q.isEmpty() || groupMatches || !members.isEmpty()) {
                gi.getChildren().setAll(members);
                gi.setExpanded(!q.isEmpty() || g.devices().size() <= 4);
                shown.add(gi);
                groups++;
            }
        }
        if (!inv.ungrouped().isEmpty()) {
            // Devices in no group are listed too (as `list` does), under one node that says why VFIO cannot use
            // them; on a host without an IOMMU that is every device, so the node is open.
            TreeEntry.NoGroup ne = new TreeEntry.NoGroup(inv.ungrouped().size(), inv.groups().isEmpty());
            boolean nodeMatches = !q.isEmpty() && ne.searchText().contains(q);
            List<TreeItem<TreeEntry>> members = new ArrayList<>();
            for (PciDevice d : inv.ungrouped()) {
                TreeEntry e = new TreeEntry.Device(d, "");
                if (q.isEmpty() || nodeMatches || e.searchText().contains(q)) {
                    members.add(new TreeItem<>(e));
                    devices++;
                }
            }
            if (q.isEmpty() || nodeMatches || !members.isEmpty()) {
                TreeItem<TreeEntry> ni = new TreeItem<>(ne);
                ni.getChildren().setAll(members);
                ni.setExpanded(!q.isEmpty() || ne.noIommu() || members.size() <= 4);
                shown.add(ni);
            }
        }
        root.getChildren().setAll(shown);
        return new Built(inv, q, root, groups, devices);
    }

    private void reselect(TreeItem<TreeEntry> root, TreeEntry before) {
        if (table.isVisible()) {
            for (DeviceTable.Row r : table.getItems()) {
                if (before instanceof TreeEntry.Device d && r.entry().equals(d)) {
                    table.getSelectionModel().select(r);
                    return;
                }
            }
        }
        for (TreeItem<TreeEntry> g : root.getChildren()) {
            if (g.getValue().equals(before)) {
                tree.getSelectionModel().select(g);
                return;
            }
            for (TreeItem<TreeEntry> d : g.getChildren()) {
                if (d.getValue().equals(before)) {
                    tree.getSelectionModel().select(d);
                    return;
                }
            }
        }
    }

    private static String why(HostInventory inv, PciAddress a) {
        return inv.failed().stream().filter(f -> f.subject().equals(a.toString())).map(ReadFailure::message)
                .findFirst().orElse("not readable");
    }
}
