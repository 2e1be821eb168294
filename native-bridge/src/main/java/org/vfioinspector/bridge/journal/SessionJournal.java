package org.vfioinspector.bridge.journal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.vfioinspector.bridge.input.RefusedFileException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The session journal: an {@link ActivityLog} listener that appends every {@link Activity} as one JSON line to this
 * session's file under {@code StateDir/journal/}. Each line goes to the kernel with one {@code write(2)} before the
 * listener returns (no user-space buffer), so a crash or {@code kill -9} after a record was shown loses nothing;
 * the page cache survives the process, not a power loss (there is no {@code fsync} per record: see
 * {@link #syncOnEveryRecord}).
 *
 * <p>{@link #create} does no I/O (it runs on the FX thread); {@link #open()} creates the directory and the file, on
 * a background thread. Records that arrive before the file is open wait in memory, in order, and are written by
 * {@code open()}.
 */
public final class SessionJournal implements Consumer<Activity>, AutoCloseable {
    /** The first line of every journal: what it is and which format. */
    public static final String FORMAT = "vfio-inspector-journal";
    public static final int VERSION = 1;
    private static final System.Logger LOG = System.getLogger(SessionJournal.class.getName());
    static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final Path file;
    private final Instant started;
    private final int keep;
    private final boolean syncOnEveryRecord;
    private final List<Activity> pending = new ArrayList<>();
    private FileChannel out;
    private IOException failure;
    private long written;

    private SessionJournal(Path dir, Path file, Instant started, int keep, boolean syncOnEveryRecord) {
        this.dir = dir;
        this.file = file;
        this.started = started;
        this.keep = keep;
        this.syncOnEveryRecord = syncOnEveryRecord;
    }

    /**
     * A journal for a session starting now, in {@code dir} (usually {@link Journals#dir(Path)}); {@code keep}
     * journals are kept (this one and {@code keep - 1} earlier ones). No I/O here.
     */
    public static SessionJournal create(Path dir, Clock clock, int keep, boolean syncOnEveryRecord) {
        if (keep < 1) {
            throw new IllegalArgumentException("keep must be at least 1 (this session), got " + keep);
        }
        Instant now = clock.instant();
        return new SessionJournal(dir, dir.resolve(Journals.fileName(now, ProcessHandle.current().pid())), now, keep,
                syncOnEveryRecord);
    }

    /** Creates the directory and the file, writes the header and what arrived so far, drops the oldest journals. */
    public synchronized void open() throws IOException {
        if (out != null) {
            return;
        }
        try {
            for (Path p = dir; p != null; p = p.getParent()) {
                // a regular file where the state directory should be: said in one line, not a stack trace
                if (Files.exists(p)) {
                    if (!Files.isDirectory(p)) {
                        throw new RefusedFileException(p.toString(), "is not a directory, expected the state "
                                + "directory (remove or rename it): this session keeps no journal");
                    }
                    break;
                }
            }
            Files.createDirectories(dir);
            Journals.prune(dir, keep - 1);
            out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            ObjectNode header = JSON.createObjectNode();
            header.put("format", FORMAT).put("version", VERSION).put("started", started.toString())
                    .put("pid", ProcessHandle.current().pid());
            writeLine(header);
            for (Activity a : pending) {
                writeLine(toJson(a));
            }
            pending.clear();
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }

    /** Appends {@code a}; returns once the line is in the kernel's hands (or the journal has failed). */
    @Override
    public synchronized void accept(Activity a) {
        if (failure != null) {
            return;
        }
        if (out == null) {
            pending.add(a);
            return;
        }
        try {
            writeLine(toJson(a));
        } catch (IOException e) {
            // the session goes on without a journal; the failure is shown by whoever asks for it
            failure = e;
            LOG.log(System.Logger.Level.WARNING, "Session journal " + file + " failed at #" + a.seq(), e);
        }
    }

    private void writeLine(ObjectNode node) throws IOException {
        byte[] line = (JSON.writeValueAsString(node) + "\n").getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.wrap(line);
        while (buf.hasRemaining()) {
            out.write(buf);
        }
        if (syncOnEveryRecord) {
            out.force(false);
        }
        written++;
    }

    /** The journal's file (it exists once {@link #open()} succeeded). */
    public Path file() {
        return file;
    }

    /** Why the journal stopped writing, if it did (disk full, no permission, ...). */
    public synchronized Optional<IOException> failure() {
        return Optional.ofNullable(failure);
    }

    /** Lines written so far, the header included. */
    public synchronized long linesWritten() {
        return written;
    }

    @Override
    public synchronized void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException("Closing the session journal " + file, e);
            } finally {
                out = null;
                failure = failure != null ? failure : new IOException("closed");
            }
        }
    }

    /** One journal line for {@code a}; plain strings and numbers so that it reads back without the app's classes. */
    static ObjectNode toJson(Activity a) {
        ObjectNode n = JSON.createObjectNode();
        n.put("seq", a.seq()).put("at", a.at().toString()).put("type", a.type().name())
                .put("operation", a.operation());
        if (a.device() == null) {
            n.putNull("device");
        } else {
            n.put("device", a.device().toString());
        }
        n.put("region", a.region()).put("result", a.result()).put("detail", a.detail());
        ObjectNode facts = n.putObject("facts");
        for (Map.Entry<String, String> f : new java.util.TreeMap<>(a.facts()).entrySet()) {
            facts.put(f.getKey(), f.getValue());
        }
        return n;
    }
}
