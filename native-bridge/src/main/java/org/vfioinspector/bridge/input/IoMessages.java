package org.vfioinspector.bridge.input;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * An I/O failure in words for the operator: the file and what is wrong with it ("permission denied", "is a
 * directory, expected a file"), never a Java class name.
 */
public final class IoMessages {
    private IoMessages() {
    }

    /** "FILE: problem" when the exception names its file, else the problem alone. */
    public static String describe(IOException e) {
        String file = e instanceof FileSystemException f ? f.getFile() : null;
        String what = problem(e);
        return file == null ? what : file + ": " + what;
    }

    /** What went wrong, without the file. */
    public static String problem(IOException e) {
        if (e instanceof RefusedFileException r) {
            return r.problem();
        }
        if (e instanceof NoSuchFileException n) {
            return n.getReason() != null ? n.getReason() : "does not exist";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof CharacterCodingException) {
            return "not UTF-8 text";
        }
        String reason = e instanceof FileSystemException f ? f.getReason() : e.getMessage();
        if (reason == null || reason.isBlank()) {
            return "cannot be read";
        }
        // The JDK's own wording of errno ("Is a directory", "Too many levels of symbolic links"), lower-cased
        return reason.equals("Is a directory") ? "is a directory, expected a file"
                : Character.toLowerCase(reason.charAt(0)) + reason.substring(1);
    }

    /**
     * A path the locale cannot encode: under {@code LC_ALL=C} Java turns file names into bytes with ASCII, so a name
     * with non-ASCII characters cannot be opened at all.
     */
    public static String describe(String path, InvalidPathException e) {
        return "'" + path + "' cannot be used as a file name in this locale: it has characters the locale's "
                + "charset cannot encode (" + System.getProperty("sun.jnu.encoding", "?") + "); run with a UTF-8 "
                + "locale, e.g. LC_ALL=C.UTF-8";
    }
}
