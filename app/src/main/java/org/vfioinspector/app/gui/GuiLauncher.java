package org.vfioinspector.app.gui;

import javafx.application.Application;

/** Starts the JavaFX application; kept apart from {@code Main} so the CLI never loads JavaFX. */
public final class GuiLauncher {
    private GuiLauncher() {
    }

    public static void launch(String[] args) {
        Application.launch(InspectorApp.class, args);
    }
}
