package org.vfioinspector.app.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Layering rules checked on the source tree: only HostPaths names the host's /sys and /dev (every other class
 * resolves paths against an injected HostPaths), and native-bridge never imports JavaFX.
 */
class SourceGuardTest {
    private static final Path REPO = Path.of("").toAbsolutePath().getParent();
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\\\n]|\\\\.)*\"");
    private static final Pattern COMMENT = Pattern.compile("(?s)/\\*.*?\\*/|//[^\\n]*");
    /** An absolute /sys or /dev path in a literal (not "proc/sys/..." or "bus/pci/devices"). */
    private static final Pattern HOST_ROOT = Pattern.compile("(?<![A-Za-z0-9_.-])/(sys|dev)(?![A-Za-z0-9_.-])");

    static List<Path> javaFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    /** The string literals of a Java source that name /sys or /dev. */
    static List<String> hostRootLiterals(String source) {
        String code = COMMENT.matcher(source).replaceAll("");
        List<String> hits = new ArrayList<>();
        Matcher m = STRING.matcher(code);
        while (m.find()) {
            if (HOST_ROOT.matcher(m.group()).find()) {
                hits.add(m.group());
            }
        }
        return hits;
    }

    @Test
    void guardRecognisesLiterals() {
        assertEquals(List.of("\"/sys\"", "\"/dev/vfio\"", "\"read /sys/bus/pci\""),
                hostRootLiterals("a(\"/sys\"); b(\"/dev/vfio\"); c(\"read /sys/bus/pci\");"));
        assertEquals(List.of(), hostRootLiterals("a(\"bus/pci/devices\"); b(\"proc/sys/kernel/osrelease\"); "
                + "c(\"/usr/share/misc/pci.ids\"); /* \"/sys\" */ // \"/dev\""));
    }

    @Test
    void onlyHostPathsNamesSysOrDev() throws IOException {
        List<Path> roots = List.of(REPO.resolve("native-bridge/src/main/java"), REPO.resolve("app/src/main/java"));
        List<String> offenders = new ArrayList<>();
        int checked = 0;
        for (Path root : roots) {
            assertTrue(Files.isDirectory(root), root.toString());
            for (Path f : javaFiles(root)) {
                checked++;
                if (f.getFileName().toString().equals("HostPaths.java")) {
                    assertFalse(hostRootLiterals(Files.readString(f)).isEmpty(), "HostPaths names the live roots");
                    continue;
                }
                List<String> hits = hostRootLiterals(Files.readString(f));
                if (!hits.isEmpty()) {
                    offenders.add(REPO.relativize(f) + ": " + hits);
                }
            }
        }
        assertTrue(checked > 20, "scanned only " + checked + " files");
        assertEquals(List.of(), offenders, "only HostPaths may name /sys or /dev");
    }

    @Test
    void nativeBridgeNeverImportsJavafx() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (Path f : javaFiles(REPO.resolve("native-bridge/src"))) {
            String text = Files.readString(f);
            if (text.contains("import javafx.") || text.contains("import static javafx.")) {
                offenders.add(REPO.relativize(f).toString());
            }
        }
        assertEquals(List.of(), offenders);
        assertFalse(Files.readString(REPO.resolve("native-bridge/pom.xml")).contains("openjfx"),
                "native-bridge must not depend on OpenJFX");
    }

    /**
     * Nothing builds a shell command from text it read: main code starts no process at all (no ProcessBuilder, no
     * Runtime.exec, no shell). A real need goes into {@link #PROCESS_ALLOWED} after review, with its reason.
     */
    private static final List<String> PROCESS_ALLOWED = List.of();
    private static final Pattern PROCESS = Pattern.compile("\\bProcessBuilder\\b|\\.exec\\s*\\(|\\bRuntime\\s*\\.\\s*getRuntime"
            + "|\"/bin/(?:ba)?sh\"");

    @Test
    void mainCodeStartsNoProcess() throws IOException {
        assertTrue(PROCESS.matcher("new ProcessBuilder(\"sh\")").find());
        assertTrue(PROCESS.matcher("Runtime.getRuntime().exec(cmd)").find());
        assertFalse(PROCESS.matcher("ProcessHandle.current().pid()").find());
        List<String> offenders = new ArrayList<>();
        for (Path root : List.of(REPO.resolve("native-bridge/src/main/java"), REPO.resolve("app/src/main/java"))) {
            for (Path f : javaFiles(root)) {
                String code = COMMENT.matcher(Files.readString(f)).replaceAll("");
                String name = REPO.relativize(f).toString();
                if (PROCESS.matcher(code).find() && !PROCESS_ALLOWED.contains(name)) {
                    offenders.add(name);
                }
            }
        }
        assertEquals(List.of(), offenders, "main code must not start processes (see PROCESS_ALLOWED)");
    }

    /**
     * Two doc comments in a row: JDK 23+'s javac ({@code -Xlint:all}, warnings are errors) refuses the first as
     * dangling, and JDK 17 says nothing, so only CI's JDK 25 pass used to catch it (twice).
     */
    private static final Pattern DANGLING_DOC = Pattern.compile("(?s)/\\*\\*.*?\\*/\\s*/\\*\\*");

    @Test
    void noDocCommentIsFollowedByAnother() throws IOException {
        assertTrue(DANGLING_DOC.matcher("/** old. */\n    /** new. */\n    void f() {}").find());
        assertFalse(DANGLING_DOC.matcher("/** a. */\n    void f() {}\n    /** b. */\n    void g() {}").find());
        List<String> offenders = new ArrayList<>();
        for (String module : List.of("native-bridge", "icons", "app", "packaging", "benchmarks")) {
            Path src = REPO.resolve(module).resolve("src");
            if (!Files.isDirectory(src)) {
                continue;
            }
            for (Path f : javaFiles(src)) {
                String text = Files.readString(f);
                Matcher m = DANGLING_DOC.matcher(text);
                while (m.find()) {
                    // the match may start at any earlier doc comment; its end is the second of the pair
                    long line = text.substring(0, m.end()).lines().count();
                    offenders.add(REPO.relativize(f) + ":" + line + ": a doc comment right after another");
                }
            }
        }
        assertEquals(List.of(), offenders, "doc comments not attached to a declaration");
    }
}
