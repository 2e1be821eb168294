package org.vfioinspector.bridge.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StateDirTest {
    @Test
    void followsXdgStateHomeWhenAbsolute() {
        assertEquals(Path.of("/tmp/st/vfio-inspector"), StateDir.of(Map.of("XDG_STATE_HOME", "/tmp/st"), "/home/u"));
    }

    @Test
    void fallsBackToLocalStateWhenUnsetEmptyOrRelative() {
        Path expected = Path.of("/home/u/.local/state/vfio-inspector");
        assertEquals(expected, StateDir.of(Map.of(), "/home/u"));
        assertEquals(expected, StateDir.of(Map.of("XDG_STATE_HOME", ""), "/home/u"));
        assertEquals(expected, StateDir.of(Map.of("XDG_STATE_HOME", "relative/dir"), "/home/u"));
    }

    @Test
    void homeFromTheEnvironmentWinsOverThePasswdHome() {
        // java's user.home is the passwd entry (/root here); a user who set HOME wants their files there
        Map<String, String> env = Map.of("HOME", "/tmp/elsewhere");
        assertEquals(Path.of("/tmp/elsewhere/.local/state/vfio-inspector"), StateDir.of(env, "/root"));
        assertEquals(Path.of("/tmp/elsewhere/.config/vfio-inspector"), StateDir.config(env, "/root"));
        assertEquals(Path.of("/root/.config/vfio-inspector"), StateDir.config(Map.of("HOME", "rel"), "/root"));
    }

    @Test
    void followsXdgConfigHomeWhenAbsolute() {
        assertEquals(Path.of("/c/vfio-inspector"),
                StateDir.config(Map.of("XDG_CONFIG_HOME", "/c", "HOME", "/tmp/h"), "/root"));
        assertEquals(Path.of("/tmp/h/.config/vfio-inspector"),
                StateDir.config(Map.of("XDG_CONFIG_HOME", "c", "HOME", "/tmp/h"), "/root"));
    }
}
