package org.vfioinspector.bridge.sysfs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** File access for the readers: "absent" is an empty Optional, anything else that fails is an IOException. */
final class SysfsFiles {
    private SysfsFiles() {
    }

    /** The file's text, or empty when it does not exist. */
    static Optional<String> read(Path file) throws IOException {
        try {
            return Optional.of(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** The last name of a symlink's target, or empty when the link does not exist. */
    static Optional<String> linkTargetName(Path link) throws IOException {
        if (!Files.isSymbolicLink(link)) {
            if (Files.exists(link)) {
                throw new IOException(link + " is not a symbolic link");
            }
            return Optional.empty();
        }
        Path target = Files.readSymbolicLink(link);
        Path name = target.getFileName();
        if (name == null) {
            throw new IOException(link + " points to '" + target + "', which has no name");
        }
        return Optional.of(name.toString());
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
