package org.vfioinspector.app;

import org.vfioinspector.app.cli.Cli;

/**
 * Entry point of {@code vfio-inspector.jar}. With no argument it starts the desktop inspector; with a command it
 * is the CLI, which never loads a JavaFX class (so it runs on headless servers and inside the test guest).
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        if (args.length == 0) {
            // Loaded by name so that the CLI path never links against JavaFX.
            try {
                Class.forName("org.vfioinspector.app.gui.GuiLauncher")
                        .getMethod("launch", String[].class)
                        .invoke(null, (Object) args);
            } catch (ReflectiveOperationException e) {
                Throwable cause = e instanceof java.lang.reflect.InvocationTargetException && e.getCause() != null
                        ? e.getCause() : e;
                System.err.println("vfio-inspector: cannot start the desktop inspector: " + cause);
                System.exit(1);
            }
            return;
        }
        System.exit(Cli.run(args, System.out, System.err));
    }
}
