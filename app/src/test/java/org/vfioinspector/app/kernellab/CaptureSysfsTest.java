package org.vfioinspector.app.kernellab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kernel-lab/tools/capture-sysfs.sh, pointed at the sys/ of the real kernel's q35 snapshot, must capture that
 * snapshot again: the same files, links (targets), directories, modes and contents, nothing more. That is how a
 * capture of a real host (the GPU guest's fixture was made this way) is known to select what the fixtures hold.
 */
class CaptureSysfsTest {
    private static final Path SCRIPT = Path.of("..", "kernel-lab", "tools", "capture-sysfs.sh").toAbsolutePath()
            .normalize();
    private static final String Q35 = "qemu-q35-intel-linux7.2.13";

    @Test
    void capturingTheSnapshotGivesTheSnapshot(@TempDir Path tmp) throws Exception {
        Path fixtures = tmp.resolve("fixture");
        Files.createDirectories(fixtures);
        run(List.of("tar", "-xzf", Path.of("..", "native-bridge", "src", "test", "resources", "sysfs", Q35 + ".tar.gz")
                .toAbsolutePath().toString(), "-C", fixtures.toString()), Map.of());
        Path sys = fixtures.resolve(Q35).resolve("sys");
        Path out = tmp.resolve("out");
        Files.createDirectories(out);

        String said = run(List.of("sh", SCRIPT.toString(), out.toString(), "again"),
                Map.of("CAPTURE_SYS", sys.toString(), "CAPTURE_PROC", tmp.resolve("no-proc").toString(),
                        "LSPCI", "/nonexistent/lspci"));
        assertTrue(said.contains("again.tar.gz"), said);

        Map<String, String> expected = tree(sys);
        Map<String, String> captured = tree(out.resolve("again").resolve("sys"));
        assertEquals(836, expected.size() + 1, "the fixture's sys/ (with itself)");
        for (String p : expected.keySet()) {
            assertEquals(expected.get(p), captured.get(p), p);
        }
        assertEquals(expected.keySet(), captured.keySet(), "nothing more, nothing less");
        assertTrue(Files.size(out.resolve("again.tar.gz")) > 10_000);
    }

    @Test
    void badArgumentsAreNamed(@TempDir Path tmp) throws Exception {
        Process p = new ProcessBuilder("sh", SCRIPT.toString(), tmp.toString(), "no/slashes").redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), out);
        assertTrue(out.contains("NAME 'no/slashes': expected letters, digits"), out);

        Process q = new ProcessBuilder("sh", SCRIPT.toString(), tmp.resolve("missing").toString(), "x")
                .redirectErrorStream(true).start();
        String out2 = new String(q.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(q.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, q.exitValue(), out2);
        assertTrue(out2.contains("expected an existing directory"), out2);
    }

    /** Every path under {@code root} → its type, mode and content (a link: its target, as the kernel wrote it). */
    private static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                if (p.equals(root)) {
                    continue;
                }
                String rel = root.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    out.put(rel, "link " + Files.readSymbolicLink(p));
                } else {
                    String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p,
                            LinkOption.NOFOLLOW_LINKS));
                    out.put(rel, Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "dir " + mode
                            : "file " + mode + " " + HexFormat.of().formatHex(Files.readAllBytes(p)));
                }
            }
        }
        return out;
    }

    private static String run(List<String> cmd, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "hung: " + cmd);
        assertEquals(0, p.exitValue(), cmd + ":\n" + out);
        return out;
    }
}
