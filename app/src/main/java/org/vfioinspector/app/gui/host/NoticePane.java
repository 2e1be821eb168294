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
    private final Label headline = new Label();
    private final Button fold = new Button("_Less");
    private boolean folded;
    private String headlineText = "";
    private String summary = "";

    public NoticePane() {
        setId("notice");
        getStyleClass().add("notice");
        setSpacing(10);
        setPadding(new Insets(8, 12, 8, 12));
        FontIcon i = new FontIcon(MaterialDesignI.INFORMATION_OUTLINE);
        i.getStyleClass().addAll("icon", "icon-large");
        Button dismiss = new Button("_Dismiss");
        dismiss.setId("dismissNotice");
        dismiss.setOnAction(e -> hideNotice());
        // a button's label is never cut: the body wraps instead
        dismiss.setMinWidth(USE_PREF_SIZE);
        fold.setId("foldNotice");
        fold.setMinWidth(USE_PREF_SIZE);
        fold.setOnAction(e -> setFolded(!folded));
        HBox buttons = new HBox(6, fold, dismiss);
        buttons.setMinWidth(USE_PREF_SIZE);
        HBox.setHgrow(body, Priority.ALWAYS);
        setAlignment(Pos.TOP_LEFT);
        getChildren().addAll(i, body, buttons);
        hideNotice();
    }

    /** Folded, the notice is its headline with the problems in one line; unfolded, each problem with its fix. */
    public void setFolded(boolean folded) {
        this.folded = folded;
        fold.setText(folded ? "_More" : "_Less");
        for (javafx.scene.Node n : body.getChildren()) {
            boolean keep = n == headline;
            n.setVisible(keep || !folded);
            n.setManaged(keep || !folded);
        }
        headline.setText(folded ? headlineText + " " + summary : headlineText);
    }

    public boolean isFolded() {
        return folded;
    }

    public void show(String headline, Diagnosis d, String next) {
        body.getChildren().clear();
        headlineText = headline;
        summary = d.problems().stream().map(Diagnosis.Problem::what).collect(java.util.stream.Collectors.joining(" · "));
        Label h = this.headline;
        h.getStyleClass().setAll("label", "notice-title");
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
        setFolded(folded);
        setVisible(true);
        setManaged(true);
    }

    public void hideNotice() {
        setVisible(false);
        setManaged(false);
    }
}
