package org.vfioinspector.icons;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import javax.imageio.ImageIO;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AppIconTest {
    @Test
    void everySizeIsRenderedAtItsSizeWithTheSvgsColours() throws IOException {
        for (int size : AppIcon.SIZES) {
            BufferedImage image;
            try (InputStream in = AppIcon.url(size).openStream()) {
                image = ImageIO.read(in);
            }
            assertNotNull(image, AppIcon.resource(size) + " is not a PNG");
            assertEquals(size, image.getWidth(), AppIcon.resource(size));
            assertEquals(size, image.getHeight(), AppIcon.resource(size));
            // the corners lie outside the rounded background (rx 44 of 256): transparent
            assertEquals(0, image.getRGB(0, 0) >>> 24, "corner alpha of " + size + " px");
            // the background #16202b, opaque, just inside the left edge half way down
            int bg = image.getRGB(Math.max(1, size * 16 / 256), size / 2);
            assertEquals(0xff, bg >>> 24, "background alpha of " + size + " px");
            assertNear(0x16202b, bg & 0xffffff, size);
        }
    }

    @Test
    void theLargeIconShowsTheGreenBar() throws IOException {
        BufferedImage image;
        try (InputStream in = AppIcon.url(512).openStream()) {
            image = ImageIO.read(in);
        }
        // the mappable BAR block: x 50..84, y 74..140 of 256, fill #4cc38a
        assertNear(0x4cc38a, image.getRGB(67 * 2, 100 * 2) & 0xffffff, 512);
    }

    @Test
    void unknownSizeIsRefusedWithTheSizesThereAre() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AppIcon.resource(17));
        assertTrue(e.getMessage().contains("[16, 22"), e.getMessage());
    }

    private static void assertNear(int expectedRgb, int actualRgb, int size) {
        for (int shift = 0; shift <= 16; shift += 8) {
            int e = (expectedRgb >> shift) & 0xff;
            int a = (actualRgb >> shift) & 0xff;
            assertTrue(Math.abs(e - a) <= 8, String.format("%d px: expected ~#%06x, got #%06x", size, expectedRgb, actualRgb));
        }
    }
}
