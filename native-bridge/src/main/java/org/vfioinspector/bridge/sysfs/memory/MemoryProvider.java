package org.vfioinspector.bridge.sysfs.memory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.spi.FileSystemProvider;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The provider of every {@link MemoryFileSystem}. File systems are made with {@link MemoryFileSystem#create}, not
 * by URI. What a generated sysfs tree needs, and no more: read files, list directories, read links, basic
 * attributes; while it is built also create directories, links and files. Everything else is refused
 * ({@link UnsupportedOperationException}, or {@link java.nio.file.ReadOnlyFileSystemException} once frozen).
 */
final class MemoryProvider extends FileSystemProvider {
    static final String SCHEME = "vfio-inspector-memory";
    static final MemoryProvider INSTANCE = new MemoryProvider();
    /** A generated file's size, before it is generated: sysfs says a page for every attribute too. */
    static final long GENERATED_SIZE = 4096;
    private static final FileTime EPOCH = FileTime.fromMillis(0);

    private MemoryProvider() {
    }

    static boolean follows(LinkOption... options) {
        for (LinkOption o : options) {
            if (o == LinkOption.NOFOLLOW_LINKS) {
                return false;
            }
        }
        return true;
    }

    private static MemoryPath path(Path p) {
        if (!(p instanceof MemoryPath m)) {
            throw new ProviderMismatchException("'" + p + "' is not a path of an in-memory tree");
        }
        return m;
    }

    private static MemoryTree tree(Path p) {
        return path(p).getFileSystem().tree();
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
        throw new UnsupportedOperationException("in-memory trees are made by MemoryFileSystem.create");
    }

    @Override
    public FileSystem getFileSystem(URI uri) {
        throw new UnsupportedOperationException("in-memory trees are not looked up by URI");
    }

    @Override
    public Path getPath(URI uri) {
        throw new UnsupportedOperationException("in-memory trees are not looked up by URI");
    }

    /** The file's bytes (generated ones made now), or the reason it has none. */
    private static byte[] bytes(MemoryPath p) throws IOException {
        Object n = p.getFileSystem().tree().node(p, true);
        if (n instanceof byte[] b) {
            return b;
        }
        if (n instanceof MemoryTree.Generated g) {
            return g.bytes().get();
        }
        throw new FileSystemException(p.toString(), null, "Is a directory");
    }

    @Override
    public InputStream newInputStream(Path p, OpenOption... options) throws IOException {
        for (OpenOption o : options) {
            if (o == StandardOpenOption.WRITE || o == StandardOpenOption.APPEND) {
                throw new UnsupportedOperationException("'" + o + "' for an input stream");
            }
        }
        return new ByteArrayInputStream(bytes(path(p)));
    }

    @Override
    public OutputStream newOutputStream(Path p, OpenOption... options) throws IOException {
        MemoryPath m = path(p);
        Set<OpenOption> opts = Set.of(options.length == 0 ? new OpenOption[] {StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE} : options);
        if (opts.contains(StandardOpenOption.APPEND) || opts.contains(StandardOpenOption.READ)) {
            throw new UnsupportedOperationException("an in-memory tree's files are written whole, once");
        }
        boolean createNew = opts.contains(StandardOpenOption.CREATE_NEW);
        if (!createNew && !opts.contains(StandardOpenOption.CREATE) && m.getFileSystem().tree().nodeOrNull(m, true)
                == null) {
            throw new MemoryTree.Missing(m.toString());
        }
        // created (empty) at once, as open(O_CREAT) does; the bytes land on close
        m.getFileSystem().tree().writeFile(m, new byte[0], createNew);
        return new ByteArrayOutputStream() {
            private boolean closed;

            @Override
            public void close() throws IOException {
                if (!closed) {
                    closed = true;
                    m.getFileSystem().tree().writeFile(m, toByteArray(), false);
                }
            }
        };
    }

    @Override
    public SeekableByteChannel newByteChannel(Path p, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        for (OpenOption o : options) {
            if (o != StandardOpenOption.READ && o != LinkOption.NOFOLLOW_LINKS) {
                throw new UnsupportedOperationException("'" + o + "': an in-memory tree's channels only read "
                        + "(files are written with an output stream)");
            }
        }
        return new ReadChannel(bytes(path(p)));
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
            throws IOException {
        MemoryPath d = path(dir);
        List<String> names = d.getFileSystem().tree().list(d);
        return new DirectoryStream<>() {
            private boolean iterated;

            @Override
            public Iterator<Path> iterator() {
                if (iterated) {
                    throw new IllegalStateException("a directory stream is iterated once");
                }
                iterated = true;
                return names.stream().map(d::resolve).filter(p -> {
                    try {
                        return filter == null || filter.accept(p);
                    } catch (IOException e) {
                        throw new java.nio.file.DirectoryIteratorException(e);
                    }
                }).iterator();
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        tree(dir).createDirectory(path(dir));
    }

    @Override
    public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) throws IOException {
        tree(link).createLink(path(link), path(target).toString());
    }

    @Override
    public Path readSymbolicLink(Path link) throws IOException {
        MemoryPath m = path(link);
        return m.getFileSystem().getPath(m.getFileSystem().tree().readLink(m));
    }

    @Override
    public void delete(Path p) {
        throw new UnsupportedOperationException("an in-memory tree is dropped whole, by closing its file system");
    }

    @Override
    public void copy(Path source, Path target, CopyOption... options) {
        throw new UnsupportedOperationException("copy within an in-memory tree");
    }

    @Override
    public void move(Path source, Path target, CopyOption... options) {
        throw new UnsupportedOperationException("move within an in-memory tree");
    }

    @Override
    public boolean isSameFile(Path a, Path b) throws IOException {
        if (a.equals(b)) {
            return true;
        }
        if (!(a instanceof MemoryPath ma) || !(b instanceof MemoryPath mb) || ma.getFileSystem() != mb.getFileSystem()) {
            return false;
        }
        return tree(a).node(ma, true) == tree(b).node(mb, true);
    }

    @Override
    public boolean isHidden(Path p) {
        Path name = p.getFileName();
        return name != null && name.toString().startsWith(".");
    }

    @Override
    public FileStore getFileStore(Path p) {
        throw new UnsupportedOperationException("an in-memory tree has no file store");
    }

    @Override
    public void checkAccess(Path p, AccessMode... modes) throws IOException {
        MemoryPath m = path(p);
        m.getFileSystem().tree().node(m, true);
        for (AccessMode mode : modes) {
            if (mode == AccessMode.WRITE && m.getFileSystem().tree().frozen()) {
                throw new AccessDeniedException(m.toString(), null, "a read-only tree");
            }
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V extends FileAttributeView> V getFileAttributeView(Path p, Class<V> type, LinkOption... options) {
        if (type != BasicFileAttributeView.class) {
            return null;
        }
        MemoryPath m = path(p);
        return (V) new BasicFileAttributeView() {
            @Override
            public String name() {
                return "basic";
            }

            @Override
            public BasicFileAttributes readAttributes() throws IOException {
                return attributes(m, follows(options));
            }

            @Override
            public void setTimes(FileTime modified, FileTime access, FileTime create) {
                throw new UnsupportedOperationException("an in-memory tree's times are fixed");
            }
        };
    }

    @Override
    @SuppressWarnings("unchecked")
    public <A extends BasicFileAttributes> A readAttributes(Path p, Class<A> type, LinkOption... options)
            throws IOException {
        if (type != BasicFileAttributes.class) {
            throw new UnsupportedOperationException(type.getSimpleName() + ": an in-memory tree has basic "
                    + "attributes only");
        }
        return (A) attributes(path(p), follows(options));
    }

    @Override
    public Map<String, Object> readAttributes(Path p, String attributes, LinkOption... options) throws IOException {
        String list = attributes.startsWith("basic:") ? attributes.substring(6) : attributes;
        if (list.contains(":")) {
            throw new UnsupportedOperationException("'" + attributes + "': an in-memory tree has basic attributes "
                    + "only");
        }
        BasicFileAttributes a = attributes(path(p), follows(options));
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("lastModifiedTime", a.lastModifiedTime());
        all.put("lastAccessTime", a.lastAccessTime());
        all.put("creationTime", a.creationTime());
        all.put("size", a.size());
        all.put("isRegularFile", a.isRegularFile());
        all.put("isDirectory", a.isDirectory());
        all.put("isSymbolicLink", a.isSymbolicLink());
        all.put("isOther", a.isOther());
        all.put("fileKey", a.fileKey());
        if (list.equals("*")) {
            return all;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (String name : Arrays.asList(list.split(","))) {
            if (!all.containsKey(name)) {
                throw new IllegalArgumentException("'" + name + "' is not a basic attribute");
            }
            out.put(name, all.get(name));
        }
        return out;
    }

    @Override
    public void setAttribute(Path p, String attribute, Object value, LinkOption... options) {
        throw new UnsupportedOperationException("an in-memory tree's attributes are fixed");
    }

    private static BasicFileAttributes attributes(MemoryPath p, boolean follow) throws IOException {
        Object n = p.getFileSystem().tree().node(p, follow);
        long size = n instanceof byte[] b ? b.length : n instanceof MemoryTree.Generated ? GENERATED_SIZE
                : n instanceof MemoryTree.Link l ? l.target().length() : 0;
        return new Attributes(n, size);
    }

    /** A node's type and size; times are the epoch. */
    private record Attributes(Object node, long size) implements BasicFileAttributes {
        @Override
        public FileTime lastModifiedTime() {
            return EPOCH;
        }

        @Override
        public FileTime lastAccessTime() {
            return EPOCH;
        }

        @Override
        public FileTime creationTime() {
            return EPOCH;
        }

        @Override
        public boolean isRegularFile() {
            return node instanceof byte[] || node instanceof MemoryTree.Generated;
        }

        @Override
        public boolean isDirectory() {
            return node instanceof MemoryTree.Dir;
        }

        @Override
        public boolean isSymbolicLink() {
            return node instanceof MemoryTree.Link;
        }

        @Override
        public boolean isOther() {
            return false;
        }

        @Override
        public Object fileKey() {
            return null;
        }
    }

    /** A read-only channel over a file's bytes. */
    private static final class ReadChannel implements SeekableByteChannel {
        private final byte[] bytes;
        private int position;
        private boolean open = true;

        ReadChannel(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            ensureOpen();
            if (position >= bytes.length) {
                return -1;
            }
            int n = Math.min(dst.remaining(), bytes.length - position);
            dst.put(bytes, position, n);
            position += n;
            return n;
        }

        @Override
        public int write(ByteBuffer src) {
            throw new NonWritableChannelException();
        }

        @Override
        public long position() throws IOException {
            ensureOpen();
            return position;
        }

        @Override
        public SeekableByteChannel position(long newPosition) throws IOException {
            ensureOpen();
            if (newPosition < 0) {
                throw new IllegalArgumentException("negative position " + newPosition);
            }
            position = (int) Math.min(newPosition, Integer.MAX_VALUE);
            return this;
        }

        @Override
        public long size() throws IOException {
            ensureOpen();
            return bytes.length;
        }

        @Override
        public SeekableByteChannel truncate(long size) {
            throw new NonWritableChannelException();
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            open = false;
        }

        private void ensureOpen() throws IOException {
            if (!open) {
                throw new java.nio.channels.ClosedChannelException();
            }
        }
    }
}
