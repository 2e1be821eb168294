package org.vfioinspector.bridge.exercise;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Exercise progress on disk: one JSON file per exercise under {@code STATE/exercises/NAME.json} (STATE from
 * {@link org.vfioinspector.bridge.journal.StateDir}), written to a temporary file and moved into place so that a
 * crash leaves the old or the new progress, never half of one. Blocking: call it off the FX thread.
 */
public final class ProgressStore {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path dir;

    /** @param stateDir the app's state directory; progress goes to its {@code exercises/} folder */
    public ProgressStore(Path stateDir) {
        this.dir = stateDir.resolve("exercises");
    }

    public Path file(String exercise) {
        return dir.resolve(exercise + ".json");
    }

    /** The saved progress, empty when there is none; a damaged file is an error naming it. */
    public Optional<Progress> load(String exercise) throws IOException {
        Path f = file(exercise);
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        try {
            Progress p = JSON.readValue(org.vfioinspector.bridge.input.InputFiles.readUtf8(f, 1 << 20),
                    Progress.class);
            if (p == null || !exercise.equals(p.exercise())) {
                throw new IOException(f + ": not the progress of exercise '" + exercise + "'");
            }
            return Optional.of(p);
        } catch (JsonProcessingException e) {
            throw new IOException(f + ":" + (e.getLocation() == null ? "" : e.getLocation().getLineNr() + ":")
                    + " damaged exercise progress (" + e.getOriginalMessage() + "); delete it to start over", e);
        }
    }

    public void save(Progress p) throws IOException {
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, p.exercise(), ".tmp");
        try {
            Files.writeString(tmp, JSON.writeValueAsString(p), StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file(p.exercise()), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file(p.exercise()), StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public void clear(String exercise) throws IOException {
        Files.deleteIfExists(file(exercise));
    }
}
