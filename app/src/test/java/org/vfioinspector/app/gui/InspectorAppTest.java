package org.vfioinspector.app.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    @Test
    void windowIsTitledVfioInspector(FxRobot robot) {
        assertEquals("VFIO Inspector", stage.getTitle());
        assertTrue(stage.isShowing());
    }

    @Test
    void windowCarriesTheAppIconInEverySize(FxRobot robot) throws Exception {
        // the icons are decoded in the background and set together
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> !stage.getIcons().isEmpty());
        List<Integer> widths = WaitForAsyncUtils.asyncFx(() -> stage.getIcons().stream()
                .map(image -> (int) image.getWidth())
                .toList()).get();
        assertEquals(AppIcon.SIZES, widths);
    }
}
