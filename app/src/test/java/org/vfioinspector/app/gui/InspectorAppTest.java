package org.vfioinspector.app.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

@ExtendWith(ApplicationExtension.class)
class InspectorAppTest {
    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        new InspectorApp().start(stage);
    }

    @Test
    void windowIsTitledVfioInspector(FxRobot robot) {
        assertEquals("VFIO Inspector", stage.getTitle());
        assertTrue(stage.isShowing());
    }
}
