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
            Label l = new Label(row.region().name() + "\n" + Sizes.human(row.region().size()));
            l.getStyleClass().add("bar-seg-label");
            l.setMouseTransparent(true);
            seg.getChildren().add(l);
            StackPane.setAlignment(l, Pos.CENTER);
            Tooltip.install(seg, new Tooltip(row.region().name() + " · " + row.region().kind().label()
                    + (row.region().prefetchable() ? " · prefetchable" : "") + "\n"
                    + String.format("0x%x – 0x%x", row.region().start(), row.region().end()) + "\n"
                    + row.region().size() + " bytes"));
            seg.setOnMousePressed(e -> onSelect.accept(row));
            seg.setId("strip-" + row.region().name());
            segments.add(seg);
            getChildren().add(seg);
        }
        scale.set(log ? "logarithmic scale (sizes from " + Sizes.human(min) + " to " + Sizes.human(max)
                + "; each step of the width doubles the size)" : "linear scale (widths proportional to size)");
        requestLayout();
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
