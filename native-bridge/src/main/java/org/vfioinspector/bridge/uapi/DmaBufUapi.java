package org.vfioinspector.bridge.uapi;

/** Constants of include/uapi/linux/dma-buf.h that the inspector uses on a dma-buf fd. */
public final class DmaBufUapi {
    private DmaBufUapi() {
    }

    /** DMA_BUF_BASE: 'b'. */
    public static final int DMA_BUF_BASE = 'b';

    /**
     * DMA_BUF_SET_NAME_B = _IOW('b', 1, __u64) = 0x40086201: the argument is a pointer to a NUL-terminated name
     * (the u64 only sizes the encoding). The kernel accepts names of up to DMA_BUF_NAME_LEN - 1 = 31 bytes.
     */
    public static final long DMA_BUF_SET_NAME_B = 0x40086201L;

    /** DMA_BUF_SET_NAME_A = _IOW('b', 1, __u32), the 32-bit spelling of the same ioctl. */
    public static final long DMA_BUF_SET_NAME_A = 0x40046201L;

    /** DMA_BUF_NAME_LEN: 32 including the NUL. */
    public static final int DMA_BUF_NAME_LEN = 32;
}
