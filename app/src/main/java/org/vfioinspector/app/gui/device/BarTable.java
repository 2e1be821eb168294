package org.vfioinspector.app.gui.device;

import java.util.function.Function;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.value.ChangeListener;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import org.vfioinspector.app.gui.common.Badge;
import org.vfioinspector.app.gui.common.TipCell;
import org.vfioinspector.bridge.model.Sizes;

/** The BAR table: index, kind, prefetchable, address, size, and the mmap / dma-buf / P2P badges. */
public final class BarTable extends TableView<BarRow> {
    public BarTable() {
        setId("barTable");
        getStyleClass().add("bar-table");
        setPlaceholder(new Label("This device implements no BARs."));
        setColumnResizePolicy(CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        // widths for the longest value of each column (BAR5, mem64, a 52-bit address, 512M): a narrow device view
        // scrolls the table sideways, it does not cut a value (and the cell's tooltip says it whole)
        getColumns().add(text("BAR", 60, 52, r -> r.region().name(), "Region index: BAR0–BAR5, ROM = region 6"));
        getColumns().add(text("Kind", 66, 60, r -> r.region().kind().label(), "mem32, mem64, io or rom"));
        getColumns().add(text("Pref", 48, 46, r -> r.region().prefetchable() ? "yes" : "", "Prefetchable memory"));
        getColumns().add(text("Address", 140, 130, r -> String.format("0x%x", r.region().start()),
                "Bus address as sysfs prints it"));
        getColumns().add(text("Size", 70, 60, r -> Sizes.human(r.region().size()), "Length of the region"));
        getColumns().add(badge("mmap", r -> r.predicted().mmap(), r -> r.triedProperty().get().mmap()
                .map(m -> m + r.triedProperty().get().mmapValue().map(v -> " " + v).orElse("")).orElse(null),
                "May userspace mmap this BAR through VFIO? (VFIO_REGION_INFO_FLAG_MMAP)"));
        getColumns().add(badge("dma-buf", r -> r.predicted().export(),
                r -> r.triedProperty().get().dmabuf().orElse(null),
                "May it be exported as a dma-buf (VFIO_DEVICE_FEATURE_DMA_BUF)?"));
        getColumns().add(badge("P2P", r -> r.predicted().p2p(), r -> null,
                "Can a peer device DMA to it through an importer?"));
        TableColumn<BarRow, BarRow> warn = new TableColumn<>("");
        warn.setPrefWidth(36);
        warn.setMaxWidth(40);
        warn.setSortable(false);
        warn.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue()));
        warn.setCellFactory(c -> new WarnCell());
        getColumns().add(warn);
        for (TableColumn<BarRow, ?> c : getColumns()) {
            c.setReorderable(false);
        }
    }

    private static TableColumn<BarRow, String> text(String name, double w, double min, Function<BarRow, String> f,
                                                    String tip) {
        TableColumn<BarRow, String> c = new TableColumn<>();
        Label head = new Label(name);
        head.setTooltip(new Tooltip(tip));
        c.setGraphic(head);
        c.setPrefWidth(w);
        c.setMinWidth(min);
        c.setCellValueFactory(x -> new ReadOnlyStringWrapper(f.apply(x.getValue())));
        c.setCellFactory(x -> new TipCell<>());
        c.getStyleClass().add("mono-col");
        return c;
    }

    private static TableColumn<BarRow, BarRow> badge(String name, Function<BarRow, Verdict> predicted,
                                                     Function<BarRow, String> tried, String tip) {
        TableColumn<BarRow, BarRow> c = new TableColumn<>();
        Label head = new Label(name);
        head.setTooltip(new Tooltip(tip));
        c.setGraphic(head);
        c.setPrefWidth(140);
        c.setMinWidth(100); // "unknown", or a verdict and what was tried: the badges are never cut
        c.setSortable(false);
        c.setCellValueFactory(x -> new ReadOnlyObjectWrapper<>(x.getValue()));
        c.setCellFactory(x -> new VerdictCell(name, predicted, tried));
        return c;
    }

    /** A cell that redraws when its row's tried result changes (and stops listening to rows it left). */
    private abstract static class TriedAwareCell extends TableCell<BarRow, BarRow> {
        private final ChangeListener<Tried> refresh = (o, a, b) -> show();
        protected BarRow current;

        @Override
        protected void updateItem(BarRow item, boolean empty) {
            super.updateItem(item, empty);
            if (current != null) {
                current.triedProperty().removeListener(refresh);
            }
            current = empty ? null : item;
            if (current != null) {
                current.triedProperty().addListener(refresh);
            }
            show();
        }

        protected abstract void show();
    }

    /** Predicted badge, and the tried result beside it once tried. */
    private static final class VerdictCell extends TriedAwareCell {
        private final String what;
        private final Function<BarRow, Verdict> predicted;
        private final Function<BarRow, String> tried;

        VerdictCell(String what, Function<BarRow, Verdict> predicted, Function<BarRow, String> tried) {
            this.what = what;
            this.predicted = predicted;
            this.tried = tried;
        }

        @Override
        protected void show() {
            if (current == null) {
                setGraphic(null);
                return;
            }
            Verdict v = predicted.apply(current);
            Badge p = new Badge(switch (v.status()) {
                case YES -> "yes";
                case NO -> "no";
                case UNKNOWN -> "unknown";
            }, v.status().tone(), "Predicted " + what + ": " + v.rule() + "\n" + v.detail());
            p.getStyleClass().add("verdict");
            HBox box = new HBox(4, p);
            String t = tried.apply(current);
            if (t != null) {
                Badge tb = new Badge("tried: " + t, t.startsWith("ok") ? Badge.Tone.GREEN : Badge.Tone.RED,
                        "What the kernel answered when you tried " + what);
                tb.getStyleClass().add("tried");
                box.getChildren().add(tb);
            }
            setGraphic(box);
        }
    }

    /** A warning badge where mmap and export disagree (or a try disagreed with the prediction). */
    private static final class WarnCell extends TriedAwareCell {

        @Override
        protected void show() {
            String d = current == null ? "" : current.divergence();
            if (d.isEmpty()) {
                setGraphic(null);
                return;
            }
            Badge b = new Badge("!", Badge.Tone.WARNING, d);
            b.setId("divergence-" + current.region().name());
            setGraphic(b);
        }
    }
}
