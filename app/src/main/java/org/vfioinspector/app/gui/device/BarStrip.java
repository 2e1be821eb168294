package org.vfioinspector.app.gui.device;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.css.PseudoClass;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import java.util.Optional;
import java.util.stream.Collectors;
import org.vfioinspector.bridge.config.Capability;
import org.vfioinspector.bridge.config.ConfigSpace;
import org.vfioinspector.bridge.model.Sizes;

/**
 * The BAR layout drawn to scale: one labelled block per region, widths proportional to size, or to log2(size)
 * when sizes differ by orders of magnitude (ratio of 64 or more). Nodes, not a bitmap, so it scales on HiDPI and
 * follows the theme. Clicking a block selects that BAR.
 */
public final class BarStrip extends Region {
    /** Sizes spanning this ratio or more are drawn on a log scale. */
    public static final double LOG_RATIO = 64;
    private static final double MIN_SEG = 70;
    private static final double GAP = 4;
    private static final PseudoClass SELECTED = PseudoClass.getPseudoClass("selected");

    private final List<StackPane> segments = new ArrayList<>();
    private final List<BarRow> rows = new ArrayList<>();
    private final ReadOnlyStringWrapper scale = new ReadOnlyStringWrapper(this, "scale", "");
    private double[] weights = new double[0];
    private Consumer<BarRow> onSelect = r -> { };

    public BarStrip() {
        getStyleClass().add("bar-strip");
        setMinHeight(64);
        setPrefHeight(64);
    }

    public void setOnSelect(Consumer<BarRow> handler) {
        this.onSelect = handler;
    }

    /** "linear" or "logarithmic (256 … 8M)", for a caption. */
    public ReadOnlyStringProperty scaleProperty() {
        return scale.getReadOnlyProperty();
    }

    public void setRows(List<BarRow> newRows) {
        rows.clear();
        rows.addAll(newRows);
        segments.clear();
        getChildren().clear();
        if (rows.isEmpty()) {
            weights = new double[0];
            scale.set("no BARs implemented");
            return;
        }
        long min = rows.stream().mapToLong(r -> r.region().size()).min().orElse(1);
        long max = rows.stream().mapToLong(r -> r.region().size()).max().orElse(1);
        boolean log = (double) max / min >= LOG_RATIO;
        weights = new double[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            long size = rows.get(i).region().size();
            weights[i] = log ? 1 + Math.log((double) size / min) / Math.log(2) : size;
            BarRow row = rows.get(i);
            StackPane seg = new StackPane();
            seg.getStyleClass().addAll("bar-seg", "bar-" + row.region().kind().label());
            if (row.region().prefetchable()) {
                seg.getStyleClass().add("bar-pref");
            }
            Optional<Capability.Detail.RebarEntry> rebar = row.device().config().flatMap(ConfigSpace::rebar)
                    .flatMap(rb -> rb.bars().stream().filter(b -> b.bar() == row.region().index()).findFirst());
            Optional<Capability.Detail.Msix> msix = row.device().config().flatMap(ConfigSpace::msix)
                    .filter(m -> m.tableBar() == row.region().index());
            Label l = new Label(row.region().name() + "\n" + Sizes.human(row.region().size())
                    + rebar.map(BarStrip::rebarRange).orElse(""));
            l.getStyleClass().add("bar-seg-label");
            l.setMouseTransparent(true);
            seg.getChildren().add(l);
            StackPane.setAlignment(l, Pos.CENTER);
            Tooltip.install(seg, new Tooltip(row.region().name() + " · " + row.region().kind().label()
                    + (row.region().prefetchable() ? " · prefetchable" : "") + "\n"
                    + String.format("0x%x – 0x%x", row.region().start(), row.region().end()) + "\n"
                    + row.region().size() + " bytes"
                    + msix.map(m -> String.format("%nMSI-X table at +0x%x (%d entries, %d bytes)", m.tableOffset(),
                    m.tableSize(), m.tableSize() * 16L)).orElse("")
                    + rebar.map(r -> "\nResizable BAR: now " + Sizes.human(r.currentSize()) + ", supports "
                    + r.supportedSizes().stream().map(Sizes::human).collect(Collectors.joining(" "))).orElse("")));
            msix.ifPresent(m -> seg.getChildren().add(msixMark(seg, m, row.region().size())));
            seg.setOnMousePressed(e -> onSelect.accept(row));
            seg.setId("strip-" + row.region().name());
            segments.add(seg);
            getChildren().add(seg);
        }
        scale.set(log ? "logarithmic scale (sizes from " + Sizes.human(min) + " to " + Sizes.human(max)
                + "; each step of the width doubles the size)" : "linear scale (widths proportional to size)");
        requestLayout();
    }

    /** " · ReBAR 256M–64G" for the label. */
    private static String rebarRange(Capability.Detail.RebarEntry r) {
        List<Long> sizes = r.supportedSizes();
        return sizes.isEmpty() ? "" : " · ReBAR " + Sizes.human(sizes.get(0))
                + (sizes.size() > 1 ? "–" + Sizes.human(sizes.get(sizes.size() - 1)) : "");
    }

    /** The MSI-X table as a mark at its offset inside the BAR's block (at least 8 px wide, so it stays visible). */
    private static StackPane msixMark(StackPane seg, Capability.Detail.Msix m, long barSize) {
        double start = Math.min(1, (double) m.tableOffset() / barSize);
        double len = Math.min(1 - start, m.tableSize() * 16.0 / barSize);
        Label t = new Label("MSI-X");
        t.getStyleClass().add("bar-msix-label");
        t.setMinWidth(0);
        StackPane mark = new StackPane(t);
        mark.getStyleClass().add("bar-msix");
        mark.setMouseTransparent(true);
        mark.setId("msix-mark");
        mark.setMaxHeight(16);
        mark.setMaxWidth(Region.USE_PREF_SIZE);
        mark.setMinWidth(8);
        mark.prefWidthProperty().bind(seg.widthProperty().multiply(len));
        // the mark stays inside the block even when the table sits at the BAR's very end
        mark.translateXProperty().bind(javafx.beans.binding.Bindings.min(seg.widthProperty().multiply(start),
                seg.widthProperty().subtract(8)));
        StackPane.setAlignment(mark, Pos.BOTTOM_LEFT);
        // the word only where it fits whole (the block's tooltip names the table): a 8 px mark showed an empty cut
        mark.widthProperty().addListener((o, a, w) -> t.setVisible(w.doubleValue() - mark.snappedLeftInset()
                - mark.snappedRightInset() >= t.prefWidth(-1) - 0.5));
        t.setVisible(false);
        return mark;
    }

    public void highlight(BarRow row) {
        for (int i = 0; i < segments.size(); i++) {
            segments.get(i).pseudoClassStateChanged(SELECTED, rows.get(i) == row);
        }
    }

    @Override
    protected void layoutChildren() {
        int n = segments.size();
        if (n == 0) {
            return;
        }
        double x0 = snappedLeftInset();
        double y0 = snappedTopInset();
        double w = getWidth() - x0 - snappedRightInset() - GAP * (n - 1);
        double h = getHeight() - y0 - snappedBottomInset();
        double free = Math.max(0, w - MIN_SEG * n);
        double sum = 0;
        for (double v : weights) {
            sum += v;
        }
        double x = x0;
        for (int i = 0; i < n; i++) {
            double sw = (w < MIN_SEG * n) ? w / n : MIN_SEG + free * weights[i] / sum;
            segments.get(i).resizeRelocate(snapPositionX(x), y0, snapSizeX(sw), h);
            x += sw + GAP;
        }
    }
}
