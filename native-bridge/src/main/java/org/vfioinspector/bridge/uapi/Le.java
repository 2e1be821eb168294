package org.vfioinspector.bridge.uapi;

/** Little-endian field access on a uapi struct's bytes (x86-64 and arm64 are little-endian). */
final class Le {
    private Le() {
    }

    static int u32(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }

    static int u16(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8;
    }

    static long u64(byte[] b, int off) {
        return (u32(b, off) & 0xffffffffL) | ((long) u32(b, off + 4)) << 32;
    }

    static void put32(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }

    static void put16(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
    }

    static void put64(byte[] b, int off, long v) {
        put32(b, off, (int) v);
        put32(b, off + 4, (int) (v >>> 32));
    }

    static void need(byte[] b, int size, String struct) {
        if (b.length < size) {
            throw new IllegalArgumentException(struct + " needs " + size + " bytes, got " + b.length);
        }
    }
}
