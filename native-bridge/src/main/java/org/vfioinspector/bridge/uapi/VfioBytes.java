package org.vfioinspector.bridge.uapi;

import java.nio.charset.StandardCharsets;

/** Helpers for ioctl arguments that are not structs. */
public final class VfioBytes {
    private VfioBytes() {
    }

    /** A NUL-terminated C string, as VFIO_GROUP_GET_DEVICE_FD takes the device name. */
    public static byte[] cString(String s) {
        byte[] raw = s.getBytes(StandardCharsets.US_ASCII);
        byte[] b = new byte[raw.length + 1];
        System.arraycopy(raw, 0, b, 0, raw.length);
        return b;
    }

    /** Reads a NUL-terminated C string. */
    public static String readCString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.US_ASCII);
    }

    public static int u32(byte[] b, int off) {
        return Le.u32(b, off);
    }

    public static long u64(byte[] b, int off) {
        return Le.u64(b, off);
    }

    public static void put32(byte[] b, int off, int v) {
        Le.put32(b, off, v);
    }

    public static void put64(byte[] b, int off, long v) {
        Le.put64(b, off, v);
    }

    public static void put16(byte[] b, int off, int v) {
        Le.put16(b, off, v);
    }

    public static int u16(byte[] b, int off) {
        return Le.u16(b, off);
    }
}
