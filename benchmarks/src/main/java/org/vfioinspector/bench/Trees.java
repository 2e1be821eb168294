package org.vfioinspector.bench;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** Removes a generated tree (symlinks are removed, never followed). */
final class Trees {
    private Trees() {
    }

    /**
     * A tree generated earlier for {@code functions}, from {@code -Dbench.trees=DIR} (DIR/N/sys, as
     * {@code scan-compare.sh} leaves them in its WORK/host-N, or {@code generate N DIR/N}); null when not given or
     * absent. Generating 10,000 functions takes about a minute, so the JMH runs reuse them.
     */
    static Path cached(int functions) {
        String trees = System.getProperty("bench.trees");
        if (trees == null) {
            return null;
        }
        for (String name : new String[] {Integer.toString(functions), "host-" + functions}) {
            Path p = Path.of(trees, name);
            if (Files.isDirectory(p.resolve("sys"))) {
                return p;
            }
        }
        return null;
    }

    static void delete(Path root) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
