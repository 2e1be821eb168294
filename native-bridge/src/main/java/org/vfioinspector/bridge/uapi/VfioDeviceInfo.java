package org.vfioinspector.bridge.uapi;

/** struct vfio_device_info, 24 bytes: argsz, flags, num_regions, num_irqs, cap_offset, pad. */
public record VfioDeviceInfo(int argsz, int flags, int numRegions, int numIrqs, int capOffset) {
    public static final int SIZE = 24;
    public static final int OFF_ARGSZ = 0;
    public static final int OFF_FLAGS = 4;
    public static final int OFF_NUM_REGIONS = 8;
    public static final int OFF_NUM_IRQS = 12;
    public static final int OFF_CAP_OFFSET = 16;
    public static final int OFF_PAD = 20;

    /** The argument for VFIO_DEVICE_GET_INFO with room for {@code argsz} bytes (capabilities follow the struct). */
    public static byte[] request(int argsz) {
        byte[] b = new byte[Math.max(argsz, SIZE)];
        Le.put32(b, OFF_ARGSZ, b.length);
        return b;
    }

    public byte[] encode() {
        byte[] b = new byte[SIZE];
        Le.put32(b, OFF_ARGSZ, argsz);
        Le.put32(b, OFF_FLAGS, flags);
        Le.put32(b, OFF_NUM_REGIONS, numRegions);
        Le.put32(b, OFF_NUM_IRQS, numIrqs);
        Le.put32(b, OFF_CAP_OFFSET, capOffset);
        return b;
    }

    public static VfioDeviceInfo decode(byte[] b) {
        Le.need(b, SIZE, "vfio_device_info");
        return new VfioDeviceInfo(Le.u32(b, OFF_ARGSZ), Le.u32(b, OFF_FLAGS), Le.u32(b, OFF_NUM_REGIONS),
                Le.u32(b, OFF_NUM_IRQS), Le.u32(b, OFF_CAP_OFFSET));
    }

    public boolean canReset() {
        return (flags & Vfio.VFIO_DEVICE_FLAGS_RESET) != 0;
    }

    public boolean isPci() {
        return (flags & Vfio.VFIO_DEVICE_FLAGS_PCI) != 0;
    }
}
