package org.vfioinspector.bridge.uapi;

/** struct vfio_group_status: {@code __u32 argsz @0; __u32 flags @4}, 8 bytes. */
public record VfioGroupStatus(int argsz, int flags) {
    public static final int SIZE = 8;
    public static final int OFF_ARGSZ = 0;
    public static final int OFF_FLAGS = 4;

    /** The argument for VFIO_GROUP_GET_STATUS. */
    public static byte[] request() {
        byte[] b = new byte[SIZE];
        Le.put32(b, OFF_ARGSZ, SIZE);
        return b;
    }

    public byte[] encode() {
        byte[] b = new byte[SIZE];
        Le.put32(b, OFF_ARGSZ, argsz);
        Le.put32(b, OFF_FLAGS, flags);
        return b;
    }

    public static VfioGroupStatus decode(byte[] b) {
        Le.need(b, SIZE, "vfio_group_status");
        return new VfioGroupStatus(Le.u32(b, OFF_ARGSZ), Le.u32(b, OFF_FLAGS));
    }

    public boolean viable() {
        return (flags & Vfio.VFIO_GROUP_FLAGS_VIABLE) != 0;
    }

    public boolean containerSet() {
        return (flags & Vfio.VFIO_GROUP_FLAGS_CONTAINER_SET) != 0;
    }
}
