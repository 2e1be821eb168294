package org.vfioinspector.app.gui.host;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.javafx.FontIcon;
import org.kordamp.ikonli.materialdesign2.MaterialDesignI;

/** A plain-words notice under the header: what this host lacks for VFIO and how to fix it. Dismissable. */
public final class NoticePane extends HBox {
    private final VBox body = new VBox(4);

    public NoticePane() {
        setId("notice");
        getStyleClass().add("notice");
        setSpacing(10);
        setPadding(new Insets(8, 12, 8, 12));
        FontIcon i = new FontIcon(MaterialDesignI.INFORMATION_OUTLINE);
        i.getStyleClass().addAll("icon", "icon-large");
        Button dismiss = new Button("Dismiss");
        dismiss.setOnAction(e -> hideNotice());
        HBox.setHgrow(body, Priority.ALWAYS);
        setAlignment(Pos.TOP_LEFT);
        getChildren().addAll(i, body, dismiss);
        hideNotice();
    }

    public void show(String headline, Diagnosis d, String next) {
        body.getChildren().clear();
        Label h = new Label(headline);
        h.getStyleClass().add("notice-title");
        h.setWrapText(true);
        body.getChildren().add(h);
        for (Diagnosis.Problem p : d.problems()) {
            Label what = new Label("• " + p.what());
            what.setWrapText(true);
            Label fix = new Label("   Fix: " + p.remedy());
            fix.getStyleClass().add("mono-small");
            fix.setWrapText(true);
            body.getChildren().addAll(what, fix);
        }
        if (!next.isEmpty()) {
            Label n = new Label(next);
            n.getStyleClass().add("muted");
            n.setWrapText(true);
            body.getChildren().add(n);
        }
        setVisible(true);
        setManaged(true);
    }

    public void hideNotice() {
        setVisible(false);
        setManaged(false);
    }
}
