package org.vfioinspector.app.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Test helpers: the real-kernel snapshot (kept in native-bridge's test resources) and in-process CLI runs. */
final class Snapshots {
    static final String Q35 = "qemu-q35-intel-linux7.2.13";
    /** A Firecracker guest with one NVIDIA H200 passed through, no vIOMMU, Linux 6.18 (the lent GPU machine). */
    static final String H200 = "firecracker-h200-linux6.18.44";

    private Snapshots() {
    }

    /** Extracts the QEMU q35 snapshot into {@code into} with tar and returns the directory that holds sys/. */
    static Path extract(Path into) throws IOException, InterruptedException {
        return extract(into, Q35);
    }

    /** Extracts snapshot {@code name} (a tarball of native-bridge's test resources) and returns its directory. */
    static Path extract(Path into, String name) throws IOException, InterruptedException {
        Path tarball = Path.of("..", "native-bridge", "src", "test", "resources", "sysfs", name + ".tar.gz")
                .toAbsolutePath().normalize();
        if (!Files.isRegularFile(tarball)) {
            throw new IOException("missing fixture " + tarball);
        }
        Process p = new ProcessBuilder("tar", "-xzf", tarball.toString(), "-C", into.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("tar failed: " + out);
        }
        return into.resolve(name);
    }

    record Result(int exit, String out, String err) {
    }

    static Result cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            exit = Cli.run(args, o, e);
        }
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
