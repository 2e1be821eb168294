package org.vfioinspector.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.vfioinspector.bridge.host.Host;
import org.vfioinspector.bridge.input.IoMessages;
import org.vfioinspector.bridge.input.TextEscape;
import org.vfioinspector.bridge.kernel.Kernel;
import org.vfioinspector.bridge.lab.scenario.ScenarioException;
import org.vfioinspector.bridge.lab.scenario.ScenarioLoader;
import picocli.CommandLine;

/**
 * Which host a command looks at, as given to {@code --host}: {@code local} (this machine), {@code sysfs:DIR} (a
 * snapshot laid out like a root filesystem: DIR/sys, optionally DIR/dev and DIR/proc) or {@code lab:NAME} /
 * {@code lab:FILE} (a lab scenario: built in, or a scenario YAML file).
 *
 * @param kind     what sort of host
 * @param dir      the snapshot directory for {@link Kind#SYSFS}
 * @param scenario the scenario name or file for {@link Kind#LAB}
 */
public record HostSpec(Kind kind, Optional<Path> dir, Optional<String> scenario) {
    public enum Kind {
        LOCAL("local"), SYSFS("sysfs"), LAB("lab");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** The name in {@code --host} and in JSON. */
        public String label() {
            return label;
        }
    }

    public static final String SYNTAX = "local, sysfs:DIR (a directory that contains sys/) or lab:NAME|FILE "
            + "(built-in lab scenarios: " + String.join(", ", ScenarioLoader.BUILT_IN) + ")";

    public HostSpec {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(scenario, "scenario");
        if ((kind == Kind.SYSFS) != dir.isPresent() || (kind == Kind.LAB) != scenario.isPresent()) {
            throw new IllegalArgumentException(kind + " host with dir " + dir + " and scenario " + scenario);
        }
    }

    public static HostSpec local() {
        return new HostSpec(Kind.LOCAL, Optional.empty(), Optional.empty());
    }

    /**
     * Parses a {@code --host} value and checks what can be checked without reading the host: that a snapshot
     * directory holds {@code sys/}, that a lab scenario is built in or an existing file.
     *
     * @throws IllegalArgumentException naming the text and what is accepted
     */
    public static HostSpec parse(String text) {
        Objects.requireNonNull(text, "text");
        try {
            return parsePaths(text);
        } catch (InvalidPathException e) {
            // LC_ALL=C: Java encodes file names with the locale's charset, which has no non-ASCII characters
            throw new IllegalArgumentException("'" + TextEscape.escape(text) + "': " + IoMessages.describe(
                    TextEscape.escape(e.getInput()), e), e);
        }
    }

    private static HostSpec parsePaths(String text) {
        if (text.equals(Kind.LOCAL.label())) {
            return local();
        }
        String sysfs = Kind.SYSFS.label() + ":";
        if (text.startsWith(sysfs)) {
            String d = text.substring(sysfs.length());
            if (d.isEmpty()) {
                throw new IllegalArgumentException("'" + text + "': sysfs: needs a directory, e.g. sysfs:/tmp/snapshot");
            }
            Path dir = Path.of(d);
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException("'" + text + "': " + dir + " is not a directory");
            }
            if (!Files.isDirectory(dir.resolve("sys"))) {
                throw new IllegalArgumentException("'" + text + "': " + dir + " has no sys/ directory; expected a "
                        + "snapshot laid out like a root filesystem (DIR/sys/bus/pci/devices, ...)");
            }
            return new HostSpec(Kind.SYSFS, Optional.of(dir), Optional.empty());
        }
        String lab = Kind.LAB.label() + ":";
        if (text.startsWith(lab)) {
            String s = text.substring(lab.length());
            if (!ScenarioLoader.BUILT_IN.contains(s) && !Files.isRegularFile(Path.of(s))) {
                throw new IllegalArgumentException("'" + text + "': '" + s + "' is neither a built-in lab scenario ("
                        + String.join(", ", ScenarioLoader.BUILT_IN) + ") nor a scenario file");
            }
            return new HostSpec(Kind.LAB, Optional.empty(), Optional.of(s));
        }
        throw new IllegalArgumentException("'" + text + "' is not a host; expected " + SYNTAX);
    }

    /**
     * Opens the host. The real kernel of {@code local} is created by {@code localKernel} only when a command needs
     * one.
     *
     * @throws ScenarioException a lab scenario file that does not load (names file, line and column)
     * @throws IOException       the lab host's tree cannot be written
     */
    public Host open(Supplier<Kernel> localKernel) throws ScenarioException, IOException {
        switch (kind) {
            case SYSFS:
                return Host.snapshot(dir.orElseThrow());
            case LAB:
                return Host.lab(scenario.orElseThrow());
            default:
                return Host.local(localKernel);
        }
    }

    /**
     * For the commands that act on a kernel: a sysfs snapshot has none, a usage error that names --host.
     *
     * @param toDo what the command would do with it (" to probe"), or ""
     */
    public void requireKernel(CommandLine cl, String toDo) {
        if (kind == Kind.SYSFS) {
            throw new CommandLine.ParameterException(cl, "--host " + this + ": a sysfs snapshot has no kernel behind it"
                    + toDo + "; use local or lab:NAME");
        }
    }

    /**
     * What a command prints and answers when this host cannot be opened or read: a bad scenario is a usage error, a
     * host that cannot be read has its own exit code. The messages quote a scenario's text and paths: escaped, so a
     * crafted scenario or file name sends no control character to the terminal.
     */
    public int failed(PrintWriter err, String command, Exception e) {
        if (e instanceof ScenarioException) {
            err.println("vfio-inspector " + command + ": " + TextEscape.escape(e.getMessage()));
            return Cli.EXIT_USAGE;
        }
        err.println("vfio-inspector " + command + ": cannot read host " + TextEscape.escape(toString()) + ": "
                + TextEscape.escape(e instanceof IOException io ? IoMessages.describe(io) : e.getMessage()));
        return Cli.EXIT_HOST_UNREADABLE;
    }

    @Override
    public String toString() {
        return dir.map(d -> kind.label() + ":" + d).or(() -> scenario.map(s -> kind.label() + ":" + s))
                .orElse(kind.label());
    }

    /** picocli converter: a bad value is a usage error (exit code 2). */
    public static final class Converter implements CommandLine.ITypeConverter<HostSpec> {
        @Override
        public HostSpec convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
