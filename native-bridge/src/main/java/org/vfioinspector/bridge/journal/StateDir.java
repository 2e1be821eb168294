package org.vfioinspector.bridge.journal;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where the app keeps what it must not lose between runs (the session journal, exercise progress): the XDG Base
 * Directory state home, {@code $XDG_STATE_HOME/vfio-inspector}, or {@code ~/.local/state/vfio-inspector} when the
 * variable is unset, empty or not absolute (as the specification says). Tests pass their own environment.
 */
public final class StateDir {
    public static final String APP = "vfio-inspector";

    private StateDir() {
    }

    /** The state directory for this user (not created here). */
    public static Path of(Map<String, String> env, String userHome) {
        Optional<Path> xdg = Optional.ofNullable(env.get("XDG_STATE_HOME")).filter(s -> !s.isBlank()).map(Path::of)
                .filter(Path::isAbsolute);
        return xdg.orElseGet(() -> Path.of(userHome, ".local", "state")).resolve(APP);
    }

    /** The state directory of the user running the app. */
    public static Path current() {
        return of(System.getenv(), System.getProperty("user.home"));
    }
}
