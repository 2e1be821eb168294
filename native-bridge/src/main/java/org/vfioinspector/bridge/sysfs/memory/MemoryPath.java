package org.vfioinspector.bridge.sysfs.memory;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A path of a {@link MemoryFileSystem}: Unix syntax ('/' separates names, a leading '/' makes it absolute), kept as
 * its normalised string (no empty names, no trailing '/'). Purely lexical, like {@code sun.nio.fs.UnixPath}: only
 * {@link #toRealPath} looks at the tree.
 */
final class MemoryPath implements Path {
    private final MemoryFileSystem fs;
    /** "/" for the root, "" for the empty path, else names joined by '/' (with a leading '/' when absolute). */
    private final String path;
    /**
     * The parent, once asked for or when this path was made from it by {@link #resolve(String)} with one name: a
     * lookup then starts at the parent's directory, which it keeps, instead of the root (the scanner reads a dozen
     * files of each directory it holds; the lab writes thirty).
     */
    private MemoryPath parent;
    /**
     * The directory this path is, once looked up (a directory stays: nothing in a tree is removed); or, when its last
     * name is a link to a directory, that directory ({@code linkedDir}: a NOFOLLOW lookup must still see the link).
     * Each is one reference, written whole: threads that look the same path up at once write the same value.
     */
    MemoryTree.Dir dir;
    MemoryTree.Dir linkedDir;
    /** The names, split on first use. */
    private String[] names;

    MemoryPath(MemoryFileSystem fs, String path) {
        this(fs, path, null);
    }

    private MemoryPath(MemoryFileSystem fs, String path, MemoryPath parent) {
        this.fs = fs;
        this.path = path;
        this.parent = parent;
    }

    /** The last name, when this path was made by {@link #resolve(String)} with it (the caller's string, shared). */
    private String name;

    /** The last name ("" for the root and the empty path). */
    String lastName() {
        String n = name;
        if (n == null) {
            n = path.substring(path.lastIndexOf('/') + 1);
            name = n;
        }
        return n;
    }

    /** {@code first} and {@code more} joined and normalised as a Unix path string. */
    static String join(String first, String... more) {
        StringBuilder b = new StringBuilder(first);
        for (String m : more) {
            if (!m.isEmpty()) {
                if (b.length() > 0) {
                    b.append('/');
                }
                b.append(m);
            }
        }
        return clean(b.toString());
    }

    /** Removes empty names and a trailing '/': "a//b/" is "a/b", "//" is "/". */
    static String clean(String s) {
        if (s.indexOf('\0') >= 0) {
            throw new java.nio.file.InvalidPathException(s, "a NUL character in a path");
        }
        if (!s.contains("//") && (s.length() <= 1 || !s.endsWith("/"))) {
            return s; // the usual case: already clean
        }
        StringBuilder b = new StringBuilder(s.length());
        char prev = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '/' || prev != '/') {
                b.append(c);
            }
            prev = c;
        }
        if (b.length() > 1 && b.charAt(b.length() - 1) == '/') {
            b.setLength(b.length() - 1);
        }
        return b.toString();
    }

    String[] names() {
        String[] n = names;
        if (n == null) {
            String rel = isAbsolute() ? path.substring(1) : path;
            n = rel.isEmpty() ? new String[0] : rel.split("/");
            names = n;
        }
        return n;
    }

    @Override
    public MemoryFileSystem getFileSystem() {
        return fs;
    }

    @Override
    public boolean isAbsolute() {
        return path.startsWith("/");
    }

    @Override
    public Path getRoot() {
        return isAbsolute() ? fs.root() : null;
    }

    @Override
    public Path getFileName() {
        if (path.isEmpty()) {
            return this; // the empty path's name is itself
        }
        int slash = path.lastIndexOf('/');
        if (slash < 0) {
            return this;
        }
        return slash == path.length() - 1 ? null : new MemoryPath(fs, path.substring(slash + 1)); // the root: none
    }

    @Override
    public MemoryPath getParent() {
        MemoryPath p = parent;
        if (p == null) {
            int slash = path.lastIndexOf('/');
            if (slash < 0 || path.equals("/")) {
                return null;
            }
            p = slash == 0 ? fs.root() : new MemoryPath(fs, path.substring(0, slash));
            parent = p; // a benign race: two threads make equal paths
        }
        return p;
    }

    @Override
    public int getNameCount() {
        return path.isEmpty() ? 1 : names().length;
    }

    @Override
    public Path getName(int index) {
        if (path.isEmpty() && index == 0) {
            return this;
        }
        String[] n = names();
        if (index < 0 || index >= n.length) {
            throw new IllegalArgumentException("name " + index + " of " + n.length + " in '" + path + "'");
        }
        return new MemoryPath(fs, n[index]);
    }

    @Override
    public Path subpath(int beginIndex, int endIndex) {
        String[] n = path.isEmpty() ? new String[] {""} : names();
        if (beginIndex < 0 || beginIndex >= n.length || endIndex > n.length || beginIndex >= endIndex) {
            throw new IllegalArgumentException("subpath " + beginIndex + ".." + endIndex + " of '" + path + "'");
        }
        return new MemoryPath(fs, String.join("/", Arrays.copyOfRange(n, beginIndex, endIndex)));
    }

    @Override
    public boolean startsWith(Path other) {
        if (!(Objects.requireNonNull(other) instanceof MemoryPath o) || o.fs != fs
                || o.isAbsolute() != isAbsolute()) {
            return false;
        }
        if (o.path.isEmpty()) {
            return path.isEmpty();
        }
        String[] a = names();
        String[] b = o.names();
        if (b.length > a.length) {
            return false;
        }
        for (int i = 0; i < b.length; i++) {
            if (!a[i].equals(b[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean endsWith(Path other) {
        if (!(Objects.requireNonNull(other) instanceof MemoryPath o) || o.fs != fs) {
            return false;
        }
        if (o.isAbsolute()) {
            return equals(o);
        }
        if (o.path.isEmpty()) {
            return path.isEmpty();
        }
        String[] a = names();
        String[] b = o.names();
        if (b.length > a.length) {
            return false;
        }
        for (int i = 1; i <= b.length; i++) {
            if (!a[a.length - i].equals(b[b.length - i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Path normalize() {
        String[] n = names();
        List<String> out = new ArrayList<>(n.length);
        boolean changed = false;
        for (String s : n) {
            if (s.equals(".")) {
                changed = true;
            } else if (s.equals("..")) {
                if (!out.isEmpty() && !out.get(out.size() - 1).equals("..")) {
                    out.remove(out.size() - 1);
                    changed = true;
                } else if (isAbsolute()) {
                    changed = true; // "/.." is "/"
                } else {
                    out.add(s);
                }
            } else {
                out.add(s);
            }
        }
        if (!changed) {
            return this;
        }
        String joined = String.join("/", out);
        return new MemoryPath(fs, isAbsolute() ? "/" + joined : joined);
    }

    @Override
    public Path resolve(Path other) {
        MemoryPath o = checked(other);
        if (o.isAbsolute()) {
            return o;
        }
        if (o.path.isEmpty()) {
            return this;
        }
        if (path.isEmpty()) {
            return o;
        }
        return new MemoryPath(fs, path.equals("/") ? "/" + o.path : path + "/" + o.path);
    }

    @Override
    public Path resolve(String other) {
        if (!other.isEmpty() && other.indexOf('/') < 0 && !other.equals(".") && !other.equals("..")
                && !path.isEmpty() && other.indexOf('\0') < 0) {
            // one name: the usual case (the scanner's dir.resolve("vendor")), and a lookup can start at this path
            MemoryPath child = new MemoryPath(fs, path.equals("/") ? "/" + other : path + "/" + other, this);
            child.name = other; // a tree's thousand "vendor" entries share the caller's one string
            return child;
        }
        return resolve(fs.getPath(other));
    }

    @Override
    public Path relativize(Path other) {
        MemoryPath o = checked(other);
        if (o.isAbsolute() != isAbsolute()) {
            throw new IllegalArgumentException("'" + o + "' and '" + this + "': one is absolute, the other not");
        }
        if (equals(o)) {
            return new MemoryPath(fs, "");
        }
        String[] a = path.isEmpty() ? new String[0] : names();
        String[] b = o.path.isEmpty() ? new String[0] : o.names();
        int common = 0;
        while (common < a.length && common < b.length && a[common].equals(b[common])) {
            common++;
        }
        List<String> out = new ArrayList<>();
        for (int i = common; i < a.length; i++) {
            out.add("..");
        }
        out.addAll(Arrays.asList(b).subList(common, b.length));
        return new MemoryPath(fs, String.join("/", out));
    }

    @Override
    public URI toUri() {
        try {
            return new URI(MemoryProvider.SCHEME, fs.name(), toAbsolutePath().toString(), null);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("'" + path + "' as a URI: " + e.getMessage(), e);
        }
    }

    @Override
    public Path toAbsolutePath() {
        return isAbsolute() ? this : fs.root().resolve(this);
    }

    @Override
    public Path toRealPath(LinkOption... options) throws IOException {
        return fs.tree().realPath(this, MemoryProvider.follows(options));
    }

    @Override
    public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers) {
        throw new UnsupportedOperationException("an in-memory tree has no watch service");
    }

    @Override
    public int compareTo(Path other) {
        return path.compareTo(checked(other).path);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MemoryPath p && p.fs == fs && p.path.equals(path);
    }

    @Override
    public int hashCode() {
        return path.hashCode();
    }

    @Override
    public String toString() {
        return path;
    }

    private MemoryPath checked(Path other) {
        if (!(Objects.requireNonNull(other) instanceof MemoryPath o) || o.fs != fs) {
            throw new ProviderMismatchException("'" + other + "' is not a path of the in-memory tree " + fs.name());
        }
        return o;
    }
}
