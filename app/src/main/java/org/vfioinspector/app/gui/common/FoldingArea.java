package org.vfioinspector.app.gui.common;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.javafx.FontIcon;
import org.kordamp.ikonli.materialdesign2.MaterialDesignC;

/**
 * An area that folds down to its one-line header: a toggle with its title (a mnemonic), a live summary of what the
 * folded content holds, and room for the content's own header controls. Folded, its maximum height is the header's,
 * so a split pane around it cannot open it by its divider until it is unfolded, and the content is out of the scene:
 * JavaFX styles and lays out invisible nodes too, and the revocation view folded at start-up was two fifths of the
 * window's nodes in its first CSS pass.
 */
public final class FoldingArea extends VBox {
    private final BooleanProperty folded = new SimpleBooleanProperty(this, "folded", false);
    private final ToggleButton toggle;
    private final Label summary = new Label();
    private final HBox header;
    private final Node content;

    /**
     * @param title   the toggle's text, with its mnemonic ("_Revocation")
     * @param tip     what the area holds, and its keys
     * @param content what folds away
     */
    public FoldingArea(String title, String tip, Node content) {
        this.content = content;
        getStyleClass().add("folding-area");
        toggle = new ToggleButton(title, new FontIcon(MaterialDesignC.CHEVRON_DOWN));
        toggle.getStyleClass().add("fold-toggle");
        toggle.setTooltip(new Tooltip(tip));
        toggle.setMinWidth(USE_PREF_SIZE);
        toggle.setSelected(true);
        toggle.selectedProperty().addListener((o, a, open) -> folded.set(!open));
        summary.getStyleClass().addAll("muted", "fold-summary");
        summary.setWrapText(true);
        summary.setMaxWidth(Double.MAX_VALUE);
        summary.setMinWidth(0);
        HBox.setHgrow(summary, Priority.ALWAYS);
        header = new HBox(8, toggle, summary);
        header.getStyleClass().add("fold-header");
        header.setAlignment(Pos.CENTER_LEFT);
        header.setMinHeight(USE_PREF_SIZE);
        VBox.setVgrow(content, Priority.ALWAYS);
        getChildren().addAll(header, content);
        folded.addListener((o, a, f) -> apply(f));
    }

    private void apply(boolean f) {
        toggle.setSelected(!f);
        ((FontIcon) toggle.getGraphic()).setIconCode(f ? MaterialDesignC.CHEVRON_UP : MaterialDesignC.CHEVRON_DOWN);
        if (f) {
            boolean focusInside = false;
            for (Node n = getScene() == null ? null : getScene().getFocusOwner(); n != null; n = n.getParent()) {
                focusInside |= n == content;
            }
            getChildren().remove(content);
            if (focusInside) {
                toggle.requestFocus(); // the focused node left the scene: keep the keyboard where the user is
            }
        } else if (!getChildren().contains(content)) {
            getChildren().add(content);
        }
        setMaxHeight(f ? USE_PREF_SIZE : Double.MAX_VALUE);
        setMinHeight(f ? USE_PREF_SIZE : header.minHeight(-1) + 60);
    }

    public BooleanProperty foldedProperty() {
        return folded;
    }

    public boolean isFolded() {
        return folded.get();
    }

    public void setFolded(boolean f) {
        folded.set(f);
    }

    public ToggleButton toggle() {
        return toggle;
    }

    /** One line saying what the folded content holds now. */
    public Label summary() {
        return summary;
    }

    /** Controls placed at the right end of the header (e.g. the content's save buttons). */
    public void addToHeader(Node... nodes) {
        header.getChildren().addAll(nodes);
    }
}
