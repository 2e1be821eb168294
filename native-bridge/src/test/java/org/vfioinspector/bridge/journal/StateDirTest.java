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
}
