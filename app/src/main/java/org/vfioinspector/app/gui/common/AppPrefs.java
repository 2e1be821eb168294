package org.vfioinspector.app.gui.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;
import org.vfioinspector.bridge.journal.StateDir;

/**
 * What the inspector remembers between runs: window bounds, theme, the last host, the pane sizes (dividers, the
 * folded revocation area, the exercises sheet's width). A properties file,
 * {@code settings.properties} in the XDG config directory ({@link StateDir#currentConfig()}), not java.util.prefs:
 * that lives under Java's {@code user.home}, the passwd home, whatever the user's {@code $HOME} says. A file that
 * cannot be read starts the app with the defaults; a failed write is logged, never shown. Tests use
 * {@link #inMemory()} or a file of their own.
 */
public final class AppPrefs {
    public static final String FILE = "settings.properties";
    private static final System.Logger LOG = System.getLogger(AppPrefs.class.getName());
    private static final String X = "window.x";
    private static final String Y = "window.y";
    private static final String W = "window.width";
    private static final String H = "window.height";
    private static final String MAX = "window.maximized";
    private static final String THEME = "theme";
    private static final String HOST = "lastHost";
    private static final String DIVIDER = "divider";
    /** A settings file is a few hundred bytes; anything much larger is not ours. */
    private static final long MAX_BYTES = 64 * 1024;

    private final Properties values = new Properties();
    private final Optional<Path> file;

    private AppPrefs(Optional<Path> file) {
        this.file = file;
    }

    /** Settings read from (and flushed to) {@code file}; a missing or unreadable file gives the defaults. */
    public static AppPrefs load(Path file) {
        AppPrefs p = new AppPrefs(Optional.of(file));
        try {
            if (Files.size(file) > MAX_BYTES) {
                LOG.log(System.Logger.Level.WARNING, file + ": larger than " + MAX_BYTES + " bytes; using defaults");
                return p;
            }
            try (InputStream in = Files.newInputStream(file)) {
                p.values.load(in);
            }
        } catch (NoSuchFileException e) {
            // first run
        } catch (IOException | IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, file + ": settings not read (" + e.getMessage() + "); using defaults");
        }
        return p;
    }

    /** The settings of the user running the app. */
    public static AppPrefs user() {
        return load(StateDir.currentConfig().resolve(FILE));
    }

    /** Settings that are never written anywhere. */
    public static AppPrefs inMemory() {
        return new AppPrefs(Optional.empty());
    }

    /** Window bounds; width/height are NaN when never saved. */
    public record Bounds(double x, double y, double width, double height, boolean maximized) {
    }

    public Optional<Bounds> bounds() {
        double w = number(W, Double.NaN);
        double h = number(H, Double.NaN);
        if (Double.isNaN(w) || Double.isNaN(h) || w < 400 || h < 300) {
            return Optional.empty();
        }
        return Optional.of(new Bounds(number(X, Double.NaN), number(Y, Double.NaN), w, h,
                Boolean.parseBoolean(values.getProperty(MAX, "false"))));
    }

    public void saveBounds(Bounds b) {
        values.setProperty(X, Double.toString(b.x()));
        values.setProperty(Y, Double.toString(b.y()));
        values.setProperty(W, Double.toString(b.width()));
        values.setProperty(H, Double.toString(b.height()));
        values.setProperty(MAX, Boolean.toString(b.maximized()));
    }

    public Theme theme() {
        return Theme.parse(values.getProperty(THEME, Theme.LIGHT.name()));
    }

    public void saveTheme(Theme t) {
        values.setProperty(THEME, t.name());
    }

    /** The last host, as {@code HostChoice.key()} wrote it. */
    public Optional<String> lastHost() {
        return Optional.ofNullable(values.getProperty(HOST));
    }

    public void saveLastHost(String key) {
        values.setProperty(HOST, key);
    }

    public double divider() {
        double d = number(DIVIDER, 0.36);
        return d > 0 && d < 1 ? d : 0.36;
    }

    /** Whether the user ever left the groups pane's divider somewhere (else the window picks by its width). */
    public boolean hasDivider() {
        return values.getProperty(DIVIDER) != null;
    }

    public void saveDivider(double d) {
        values.setProperty(DIVIDER, Double.toString(d));
    }

    /**
     * A remembered layout value ("layout.NAME": a divider position between 0 and 1, a width in pixels, 0/1 for a
     * folded area), or {@code fallback} when never saved or out of {@code [min, max]}.
     */
    public double layout(String name, double fallback, double min, double max) {
        double d = number("layout." + name, fallback);
        return d >= min && d <= max ? d : fallback;
    }

    public void saveLayout(String name, double value) {
        if (Double.isFinite(value)) {
            values.setProperty("layout." + name, Double.toString(value));
        }
    }

    private double number(String key, double fallback) {
        String v = values.getProperty(key);
        if (v == null) {
            return fallback;
        }
        try {
            double d = Double.parseDouble(v.trim());
            return Double.isFinite(d) ? d : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /**
     * Writes the settings: a temporary file beside the real one, then a rename, so a crash mid-write leaves the old
     * settings. Failures are not worth bothering the user with.
     */
    public void flush() {
        if (file.isEmpty()) {
            return;
        }
        Path f = file.get();
        try {
            Files.createDirectories(f.getParent());
            Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                values.store(out, "VFIO Inspector settings");
            }
            try {
                Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, f + ": settings not saved", e);
        }
    }
}
