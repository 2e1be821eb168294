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
        String training = System.getProperty(Training.PROPERTY);
        if (training != null && args.length == 0) {
            Training.run(training);
            return;
        }
        if (args.length == 0) {
            startGui(args);
            return;
        }
        System.exit(Cli.run(args, System.out, System.err));
    }

    static void startGui(String[] args) {
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
    }
}
