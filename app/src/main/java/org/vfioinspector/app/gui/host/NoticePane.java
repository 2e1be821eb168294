package org.vfioinspector.app.gui.host;

import java.util.stream.Collectors;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import org.controlsfx.control.NotificationPane;
import org.controlsfx.control.action.Action;
import org.kordamp.ikonli.javafx.FontIcon;
import org.kordamp.ikonli.materialdesign2.MaterialDesignC;
import org.kordamp.ikonli.materialdesign2.MaterialDesignI;
import org.kordamp.ikonli.materialdesign2.MaterialDesignU;

/**
 * A plain-words notice over the window's body (ControlsFX's {@link NotificationPane}): what this host lacks for VFIO
 * and how to fix it. Folded it is one line, the headline and the problems; unfolded each problem has its fix.
 * Dismissable. The body is pushed down by the notice's height instead of being covered by it, so nothing under the
 * notice is hidden while it shows.
 *
 * <p>Its two actions are reached with their mnemonics (Alt+M, Alt+D) and not with Tab: ControlsFX's bar consumes
 * every key pressed inside it, so a Tab stop there would trap the keyboard.
 */
public final class NoticePane extends NotificationPane {
    public static final String FOLD_CLASS = "fold-notice";
    public static final String DISMISS_CLASS = "dismiss-notice";
    private final StackPane body;
    private final Action fold = new Action("_Less", e -> setFolded(!isFolded()));
    private final Action dismiss = new Action("_Dismiss", e -> hideNotice());
    private boolean folded;
    private String headline = "";
    private String summary = "";
    private String details = "";

    public NoticePane(Node content) {
        body = new StackPane(content);
        setContent(body);
        setId("notice");
        setFocusTraversable(false);
        getStyleClass().add("notice-pane");
        setShowFromTop(true);
        setCloseButtonVisible(false);
        FontIcon i = new FontIcon(MaterialDesignI.INFORMATION_OUTLINE);
        i.getStyleClass().add("notice-icon");
        setGraphic(i);
        fold.getStyleClass().add(FOLD_CLASS);
        fold.setGraphic(new FontIcon(MaterialDesignU.UNFOLD_LESS_HORIZONTAL));
        fold.setLongText("Show only the headline (Alt+M shows the fixes again)");
        dismiss.getStyleClass().add(DISMISS_CLASS);
        dismiss.setGraphic(new FontIcon(MaterialDesignC.CLOSE));
        dismiss.setLongText("Hide this notice (Alt+D)");
        getActions().setAll(fold, dismiss);
        skinProperty().addListener((o, a, skin) -> {
            if (skin != null) {
                pushBodyDown();
            }
        });
    }

    /** Binds the body's top padding to the notice's height (the bar is the skin's, so after the skin exists). */
    private void pushBodyDown() {
        Node bar = lookup(".notification-bar");
        if (bar instanceof Region r) {
            body.paddingProperty().bind(Bindings.createObjectBinding(() -> new Insets(r.getHeight(), 0, 0, 0),
                    r.heightProperty()));
        }
        // the notice's text wraps onto more lines rather than being cut with an ellipsis
        if (lookup(".notification-bar .label") instanceof javafx.scene.control.Label text) {
            text.setWrapText(true);
            text.setMinHeight(Region.USE_PREF_SIZE);
        }
        // the action buttons are made by ControlsFX whenever the actions change: keep them off the Tab order
        javafx.application.Platform.runLater(this::untabbable);
        showingProperty().addListener((o, a, b) -> javafx.application.Platform.runLater(this::untabbable));
    }

    private void untabbable() {
        for (Node n : lookupAll(".notification-bar .button")) {
            n.setFocusTraversable(false);
        }
    }

    /** Folded, the notice is its headline with the problems in one line; unfolded, each problem with its fix. */
    public void setFolded(boolean folded) {
        this.folded = folded;
        fold.setText(folded ? "_More" : "_Less");
        fold.setGraphic(new FontIcon(folded ? MaterialDesignU.UNFOLD_MORE_HORIZONTAL
                : MaterialDesignU.UNFOLD_LESS_HORIZONTAL));
        fold.setLongText(folded ? "Show each problem with its fix (Alt+M)" : "Show only the headline (Alt+M)");
        setText(folded ? headline + " " + summary : headline + "\n" + details);
        javafx.application.Platform.runLater(this::untabbable);
    }

    public boolean isFolded() {
        return folded;
    }

    /**
     * Shows the notice.
     *
     * @param headline what is wrong, in one sentence
     * @param d        the problems and their fixes
     * @param next     what the window did about it ("Opened the lab scenario … instead")
     */
    public void show(String headline, Diagnosis d, String next) {
        this.headline = headline;
        this.summary = d.problems().stream().map(Diagnosis.Problem::what).collect(Collectors.joining(" · "));
        this.details = d.problems().stream().map(p -> "• " + p.what() + "\n    Fix: " + p.remedy())
                .collect(Collectors.joining("\n")) + (next.isEmpty() ? "" : "\n" + next);
        setFolded(folded);
        show();
    }

    /** The notice's text as shown now. */
    public String shownText() {
        return getText();
    }

    public void hideNotice() {
        hide();
    }
}
