package org.vfioinspector.bridge.sysfs.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.ReadOnlyFileSystemException;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vfioinspector.bridge.input.InputFiles;

class MemoryFileSystemTest {
    /** Path strings whose lexical operations must come out as the JDK's Unix paths do them. */
    private static final List<String> PATHS = List.of("/", "", "a", "/a", "a/b", "/a/b/c", "//a//b/", "a/./b",
            "/a/../b", "../a", "..", ".", "/..", "a/b/..", "/sys/bus/pci/devices/0000:00:01.0", "./x/../../y");

    @Test
    void pathsBehaveAsUnixPathsDo() {
        MemoryFileSystem fs = MemoryFileSystem.create("t");
        for (String s : PATHS) {
            Path u = Path.of(s);
            Path m = fs.getPath(s);
            String what = "'" + s + "'";
            assertEquals(u.toString(), m.toString(), what);
            assertEquals(u.isAbsolute(), m.isAbsolute(), what);
            assertEquals(str(u.getRoot()), str(m.getRoot()), what);
            assertEquals(str(u.getFileName()), str(m.getFileName()), what);
            assertEquals(str(u.getParent()), str(m.getParent()), what);
            assertEquals(u.getNameCount(), m.getNameCount(), what);
            for (int i = 0; i < u.getNameCount(); i++) {
                assertEquals(u.getName(i).toString(), m.getName(i).toString(), what + " name " + i);
                for (int j = i + 1; j <= u.getNameCount(); j++) {
                    assertEquals(u.subpath(i, j).toString(), m.subpath(i, j).toString(), what + " " + i + ".." + j);
                }
            }
            assertEquals(u.normalize().toString(), m.normalize().toString(), what + " normalised");
            assertEquals(u.toAbsolutePath().isAbsolute(), m.toAbsolutePath().isAbsolute(), what);
            for (String t : PATHS) {
                Path ut = Path.of(t);
                Path mt = fs.getPath(t);
                String pair = what + " and '" + t + "'";
                assertEquals(u.resolve(ut).toString(), m.resolve(mt).toString(), pair + " resolved");
                assertEquals(u.resolve(t).toString(), m.resolve(t).toString(), pair + " resolved as a string");
                assertEquals(u.startsWith(ut), m.startsWith(mt), pair + " startsWith");
                assertEquals(u.endsWith(ut), m.endsWith(mt), pair + " endsWith");
                assertEquals(Integer.signum(u.compareTo(ut)), Integer.signum(m.compareTo(mt)), pair + " compared");
                assertEquals(u.equals(ut), m.equals(mt), pair + " equal");
                if (u.isAbsolute() == ut.isAbsolute() && !s.contains("..") && !t.contains("..")
                        && !s.contains(".") && !t.contains(".")) {
                    assertEquals(u.relativize(ut).toString(), m.relativize(mt).toString(), pair + " relativised");
                }
            }
        }
        assertEquals(List.of("a", "b", "c"), names(fs.getPath("/a/b/c")));
        assertThrows(ProviderMismatchException.class, () -> fs.getPath("/a").resolve(Path.of("b")));
        assertFalse(fs.getPath("/a").startsWith(Path.of("/a")));
        assertThrows(UnsupportedOperationException.class, () -> fs.getPath("/a").toFile());
    }

