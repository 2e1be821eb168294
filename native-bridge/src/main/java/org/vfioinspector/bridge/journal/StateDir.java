package org.vfioinspector.bridge.journal;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where the app keeps what it must not lose between runs (the session journal, exercise progress) and its settings,
 * as the XDG Base Directory specification says: {@code $XDG_STATE_HOME/vfio-inspector} (else
 * {@code $HOME/.local/state/vfio-inspector}) and {@code $XDG_CONFIG_HOME/vfio-inspector} (else
 * {@code $HOME/.config/vfio-inspector}); a variable that is unset, empty or not absolute is ignored. The home is
 * {@code $HOME} from the environment: Java's {@code user.home} comes from the passwd entry, which is not where a
 * user who set HOME wants their files, so it is only the fallback when HOME itself is unusable. Tests pass their
 * own environment.
 */
public final class StateDir {
    public static final String APP = "vfio-inspector";

    private StateDir() {
    }

    /** The state directory for this environment (not created here). */
    public static Path of(Map<String, String> env, String passwdHome) {
        return xdg(env, "XDG_STATE_HOME").orElseGet(() -> home(env, passwdHome).resolve(".local").resolve("state"))
                .resolve(APP);
    }

    /** The settings directory for this environment (not created here). */
    public static Path config(Map<String, String> env, String passwdHome) {
        return xdg(env, "XDG_CONFIG_HOME").orElseGet(() -> home(env, passwdHome).resolve(".config")).resolve(APP);
    }

    /** {@code $HOME} when it is an absolute path, else the passwd home. */
    static Path home(Map<String, String> env, String passwdHome) {
        return absolute(env.get("HOME")).orElseGet(() -> Path.of(passwdHome));
    }

    private static Optional<Path> xdg(Map<String, String> env, String name) {
        return absolute(env.get(name));
    }

    private static Optional<Path> absolute(String value) {
        return Optional.ofNullable(value).filter(s -> !s.isBlank()).map(Path::of).filter(Path::isAbsolute);
    }

    /** The state directory of the user running the app. */
    public static Path current() {
        return of(System.getenv(), System.getProperty("user.home"));
    }

    /** The settings directory of the user running the app. */
    public static Path currentConfig() {
        return config(System.getenv(), System.getProperty("user.home"));
    }
}
