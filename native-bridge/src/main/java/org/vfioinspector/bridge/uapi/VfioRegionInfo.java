package org.vfioinspector.bridge.uapi;

/**
 * struct vfio_region_info, 32 bytes: argsz @0, flags @4, index @8, cap_offset @12, size @16 (u64), offset @24 (u64).
 * When the region has capabilities and argsz is too small, the kernel sets FLAG_CAPS, raises argsz to the size it
 * needs and leaves cap_offset 0: the caller asks again with a buffer of that size.
 */
public record VfioRegionInfo(int argsz, int flags, int index, int capOffset, long size, long offset) {
    public static final int SIZE = 32;
    public static final int OFF_ARGSZ = 0;
    public static final int OFF_FLAGS = 4;
    public static final int OFF_INDEX = 8;
    public static final int OFF_CAP_OFFSET = 12;
    public static final int OFF_SIZE = 16;
    public static final int OFF_OFFSET = 24;

    /** The argument for VFIO_DEVICE_GET_REGION_INFO for {@code index}, {@code argsz} bytes long (at least 32). */
    public static byte[] request(int index, int argsz) {
        byte[] b = new byte[Math.max(argsz, SIZE)];
        Le.put32(b, OFF_ARGSZ, b.length);
        Le.put32(b, OFF_INDEX, index);
        return b;
    }

    /** Writes the fixed part into {@code b} (which may be longer: capabilities follow). */
    public void encodeInto(byte[] b) {
        Le.need(b, SIZE, "vfio_region_info");
        Le.put32(b, OFF_ARGSZ, argsz);
        Le.put32(b, OFF_FLAGS, flags);
        Le.put32(b, OFF_INDEX, index);
        Le.put32(b, OFF_CAP_OFFSET, capOffset);
        Le.put64(b, OFF_SIZE, size);
        Le.put64(b, OFF_OFFSET, offset);
    }

    public static VfioRegionInfo decode(byte[] b) {
        Le.need(b, SIZE, "vfio_region_info");
        return new VfioRegionInfo(Le.u32(b, OFF_ARGSZ), Le.u32(b, OFF_FLAGS), Le.u32(b, OFF_INDEX),
                Le.u32(b, OFF_CAP_OFFSET), Le.u64(b, OFF_SIZE), Le.u64(b, OFF_OFFSET));
    }

    public boolean has(int flag) {
        return (flags & flag) == flag;
    }
}
