package org.vfioinspector.app.gui.common;

import java.util.Optional;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;

/**
 * What the inspector remembers between runs (java.util.prefs, which on Linux lives under the user's
 * {@code ~/.java/.userPrefs}): window bounds, theme, the last host. Tests pass their own node.
 */
public final class AppPrefs {
    private static final String X = "window.x";
    private static final String Y = "window.y";
    private static final String W = "window.width";
    private static final String H = "window.height";
    private static final String MAX = "window.maximized";
    private static final String THEME = "theme";
    private static final String HOST = "lastHost";
    private static final String DIVIDER = "divider";

    private final Preferences node;

    public AppPrefs(Preferences node) {
        this.node = node;
    }

    public static AppPrefs user() {
        return new AppPrefs(Preferences.userRoot().node("org/vfioinspector/app"));
    }

    /** Window bounds; width/height are NaN when never saved. */
    public record Bounds(double x, double y, double width, double height, boolean maximized) {
    }

    public Optional<Bounds> bounds() {
        double w = node.getDouble(W, Double.NaN);
        double h = node.getDouble(H, Double.NaN);
        if (Double.isNaN(w) || Double.isNaN(h) || w < 400 || h < 300) {
            return Optional.empty();
        }
        return Optional.of(new Bounds(node.getDouble(X, Double.NaN), node.getDouble(Y, Double.NaN), w, h,
                node.getBoolean(MAX, false)));
    }

    public void saveBounds(Bounds b) {
        node.putDouble(X, b.x());
        node.putDouble(Y, b.y());
        node.putDouble(W, b.width());
        node.putDouble(H, b.height());
        node.putBoolean(MAX, b.maximized());
    }

    public Theme theme() {
        return Theme.parse(node.get(THEME, Theme.LIGHT.name()));
    }

    public void saveTheme(Theme t) {
        node.put(THEME, t.name());
    }

    /** The last host, as {@code HostChoice.key()} wrote it. */
    public Optional<String> lastHost() {
        return Optional.ofNullable(node.get(HOST, null));
    }

    public void saveLastHost(String key) {
        node.put(HOST, key);
    }

    public double divider() {
        return node.getDouble(DIVIDER, 0.36);
    }

    public void saveDivider(double d) {
        node.putDouble(DIVIDER, d);
    }

    /** Writes through to the backing store; failures are not worth bothering the user with. */
    public void flush() {
        try {
            node.flush();
        } catch (BackingStoreException e) {
            System.getLogger(AppPrefs.class.getName()).log(System.Logger.Level.DEBUG, "prefs not saved", e);
        }
    }
}