    @Test
    void aTreeIsWrittenThroughFilesAndReadBack() throws IOException {
        MemoryFileSystem fs = MemoryFileSystem.create("t");
        Path dev = fs.getPath("/sys/devices/pci0000:00/0000:00:01.0");
        Files.createDirectories(dev);
        Files.writeString(dev.resolve("vendor"), "0x8086\n");
        Files.write(dev.resolve("config"), new byte[] {1, 2, 3});
        Files.createDirectories(fs.getPath("/sys/bus/pci/devices"));
        Files.createSymbolicLink(fs.getPath("/sys/bus/pci/devices/0000:00:01.0"),
                fs.getPath("../../../devices/pci0000:00/0000:00:01.0"));
        Files.createDirectories(fs.getPath("/sys/kernel/iommu_groups/3"));
        Files.createSymbolicLink(dev.resolve("iommu_group"), fs.getPath("../../../kernel/iommu_groups/3"));
        Files.createSymbolicLink(dev.resolve("driver"), fs.getPath("../../../bus/pci/drivers/e1000"));
        fs.freeze();

        Path viaLink = fs.getPath("/sys/bus/pci/devices/0000:00:01.0");
        assertEquals("0x8086\n", Files.readString(viaLink.resolve("vendor")));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(viaLink.resolve("config")));
        assertArrayEquals(new byte[] {1, 2, 3}, InputFiles.read(viaLink.resolve("config"), 64));
        assertEquals("0x8086\n", new String(InputFiles.read(viaLink.resolve("vendor"), 64), StandardCharsets.UTF_8));
        assertEquals(List.of("config", "driver", "iommu_group", "vendor"), list(viaLink));
        assertEquals("../../../devices/pci0000:00/0000:00:01.0", Files.readSymbolicLink(viaLink).toString());
        assertEquals("3", Files.readSymbolicLink(viaLink.resolve("iommu_group")).getFileName().toString());
        // ".." inside a link's target leaves the directory the link led to, not the one its text names
        assertTrue(Files.isDirectory(viaLink.resolve("iommu_group")));
        assertEquals("/sys/kernel/iommu_groups/3", viaLink.resolve("iommu_group").toRealPath().toString());
        assertEquals("/sys/devices/pci0000:00/0000:00:01.0", viaLink.toRealPath().toString());
        assertEquals("/sys/bus/pci/devices/0000:00:01.0",
                viaLink.toRealPath(LinkOption.NOFOLLOW_LINKS).toString());
        assertTrue(Files.isDirectory(viaLink.resolve("..")), "the parent of the real directory");

