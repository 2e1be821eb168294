package org.vfioinspector.app;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.vfioinspector.app.cli.Cli;

/**
 * The run the installers' class archive is made from ({@code packaging/build.sh}: the app-image's launcher with
 * {@code -Dvfioinspector.training=HOST} and the JDK's archive option): what a user's first runs load, in one JVM,
 * so that one archive serves both. First {@code list} of HOST as JSON and as text with {@code --explain} (output
 * dropped), then, where there is a display, the desktop inspector opened on HOST with the first frame traced
 * (build.sh ends it once the host is shown; the JVM writes the archive as it exits). Nothing else reads the property.
 */
final class Training {
    /** {@code -Dvfioinspector.training=lab:gpu-server}: run the training on that host. */
    static final String PROPERTY = "vfioinspector.training";

    private Training() {
    }

    static void run(String host) {
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
        for (String[] args : new String[][] {{"list", "--json", "--host", host}, {"list", "--explain", "--host", host}}) {
            int exit = Cli.run(args, sink, System.err);
            if (exit != 0) {
                System.err.println("vfio-inspector training: list --host " + host + " exited " + exit);
                System.exit(exit);
            }
        }
        if (System.getenv("DISPLAY") == null && System.getenv("WAYLAND_DISPLAY") == null) {
            System.err.println("vfio-inspector training: no display, so the command line only");
            System.exit(0);
        }
        System.setProperty("vfioinspector.host", host);
        System.setProperty("vfioinspector.traceStartup", "true");
        Main.startGui(new String[0]);
    }
}
