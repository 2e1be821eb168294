package org.vfioinspector.bridge.sysfs.memory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.nio.file.ReadOnlyFileSystemException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The nodes of a {@link MemoryFileSystem}: a directory is its names (sorted) and nodes, a file is its bytes (or a
 * generator of them, run on every read), a symbolic link is its target text. Written by one thread while it is
 * built, then frozen and only read, by any number of threads (a frozen tree is never changed, so nothing needs a
 * lock). Nothing is ever removed, so a path that once led to a directory always does: {@link MemoryPath} keeps it.
 */
final class MemoryTree {
    /** The most links one lookup follows, as Linux's MAXSYMLINKS (ELOOP beyond). */
    private static final int MAX_LINKS = 40;
    /**
     * Files up to this size with the same bytes share one array (sysfs is "0\n", "0x10de\n" a thousand times; a
     * model's 54-byte modalias and a group's msi reserved region once per function).
     */
    private static final int SHARED_MAX = 64;

    /** A directory: names in order, with their nodes (Dir, byte[], Generated or Link). */
    static final class Dir {
        private String[] names = new String[4];
        private Object[] nodes = new Object[4];
        private int size;

        Object get(String name) {
            int i = find(name);
            return i >= 0 ? nodes[i] : null;
        }

        boolean has(String name) {
            return find(name) >= 0;
        }

        void put(String name, Object node) {
            int i = find(name);
            if (i >= 0) {
                nodes[i] = node;
                return;
            }
            i = -(i + 1);
            if (size == names.length) {
                int n = size < 16 ? size * 2 : size + (size >> 1);
                names = Arrays.copyOf(names, n);
                nodes = Arrays.copyOf(nodes, n);
            }
            System.arraycopy(names, i, names, i + 1, size - i);
            System.arraycopy(nodes, i, nodes, i + 1, size - i);
            names[i] = name;
            nodes[i] = node;
            size++;
        }

        List<String> list() {
            return Arrays.asList(Arrays.copyOf(names, size));
        }