        BasicFileAttributes link = Files.readAttributes(viaLink, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        assertTrue(link.isSymbolicLink());
        assertFalse(link.isDirectory());
        assertTrue(Files.readAttributes(viaLink, BasicFileAttributes.class).isDirectory());
        // asked again, after the directory was kept: the link is still a link
        assertTrue(Files.isSymbolicLink(viaLink));
        assertEquals(7, Files.size(viaLink.resolve("vendor")));
        assertTrue(Files.isRegularFile(dev.resolve("vendor")));

        // a dangling link exists as a link, not as what it names
        assertTrue(Files.exists(dev.resolve("driver"), LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(dev.resolve("driver")));
        assertThrows(NoSuchFileException.class, () -> InputFiles.read(dev.resolve("driver"), 64));
        assertThrows(NoSuchFileException.class, () -> Files.readString(dev.resolve("absent")));
        assertThrows(NotLinkException.class, () -> Files.readSymbolicLink(dev.resolve("vendor")));
        assertThrows(NotDirectoryException.class, () -> Files.readString(dev.resolve("vendor/x")));
        assertThrows(FileSystemException.class, () -> Files.readString(dev));
        assertThrows(NotDirectoryException.class, () -> list(dev.resolve("vendor")));
        assertEquals("/sys/devices/pci0000:00/0000:00:01.0/vendor", dev.resolve("vendor").toString());

        assertTrue(fs.isReadOnly());
        assertThrows(ReadOnlyFileSystemException.class, () -> Files.writeString(dev.resolve("x"), "1"));
        assertThrows(ReadOnlyFileSystemException.class, () -> Files.createDirectory(dev.resolve("d")));
        MemoryTree.Dir kept = ((MemoryPath) viaLink).linkedDir;
        assertTrue(kept != null && !kept.list().isEmpty(), "a looked-up directory is kept by its path");
        fs.close();
        assertFalse(fs.isOpen());
        assertThrows(ClosedFileSystemException.class, () -> Files.readString(dev.resolve("vendor")));
        assertEquals(List.of(), kept.list(), "closed, the tree is unreachable from the paths that are left");
    }

    @Test
    void linksLoopAndNamesClash() throws IOException {
        MemoryFileSystem fs = MemoryFileSystem.create("t");
        Files.createDirectories(fs.getPath("/d"));
        Files.createSymbolicLink(fs.getPath("/d/a"), fs.getPath("b"));
        Files.createSymbolicLink(fs.getPath("/d/b"), fs.getPath("a"));
        Files.createSymbolicLink(fs.getPath("/d/abs"), fs.getPath("/d"));
        FileSystemException loop = assertThrows(FileSystemException.class, () -> Files.readString(fs.getPath("/d/a")));
        assertTrue(loop.getMessage().contains("Too many levels of symbolic links"), loop.getMessage());
        assertTrue(Files.isDirectory(fs.getPath("/d/abs/abs/abs")));
        assertThrows(FileAlreadyExistsException.class, () -> Files.createDirectory(fs.getPath("/d/a")));
        assertThrows(FileAlreadyExistsException.class, () -> Files.createSymbolicLink(fs.getPath("/d/abs"),
                fs.getPath("x")));
        assertThrows(NoSuchFileException.class, () -> Files.createDirectory(fs.getPath("/missing/x")));
        assertThrows(FileSystemException.class, () -> Files.writeString(fs.getPath("/d"), "x"));
        Files.writeString(fs.getPath("/d/f"), "one");
        Files.writeString(fs.getPath("/d/f"), "two"); // replaced, as O_TRUNC does
        assertEquals("two", Files.readString(fs.getPath("/d/f")));
        assertThrows(FileAlreadyExistsException.class, () -> Files.writeString(fs.getPath("/d/f"), "x",
                java.nio.file.StandardOpenOption.CREATE_NEW));
    }

    @Test
    void aGeneratedFileIsMadeOnEachReadAndKeptNowhere(@TempDir Path tmp) throws IOException {
        MemoryFileSystem fs = MemoryFileSystem.create("t");
        AtomicInteger made = new AtomicInteger();
        Files.createDirectories(fs.getPath("/x"));
        MemoryFileSystem.writeGenerated(fs.getPath("/x/config"), () -> new byte[] {(byte) made.incrementAndGet()});
        fs.freeze();
        assertEquals(0, made.get(), "nothing made while written");
        assertArrayEquals(new byte[] {1}, Files.readAllBytes(fs.getPath("/x/config")));
        assertArrayEquals(new byte[] {2}, InputFiles.read(fs.getPath("/x/config"), 4096));
        assertEquals(MemoryProvider.GENERATED_SIZE, Files.size(fs.getPath("/x/config")), "a page, as sysfs says");
        // on disk the bytes are made at once and written
        MemoryFileSystem.writeGenerated(tmp.resolve("config"), () -> new byte[] {7});
        assertArrayEquals(new byte[] {7}, Files.readAllBytes(tmp.resolve("config")));
    }

    @Test
    void manyThreadsReadAFrozenTree() throws Exception {
        MemoryFileSystem fs = MemoryFileSystem.create("t");
        for (int i = 0; i < 200; i++) {
            Path d = fs.getPath("/devices/d" + i);
            Files.createDirectories(d);
            Files.writeString(d.resolve("n"), Integer.toString(i));
            Files.createDirectories(fs.getPath("/bus"));
            Files.createSymbolicLink(fs.getPath("/bus/d" + i), fs.getPath("../devices/d" + i));
        }
        fs.freeze();
        Path bus = fs.getPath("/bus");
        List<Integer> read = Stream.iterate(0, i -> i + 1).limit(2000).parallel().map(i -> {
            try {
                return Integer.parseInt(Files.readString(bus.resolve("d" + i % 200).resolve("n")));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList();
        for (int i = 0; i < read.size(); i++) {
            assertEquals(i % 200, read.get(i));
        }
        assertNull(fs.getPath("/").getFileName());
    }

    private static String str(Path p) {
        return p == null ? null : p.toString();
    }

    private static List<String> names(Path p) {
        List<String> out = new ArrayList<>();
        p.forEach(n -> out.add(n.toString()));
        return out;
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }
}
