package org.vfioinspector.bridge.input;

import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;

/**
 * The one reader of files the app did not write (sysfs attributes, scenarios, exercises, journals): the file's type
 * is checked before it is opened (only a regular file is read; a FIFO would block forever, {@code /dev/zero} never
 * ends), and at most {@code max} bytes are read, so no input can hang the reader or run it out of memory.
 */
public final class InputFiles {
    /** Bound for one sysfs attribute: a text attribute holds one page (up to 64 KiB on arm64/ppc64 kernels). */
    public static final int SYSFS_MAX = 64 << 10;

    /** Each thread's read buffer: a page to start with, kept up to {@link #BUFFER_MAX} when a file needs more. */
    private static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[4096]);
    private static final int BUFFER_MAX = SYSFS_MAX + 1;

    private InputFiles() {
    }

    /**
     * The file's bytes, at most {@code max}.
     *
     * @throws java.nio.file.NoSuchFileException the file does not exist (a link that dangles included)
     * @throws RefusedFileException              it is not a regular file, or holds more than {@code max} bytes
     * @throws IOException                       it cannot be read (permission, I/O error)
     */
    public static byte[] read(Path file, int max) throws IOException {
        // One stat (following links) before the open: opening a FIFO blocks until a writer comes.
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        if (!a.isRegularFile()) {
            throw new RefusedFileException(file.toString(), kind(a) + ", not a regular file: refused unread");
        }
        // sysfs reports 4096 for every attribute and procfs 0, so the size is only a first check; the read itself
        // stops at max + 1 bytes.
        if (a.size() > max) {
            throw tooBig(file, a.size(), max);
        }
        // a read lands in this thread's buffer and only the bytes read are copied out: a new 4 KiB buffer per read
        // was half of what a 10,000-function scan allocated (430 of 920 MB)
        byte[] buf = BUFFER.get();
        int cap = Math.min(buf.length, max + 1);
        int len = 0;
        try (InputStream in = open(file)) {
            int n;
            // A plain stream costs open, read, close (Files.readAllBytes adds a size query and a second read,
            // which a big host pays a hundred thousand times). A short read is the end of a regular or sysfs file.
            while ((n = in.read(buf, len, cap - len)) > 0) {
                len += n;
                if (len < cap) {
                    break;
                }
                if (len > max) {
                    throw tooBig(file, -1, max); // a sysfs or procfs file whose stat size says nothing
                }
                // the buffer is full and below max + 1: a bigger one, kept for the next read up to BUFFER_MAX
                buf = Arrays.copyOf(buf, Math.min(max + 1, buf.length * 2));
                if (buf.length <= BUFFER_MAX) {
                    BUFFER.set(buf);
                }
                cap = buf.length;
            }
        } catch (FileNotFoundException e) {
            // FileInputStream names no reason; NIO tells missing from unreadable precisely.
            Files.newByteChannel(file).close();
            throw new IOException(file + ": cannot be opened", e);
        }
        return Arrays.copyOf(buf, len);
    }

    /**
     * A plain stream on the default file system; any other (the lab's in-memory sysfs) through its provider, which
     * answers a missing file with NoSuchFileException itself.
     */
    private static InputStream open(Path file) throws IOException {
        return file.getFileSystem() == FileSystems.getDefault() ? new FileInputStream(file.toFile())
                : Files.newInputStream(file);
    }

    /**
     * The file as UTF-8 text, at most {@code max} bytes.
     *
     * @throws RefusedFileException also when the bytes are not UTF-8 (naming the offset of the first bad one)
     */
    public static String readUtf8(Path file, int max) throws IOException {
        byte[] bytes = read(file, max);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new RefusedFileException(file.toString(), "not UTF-8 text" + badByte(bytes));
        }
    }

    /** " (byte N is not UTF-8)" for the first malformed sequence, or "" when none is found. */
    private static String badByte(byte[] bytes) {
        var d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        var out = java.nio.CharBuffer.allocate(bytes.length + 1);
        var r = d.decode(in, out, true);
        if (r.isMalformed() || r.isUnmappable()) {
            return " (byte " + in.position() + " is not UTF-8)";
        }
        return "";
    }

    /** The larger-than-its-bound refusal, with both numbers ({@code size} -1: found while reading). */
    private static RefusedFileException tooBig(Path file, long size, int max) {
        return new RefusedFileException(file.toString(), (size < 0 ? "more than " + max : size) + " bytes; "
                + "the limit is " + bytes(max) + ": refused unread");
    }

    /** The kind of a file that is not regular, in words. */
    static String kind(BasicFileAttributes a) {
        if (a.isDirectory()) {
            return "a directory";
        }
        if (a.isOther()) {
            // a FIFO, a socket or a device: BasicFileAttributes does not tell them apart
            return "a special file (FIFO, socket or device)";
        }
        return "not a regular file";
    }

    /** "64 KiB", "1 MiB": a limit as the docs write it. */
    public static String bytes(long n) {
        if (n >= 1 << 20 && n % (1 << 20) == 0) {
            return (n >> 20) + " MiB";
        }
        if (n >= 1 << 10 && n % (1 << 10) == 0) {
            return (n >> 10) + " KiB";
        }
        return n + " bytes";
    }
}
