package org.vfioinspector.app.gui.common;

import java.util.List;
import javafx.scene.image.Image;
import org.vfioinspector.icons.AppIcon;

/** The window icon: the same PNGs (rendered from icons/vfio-inspector.svg) the installers put into hicolor. */
public final class WindowIcons {
    private WindowIcons() {
    }

    /** One image per rendered size, so the window manager picks the best fit; decoded in the background. */
    public static List<Image> images() {
        return AppIcon.SIZES.stream()
                .map(size -> new Image(AppIcon.url(size).toExternalForm(), true))
                .toList();
    }
}
