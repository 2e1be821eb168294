package org.vfioinspector.app.gui.layout;

import java.util.ArrayList;
import java.util.List;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.ButtonBase;
import javafx.scene.control.Control;
import javafx.scene.control.Labeled;
import javafx.scene.control.Tooltip;
import javafx.scene.text.Text;

/**
 * Finds every visible {@link Labeled} whose text is shown cut (ellipsised or clipped by its skin): what its skin
 * draws differs from its text. A button, a toggle, a badge or a chip must never be cut; any other label may be only
 * where the whole text is one hover away (a tooltip on it or on a control around it says it all), as a device name in
 * a narrow tree row or a table cell. Run it on the FX thread after a layout pass.
 */
public final class Truncation {
    private Truncation() {
    }

    /** "text" (shown as "tex…") in ClassName#id under Parent#id, one line per cut Labeled under {@code root}. */
    public static List<String> cut(Parent root) {
        return cut(root, n -> false);
    }

    /** The same, leaving out the subtrees {@code skip} names. */
    public static List<String> cut(Parent root, java.util.function.Predicate<Node> skip) {
        List<String> out = new ArrayList<>();
        walk(root, out, skip);
        return out;
    }

    private static void walk(Node n, List<String> out, java.util.function.Predicate<Node> skip) {
        if (!n.isVisible() || skip.test(n)) {
            return;
        }
        if (n instanceof Labeled l) {
            check(l, out);
        }
        if (n instanceof Parent p) {
            for (Node c : p.getChildrenUnmodifiable()) {
                walk(c, out, skip);
            }
        }
    }

    private static void check(Labeled l, List<String> out) {
        String text = l.getText();
        if (text == null || text.isEmpty() || l.getWidth() <= 0) {
            return;
        }
        String expected = l.isMnemonicParsing() ? withoutMnemonic(text) : text;
        String clippedBy = clippedBy(l);
        if (clippedBy != null) {
            out.add("\"" + expected + "\" clipped by " + clippedBy + ": " + describe(l) + " under "
                    + describe(l.getParent()) + " lies partly outside it, and scrolling does not bring it back");
            return;
        }
        String shown = null;
        for (Node c : l.getChildrenUnmodifiable()) {
            if (c instanceof Text t && c.getStyleClass().contains("text")) {
                shown = t.getText();
            }
        }
        if (shown == null || shown.equals(expected)) {
            return;
        }
        boolean mustShowAll = l instanceof ButtonBase || l.getStyleClass().contains("badge")
                || l.getStyleClass().contains("chip");
        if (!mustShowAll && tooltipSays(l, expected)) {
            return;
        }
        out.add("\"" + expected + "\" shown as \"" + shown + "\" in " + describe(l) + " under "
                + describe(l.getParent()) + (mustShowAll ? " (a button, badge or chip: never cut)"
                : " (no tooltip says it whole)"));
    }

    /**
     * The ancestor that clips {@code l} where no scrolling reveals the rest (a split pane's side, a fixed-size box):
     * the nearest ancestor with a clip, unless a scroll pane, a list or a table (which scroll) comes first.
     */
    private static String clippedBy(Labeled l) {
        for (Node p = l.getParent(); p != null; p = p.getParent()) {
            if (p instanceof javafx.scene.control.ScrollPane || p instanceof javafx.scene.control.skin.VirtualFlow
                    || p instanceof javafx.scene.control.TableView || p instanceof javafx.scene.control.TreeView
                    || p instanceof javafx.scene.control.ListView) {
                return null; // scrolling brings the rest
            }
        }
        javafx.geometry.Bounds mine = l.localToScene(l.getLayoutBounds());
        for (Node p = l.getParent(); p != null; p = p.getParent()) {
            if (p.getClip() != null) {
                javafx.geometry.Bounds clip = p.localToScene(p.getClip().getBoundsInParent());
                // half a pixel of slack for rounding
                if (mine.getMinX() < clip.getMinX() - 0.5 || mine.getMaxX() > clip.getMaxX() + 0.5) {
                    return describe(p);
                }
                return null;
            }
        }
        return null;
    }

    /** A tooltip on the label or a control around it (its cell, its row) holds the whole text. */
    private static boolean tooltipSays(Node n, String text) {
        for (Node p = n; p != null; p = p.getParent()) {
            if (p instanceof Control c) {
                Tooltip t = c.getTooltip();
                if (t != null && t.getText() != null && t.getText().contains(text.strip())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The text as a mnemonic-parsing label shows it: "_Open" → "Open", "__" → "_". */
    static String withoutMnemonic(String s) {
        StringBuilder b = new StringBuilder();
        boolean done = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '_' && i + 1 < s.length()) {
                if (s.charAt(i + 1) == '_') {
                    b.append('_');
                    i++;
                    continue;
                }
                if (!done) {
                    done = true;
                    continue;
                }
            }
            b.append(c);
        }
        return b.toString();
    }

    private static String describe(Node n) {
        if (n == null) {
            return "nothing";
        }
        return n.getClass().getSimpleName() + (n.getId() == null ? "" : "#" + n.getId()) + n.getStyleClass();
    }
}
