package org.vfioinspector.app.gui.groups;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.FXCollections;
import javafx.collections.transformation.FilteredList;
import javafx.collections.transformation.SortedList;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import org.vfioinspector.app.text.DeviceSummary;
import org.vfioinspector.bridge.model.HostInventory;
import org.vfioinspector.bridge.model.PciDevice;

/**
 * The flat view beside the groups tree: one sortable row per device, as virt-manager's and Proxmox's device lists
 * show them — BDF, group, name, class, driver, whether VFIO can take its group, how many BARs mmap and export, and
 * where the two disagree (the columns of {@code list --brief}). Filtered by the same text as the tree.
 */
public final class DeviceTable extends TableView<DeviceTable.Row> {
    /** One device and what its row shows. */
    public record Row(PciDevice device, TreeEntry.Device entry, DeviceSummary summary, String search) {
    }

    private final javafx.collections.ObservableList<Row> source = FXCollections.observableArrayList();
    private final FilteredList<Row> filtered = new FilteredList<>(source);

    public DeviceTable() {
        setId("deviceTable");
        getStyleClass().add("device-table");
        setPlaceholder(new Label("No devices match."));
        setTableMenuButtonVisible(true);
        SortedList<Row> sorted = new SortedList<>(filtered);
        sorted.comparatorProperty().bind(comparatorProperty());
        setItems(sorted);
        getColumns().add(mono(col("BDF", 108, r -> r.device().address().toString(), Comparator.naturalOrder())));
        TableColumn<Row, String> group = col("Group", 56, r -> r.summary().group().map(String::valueOf).orElse("–"),
                Comparator.comparingInt(DeviceTable::groupOrder));
        getColumns().add(group);
        TableColumn<Row, String> name = col("Vendor / device", 220, r -> DeviceText.name(r.device()),
                String.CASE_INSENSITIVE_ORDER);
        getColumns().add(name);
        getColumns().add(col("Class", 130, r -> DeviceText.className(r.device()), String.CASE_INSENSITIVE_ORDER));
        getColumns().add(col("Driver", 90, r -> r.device().driver().orElse("none"), Comparator.naturalOrder()));
        getColumns().add(col("Viable", 60, r -> r.summary().viable(), Comparator.naturalOrder()));
        getColumns().add(col("mmap", 56, r -> r.summary().mmap(), Comparator.naturalOrder()));
        getColumns().add(col("dma-buf", 66, r -> r.summary().dmaBuf(), Comparator.naturalOrder()));
        getColumns().add(col("Disagree", 76, r -> r.summary().disagree().isEmpty() ? "" : String.join(", ",
                r.summary().disagree()), Comparator.naturalOrder()));
        for (TableColumn<Row, ?> c : getColumns()) {
            c.setId("col-" + c.getText().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z]+", "-"));
        }
        setRowFactory(t -> new TipRow());
    }

    /** The rows of {@code inv} (FX thread), with the summaries worked out when the host was opened. */
    public void setHost(HostInventory inv, DeviceMarks marks) {
        List<Row> rows = new ArrayList<>();
        for (PciDevice d : inv.devices()) {
            TreeEntry.Device e = new TreeEntry.Device(d, "");
            DeviceSummary s = marks.summary(d.address()).orElseGet(() -> new DeviceSummary(d.iommuGroup(),
                    d.iommuGroup().isPresent() ? "?" : "-", "?", "?", List.of()));
            rows.add(new Row(d, e, s, e.searchText()));
        }
        source.setAll(rows);
    }

    /** Shows the rows whose device matches {@code query} (lower case; empty: all). */
    public void filter(String query) {
        filtered.setPredicate(query.isEmpty() ? null : r -> r.search().contains(query));
    }

    /** How many rows the filter lets through. */
    public int shown() {
        return filtered.size();
    }

    private static int groupOrder(String g) {
        try {
            return Integer.parseInt(g);
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }

    private static TableColumn<Row, String> col(String title, double width, Function<Row, String> value,
                                                Comparator<String> order) {
        TableColumn<Row, String> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setCellValueFactory(x -> new ReadOnlyObjectWrapper<>(value.apply(x.getValue())));
        c.setComparator(order);
        return c;
    }

    private static TableColumn<Row, String> mono(TableColumn<Row, String> c) {
        c.setCellFactory(x -> new TableCell<>() {
            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty ? null : item);
            }

            {
                getStyleClass().add("mono-col");
            }
        });
        return c;
    }

    /** Every row says in full what its cells may cut: name, class, IDs, driver and the disagreeing BARs' rules. */
    private static final class TipRow extends TableRow<Row> {
        private final Tooltip tip = new Tooltip();

        TipRow() {
            tip.setWrapText(true);
            tip.setMaxWidth(560);
        }

        @Override
        protected void updateItem(Row r, boolean empty) {
            super.updateItem(r, empty);
            if (empty || r == null) {
                setTooltip(null);
                return;
            }
            PciDevice d = r.device();
            tip.setText(d.address() + "  " + DeviceText.ids(d) + "\n" + DeviceText.name(d)
                    + (DeviceText.name(d).equals(DeviceText.pciIdsName(d)) ? "" : "\npci.ids: "
                    + DeviceText.pciIdsName(d)) + "\n" + DeviceText.className(d) + "\ndriver: "
                    + d.driver().orElse("none") + "\nmmap " + r.summary().mmap() + ", dma-buf " + r.summary().dmaBuf()
                    + " of its BARs" + (r.summary().disagree().isEmpty() ? "" : "; mmap and dma-buf disagree on "
                    + String.join(", ", r.summary().disagree())));
            setTooltip(tip);
        }
    }
}
