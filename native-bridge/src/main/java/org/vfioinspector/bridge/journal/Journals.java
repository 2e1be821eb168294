package org.vfioinspector.bridge.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The journal directory, {@code StateDir/journal/}: one file per session, named
 * {@code session-20261121T101500.123Z-4711.jsonl} (UTC start, pid), so that names sort by start time.
 */
public final class Journals {
    /** Journals kept by default: this session and the 19 before it. */
    public static final int DEFAULT_KEEP = 20;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final Pattern NAME = Pattern.compile("session-\\d{8}T\\d{6}\\.\\d{3}Z-\\d+\\.jsonl");

    private Journals() {
    }

    /** {@code stateDir/journal}. */
    public static Path dir(Path stateDir) {
        return stateDir.resolve("journal");
    }

    static String fileName(Instant started, long pid) {
        return "session-" + STAMP.format(started) + "-" + pid + ".jsonl";
    }

    /** The journals in {@code dir}, newest first; none when the directory does not exist. */
    public static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> NAME.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p))
                    .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed()).toList();
        }
    }

    /** The newest journal in {@code dir} other than {@code current} (this session's), if there is one. */
    public static Optional<Path> previous(Path dir, Path current) throws IOException {
        return list(dir).stream().filter(p -> !p.equals(current)).findFirst();
    }

    /** Deletes all but the {@code keep} newest journals (only files named like journals). */
    public static void prune(Path dir, int keep) throws IOException {
        List<Path> all = list(dir);
        for (Path old : all.subList(Math.min(keep, all.size()), all.size())) {
            Files.deleteIfExists(old);
        }
    }
}
