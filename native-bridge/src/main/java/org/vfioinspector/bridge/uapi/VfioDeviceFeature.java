package org.vfioinspector.bridge.uapi;

/** struct vfio_device_feature: {@code __u32 argsz @0; __u32 flags @4; __u8 data[] @8}. */
public final class VfioDeviceFeature {
    public static final int HEADER_SIZE = 8;
    public static final int OFF_ARGSZ = 0;
    public static final int OFF_FLAGS = 4;
    public static final int OFF_DATA = 8;

    private VfioDeviceFeature() {
    }

    /** A feature request with {@code payload} after the header; argsz = 8 + payload length. */
    public static byte[] request(int flags, byte[] payload) {
        byte[] b = new byte[HEADER_SIZE + payload.length];
        Le.put32(b, OFF_ARGSZ, b.length);
        Le.put32(b, OFF_FLAGS, flags);
        System.arraycopy(payload, 0, b, OFF_DATA, payload.length);
        return b;
    }

    public static int argsz(byte[] b) {
        Le.need(b, HEADER_SIZE, "vfio_device_feature");
        return Le.u32(b, OFF_ARGSZ);
    }

    public static int flags(byte[] b) {
        Le.need(b, HEADER_SIZE, "vfio_device_feature");
        return Le.u32(b, OFF_FLAGS);
    }
}