        private int find(String name) {
            // entries mostly arrive in order: try the end first
            if (size > 0 && name.compareTo(names[size - 1]) > 0) {
                return -(size + 1);
            }
            int lo = 0;
            int hi = size - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                int c = names[mid].compareTo(name);
                if (c < 0) {
                    lo = mid + 1;
                } else if (c > 0) {
                    hi = mid - 1;
                } else {
                    return mid;
                }
            }
            return -(lo + 1);
        }
    }

    record Link(String target) {
    }

    /** A file whose bytes are made on each read (nothing is kept between reads). */
    record Generated(Supplier<byte[]> bytes) {
    }

    final Dir root = new Dir();
    private volatile boolean frozen;
    /**
     * While it is built: one array per distinct small content, one string per distinct link target and per distinct
     * name of a directory or link (a device's address names its directory, its bus/pci/devices link, its driver's link
     * and its group's link: four strings, one kept; files' names are mostly the writer's constants already).
     */
    private Map<String, byte[]> sharedBytes = new HashMap<>();
    private Map<String, String> sharedTargets = new HashMap<>();
    private Map<String, String> sharedNames = new HashMap<>();

    /**
     * Empties every directory: a closed tree must not stay reachable through the directories that paths still hold
     * (a path keeps the directory it led to; a host keeps its root paths).
     */
    void clear() {
        java.util.ArrayDeque<Dir> todo = new java.util.ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            Dir d = todo.pop();
            for (int i = 0; i < d.size; i++) {
                if (d.nodes[i] instanceof Dir child) {
                    todo.push(child);
                }
            }
            d.names = new String[0];
            d.nodes = new Object[0];
            d.size = 0;
        }
    }

    void freeze() {
        frozen = true;
        sharedBytes = null;
        sharedTargets = null;
        sharedNames = null;
    }

    boolean frozen() {
        return frozen;
    }

    /** The node at {@code p}, following links (the last one too when {@code followLast}). */
    Object node(MemoryPath p, boolean followLast) throws IOException {
        Object n = nodeOrNull(p, followLast);
        if (n == null) {
            throw new Missing(p.toString());
        }
        return n;
    }

    /** The node at {@code p}, or null when it does not exist. */
    Object nodeOrNull(MemoryPath p, boolean followLast) throws IOException {
        if (p.dir != null) {
            return p.dir;
        }
        if (followLast && p.linkedDir != null) {
            return p.linkedDir;
        }
        String name = p.lastName();
        MemoryPath parent = p.isAbsolute() && isName(name) ? p.getParent() : null;
        if (parent != null) {
            // one name below its parent, whose directory is kept: no walk from the root
            Object d = nodeOrNull(parent, true);
            if (d instanceof Dir dir) {
                Object child = dir.get(name);
                if (!(child instanceof Link) || !followLast) {
                    if (child instanceof Dir cd) {
                        p.dir = cd;
                    }
                    return child;
                }
            }
        }
        Walk w = new Walk();
        if (!walk(p, followLast, w)) {
            return null;
        }
        Object n = w.top();
        if (n instanceof Dir d && followLast) {
            // kept for later lookups; a NOFOLLOW one must still see the link when the last name is one
            if (w.lastLink) {
                p.linkedDir = d;
            } else {
                p.dir = d;
            }
        }
        return n;
    }

    private static boolean isName(String name) {
        return !name.isEmpty() && !name.equals(".") && !name.equals("..");
    }

    /** The real path: every link followed (the last one too when {@code followLast}), no "." or "..". */
    Path realPath(MemoryPath p, boolean followLast) throws IOException {
        Walk w = new Walk();
        if (!walk(p, followLast, w)) {
            throw new Missing(p.toString());
        }
        StringBuilder b = new StringBuilder();
        for (int i = 1; i < w.size; i++) {
            b.append('/').append(w.names[i]);
        }
        return p.getFileSystem().getPath(b.length() == 0 ? "/" : b.toString());
    }

    /** The directory that holds (or would hold) {@code p}'s last name. */
    Dir parent(MemoryPath p) throws IOException {
        MemoryPath parent = ((MemoryPath) p.toAbsolutePath()).getParent();
        if (parent == null) {
            throw new FileSystemException(p.toString(), null, "the root has no parent directory");
        }
        Object n = node(parent, true);
        if (!(n instanceof Dir d)) {
            throw new NotDirectoryException(parent.toString());
        }
        return d;
    }

    /** The last name of {@code p}, which a new node would get ({@code shared}: one string per distinct name). */
    private String newName(MemoryPath p, boolean shared) throws FileSystemException {
        String n = p.lastName();
        if (n.isEmpty() || n.equals(".") || n.equals("..")) {
            throw new FileSystemException(p.toString(), null, "not a name that can be created");
        }
        return shared ? sharedNames.computeIfAbsent(n, k -> k) : n;
    }

    void createDirectory(MemoryPath p) throws IOException {
        writable();
        Dir parent = parent(p);
        String name = newName(p, true);
        if (parent.has(name)) {
            throw new Exists(p.toString());
        }
        Dir d = new Dir();
        parent.put(name, d);
        p.dir = d;
    }

    void createLink(MemoryPath p, String target) throws IOException {
        writable();
        Dir parent = parent(p);
        String name = newName(p, true);
        if (parent.has(name)) {
            throw new Exists(p.toString());
        }
        parent.put(name, new Link(sharedTargets.computeIfAbsent(target, t -> t)));
    }

    /** Creates or replaces the file at {@code p} (links followed, as open(O_CREAT) does). */
    void writeFile(MemoryPath p, Object content, boolean createNew) throws IOException {
        writable();
        if (content instanceof byte[] b && b.length <= SHARED_MAX) {
            content = sharedBytes.computeIfAbsent(new String(b, StandardCharsets.ISO_8859_1), k -> b);
        }
        Dir parent = parent(p);
        String name = newName(p, false);
        Object there = parent.get(name);
        if (there instanceof Link) {
            // write through the link to its target (rare: the lab writes no file through one)
            Walk w = new Walk();
            if (!walk(p, true, w)) {
                throw new FileSystemException(p.toString(), null, "a link whose target's directory is missing");
            }
            if (w.top() instanceof Dir) {
                throw new FileSystemException(p.toString(), null, "Is a directory");
            }
            if (createNew) {
                throw new Exists(p.toString());
            }
            ((Dir) w.nodes[w.size - 2]).put(w.names[w.size - 1], content);
            return;
        }
        if (there instanceof Dir) {
            throw new FileSystemException(p.toString(), null, "Is a directory");
        }
        if (there != null && createNew) {
            throw new Exists(p.toString());
        }
        parent.put(name, content);
    }

    String readLink(MemoryPath p) throws IOException {
        Object n = parent(p).get(p.lastName());
        if (n == null) {
            throw new Missing(p.toString());
        }
        if (!(n instanceof Link l)) {
            throw new NotLinkException(p.toString());
        }
        return l.target();
    }

    /** The names in the directory at {@code p} (links followed), in order. */
    List<String> list(MemoryPath p) throws IOException {
        Object n = node(p, true);
        if (!(n instanceof Dir d)) {
            throw new NotDirectoryException(p.toString());
        }
        return d.list();
    }

    private void writable() {
        if (frozen) {
            throw new ReadOnlyFileSystemException();
        }
    }

    /** The position of a lookup: the directories from the root down, with their names. */
    private static final class Walk {
        Object[] nodes = new Object[16];
        String[] names = new String[16];
        int size;
        int links;
        /** The walk's last name was a link, followed. */
        boolean lastLink;

        Object top() {
            return nodes[size - 1];
        }

        void toRoot(Dir root) {
            nodes[0] = root;
            names[0] = "";
            size = 1;
        }

        void push(String name, Object node) {
            if (size == nodes.length) {
                nodes = Arrays.copyOf(nodes, size * 2);
                names = Arrays.copyOf(names, size * 2);
            }
            nodes[size] = node;
            names[size] = name;
            size++;
        }
    }

    /**
     * Walks {@code p} from the root (the tree has no working directory: a relative path starts there too),
     * following links as the kernel does: a link's target is read relative to the directory that holds it, and ".."
     * leaves the directory the walk is in, not the one the text names. False when a name is missing.
     */
    private boolean walk(MemoryPath p, boolean followLast, Walk w) throws IOException {
        w.toRoot(root);
        return follow(p, p.toString(), followLast, w, true);
    }

    private boolean follow(MemoryPath whole, String text, boolean followLast, Walk w, boolean top)
            throws IOException {
        int at = 0;
        int end = text.length();
        while (at < end) {
            int slash = text.indexOf('/', at);
            int stop = slash < 0 ? end : slash;
            String name = text.substring(at, stop);
            at = stop + 1;
            boolean last = at >= end || allSlashes(text, at);
            if (name.isEmpty() || name.equals(".")) {
                continue;
            }
            if (!(w.top() instanceof Dir dir)) {
                throw new NotDirectoryException(whole.toString());
            }
            if (name.equals("..")) {
                if (w.size > 1) {
                    w.size--;
                }
                continue;
            }
            Object child = dir.get(name);
            if (child == null) {
                return false;
            }
            if (child instanceof Link link && (!last || followLast)) {
                if (++w.links > MAX_LINKS) {
                    throw new FileSystemException(whole.toString(), null, "Too many levels of symbolic links");
                }
                String t = link.target();
                if (t.startsWith("/")) {
                    w.toRoot(root);
                }
                if (!follow(whole, t, true, w, false)) {
                    return false;
                }
                w.lastLink = top && last;
                continue;
            }
            w.push(name, child);
            w.lastLink = false;
        }
        return true;
    }

    private static boolean allSlashes(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            if (s.charAt(i) != '/') {
                return false;
            }
        }
        return true;
    }

    /** Absent: thrown thousands of times while a tree is built (Files.exists, createDirectories), so no stack. */
    static final class Missing extends NoSuchFileException {
        private static final long serialVersionUID = 1L;

        Missing(String file) {
            super(file);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    /** Already there: Files.createDirectories asks for every file written, so no stack either. */
    static final class Exists extends FileAlreadyExistsException {
        private static final long serialVersionUID = 1L;

        Exists(String file) {
            super(file);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}
