package org.vfioinspector.bridge.kernel.jna;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

/**
 * The libc calls the real kernel backend needs. Every call declares {@link LastErrorException}: JNA clears errno
 * before the call and throws with the errno the call left, so no errno is ever lost to a later call on the same
 * thread. Loaded lazily (see {@link #get()}): nothing touches libc until the real kernel is first used.
 */
interface LibC extends Library {
    int O_WRONLY = 1;
    int MAP_SHARED = 1;
    int MAP_PRIVATE = 2;
    int MAP_ANONYMOUS = 0x20;

    int open(String path, int flags) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    /** ioctl with a pointer argument: JNA copies the array to native memory and back after the call. */
    int ioctl(int fd, NativeLong request, byte[] arg) throws LastErrorException;

    /** ioctl with a by-value argument (or 0 for none). */
    int ioctl(int fd, NativeLong request, NativeLong value) throws LastErrorException;

    NativeLong pread(int fd, byte[] buf, NativeLong count, long offset) throws LastErrorException;

    NativeLong pwrite(int fd, byte[] buf, NativeLong count, long offset) throws LastErrorException;

    NativeLong write(int fd, byte[] buf, NativeLong count) throws LastErrorException;

    Pointer mmap(Pointer addr, NativeLong length, int prot, int flags, int fd, long offset)
            throws LastErrorException;

    int munmap(Pointer addr, NativeLong length) throws LastErrorException;

    /** The loaded library; the holder idiom makes loading lazy and thread-safe. */
    static LibC get() {
        return Holder.INSTANCE;
    }

    /** Lazy holder. */
    final class Holder {
        static final LibC INSTANCE = Native.load("c", LibC.class);

        private Holder() {
        }
    }
}
