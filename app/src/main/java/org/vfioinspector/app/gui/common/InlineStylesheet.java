package org.vfioinspector.app.gui.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Objects;

/**
 * A component's own stylesheet, read once from the class path and handed to JavaFX as a data URI, so that the node
 * that uses it does not make JavaFX open a file on the FX thread when it first enters a scene (FxThreadStaysFreeTest).
 * The rules use the theme's palette names, which resolve from the scene's theme stylesheets.
 */
public final class InlineStylesheet {
    private InlineStylesheet() {
    }

    /** The stylesheet {@code name} next to {@code owner} as a {@code data:text/css} URI; fails loudly when missing. */
    public static String of(Class<?> owner, String name) {
        try (InputStream in = Objects.requireNonNull(owner.getResourceAsStream(name), "missing stylesheet " + name)) {
            return "data:text/css;base64," + Base64.getEncoder().encodeToString(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("reading stylesheet " + name, e);
        }
    }
}
