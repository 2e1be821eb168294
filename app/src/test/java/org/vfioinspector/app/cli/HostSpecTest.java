package org.vfioinspector.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vfioinspector.bridge.sysfs.HostPaths;

class HostSpecTest {
    @Test
    void local() throws Exception {
        HostSpec s = HostSpec.parse("local");
        assertEquals(HostSpec.Kind.LOCAL, s.kind());
        assertEquals(HostPaths.live(), s.open(() -> null).paths());
        assertEquals("local", s.toString());
    }

    @Test
    void sysfsDir(@TempDir Path tmp) throws Exception {
        Files.createDirectories(tmp.resolve("sys"));
        HostSpec s = HostSpec.parse("sysfs:" + tmp);
        assertEquals(HostSpec.Kind.SYSFS, s.kind());
        assertEquals(Optional.of(tmp), s.dir());
        assertEquals(HostPaths.under(tmp), s.open(() -> null).paths());
        assertEquals(tmp.resolve("sys"), s.open(() -> null).paths().sys());
    }

    @Test
    void rejects(@TempDir Path tmp) {
        for (String bad : new String[] {"", "Local", "lab:x", "sysfs:", "sysfs:" + tmp.resolve("missing"),
            "sysfs:" + tmp, tmp.toString()}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostSpec.parse(bad), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> HostSpec.parse("sysfs:" + tmp)).getMessage()
                .contains("no sys/"));
    }
}
