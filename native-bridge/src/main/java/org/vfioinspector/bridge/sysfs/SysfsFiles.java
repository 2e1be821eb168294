package org.vfioinspector.bridge.sysfs;

import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** File access for the readers: "absent" is an empty Optional, anything else that fails is an IOException. */
final class SysfsFiles {
    private SysfsFiles() {
    }

    /** The file's text, or empty when it does not exist. */
    static Optional<String> read(Path file) throws IOException {
        // A plain stream costs open, fstat, read, close; Files.readAllBytes adds a size query, a second read and
        // thread bookkeeping, which a big host pays a hundred thousand times. A short read is the end of a regular
        // or sysfs file.
        byte[] buf = new byte[4096];
        int len = 0;
        try (FileInputStream in = new FileInputStream(file.toFile())) {
            int n;
            while ((n = in.read(buf, len, buf.length - len)) > 0) {
                len += n;
                if (len < buf.length) {
                    break;
                }
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
        } catch (FileNotFoundException e) {
            // FileInputStream names no reason; NIO tells missing (absent) from unreadable (an error) precisely.
            try {
                return Optional.of(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
            } catch (NoSuchFileException missing) {
                return Optional.empty();
            }
        }
        return Optional.of(new String(buf, 0, len, StandardCharsets.UTF_8));
    }

    /**
     * At most {@code limit} bytes of a binary file (sysfs {@code config}), or empty when it does not exist. A short
     * read is the end: sysfs returns only what the caller may see (256 bytes of config space to a non-root reader).
     */
    static Optional<byte[]> readBytes(Path file, int limit) throws IOException {
        byte[] buf = new byte[limit];
        int len = 0;
        try (java.io.InputStream in = Files.newInputStream(file)) {
            int n;
            while (len < limit && (n = in.read(buf, len, limit - len)) > 0) {
                len += n;
            }
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        return Optional.of(Arrays.copyOf(buf, len));
    }

    /** The last name of a symlink's target, or empty when the link does not exist. */
    static Optional<String> linkTargetName(Path link) throws IOException {
        Optional<Path> target = linkTarget(link);
        if (target.isEmpty()) {
            return Optional.empty();
        }
        Path name = target.get().getFileName();
        if (name == null) {
            throw new IOException(link + " points to '" + target.get() + "', which has no name");
        }
        return Optional.of(name.toString());
    }

    /** A symlink's target as written (one readlink), or empty when the link does not exist. */
    static Optional<Path> linkTarget(Path link) throws IOException {
        try {
            return Optional.of(Files.readSymbolicLink(link));
        } catch (NotLinkException e) {
            throw new IOException(link + " is not a symbolic link");
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** The names in a directory, unsorted (one directory read); empty when it does not exist. */
    static Set<String> names(Path dir) throws IOException {
        Set<String> names = new HashSet<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                names.add(p.getFileName().toString());
            }
        } catch (NoSuchFileException | NotDirectoryException e) {
            return Set.of();
        }
        return names;
    }

    /** The names in a directory, sorted; empty when it does not exist. */
    static List<String> list(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                names.add(p.getFileName().toString());
            }
        } catch (NoSuchFileException | NotDirectoryException e) {
            return List.of();
        }
        names.sort(null);
        return names;
    }
}
