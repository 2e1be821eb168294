package org.vfioinspector.app.gui.common;

import java.util.List;
import java.util.Optional;
import javafx.collections.ListChangeListener;
import javafx.scene.control.Button;
import javafx.scene.control.DialogPane;
import javafx.scene.Scene;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.KeyEvent;
import javafx.stage.PopupWindow;
import javafx.stage.Stage;
import javafx.stage.Window;
import javafx.stage.WindowEvent;

/**
 * What every secondary window of the app does alike: Esc and Ctrl+W close it, as users expect of such windows. A
 * window is asked to close as its title bar's close button asks it (a close request), so a dialog closes the way it
 * would there (a confirmation is then cancelled) and a window that refuses stays.
 */
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
        install(stage, scene);
    }

    /**
     * From now on, every window the app opens besides {@code main} (dialogs, confirmations, the previous session's
     * journal: not popups, which close on Esc by themselves) closes on Esc and Ctrl+W, and wears the main window's
     * theme when it brings no stylesheets of its own. Returns what undoes it.
     */
    public static Runnable closeAllByKeyboard(Window main) {
        ListChangeListener<Window> opened = c -> {
            while (c.next()) {
                for (Window w : c.getAddedSubList()) {
                    if (w != main && !(w instanceof PopupWindow)) {
                        if (w.getScene() != null) {
                            install(w, w.getScene());
                            themed(main, w.getScene());
                        }
                        w.sceneProperty().addListener((o, a, s) -> {
                            if (s != null) {
                                install(w, s);
                                themed(main, s);
                            }
                        });
                    }
                }
            }
        };
        Window.getWindows().addListener(opened);
        return () -> Window.getWindows().removeListener(opened);
    }

    /** A dialog's scene gets the main window's stylesheets (light or dark), unless it has its own. */
    private static void themed(Window main, Scene scene) {
        if (scene.getStylesheets().isEmpty() && main.getScene() != null) {
            scene.getStylesheets().setAll(main.getScene().getStylesheets());
        }
    }

    private static void install(Window w, Scene scene) {
        // a filter, so that a focused control (a text field, a table) cannot swallow the keys first
        scene.addEventFilter(KeyEvent.KEY_PRESSED, e -> {
            if ((ESCAPE.match(e) || CLOSE.match(e)) && w.isShowing()) {
                e.consume();
                close(w);
            }
        });
    }

    /**
     * Closes {@code w} as its close button would: a dialog by its cancel button (a confirmation is then cancelled), or
     * by its only button (an error's OK), and not at all when it has several and none cancels; any other window gets
     * a close request and is hidden unless that was refused.
     */
    static void close(Window w) {
        if (w.getScene() != null && w.getScene().getRoot() instanceof DialogPane pane) {
            List<Button> buttons = pane.getButtonTypes().stream().map(pane::lookupButton)
                    .filter(b -> b instanceof Button).map(b -> (Button) b).toList();
            buttons.stream().filter(Button::isCancelButton).findFirst()
                    .or(() -> buttons.size() == 1 ? Optional.of(buttons.get(0)) : Optional.empty())
                    .ifPresent(Button::fire);
            return;
        }
        boolean[] refused = {false};
        javafx.event.EventHandler<WindowEvent> last = e -> refused[0] = e.isConsumed();
        w.addEventHandler(WindowEvent.WINDOW_CLOSE_REQUEST, last);
        try {
            w.fireEvent(new WindowEvent(w, WindowEvent.WINDOW_CLOSE_REQUEST));
        } finally {
            w.removeEventHandler(WindowEvent.WINDOW_CLOSE_REQUEST, last);
        }
        if (!refused[0] && w.isShowing()) {
            w.hide();
        }
    }
}
