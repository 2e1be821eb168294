package org.vfioinspector.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The installers as a user gets them: the app-image's runtime, the .rpm's metadata, and the .deb installed with dpkg,
 * started from its menu entry under Xvfb, used as the {@code vfio-inspector} command, and removed again. Installing
 * needs root (CI runs as root); elsewhere the install test fails unless VFIO_INSPECTOR_SKIP_PACKAGE_TEST=1.
 */
class PackageIT {
    private static final String SKIP = "VFIO_INSPECTOR_SKIP_PACKAGE_TEST";
    private static final String NAME = "vfio-inspector";
    private static final String APP_ID = "org.vfioinspector.VfioInspector";
    private static final List<Integer> ICON_SIZES = List.of(16, 22, 24, 32, 48, 64, 128, 256, 512);
    private static final Path DIR = Path.of(System.getProperty("package.dir", "target/jpackage"));

    @Test
    void appImageRuntimeCarriesJavafxWithItsNativesAndACdsArchive() throws Exception {
        Path image = DIR.resolve(NAME);
        Path runtime = image.resolve("lib/runtime");
        for (String lib : List.of("libglass.so", "libglassgtk3.so", "libprism_es2.so", "libjavafx_font.so")) {
            assertTrue(Files.isRegularFile(runtime.resolve("lib").resolve(lib)), lib + " missing from the runtime's lib/");
        }
        assertTrue(Files.isRegularFile(runtime.resolve("lib/server/classes.jsa")), "no CDS archive in the runtime");
        String release = Files.readString(runtime.resolve("release"));
        assertTrue(release.contains("javafx.controls"), "runtime modules: " + release);
        // nothing for JavaFX to unpack: the module image holds no .so
        Result jimage = run(Duration.ofMinutes(1), Map.of(),
                Path.of(System.getProperty("java.home"), "bin", "jimage").toString(), "list",
                runtime.resolve("lib/modules").toString());
        assertEquals(0, jimage.exit, jimage.output);
        assertFalse(jimage.output.contains(".so"), "native libraries inside lib/modules");
        // the launcher starts the JVM with the memory options (a big host's heap and freed C heap are given back)
        String cfg = Files.readString(image.resolve("lib/app/" + NAME + ".cfg"));
        String memory = System.getProperty("package.memoryOptions", "");
        assertFalse(memory.isBlank(), "package.memoryOptions not passed to the test");
        for (String option : memory.trim().split("\\s+")) {
            assertTrue(cfg.lines().anyMatch(l -> l.equals("java-options=" + option)),
                    option + " not in the launcher's cfg:\n" + cfg);
        }
        try (Stream<Path> jars = Files.list(image.resolve("lib/app"))) {
            List<String> javafxJars = jars.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("javafx")).toList();
            assertEquals(List.of(), javafxJars, "JavaFX must come from the runtime, not from jars on the class path");
        }
        // the class archive of the CLI and the GUI: an AOT cache on JDK 25+, an AppCDS archive before; the JVM's
        // warnings go to stderr (a stale archive must not write into list --json)
        Archive archive = Archive.of(runtime);
        assertTrue(cfg.lines().anyMatch(l -> l.equals("java-options=" + archive.option())),
                archive.option() + " not in the launcher's cfg:\n" + cfg);
        assertTrue(cfg.lines().anyMatch(l -> l.equals("java-options=-Xlog:all=warning:stderr")), cfg);
        assertTrue(Files.isRegularFile(image.resolve("lib/app").resolve(archive.file())), archive.file() + " missing");
        if (archive == Archive.APPCDS) {
            String classes = Files.readString(image.resolve("lib/app/" + NAME + ".classlist"));
            for (String trained : List.of("org/vfioinspector/app/cli/ListJson", "org/vfioinspector/app/gui/MainWindow",
                    "javafx/scene/control/TreeView")) {
                assertTrue(classes.lines().anyMatch(trained::equals), trained + " not in the trained class list");
            }
        }
        // the app-image's launchers map it: strict mode fails the start when it cannot
        for (String launcher : List.of(NAME, NAME + "-cli")) {
            Result strict = run(Duration.ofMinutes(2), Map.of("JAVA_TOOL_OPTIONS", archive.strict()),
                    image.resolve("bin/" + launcher).toString(), "list", "--json", "--host", "lab:qemu-q35");
            assertEquals(0, strict.exit, launcher + " " + archive.strict() + ":\n" + strict.output);
            assertTrue(strict.output.contains("\"0000:00:01.0\""), launcher + ": " + strict.output);
        }
        // the CLI's launcher: the same archive and warnings, its own JIT options (C1 only), none of the GUI's memory ones
        String cliCfg = Files.readString(image.resolve("lib/app/" + NAME + "-cli.cfg"));
        String cli = System.getProperty("package.cliOptions", "");
        assertFalse(cli.isBlank(), "package.cliOptions not passed to the test");
        for (String line : Stream.concat(Stream.of(cli.trim().split("\\s+")),
                Stream.of(archive.option(), "-Xlog:all=warning:stderr")).toList()) {
            assertTrue(cliCfg.lines().anyMatch(l -> l.equals("java-options=" + line)),
                    line + " not in the CLI launcher's cfg:\n" + cliCfg);
        }
        for (String option : memory.trim().split("\\s+")) {
            assertFalse(cliCfg.contains(option.replaceFirst("=.*", "")),
                    option + " (a GUI memory option) in the CLI's cfg:\n" + cliCfg);
        }
        // lib/command.sh (the vfio-inspector on PATH) gives a command to the C1-only JVM; the GUI's launcher keeps C2
        assertEquals(1, tieredStopAtLevel(image.resolve("lib/command.sh").toString()), "lib/command.sh --version");
        assertEquals(4, tieredStopAtLevel(image.resolve("bin/" + NAME).toString()), "bin/" + NAME + " --version");
        // ... starting the runtime's java itself from the launchers' cfg: the same class archive (strict) and output
        Result direct = run(Duration.ofMinutes(2), Map.of("JAVA_TOOL_OPTIONS", archive.strict()),
                image.resolve("lib/command.sh").toString(), "list", "--json", "--host", "lab:qemu-q35");
        assertEquals(0, direct.exit, "lib/command.sh " + archive.strict() + ":\n" + direct.output);
        assertTrue(direct.output.contains("\"0000:00:01.0\""), direct.output);
        assertNoPackageQueries(image);
    }

    /**
     * jpackage's launcher asks rpm and dpkg which package owns it before the JVM starts (0.1-0.3 s each start);
     * lib/command.sh does not. Both are run with an rpm and a dpkg first on PATH that note being asked: the
     * launcher's note shows the check can see a query.
     */
    private static void assertNoPackageQueries(Path image) throws Exception {
        Path fake = Files.createTempDirectory("package-queries");
        Path asked = fake.resolve("asked");
        for (String tool : List.of("rpm", "dpkg")) {
            Path script = fake.resolve(tool);
            Files.writeString(script, "#!/bin/sh\necho \"" + tool + " $*\" >> '" + asked + "'\nexit 1\n");
            script.toFile().setExecutable(true);
        }
        Map<String, String> path = Map.of("PATH", fake + ":" + System.getenv("PATH"));
        Result launcher = run(Duration.ofMinutes(1), path, image.resolve("bin/" + NAME + "-cli").toString(),
                "--version");
        assertEquals(0, launcher.exit, launcher.output);
        assertTrue(Files.exists(asked) && Files.readString(asked).contains("-qf"),
                "jpackage's launcher asked no package manager: the check sees nothing");
        Files.delete(asked);
        Result command = run(Duration.ofMinutes(1), path, image.resolve("lib/command.sh").toString(), "--version");
        assertEquals(0, command.exit, command.output);
        assertTrue(command.output.contains("vfio-inspector "), command.output);
        assertFalse(Files.exists(asked), "lib/command.sh asked a package manager: " + (Files.exists(asked)
                ? Files.readString(asked) : ""));
    }

    /** The JIT tier the JVM of {@code command --version} stops at (4: C2; 1: C1 only), from -XX:+PrintFlagsFinal. */
    private static int tieredStopAtLevel(String command) throws Exception {
        Result r = run(Duration.ofMinutes(1), Map.of("JAVA_TOOL_OPTIONS", "-XX:+PrintFlagsFinal"), command,
                "--version");
        assertEquals(0, r.exit, command + " --version:\n" + r.output);
        assertTrue(r.output.contains("vfio-inspector "), command + " --version printed no version:\n" + r.output);
        Matcher m = Pattern.compile("\\bTieredStopAtLevel\\s+=\\s+(\\d+)").matcher(r.output);
        assertTrue(m.find(), "no TieredStopAtLevel in -XX:+PrintFlagsFinal of " + command);
        return Integer.parseInt(m.group(1));
    }

    /** The runtime's class archive: which file, the launcher's option, and the flag that makes a failed map fatal. */
    private enum Archive {
        AOT(NAME + ".aot", "-XX:AOTCache=$APPDIR/" + NAME + ".aot", "-XX:AOTMode=on"),
        APPCDS(NAME + ".jsa", "-XX:SharedArchiveFile=$APPDIR/" + NAME + ".jsa", "-Xshare:on");

        private final String file;
        private final String option;
        private final String strict;

        Archive(String file, String option, String strict) {
            this.file = file;
            this.option = option;
            this.strict = strict;
        }

        String file() {
            return file;
        }

        String option() {
            return option;
        }

        String strict() {
            return strict;
        }

        /** AOT on a JDK 25+ runtime (its release file), AppCDS before. */
        static Archive of(Path runtime) throws IOException {
            Matcher m = Pattern.compile("JAVA_VERSION=\"(\\d+)").matcher(Files.readString(runtime.resolve("release")));
            assertTrue(m.find(), "no JAVA_VERSION in the runtime's release file");
            return Integer.parseInt(m.group(1)) >= 25 ? AOT : APPCDS;
        }
    }

    @Test
    void rpmCarriesTheAppDesktopFilesAndRequiresTheLibrariesJavafxLinks() throws Exception {
        Path rpm = single("*.rpm");
        Result info = tool("rpm", "-qip", rpm.toString());
        assertTrue(info.output.matches("(?s).*Name\\s*: vfio-inspector\\b.*"), info.output);
        assertTrue(info.output.matches("(?s).*Version\\s*: 0\\.1\\.0\\b.*"), info.output);

        Result files = tool("rpm", "-qlp", rpm.toString());
        List<String> expected = new ArrayList<>(List.of(
                "/opt/vfio-inspector/bin/vfio-inspector",
                "/opt/vfio-inspector/lib/desktop-integration.sh",
                "/opt/vfio-inspector/lib/graphics.sh",
                "/opt/vfio-inspector/lib/share/applications/" + APP_ID + ".desktop",
                "/opt/vfio-inspector/lib/share/metainfo/" + APP_ID + ".metainfo.xml",
                "/opt/vfio-inspector/lib/share/doc/vfio-inspector/70-vfio-inspector.rules",
                "/opt/vfio-inspector/lib/runtime/lib/libglassgtk3.so",
                "/opt/vfio-inspector/lib/runtime/lib/server/classes.jsa"));
        ICON_SIZES.forEach(s -> expected.add("/opt/vfio-inspector/lib/share/icons/hicolor/" + s + "x" + s + "/apps/vfio-inspector.png"));
        List<String> listed = files.output.lines().toList();
        for (String path : expected) {
            assertTrue(listed.contains(path), path + " not in the .rpm");
        }
        // the class archive: the AOT cache (JDK 25+) made at build time, or the class list that %post dumps from
        Archive archive = Archive.of(DIR.resolve(NAME).resolve("lib/runtime"));
        String carried = "/opt/vfio-inspector/lib/app/" + (archive == Archive.AOT ? archive.file() : NAME + ".classlist");
        assertTrue(listed.contains(carried), carried + " not in the .rpm");
        assertFalse(listed.contains("/opt/vfio-inspector/lib/app/" + NAME + ".jsa"),
                "the build's AppCDS archive is for the app-image's own place, not /opt");

        Result requires = tool("rpm", "-qp", "--requires", rpm.toString());
        for (String soname : List.of("libgtk-3.so.0", "libgdk-3.so.0", "libGL.so.1", "libX11.so.6", "libXtst.so.6",
                "libXxf86vm.so.1", "libpangoft2-1.0.so.0", "libfreetype.so.6", "libc.so.6")) {
            assertTrue(requires.output.contains(soname + "()(64bit)"), soname + " not required:\n" + requires.output);
        }
        // the runtime's own libraries are inside the package, not requirements
        assertFalse(requires.output.contains("libjvm.so"), requires.output);
        assertFalse(requires.output.contains("libjava.so"), requires.output);

        Result scripts = tool("rpm", "-qp", "--scripts", rpm.toString());
        assertTrue(scripts.output.contains("desktop-integration.sh install"), scripts.output);
        assertTrue(scripts.output.contains("desktop-integration.sh remove"), scripts.output);
    }

    @Test
    void debInstallsStartsFromItsMenuEntryRunsAsACommandAndRemovesCleanly() throws Exception {
        Path deb = single("*.deb");
        Result depends = tool("dpkg-deb", "-f", deb.toString(), "Depends");
        for (String pkg : List.of("libgtk-3-0", "libgl1", "libx11-6", "libxtst6", "libxxf86vm1", "libpangoft2-1.0-0",
                "libfreetype6", "libc6")) {
            assertTrue(Pattern.compile("(^|[ ,])" + Pattern.quote(pkg) + "([ ,(]|$)").matcher(depends.output.trim()).find(),
                    pkg + " not in Depends: " + depends.output);
        }

        Assumptions.assumeFalse("1".equals(System.getenv(SKIP)), SKIP + "=1: the .deb is not installed");
        if (!"0".equals(tool("id", "-u").output.trim())) {
            fail("installing the .deb needs root (dpkg -i); run as root, or set " + SKIP + "=1 to skip this test");
        }
        if (tool("dpkg-query", "-W", "-f", "${Status}", NAME).output.contains("install ok installed")) {
            fail(NAME + " is already installed on this machine; remove it (dpkg -r " + NAME + ") or set " + SKIP + "=1");
        }
        Result install = run(Duration.ofMinutes(3), Map.of(), "dpkg", "-i", deb.toString());
        try {
            assertEquals(0, install.exit, "dpkg -i failed (are the Depends installed?):\n" + install.output);
            checkInstalled();
        } finally {
            Result remove = run(Duration.ofMinutes(3), Map.of(), "dpkg", "-r", NAME);
            assertEquals(0, remove.exit, "dpkg -r failed:\n" + remove.output);
        }
        for (Path gone : List.of(Path.of("/usr/bin", NAME), Path.of("/usr/share/applications", APP_ID + ".desktop"),
                Path.of("/usr/share/metainfo", APP_ID + ".metainfo.xml"),
                Path.of("/usr/share/icons/hicolor/48x48/apps", NAME + ".png"), Path.of("/opt", NAME))) {
            assertFalse(Files.exists(gone, LinkOption.NOFOLLOW_LINKS), gone + " is left after dpkg -r");
        }
    }

    private static void checkInstalled() throws Exception {
        Path desktop = Path.of("/usr/share/applications", APP_ID + ".desktop");
        Path metainfo = Path.of("/usr/share/metainfo", APP_ID + ".metainfo.xml");
        for (Path p : List.of(Path.of("/usr/bin", NAME), desktop, metainfo,
                Path.of("/usr/share/doc", NAME, "70-vfio-inspector.rules"))) {
            assertTrue(Files.exists(p), p + " not installed");
        }
        for (int size : ICON_SIZES) {
            Path icon = Path.of("/usr/share/icons/hicolor", size + "x" + size, "apps", NAME + ".png");
            assertTrue(Files.isRegularFile(icon), icon + " not installed");
        }
        Result appstream = tool("appstreamcli", "validate", "--no-net", metainfo.toString());
        assertEquals(0, appstream.exit, appstream.output);
        Result desktopValid = tool("desktop-file-validate", desktop.toString());
        assertEquals(0, desktopValid.exit, desktopValid.output);

        // the command on PATH is the CLI, started from the class archive (the AppCDS one dumped by postinst here)
        Archive archive = Archive.of(Path.of("/opt", NAME, "lib/runtime"));
        Result list = run(Duration.ofMinutes(2), Map.of("JAVA_TOOL_OPTIONS", archive.strict()), NAME, "list",
                "--host", "lab:qemu-q35");
        assertEquals(0, list.exit, list.output);
        assertTrue(list.output.startsWith("Picked up JAVA_TOOL_OPTIONS") || list.output.startsWith("LAB host"),
                list.output);
        assertTrue(list.output.contains("LAB host"), list.output);
        assertTrue(list.output.contains("0000:00:"), list.output);
        assertEquals(1, tieredStopAtLevel(NAME), NAME + " --version: a command goes to the CLI's launcher");

        String entry = Files.readString(desktop);
        String exec = field(entry, "Exec");
        String wmClass = field(entry, "StartupWMClass");
        startFromMenuEntry(exec, wmClass);
        // and the command on PATH, without arguments, opens the same window
        startFromMenuEntry(NAME, wmClass);
    }

    /** Starts Exec under a fresh Xvfb with an empty HOME; the main window must appear with the entry's WM class. */
    private static void startFromMenuEntry(String exec, String wmClass) throws Exception {
        Path home = Files.createTempDirectory("vfio-inspector-home");
        Path log = Files.createTempFile("vfio-inspector-gui", ".log");
        Process xvfb = new ProcessBuilder(tool("sh", "-c", "command -v Xvfb").output.trim(), "-displayfd", "1",
                "-screen", "0", "1600x1000x24", "-nolisten", "tcp")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Process app = null;
        try {
            String display;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(xvfb.getInputStream(), StandardCharsets.UTF_8))) {
                String n = r.readLine();
                if (n == null) {
                    fail("Xvfb did not start (install xvfb)");
                }
                display = ":" + n.trim();
            }
            ProcessBuilder pb = new ProcessBuilder(exec.split(" "))
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("DISPLAY", display);
            pb.environment().put("HOME", home.toString());
            pb.environment().put("JAVA_TOOL_OPTIONS", "-Dvfioinspector.traceStartup=true");
            app = pb.start();

            Map<String, String> x = Map.of("DISPLAY", display);
            Pattern window = Pattern.compile("(0x[0-9a-f]+) \"VFIO Inspector\"");
            String id = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (id == null && System.nanoTime() < deadline && app.isAlive()) {
                Matcher m = window.matcher(run(Duration.ofSeconds(30), x, "xwininfo", "-root", "-tree").output);
                if (m.find()) {
                    id = m.group(1);
                } else {
                    Thread.sleep(250);
                }
            }
            String out = Files.readString(log);
            if (id == null) {
                fail("no \"VFIO Inspector\" window within 120 s (app " + (app.isAlive() ? "running" : "exited") + "):\n" + out);
            }
            Result cls = run(Duration.ofSeconds(30), x, "xprop", "-id", id, "WM_CLASS");
            assertTrue(cls.output.contains("\"" + wmClass + "\""), "StartupWMClass " + wmClass + " but " + cls.output);
            assertGraphicsAsGraphicsShSays(app.pid());

            long frameDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!out.contains("first-frame-ms=") && System.nanoTime() < frameDeadline) {
                Thread.sleep(100);
                out = Files.readString(log);
            }
            assertTrue(out.contains("first-frame-ms="), "no first frame traced:\n" + out);
            System.out.println("PackageIT: installed app " + out.lines().filter(l -> l.contains("first-frame-ms=")).findFirst().orElseThrow());
            assertFalse(out.contains("Unsupported JavaFX configuration"), out);
            assertFalse(out.contains("Exception"), out);
            assertFalse(Files.exists(home.resolve(".openjfx")), "JavaFX unpacked its natives into ~/.openjfx");
        } finally {
            if (app != null) {
                app.destroy();
                if (!app.waitFor(20, TimeUnit.SECONDS)) {
                    app.destroyForcibly();
                }
            }
            xvfb.destroy();
            xvfb.waitFor(20, TimeUnit.SECONDS);
        }
    }

    /**
     * The started GUI (lib/command.sh execs its java: the same process) has what lib/graphics.sh says for this machine:
     * with no GPU node to open, JavaFX's software pipeline and GTK's OpenGL off, so no libGL in the process; with one,
     * neither (JavaFX chooses).
     */
    private static void assertGraphicsAsGraphicsShSays(long pid) throws Exception {
        Result software = run(Duration.ofSeconds(30), Map.of(), "bash", "-c",
                ". /opt/vfio-inspector/lib/graphics.sh && software_graphics /dev");
        Path proc = Path.of("/proc/" + pid);
        List<String> environ = List.of(Files.readString(proc.resolve("environ")).split("\0"));
        List<String> cmdline = List.of(Files.readString(proc.resolve("cmdline")).split("\0"));
        boolean libGl = Files.readString(proc.resolve("maps")).contains("/libGL");
        System.out.println("PackageIT: GUI graphics " + (software.exit == 0 ? "software (no GPU node)" : "JavaFX's choice")
                + ", libGL " + (libGl ? "loaded" : "not loaded"));
        if (software.exit == 0) {
            assertTrue(environ.contains("GDK_GL=disable"), "GDK_GL=disable not in the GUI's environment: " + environ);
            assertTrue(cmdline.contains("-Dprism.order=sw"), "-Dprism.order=sw not on the GUI's command line: " + cmdline);
            assertFalse(libGl, "the software-rendered GUI loaded libGL");
        } else {
            assertEquals(1, software.exit, "software_graphics: " + software.output);
            assertFalse(environ.contains("GDK_GL=disable"), "GDK_GL=disable with a GPU node: " + environ);
            assertFalse(cmdline.contains("-Dprism.order=sw"), "-Dprism.order=sw with a GPU node: " + cmdline);
        }
    }

    private static String field(String desktopEntry, String key) {
        Matcher m = Pattern.compile("(?m)^" + key + "=(.*)$").matcher(desktopEntry);
        assertTrue(m.find(), "no " + key + "= in the desktop entry:\n" + desktopEntry);
        return m.group(1).trim();
    }

    private static Path single(String glob) throws IOException {
        List<Path> found = new ArrayList<>();
        try (var stream = Files.newDirectoryStream(DIR, glob)) {
            stream.forEach(found::add);
        }
        assertEquals(1, found.size(), "expected one " + glob + " in " + DIR + " (built by mvn package): " + found);
        return found.get(0);
    }

    private record Result(int exit, String output) {
    }

    /** Runs a tool that must exist; a missing tool fails with the package to install. */
    private static Result tool(String... cmd) throws Exception {
        Result r = run(Duration.ofMinutes(2), Map.of(), cmd);
        assertNotEquals(127, r.exit, cmd[0] + " is missing (sudo .ci/install-packages)");
        return r;
    }

    private static Result run(Duration timeout, Map<String, String> env, String... cmd) throws Exception {
        Path out = Files.createTempFile("package-it", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder("sh", "-c", "exec \"$@\"", "sh");
            pb.command().addAll(List.of(cmd));
            pb.environment().putAll(env);
            Process p = pb.redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", cmd) + " did not finish within " + timeout + ":\n" + Files.readString(out));
            }
            return new Result(p.exitValue(), Files.readString(out));
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
