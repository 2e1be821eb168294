package org.vfioinspector.app.gui.layout;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.IndexedCell;
import javafx.scene.control.Labeled;
import javafx.scene.layout.BackgroundFill;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.paint.Paint;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;
import org.vfioinspector.app.gui.MainWindowFlow;
import org.vfioinspector.app.gui.common.Theme;
import org.vfioinspector.bridge.model.PciAddress;

/**
 * Selected rows are readable, focused and unfocused, in both themes: every text in a selected row of the groups tree,
 * the device table and the BAR table has a contrast of at least 4.5:1 (WCAG AA) with what is drawn behind it, as the
 * theme's CSS colours it (measured on the window's own nodes: the text fill against the nearest background), and the
 * palettes' selection pairs themselves do too.
 */
class SelectionContrastTest extends MainWindowFlow {
    static final double AA = 4.5;

    @ParameterizedTest
    @EnumSource(Theme.class)
    void selectedRowsAreReadableFocusedAndUnfocused(Theme theme, FxRobot robot) throws Exception {
        robot.interact(() -> theme.applyTo(window.groups().getScene()));
        openLab("qemu-q35");
        PciAddress ivshmem = PciAddress.parse("0000:00:05.0");
        List<String> low = new ArrayList<>();
        int measured = 0;
        // the tree: the ivshmem row carries a driver chip, a disagreement badge, its BDF and name
        robot.interact(() -> window.groups().select(ivshmem));
        measured += measure(robot, window.groups().tree(), "tree focused", true, low);
        measured += measure(robot, window.groups().tree(), "tree unfocused", false, low);
        robot.interact(() -> window.groups().showTable(true));
        robot.interact(() -> window.groups().select(ivshmem));
        measured += measure(robot, window.groups().table(), "device table focused", true, low);
        measured += measure(robot, window.groups().table(), "device table unfocused", false, low);
        robot.interact(() -> window.device().barTable().getSelectionModel().select(0));
        measured += measure(robot, window.device().barTable(), "BAR table focused", true, low);
        measured += measure(robot, window.device().barTable(), "BAR table unfocused", false, low);
        assertTrue(measured >= 20, "texts measured: " + measured);
        assertTrue(low.isEmpty(), theme + ": below " + AA + ":1\n" + String.join("\n", low));
    }

    @ParameterizedTest
    @EnumSource(Theme.class)
    void thePalettesSelectionPairsReachAa(Theme theme) throws IOException {
        Map<String, Color> p = palette(theme == Theme.LIGHT ? "light.css" : "dark.css");
        for (String[] pair : new String[][] {{"SEL_FG", "SEL_BG"}, {"SEL_DIM_FG", "SEL_DIM_BG"},
            {"TEXT_FG", "SURFACE"}, {"TEXT_MUTED", "SURFACE"}, {"TEXT_MUTED", "BG"}, {"WARN_FG", "WARN_BG"},
            {"GREEN_FG", "GREEN_BG"}, {"RED_FG", "RED_BG"}, {"INFO_FG", "INFO_BG"}, {"UNKNOWN_FG", "UNKNOWN_BG"},
            {"LAB_FG", "LAB_BG"}}) {
            double r = ratio(p.get(pair[0]), p.get(pair[1]));
            assertTrue(r >= AA, theme + " " + pair[0] + " on " + pair[1] + ": " + String.format("%.2f", r));
        }
    }

    /** Focuses {@code list} (or the filter field, so that it is not), then measures its selected row's texts. */
    private int measure(FxRobot robot, javafx.scene.control.Control list, String what, boolean focused,
                        List<String> low) throws Exception {
        robot.interact(() -> (focused ? list : window.groups().filterField()).requestFocus());
        WaitForAsyncUtils.waitForFxEvents();
        int[] n = {0};
        robot.interact(() -> {
            list.getScene().getRoot().applyCss();
            list.getScene().getRoot().layout();
            for (Node c : list.lookupAll(".indexed-cell")) {
                if (c instanceof IndexedCell<?> cell && cell.isSelected() && !cell.isEmpty() && cell.isVisible()) {
                    n[0] += texts(cell, what + (list.isFocused() ? "" : " (list not focused)"), low);
                }
            }
        });
        return n[0];
    }

    private static int texts(Parent cell, String what, List<String> low) {
        int n = 0;
        List<Node> all = new ArrayList<>();
        all.add(cell);
        collect(cell, all);
        for (Node x : all) {
            if (x instanceof Labeled l && l.getText() != null && !l.getText().isBlank() && l.isVisible()
                    && l.getTextFill() instanceof Color fg) {
                Color bg = background(l);
                double r = ratio(fg, bg);
                n++;
                if (r < AA) {
                    low.add(String.format("%s: \"%s\" %s on %s = %.2f (%s)", what, l.getText(), fg, bg, r,
                            l.getStyleClass()));
                }
            }
        }
        return n;
    }

    private static void collect(Parent p, List<Node> out) {
        for (Node c : p.getChildrenUnmodifiable()) {
            out.add(c);
            if (c instanceof Parent q) {
                collect(q, out);
            }
        }
    }

    /** What is drawn behind {@code n}: the innermost colour fill of the nearest background, blended down if see-through. */
    static Color background(Node n) {
        for (Node p = n; p != null; p = p.getParent()) {
            if (p instanceof Region r && r.getBackground() != null && !r.getBackground().getFills().isEmpty()) {
                List<BackgroundFill> fills = r.getBackground().getFills();
                for (int i = fills.size() - 1; i >= 0; i--) {
                    Paint f = fills.get(i).getFill();
                    if (f instanceof Color c && c.getOpacity() > 0) {
                        return c.getOpacity() >= 1 ? c : blend(c, background(p.getParent()));
                    }
                }
            }
        }
        return Color.WHITE;
    }

    private static Color blend(Color top, Color under) {
        double a = top.getOpacity();
        return new Color(top.getRed() * a + under.getRed() * (1 - a), top.getGreen() * a + under.getGreen() * (1 - a),
                top.getBlue() * a + under.getBlue() * (1 - a), 1);
    }

    /** WCAG 2 contrast ratio. */
    static double ratio(Color a, Color b) {
        double la = luminance(a);
        double lb = luminance(b);
        return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
    }

    private static double luminance(Color c) {
        return 0.2126 * lin(c.getRed()) + 0.7152 * lin(c.getGreen()) + 0.0722 * lin(c.getBlue());
    }

    private static double lin(double v) {
        return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    }

    /** NAME: #rrggbb pairs of a palette file. */
    static Map<String, Color> palette(String file) throws IOException {
        try (InputStream in = Theme.class.getResourceAsStream("/org/vfioinspector/app/gui/css/" + file)) {
            String css = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Map<String, Color> out = new HashMap<>();
            Matcher m = Pattern.compile("([A-Z_]+):\\s*(#[0-9a-fA-F]{6,8})").matcher(css);
            while (m.find()) {
                out.put(m.group(1), Color.web(m.group(2)));
            }
            return out;
        }
    }
}
