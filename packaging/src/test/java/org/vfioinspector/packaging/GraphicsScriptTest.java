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

    /**
     * lib/command.sh, in a made-up image whose runtime's java prints what it was given: the GUI gets
     * SOFTWARE_GRAPHICS_ENV and SOFTWARE_GRAPHICS_JAVA exactly where software_graphics says so for this machine's
     * /dev, the CLI never.
     */
    @Test
    void commandShStartsWhatGraphicsShChose(@TempDir Path image) throws Exception {
        Path lib = Files.createDirectories(image.resolve("lib"));
        Files.copy(Path.of("linux/command.sh"), lib.resolve("command.sh"));
        Files.copy(SCRIPT, lib.resolve("graphics.sh"));
        Path app = Files.createDirectories(lib.resolve("app"));
        for (String launcher : java.util.List.of("vfio-inspector", "vfio-inspector-cli")) {
            Files.writeString(app.resolve(launcher + ".cfg"), "[Application]\napp.classpath=$APPDIR/app.jar\n"
                    + "app.mainclass=org.example.Main\n\n[JavaOptions]\njava-options=-Xss1m\n");
        }
        Path java = Files.createDirectories(lib.resolve("runtime/bin")).resolve("java");
        Files.writeString(java, "#!/bin/bash\necho \"GDK_GL=${GDK_GL-unset} $*\"\n");
        java.toFile().setExecutable(true);
        String graphics = SCRIPT.toAbsolutePath().toString();
        boolean software = run(". \"$1\" && software_graphics /dev", graphics).equals("rc=0");
        assertEquals("GDK_GL=disable -Dprism.order=sw\nrc=0",
                run(". \"$1\" && echo \"${SOFTWARE_GRAPHICS_ENV[*]} ${SOFTWARE_GRAPHICS_JAVA[*]}\"", graphics));

        String command = lib.resolve("command.sh").toString();
        String real = image.toRealPath().toString();
        assertEquals("GDK_GL=" + (software ? "disable" : "unset") + " -Xss1m" + (software ? " -Dprism.order=sw" : "")
                + " -Djpackage.app-path=" + real + "/bin/vfio-inspector -cp " + real
                + "/lib/app/app.jar org.example.Main\nrc=0", run("\"$1\"", command),
                "the GUI, software graphics: " + software);
        assertEquals("GDK_GL=unset -Xss1m -Djpackage.app-path=" + real + "/bin/vfio-inspector-cli -cp " + real
                + "/lib/app/app.jar org.example.Main list\nrc=0", run("\"$1\" list", command), "the CLI");
    }

    /** bash -c SCRIPT with ARG as $1 and none of the graphics variables: what it printed, then rc=its status. */
    private static String run(String script, String arg) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", script + "; echo \"rc=$?\"", "bash", arg)
                .redirectErrorStream(true);
        pb.environment().keySet().removeAll(java.util.List.of("GDK_GL", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(script + " did not return: " + out);
        }
        return out.strip();
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
