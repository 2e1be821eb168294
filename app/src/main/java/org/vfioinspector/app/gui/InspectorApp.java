package org.vfioinspector.app.gui;

import javafx.application.Application;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.layout.BorderPane;
import javafx.stage.Stage;

/** The desktop inspector. */
public final class InspectorApp extends Application {
    public static final String TITLE = "VFIO Inspector";

    @Override
    public void start(Stage stage) {
        BorderPane root = new BorderPane(new Label(TITLE));
        stage.setTitle(TITLE);
        stage.setScene(new Scene(root, 1200, 800));
        stage.show();
    }
}
