package org.vfioinspector.app.gui.common;

import javafx.scene.Scene;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.stage.Stage;

/** What every secondary window of the app does alike: Esc and Ctrl+W close it, as users expect of such windows. */
public final class SecondaryWindows {
    public static final KeyCombination ESCAPE = new KeyCodeCombination(KeyCode.ESCAPE);
    public static final KeyCombination CLOSE = new KeyCodeCombination(KeyCode.W, KeyCombination.SHORTCUT_DOWN);

    private SecondaryWindows() {
    }

    /** Installs the close keys on {@code stage}'s scene (set the scene first). */
    public static void closableByKeyboard(Stage stage) {
        Scene scene = stage.getScene();
        if (scene == null) {
            throw new IllegalStateException("closableByKeyboard needs the stage's scene");
        }
        scene.getAccelerators().put(ESCAPE, stage::close);
        scene.getAccelerators().put(CLOSE, stage::close);
    }
}
