package org.vfioinspector.bridge.sysfs.memory;

import java.io.IOException;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.ReadOnlyFileSystemException;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.spi.FileSystemProvider;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A file system in memory for a generated sysfs tree (a lab host's): directories, files and symbolic links with
 * Unix path syntax, so the sysfs scanner reads it exactly as it reads {@code /sys} or a snapshot on disk, through
 * {@link java.nio.file.Files}. It is written once through {@code Files} (directories, files, links; or
 * {@link #writeGenerated} for a file made on each read) by one thread, then {@link #freeze frozen} read-only and
 * read by any number. A few tens of bytes per node: a 10,000-function host's ~400,000 nodes take tens of MB where
 * Jimfs took over 200 MB and a disk tree ~900 MB and a minute to write (BENCHMARKS.md, third round). Closing it
 * drops the tree.
 */
public final class MemoryFileSystem extends FileSystem {
    private final String name;
    private final MemoryPath root;
    private volatile MemoryTree tree = new MemoryTree();

    private MemoryFileSystem(String name) {
        this.name = Objects.requireNonNull(name, "name");
        this.root = new MemoryPath(this, "/");
    }

    /** An empty, writable tree; {@code name} appears in messages and URIs. */
    public static MemoryFileSystem create(String name) {
        return new MemoryFileSystem(name);
    }

    /**
     * Writes {@code file} as a file whose bytes {@code bytes} makes on every read (nothing is kept), when
     * {@code file} is in a memory tree; anywhere else the bytes are made now and written.
     */
    public static void writeGenerated(Path file, Supplier<byte[]> bytes) throws IOException {
        if (file instanceof MemoryPath m) {
            m.getFileSystem().tree().writeFile(m, new MemoryTree.Generated(bytes), false);
        } else {
            Files.write(file, bytes.get());
        }
    }

    /** From now on read-only: every write is refused with {@link ReadOnlyFileSystemException}. */
    public void freeze() {
        tree().freeze();
    }

    String name() {
        return name;
    }

    MemoryPath root() {
        return root;
    }

    MemoryTree tree() {
        MemoryTree t = tree;
        if (t == null) {
            throw new ClosedFileSystemException();
        }
        return t;
    }

    @Override
    public FileSystemProvider provider() {
        return MemoryProvider.INSTANCE;
    }

    /** Drops the tree: every later access throws {@link ClosedFileSystemException}. */
    @Override
    public void close() {
        MemoryTree t = tree;
        tree = null;
        if (t != null) {
            t.clear();
        }
    }

    @Override
    public boolean isOpen() {
        return tree != null;
    }

    @Override
    public boolean isReadOnly() {
        return tree().frozen();
    }

    @Override
    public String getSeparator() {
        return "/";
    }

    @Override
    public Iterable<Path> getRootDirectories() {
        return List.of(root);
    }

    @Override
    public Iterable<FileStore> getFileStores() {
        return List.of();
    }

    @Override
    public Set<String> supportedFileAttributeViews() {
        return Set.of("basic");
    }

    @Override
    public Path getPath(String first, String... more) {
        String p = more.length == 0 ? MemoryPath.clean(first) : MemoryPath.join(first, more);
        return p.equals("/") ? root : new MemoryPath(this, p);
    }

    @Override
    public PathMatcher getPathMatcher(String syntaxAndPattern) {
        throw new UnsupportedOperationException("path matchers on an in-memory tree");
    }

    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
        throw new UnsupportedOperationException("an in-memory tree has no owners");
    }

    @Override
    public WatchService newWatchService() {
        throw new UnsupportedOperationException("an in-memory tree has no watch service");
    }

    @Override
    public String toString() {
        return MemoryProvider.SCHEME + ":" + name;
    }
}
