package org.vfioinspector.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vfioinspector.bridge.sysfs.HostPaths;

class HostSpecTest {
    @Test
    void local() throws Exception {
        HostSpec s = HostSpec.parse("local");
        assertEquals(HostSpec.Kind.LOCAL, s.kind());
        assertEquals(HostPaths.live(), s.open(() -> null).paths());
        assertEquals("local", s.toString());
    }

    @Test
    void sysfsDir(@TempDir Path tmp) throws Exception {
        Files.createDirectories(tmp.resolve("sys"));
        HostSpec s = HostSpec.parse("sysfs:" + tmp);
        assertEquals(HostSpec.Kind.SYSFS, s.kind());
        assertEquals(Optional.of(tmp), s.dir());
        assertEquals(HostPaths.under(tmp), s.open(() -> null).paths());
        assertEquals(tmp.resolve("sys"), s.open(() -> null).paths().sys());
    }

    @Test
    void rejects(@TempDir Path tmp) {
        for (String bad : new String[] {"", "Local", "lab:x", "sysfs:", "sysfs:" + tmp.resolve("missing"),
            "sysfs:" + tmp, tmp.toString()}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostSpec.parse(bad), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> HostSpec.parse("sysfs:" + tmp)).getMessage()
                .contains("no sys/"));
    }

    @Test
    void aCommandThatNeedsAKernelRefusesASnapshotAndSaysWhyAHostFailed(@TempDir Path tmp) throws Exception {
        Files.createDirectories(tmp.resolve("sys"));
        picocli.CommandLine cl = new picocli.CommandLine(new Cli());
        HostSpec snapshot = HostSpec.parse("sysfs:" + tmp);
        picocli.CommandLine.ParameterException e = assertThrows(picocli.CommandLine.ParameterException.class,
                () -> snapshot.requireKernel(cl, " to probe"));
        assertEquals("--host sysfs:" + tmp + ": a sysfs snapshot has no kernel behind it to probe; use local or "
                + "lab:NAME", e.getMessage());
        HostSpec.parse("local").requireKernel(cl, ""); // a kernel: nothing to say

        java.io.StringWriter text = new java.io.StringWriter();
        java.io.PrintWriter err = new java.io.PrintWriter(text, true);
        assertEquals(Cli.EXIT_USAGE, snapshot.failed(err, "probe", new org.vfioinspector.bridge.lab.scenario
                .ScenarioException("x.yaml", 3, 1, "bad", null)));
        assertTrue(text.toString().startsWith("vfio-inspector probe: "), text.toString());
        text.getBuffer().setLength(0);
        assertEquals(Cli.EXIT_HOST_UNREADABLE, snapshot.failed(err, "witness", new java.io.IOException("gone")));
        assertEquals("vfio-inspector witness: cannot read host sysfs:" + tmp + ": gone", text.toString().strip());

        // a crafted scenario's text or a file name reaches the terminal escaped, for every command alike
        text.getBuffer().setLength(0);
        snapshot.failed(err, "list", new org.vfioinspector.bridge.lab.scenario.ScenarioException("x.yaml", 3, 1,
                "bad \u001b]0;owned\u0007 name", null));
        assertFalse(text.toString().contains("\u001b"), text.toString());
        assertTrue(text.toString().contains("\\x1b]0;owned\\x07"), text.toString());
        text.getBuffer().setLength(0);
        snapshot.failed(err, "probe", new java.nio.file.NoSuchFileException("/sys/bus/pci/devices/\u001b[2J"));
        assertFalse(text.toString().contains("\u001b"), text.toString());
        assertTrue(text.toString().contains("\\x1b[2J"), text.toString());
    }
}
