package org.vfioinspector.app.gui.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppPrefsTest {
    @TempDir
    Path dir;

    @Test
    void settingsSurviveARestartInTheirFile() {
        Path file = dir.resolve("config/vfio-inspector/settings.properties");
        AppPrefs first = AppPrefs.load(file);
        first.saveTheme(Theme.DARK);
        first.saveLastHost("lab:qemu-q35");
        first.saveBounds(new AppPrefs.Bounds(10, 20, 1024, 700, false));
        first.saveDivider(0.5);
        first.flush();
        assertTrue(Files.isRegularFile(file), "written under the config directory it was given");

        AppPrefs second = AppPrefs.load(file);
        assertEquals(Theme.DARK, second.theme());
        assertEquals(Optional.of("lab:qemu-q35"), second.lastHost());
        assertEquals(Optional.of(new AppPrefs.Bounds(10, 20, 1024, 700, false)), second.bounds());
        assertEquals(0.5, second.divider());
    }

    @Test
    void aBrokenFileGivesTheDefaults() throws IOException {
        Path file = dir.resolve("settings.properties");
        Files.writeString(file, "theme=PURPLE\nwindow.width=NaN\nwindow.height=abc\ndivider=7\n\\u12");
        AppPrefs p = AppPrefs.load(file);
        assertEquals(Theme.LIGHT, p.theme());
        assertEquals(Optional.empty(), p.bounds());
        assertEquals(0.36, p.divider());
    }

    @Test
    void aDirectoryInPlaceOfTheFileIsNoCrash() throws IOException {
        Path file = Files.createDirectories(dir.resolve("settings.properties"));
        AppPrefs p = AppPrefs.load(file);
        p.saveTheme(Theme.DARK);
        p.flush();
        assertTrue(Files.isDirectory(file));
    }
}
