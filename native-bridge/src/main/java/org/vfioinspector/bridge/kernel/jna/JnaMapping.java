package org.vfioinspector.bridge.kernel.jna;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.vfioinspector.bridge.kernel.Errno;
import org.vfioinspector.bridge.kernel.Kernel;
import org.vfioinspector.bridge.kernel.KernelException;
import org.vfioinspector.bridge.kernel.Mapping;
import org.vfioinspector.bridge.kernel.SigbusException;

/**
 * A real mmap. Reads and writes go through a java.nio direct ByteBuffer over the mapped address, never through
 * JNA's Pointer accessors: HotSpot turns a SIGBUS during a ByteBuffer (Unsafe) access into a
 * {@link InternalError}, which this class reports as {@link SigbusException}, while a SIGBUS inside JNA's native
 * Pointer.getInt takes the whole JVM down.
 */
final class JnaMapping implements Mapping {
    private final Pointer address;
    private final long length;
    private final int prot;
    private final String target;
    private boolean closed;

    JnaMapping(Pointer address, long length, int prot, String target) {
        this.address = address;
        this.length = length;
        this.prot = prot;
        this.target = target;
    }

    @Override
    public long vaddr() {
        return Pointer.nativeValue(address);
    }

    @Override
    public long length() {
        return length;
    }

    private synchronized ByteBuffer window(long offset, String op) throws KernelException {
        if (closed) {
            throw new KernelException(op, target + " (unmapped)", Errno.EBADF);
        }
        if (offset < 0 || offset > length - 4 || (offset & 3) != 0) {
            throw new KernelException(op, target + " offset 0x" + Long.toHexString(offset), Errno.EINVAL.number(),
                    "The offset must be dword aligned and inside the " + length + "-byte mapping.");
        }
        return address.getByteBuffer(offset, 4).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public synchronized int readInt(long offset) throws KernelException {
        ByteBuffer b = window(offset, "mmap read");
        try {
            int v = b.getInt(0);
            deliverPendingFault();
            return v;
        } catch (InternalError e) {
            throw new SigbusException("mmap read", target + " offset 0x" + Long.toHexString(offset));
        }
    }

    @Override
    public synchronized void writeInt(long offset, int value) throws KernelException {
        ByteBuffer b = window(offset, "mmap write");
        if ((prot & Kernel.PROT_WRITE) == 0) {
            throw new KernelException("mmap write", target, Errno.EACCES.number(),
                    "The mapping is read-only; map it with PROT_WRITE to write.");
        }
        try {
            b.putInt(0, value);
            deliverPendingFault();
        } catch (InternalError e) {
            throw new SigbusException("mmap write", target + " offset 0x" + Long.toHexString(offset));
        }
    }

    /** A runtime call whose return checks for a pending async exception, in every execution tier. */
    private static volatile int one = 1;
    @SuppressWarnings("unused")
    private static volatile Object sink;

    /**
     * HotSpot does not throw the fault's InternalError at the faulting instruction: it skips the access (a load
     * returns garbage) and raises the error asynchronously "at a later point", which could be anywhere in unrelated
     * code. Force that point to be here, inside the caller's try. On JDK 17 a return from a native method does not
     * check for it, but every runtime (JRT) entry does on its way back to Java: a multi-dimensional array allocation
     * with non-constant dimensions is one in the interpreter, C1 and C2 alike. On JDK 21+ the error is a handshake
     * that any native transition (Thread.yield) also delivers. Both are measured in JnaKernelTest, which warms the
     * read path up into compiled code first.
     */
    private static void deliverPendingFault() {
        sink = new byte[one][one];
        Thread.yield();
    }

    @Override
    public synchronized void close() throws KernelException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            LibC.get().munmap(address, new NativeLong(length));
        } catch (LastErrorException e) {
            throw new KernelException("munmap", target, e.getErrorCode(), null);
        }
    }
}
