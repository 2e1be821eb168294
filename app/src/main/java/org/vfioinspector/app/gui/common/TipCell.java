package org.vfioinspector.app.gui.common;

import javafx.scene.control.TableCell;
import javafx.scene.control.Tooltip;

/**
 * A text cell whose whole text is also in its tooltip: a narrow column cuts the text, the tooltip does not. Each cell
 * keeps one tooltip and changes its text: a new {@code Tooltip} per update is a popup control with its own scene, and
 * a table updates its cells on every row added (a kernel event's row spent most of its time making them).
 *
 * @param <S> the table's row type
 */
public final class TipCell<S> extends TableCell<S, String> {
    private final Tooltip tip = new Tooltip();

    @Override
    protected void updateItem(String item, boolean empty) {
        super.updateItem(item, empty);
        setText(empty ? null : item);
        if (empty || item == null || item.isEmpty()) {
            setTooltip(null);
        } else {
            tip.setText(item);
            setTooltip(tip);
        }
    }
}
