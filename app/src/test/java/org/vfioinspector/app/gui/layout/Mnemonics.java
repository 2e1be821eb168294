package org.vfioinspector.app.gui.layout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javafx.scene.Node;
import javafx.scene.control.Labeled;

/** The Alt letters of what a window shows: which controls answer to which letter. Call on the FX thread. */
public final class Mnemonics {
    private Mnemonics() {
    }

    /** Upper-case letter → the texts (as shown, without the underscore) of the shown labeled nodes under {@code root}. */
    public static Map<String, List<String>> byLetter(Node root) {
        Map<String, List<String>> byLetter = new TreeMap<>();
        for (Node n : root.lookupAll("*")) {
            if (n instanceof Labeled l && l.isMnemonicParsing() && l.getText() != null && shown(n)) {
                String t = l.getText();
                int u = t.indexOf('_');
                if (u >= 0 && u + 1 < t.length() && t.charAt(u + 1) != '_') {
                    byLetter.computeIfAbsent(String.valueOf(Character.toUpperCase(t.charAt(u + 1))),
                            k -> new ArrayList<>()).add(Truncation.withoutMnemonic(t));
                }
            }
        }
        return byLetter;
    }

    /** Visible, and so is every parent. */
    static boolean shown(Node n) {
        for (Node p = n; p != null; p = p.getParent()) {
            if (!p.isVisible()) {
                return false;
            }
        }
        return true;
    }
}
