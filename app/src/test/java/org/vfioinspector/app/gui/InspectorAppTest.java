package org.vfioinspector.app.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;
import org.vfioinspector.icons.AppIcon;

@ExtendWith(ApplicationExtension.class)
class InspectorAppTest {
    private Stage stage;
    private AppContext ctx;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        ctx = new AppContext(GuiFixtures.prefs());
        new MainWindow(ctx, stage).show();
    }

    @AfterEach
    void close() {
        ctx.close();
    }

    @org.junit.jupiter.api.AfterAll
    static void dropPrefs() {
        GuiFixtures.drop();
    }

    @Test
    void windowIsTitledVfioInspector(FxRobot robot) {
        assertEquals("VFIO Inspector", stage.getTitle());
        assertTrue(stage.isShowing());
    }

    @Test
    void windowCarriesTheAppIconInEverySize(FxRobot robot) {
        List<Integer> widths = stage.getIcons().stream()
                .map(image -> {
                    // decoded in the background: wait (bounded) for each to finish
                    for (int i = 0; i < 500 && image.getProgress() < 1; i++) {
                        WaitForAsyncUtils.sleep(10, TimeUnit.MILLISECONDS);
                    }
                    assertFalse(image.isError(), () -> "icon failed: " + image.getException());
                    return (int) image.getWidth();
                })
                .toList();
        assertEquals(AppIcon.SIZES, widths);
    }
}
