package org.vfioinspector.app.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.vfioinspector.bridge.sysfs.HostPaths;
import picocli.CommandLine;

/**
 * Which host a command reads, as given to {@code --host}: {@code local} (this machine) or {@code sysfs:DIR} (a
 * snapshot laid out like a root filesystem: DIR/sys, optionally DIR/dev and DIR/proc). New kinds (a lab host) are
 * added here.
 *
 * @param kind what sort of host
 * @param dir  the snapshot directory for {@link Kind#SYSFS}
 */
public record HostSpec(Kind kind, Optional<Path> dir) {
    public enum Kind {
        LOCAL("local"), SYSFS("sysfs");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** The name in {@code --host} and in JSON. */
        public String label() {
            return label;
        }
    }

    public static final String SYNTAX = "local or sysfs:DIR (a directory that contains sys/)";

    public HostSpec {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(dir, "dir");
        if ((kind == Kind.SYSFS) != dir.isPresent()) {
            throw new IllegalArgumentException(kind + " host with dir " + dir);
        }
    }

    public static HostSpec local() {
        return new HostSpec(Kind.LOCAL, Optional.empty());
    }

    /**
     * Parses a {@code --host} value and checks that a snapshot directory holds {@code sys/}.
     *
     * @throws IllegalArgumentException naming the text and what is accepted
     */
    public static HostSpec parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.equals(Kind.LOCAL.label())) {
            return local();
        }
        String prefix = Kind.SYSFS.label() + ":";
        if (text.startsWith(prefix)) {
            String d = text.substring(prefix.length());
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
            return new HostSpec(Kind.SYSFS, Optional.of(dir));
        }
        throw new IllegalArgumentException("'" + text + "' is not a host; expected " + SYNTAX);
    }

    /** The roots to read. */
    public HostPaths paths() {
        return dir.map(HostPaths::under).orElseGet(HostPaths::live);
    }

    @Override
    public String toString() {
        return dir.map(d -> kind.label() + ":" + d).orElse(kind.label());
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
