package org.vfioinspector.app.gui.common;

import java.net.URL;
import java.util.Objects;
import javafx.scene.Scene;

/** Light and dark themes: a shared stylesheet plus one palette file each (looked-up colours in {@code .root}). */
public enum Theme {
    LIGHT("light.css"), DARK("dark.css");

    private static final String BASE = "base.css";
    private final String file;

    Theme(String file) {
        this.file = file;
    }

    public Theme other() {
        return this == LIGHT ? DARK : LIGHT;
    }

    /** Replaces the scene's theme stylesheets; fails loudly when a resource is missing. */
    public void applyTo(Scene scene) {
        scene.getStylesheets().setAll(url(file), url(BASE));
    }

    private static String url(String name) {
        URL u = Theme.class.getResource("/org/vfioinspector/app/gui/css/" + name);
        return Objects.requireNonNull(u, "missing stylesheet " + name).toExternalForm();
    }

    public static Theme parse(String s) {
        try {
            return valueOf(s);
        } catch (IllegalArgumentException | NullPointerException e) {
            return LIGHT;
        }
    }
}
