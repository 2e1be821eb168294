package org.vfioinspector.bridge.sysfs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.vfioinspector.bridge.input.InputFiles;

/** File access for the readers: "absent" is an empty Optional, anything else that fails is an IOException. */
final class SysfsFiles {
    private SysfsFiles() {
    }

    /**
     * The file's text, or empty when it does not exist. Read by {@link InputFiles}: a FIFO, a device or a directory in
     * place of an attribute is refused unread, and no more than {@link InputFiles#SYSFS_MAX} bytes are read.
     */
    static Optional<String> read(Path file) throws IOException {
        try {
            // ISO-8859-1 would keep every byte; sysfs text is ASCII, and UTF-8 shows a stray non-ASCII name as
            // written (malformed bytes become U+FFFD, which the format checks then refuse).
            return Optional.of(new String(InputFiles.read(file, InputFiles.SYSFS_MAX), StandardCharsets.UTF_8));
        } catch (NoSuchFileException missing) {
            return Optional.empty();
        }
    }

    /**
     * At most {@code limit} bytes of a binary file (sysfs {@code config}), or empty when it does not exist. A short
     * read is the end: sysfs returns only what the caller may see (256 bytes of config space to a non-root reader).
     */
    static Optional<byte[]> readBytes(Path file, int limit) throws IOException {
        try {
            // the one bounded reader: refuses FIFOs and devices unopened, and more than limit bytes
            return Optional.of(InputFiles.read(file, limit));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
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

    /** Whether a directory has any entry (it reads only the first); false when it does not exist. */
    static boolean any(Path dir) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            return ds.iterator().hasNext();
        } catch (NoSuchFileException | NotDirectoryException e) {
            return false;
        }
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
