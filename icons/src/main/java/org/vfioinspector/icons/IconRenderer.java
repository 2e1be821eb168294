package org.vfioinspector.icons;

import com.github.weisj.jsvg.SVGDocument;
import com.github.weisj.jsvg.parser.SVGLoader;
import com.github.weisj.jsvg.view.ViewBox;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Build step of the icons module: renders the SVG once per {@link AppIcon#SIZES} size straight from the vectors
 * (no downscaling of one large bitmap, so the 16 px icon stays sharp). Arguments: the SVG file, the output folder.
 */
public final class IconRenderer {
    private IconRenderer() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: IconRenderer SVG OUTPUT_DIR");
        }
        Path svg = Path.of(args[0]);
        Path out = Path.of(args[1]);
        SVGDocument doc = new SVGLoader().load(svg.toUri().toURL());
        if (doc == null) {
            throw new IOException(svg + ": not a loadable SVG document");
        }
        Files.createDirectories(out);
        for (int size : AppIcon.SIZES) {
            ImageIO.write(render(doc, size), "png", out.resolve(AppIcon.fileName(size)).toFile());
        }
    }

    static BufferedImage render(SVGDocument doc, int size) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            doc.render(null, g, new ViewBox(0, 0, size, size));
        } finally {
            g.dispose();
        }
        return image;
    }
}
