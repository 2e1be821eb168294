package org.vfioinspector.bridge.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.vfioinspector.bridge.input.InputFiles;
import org.vfioinspector.bridge.model.PciAddress;

/**
 * Reads a session journal back. A journal is written by a process that may have been killed at any moment, so
 * reading never fails on content: a torn last line (the process died while writing it) and any line that is not a
 * journal record are skipped with a note naming the line and what was expected; every good record is kept.
 */
public final class JournalReader {
    private JournalReader() {
    }

    /** A journal as read: its header's start time (if the header was readable), the records, and the notes. */
    public record Journal(String source, Optional<Instant> started, List<Activity> entries, List<String> notes) {
        public Journal {
            entries = List.copyOf(entries);
            notes = List.copyOf(notes);
        }
    }

    /** A journal's size bound: a session writes a few hundred bytes per action, so this is years of use. */
    public static final int MAX_BYTES = 256 << 20;

    /**
     * Reads a journal file. Each line is decoded on its own: one that is not UTF-8 (a kill can tear a multi-byte
     * character) is skipped with a note naming its line, and every other record comes back.
     *
     * @throws IOException the file cannot be read at all (missing, unreadable, not a regular file, over
     *                     {@link #MAX_BYTES}); the message names it in words
     */
    public static Journal read(Path file) throws IOException {
        byte[] bytes = InputFiles.read(file, MAX_BYTES);
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == '\n') {
                if (i < bytes.length || start < bytes.length) {
                    lines.add(decode(bytes, start, i));
                }
                start = i + 1;
            }
        }
        boolean torn = bytes.length > 0 && bytes[bytes.length - 1] != '\n';
        return parse(file.toString(), lines, torn);
    }

    /** One line as UTF-8, or null when it is not UTF-8. */
    private static String decode(byte[] bytes, int from, int to) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, from, to - from)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Parses journal text; {@code source} names it in the notes. */
    public static Journal parse(String source, String text) {
        String[] split = text.split("\n", -1);
        // text ending in '\n' leaves one empty last element: every line before it is complete
        boolean torn = !text.isEmpty() && !text.endsWith("\n");
        int last = text.isEmpty() ? 0 : split.length - (torn ? 0 : 1);
        return parse(source, List.of(split).subList(0, last), torn);
    }

    /** The lines of a journal (null: a line that is not UTF-8); {@code torn}: the last one has no newline. */
    private static Journal parse(String source, List<String> lines, boolean torn) {
        List<Activity> entries = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Optional<Instant> started = Optional.empty();
        int last = lines.size();
        int undecodable = 0;
        for (int i = 0; i < last; i++) {
            String line = lines.get(i);
            int no = i + 1;
            if (torn && i == last - 1) {
                notes.add(source + ": line " + no + " is incomplete (the app stopped while writing it; "
                        + (line == null ? "not UTF-8" : line.length() + " characters") + "): skipped");
                break;
            }
            if (line == null) {
                undecodable++;
                notes.add(source + ": line " + no + " is not UTF-8 text: skipped");
                continue;
            }
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode n = SessionJournal.JSON.readTree(line);
                if (n == null || !n.isObject()) {
                    throw new IllegalArgumentException("expected a JSON object");
                }
                if (n.has("format")) {
                    if (!SessionJournal.FORMAT.equals(n.path("format").asText())) {
                        throw new IllegalArgumentException("expected format \"" + SessionJournal.FORMAT + "\"");
                    }
                    started = Optional.of(instant(n, "started"));
                    continue;
                }
                entries.add(activity(n));
            } catch (JsonProcessingException e) {
                notes.add(source + ": line " + no + " is not JSON (" + e.getOriginalMessage() + "): skipped");
            } catch (IllegalArgumentException e) {
                notes.add(source + ": line " + no + ": " + e.getMessage() + ": skipped");
            }
        }
        if (undecodable > 1) {
            notes.add(source + ": " + undecodable + " lines were not UTF-8 text");
        }
        if (!lines.isEmpty() && started.isEmpty()) {
            notes.add(0, source + ": no journal header (a first line with \"format\": \"" + SessionJournal.FORMAT
                    + "\")");
        }
        return new Journal(source, started, entries, notes);
    }

    private static Activity activity(JsonNode n) {
        long seq = number(n, "seq");
        Instant at = instant(n, "at");
        Activity.Type type;
        String t = text(n, "type");
        try {
            type = Activity.Type.valueOf(t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("field \"type\" is \"" + t + "\", expected one of HOST, ACTION, EVENT",
                    e);
        }
        JsonNode dev = n.get("device");
        PciAddress device = null;
        if (dev != null && !dev.isNull()) {
            if (!dev.isTextual() || !PciAddress.isValid(dev.asText())) {
                throw new IllegalArgumentException("field \"device\" is " + dev + ", expected a PCI address like "
                        + "\"0000:00:04.0\" or null");
            }
            device = PciAddress.parse(dev.asText());
        }
        long region = number(n, "region");
        if (region < -1 || region > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("field \"region\" is " + region + ", expected -1 or a region index");
        }
        Map<String, String> facts = new LinkedHashMap<>();
        JsonNode f = n.get("facts");
        if (f != null && !f.isNull()) {
            if (!f.isObject()) {
                throw new IllegalArgumentException("field \"facts\" is " + f.getNodeType().name()
                        .toLowerCase(Locale.ROOT) + ", expected an object of strings");
            }
            for (Map.Entry<String, JsonNode> e : f.properties()) {
                if (!e.getValue().isTextual()) {
                    throw new IllegalArgumentException("fact \"" + e.getKey() + "\" is not a string");
                }
                facts.put(e.getKey(), e.getValue().asText());
            }
        }
        JsonNode detail = n.get("detail");
        return new Activity(seq, at, type, text(n, "operation"), device, (int) region, text(n, "result"),
                detail == null || detail.isNull() ? "" : detail.asText(), facts);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("field \"" + field + "\" is " + (v == null ? "missing" : v.toString())
                    + ", expected a string");
        }
        return v.asText();
    }

    private static long number(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.canConvertToLong() || !v.isIntegralNumber()) {
            throw new IllegalArgumentException("field \"" + field + "\" is " + (v == null ? "missing" : v.toString())
                    + ", expected an integer");
        }
        return v.asLong();
    }

    private static Instant instant(JsonNode n, String field) {
        String s = text(n, field);
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("field \"" + field + "\" is \"" + s + "\", expected an ISO-8601 "
                    + "instant like 2026-11-21T10:15:00Z", e);
        }
    }
}
