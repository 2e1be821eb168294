package org.vfioinspector.bridge.lab;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.vfioinspector.bridge.kernel.Errno;
import org.vfioinspector.bridge.kernel.KernelException;

/**
 * The lab process's file table: which open file each fd number names (a container, a group, a device file, a
 * dma-buf, an iommufd). Numbers start at 3 and grow; a number is taken again only after the counter passes it.
 * An fd that names nothing is EBADF, as fget() answers.
 */
final class LabFdTable {
    private final Map<Integer, Object> files = new HashMap<>();
    private int nextFd = 3;

    /** Installs {@code file} at the next free number (fd_install). */
    int install(Object file) {
        int fd = nextFd;
        while (files.containsKey(fd)) {
            fd++;
        }
        nextFd = fd + 1;
        files.put(fd, file);
        return fd;
    }

    /** The file behind {@code fd}; EBADF (naming {@code op}) when there is none. */
    Object get(int fd, String op) throws KernelException {
        Object o = files.get(fd);
        if (o == null) {
            throw new KernelException(op, "fd " + fd, Errno.EBADF);
        }
        return o;
    }

    /** The file behind {@code fd}, if any. */
    Optional<Object> find(int fd) {
        return Optional.ofNullable(files.get(fd));
    }

    /** The fd number of an open file, if it has one. */
    Optional<Integer> fdOf(Object file) {
        return files.entrySet().stream().filter(e -> e.getValue() == file).map(Map.Entry::getKey).findFirst();
    }

    Object remove(int fd) {
        return files.remove(fd);
    }

    Collection<Object> open() {
        return files.values();
    }
}
