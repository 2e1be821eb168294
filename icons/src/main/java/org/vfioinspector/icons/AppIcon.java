package org.vfioinspector.icons;

import java.net.URL;
import java.util.List;

/**
 * The application icon as PNG resources rendered at build time from {@code icons/vfio-inspector.svg}. The sizes are
 * the freedesktop hicolor sizes the installers place and the ones window managers pick from.
 */
public final class AppIcon {
    /** Every size rendered, in pixels (square). */
    public static final List<Integer> SIZES = List.of(16, 22, 24, 32, 48, 64, 128, 256, 512);

    private AppIcon() {
    }

    /** The resource name of the PNG of one size, e.g. {@code org/vfioinspector/icons/vfio-inspector-48.png}. */
    public static String resource(int size) {
        if (!SIZES.contains(size)) {
            throw new IllegalArgumentException("no " + size + " px icon; sizes are " + SIZES);
        }
        return "org/vfioinspector/icons/" + fileName(size);
    }

    /** The file name of the PNG of one size. */
    public static String fileName(int size) {
        return "vfio-inspector-" + size + ".png";
    }

    /** The PNG of one size on the class path; never null once the icons jar is there. */
    public static URL url(int size) {
        URL url = AppIcon.class.getClassLoader().getResource(resource(size));
        if (url == null) {
            throw new IllegalStateException(resource(size) + " is missing from the class path (the icons build renders it)");
        }
        return url;
    }
}
