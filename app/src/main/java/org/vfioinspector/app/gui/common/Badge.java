package org.vfioinspector.app.gui.common;

import java.util.Objects;
import javafx.css.PseudoClass;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.util.Duration;

/**
 * A small coloured pill. One {@code .badge} style class and one pseudo-class per tone (AtlantaFX's state
 * styling), switched from code: controllers never build style-class strings.
 */
public final class Badge extends Label {
    /** The tones the theme colours: green (yes), red (no), unknown (not known here), warning (disagreement). */
    public enum Tone {
        GREEN, RED, UNKNOWN, WARNING, INFO, LAB;

        final PseudoClass pseudoClass = PseudoClass.getPseudoClass(name().toLowerCase(java.util.Locale.ROOT));

        public PseudoClass pseudoClass() {
            return pseudoClass;
        }
    }

    private Tone tone;

    public Badge(String text, Tone tone) {
        super(text);
        getStyleClass().add("badge");
        setTone(tone);
        setMinWidth(USE_PREF_SIZE);
    }

    public Badge(String text, Tone tone, String tooltip) {
        this(text, tone);
        setTip(tooltip);
    }

    public Tone tone() {
        return tone;
    }

    public void setTone(Tone newTone) {
        Objects.requireNonNull(newTone, "newTone");
        for (Tone t : Tone.values()) {
            pseudoClassStateChanged(t.pseudoClass, t == newTone);
        }
        this.tone = newTone;
    }

    public void setTip(String text) {
        if (text == null || text.isBlank()) {
            setTooltip(null);
        } else if (getTooltip() != null) {
            getTooltip().setText(text); // a badge in a reused cell: no new popup per update
        } else {
            Tooltip tip = new Tooltip(text);
            tip.setShowDelay(Duration.millis(250));
            tip.setWrapText(true);
            tip.setMaxWidth(460);
            setTooltip(tip);
        }
    }
}
