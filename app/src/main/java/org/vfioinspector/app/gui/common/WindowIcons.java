package org.vfioinspector.app.gui.common;

import java.util.List;
import javafx.scene.image.Image;
import javafx.stage.Stage;
import org.vfioinspector.icons.AppIcon;

/** The window icon: the same PNGs (rendered from icons/vfio-inspector.svg) the installers put into hicolor. */
public final class WindowIcons {
    private WindowIcons() {
    }

    /**
     * Gives the stage one icon per rendered size, so the window manager picks the best fit. The PNGs are decoded in
     * the background (no I/O on the FX thread); the window system takes an icon's pixels when the list is set, so
     * the list is set once every image is decoded. Call on the FX thread.
     */
    public static void applyTo(Stage stage) {
        List<Image> images = AppIcon.SIZES.stream()
                .map(size -> new Image(AppIcon.url(size).toExternalForm(), true))
                .toList();
        Runnable setWhenDecoded = () -> {
            if (images.stream().allMatch(image -> image.getProgress() >= 1)) {
                stage.getIcons().setAll(images.stream().filter(image -> !image.isError()).toList());
            }
        };
        // progress changes arrive on the FX thread, so none is missed between creating an image and listening
        images.forEach(image -> image.progressProperty().addListener((obs, old, now) -> setWhenDecoded.run()));
        setWhenDecoded.run();
    }
}
