package org.vfioinspector.app.gui.common;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.function.Consumer;
import javafx.scene.control.Alert;
import javafx.scene.control.Label;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.stage.Window;

/**
 * Shows a failure: a short message in the status bar and a dialog whose expandable part holds the details
 * (operation, target, errno name, remedy). The error is logged here, once, where it is finally handled.
 */
public final class ErrorPresenter {
    private static final Logger LOG = System.getLogger(ErrorPresenter.class.getName());

    private final Window owner;
    private final Consumer<String> status;

    public ErrorPresenter(Window owner, Consumer<String> status) {
        this.owner = owner;
        this.status = status;
    }

    public void show(String action, Throwable error) {
        ErrorDetails d = ErrorDetails.of(action, error);
        LOG.log(Level.WARNING, d.summary(), error);
        status.accept(d.summary());
        Alert alert = new Alert(Alert.AlertType.ERROR);
        if (owner != null) {
            alert.initOwner(owner);
        }
        alert.setTitle(action);
        alert.setHeaderText(d.summary());
        alert.setContentText(d.rows().isEmpty() ? "" : d.rows().get(d.rows().size() - 1).value());
        alert.getDialogPane().setExpandableContent(grid(d));
        alert.getDialogPane().getStyleClass().add("error-dialog");
        org.kordamp.ikonli.javafx.FontIcon icon = new org.kordamp.ikonli.javafx.FontIcon(
                org.kordamp.ikonli.materialdesign2.MaterialDesignA.ALERT_CIRCLE_OUTLINE);
        icon.getStyleClass().addAll("icon", "icon-large", "icon-bad");
        alert.setGraphic(icon);
        alert.show();
    }

    /** The details as a two-column grid (also used inline by the try-it panel). */
    public static GridPane grid(ErrorDetails d) {
        GridPane g = new GridPane();
        g.getStyleClass().add("details-grid");
        g.setHgap(12);
        g.setVgap(4);
        int r = 0;
        for (ErrorDetails.Row row : d.rows()) {
            Label k = new Label(row.label());
            k.getStyleClass().add("detail-key");
            // the key whole: a long value (a rule's text) squeezed the keys to "…" in the try-it result
            k.setMinWidth(Region.USE_PREF_SIZE);
            Label v = new Label(row.value());
            v.setWrapText(true);
            GridPane.setHgrow(v, Priority.ALWAYS);
            g.addRow(r++, k, v);
        }
        return g;
    }
}
