package org.vfioinspector.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * linux/graphics.sh's software_graphics, which lib/command.sh asks before it starts the GUI: software rendering with
 * GTK's OpenGL off only where no GPU node can be opened and the user chose nothing (PackageIT checks what the
 * installed app's process then has).
 */
class GraphicsScriptTest {
    private static final Path SCRIPT = Path.of("linux/graphics.sh");

    @TempDir
    Path dev;

    @Test
    void noGpuNodeMeansSoftware() throws Exception {
        assertEquals(0, softwareGraphics(Map.of()), "an empty /dev");
        // simpledrm's card node (a firmware framebuffer) gives Mesa no GPU to render with
        Files.createDirectories(dev.resolve("dri"));
        Files.createFile(dev.resolve("dri/card0"));
        assertEquals(0, softwareGraphics(Map.of()), "/dev/dri/card0 alone");
    }

    @Test
    void aRenderNodeOrNvidiaKeepsJavafxChoice() throws Exception {
        Files.createDirectories(dev.resolve("dri"));
        Files.createFile(dev.resolve("dri/renderD128"));
        assertEquals(1, softwareGraphics(Map.of()), "/dev/dri/renderD128");
        Files.delete(dev.resolve("dri/renderD128"));
        Files.createFile(dev.resolve("nvidiactl"));
        assertEquals(1, softwareGraphics(Map.of()), "/dev/nvidiactl");
    }

    @Test
    void theUsersOwnChoiceIsKept() throws Exception {
        assertEquals(1, softwareGraphics(Map.of("GDK_GL", "")), "GDK_GL set, even empty");
        assertEquals(1, softwareGraphics(Map.of("GDK_GL", "always")), "GDK_GL=always");
        assertEquals(1, softwareGraphics(Map.of("JDK_JAVA_OPTIONS", "-Xmx1g -Dprism.order=es2")), "JDK_JAVA_OPTIONS");
        assertEquals(1, softwareGraphics(Map.of("JAVA_TOOL_OPTIONS", "-Dprism.order=sw")), "JAVA_TOOL_OPTIONS");
        assertEquals(0, softwareGraphics(Map.of("JAVA_TOOL_OPTIONS", "-Dprism.verbose=true")),
                "another JavaFX option");
    }

    /** The exit status of {@code software_graphics DEV} in bash, with only {@code env} of the variables it reads. */
    private int softwareGraphics(Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", ". \"$1\" && software_graphics \"$2\"", "bash",
                SCRIPT.toAbsolutePath().toString(), dev.toString()).redirectErrorStream(true);
        pb.environment().keySet().removeAll(java.util.List.of("GDK_GL", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS"));
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("software_graphics did not return: " + out);
        }
        assertEquals("", out, "software_graphics printed");
        return p.exitValue();
    }
}
