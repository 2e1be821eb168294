package org.vfioinspector.bridge.sysfs;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Extracts a real-kernel sysfs snapshot from the test resources into a directory, with tar. */
public final class SnapshotFixture {
    public static final String Q35 = "qemu-q35-intel-linux7.2.13";

    private SnapshotFixture() {
    }

    /** Extracts {@code sysfs/NAME.tar.gz} into {@code into} and returns {@code into/NAME} (which holds sys/). */
    public static Path extract(String name, Path into) throws IOException, InterruptedException, URISyntaxException {
        URL url = SnapshotFixture.class.getResource("/sysfs/" + name + ".tar.gz");
        if (url == null) {
            throw new IllegalStateException("missing test resource sysfs/" + name + ".tar.gz");
        }
        Path tarball = Path.of(url.toURI());
        Process p = new ProcessBuilder("tar", "-xzf", tarball.toString(), "-C", into.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("tar failed on " + tarball + ": " + out);
        }
        Path root = into.resolve(name);
        if (!Files.isDirectory(root.resolve("sys"))) {
            throw new IOException(tarball + " has no " + name + "/sys");
        }
        return root;
    }
}
