package org.vfioinspector.app.gui;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.vfioinspector.app.gui.common.AppPrefs;

/** Test fixtures: the real-kernel sysfs snapshot extracted to a temp dir, and throw-away settings. */
public final class GuiFixtures {
    public static final String SNAPSHOT = "qemu-q35-intel-linux7.2.13";

    private GuiFixtures() {
    }

    /** Extracts the snapshot (kept in native-bridge's test resources) into {@code into}; returns the host root. */
    public static Path snapshot(Path into) throws IOException, InterruptedException {
        Path tarball = Path.of("..", "native-bridge", "src", "test", "resources", "sysfs", SNAPSHOT + ".tar.gz")
                .toAbsolutePath().normalize();
        if (!Files.exists(tarball)) {
            throw new IllegalStateException("missing fixture " + tarball);
        }
        Process p = new ProcessBuilder("tar", "-xzf", tarball.toString(), "-C", into.toString())
                .redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("tar failed: " + new String(p.getInputStream().readAllBytes()));
        }
        return into.resolve(SNAPSHOT);
    }

    /** Settings that are never written: tests must not touch the user's own. */
    public static AppPrefs prefs() {
        return AppPrefs.inMemory();
    }
}
