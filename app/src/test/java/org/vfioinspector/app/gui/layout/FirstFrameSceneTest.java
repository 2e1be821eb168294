package org.vfioinspector.app.gui.layout;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import javafx.scene.Node;
import javafx.scene.control.TableView;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;
import org.vfioinspector.app.gui.MainWindowFlow;

/**
 * What the first frame holds (BENCHMARKS.md, seventh round): JavaFX styles and lays out invisible nodes too, so what
 * the user cannot see at start-up stays out of the scene until asked for: the folded revocation area's content, the
 * groups pane's device table, the exercises sheet. Asked for, each is there, and folding keeps the keyboard.
 */
class FirstFrameSceneTest extends MainWindowFlow {

    private static boolean inScene(FxRobot robot, String id) {
        return robot.lookup(id).tryQuery().isPresent();
    }

    @Test
    void whatIsNotShownIsNotInTheSceneUntilAskedFor(FxRobot robot) throws Exception {
        // the revocation area starts folded (fresh settings), the groups pane shows the tree, no sheet is open
        assertTrue(window.revocationArea().isFolded());
        assertFalse(inScene(robot, "#trackedTable"), "folded: the objects table is not in the scene");
        assertFalse(inScene(robot, "#deviceTable"), "the tree shown: the device table is not in the scene");
        assertFalse(inScene(robot, "#labPane"));

        robot.interact(() -> window.setRevocationFolded(false));
        assertTrue(inScene(robot, "#trackedTable") && inScene(robot, "#timelineTable"));
        robot.interact(() -> window.groups().showTable(true));
        assertTrue(inScene(robot, "#deviceTable"));
        robot.interact(() -> window.groups().showTable(false));
        assertTrue(inScene(robot, "#groupsTree"));
    }

    @Test
    void foldingWithTheFocusInsideGivesItToTheToggle(FxRobot robot) throws Exception {
        robot.interact(() -> window.setRevocationFolded(false));
        TableView<?> objects = robot.lookup("#trackedTable").queryAs(TableView.class);
        robot.interact(objects::requestFocus);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(objects.isFocused());
        robot.interact(() -> window.setRevocationFolded(true));
        WaitForAsyncUtils.waitForFxEvents();
        assertFalse(inScene(robot, "#trackedTable"));
        Node owner = objects.getScene() == null ? window.groups().getScene().getFocusOwner() : null;
        assertSame(window.revocationArea().toggle(), owner, "the keyboard stays in the area: on its toggle");
        // and unfolded again, the same table, with its place kept
        robot.interact(() -> window.setRevocationFolded(false));
        assertSame(objects, robot.lookup("#trackedTable").queryAs(TableView.class));
    }
}
