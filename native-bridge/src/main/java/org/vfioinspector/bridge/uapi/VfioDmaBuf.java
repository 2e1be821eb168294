package org.vfioinspector.bridge.uapi;

import java.util.ArrayList;
import java.util.List;

/**
 * struct vfio_device_feature_dma_buf (the VFIO_DEVICE_FEATURE_DMA_BUF payload): region_index @0, open_flags @4,
 * flags @8 (must be 0), nr_ranges @12, then nr_ranges struct vfio_region_dma_range {u64 offset; u64 length}.
 * The ioctl's return value is the new dma-buf fd; nothing is written back.
 */
public record VfioDmaBuf(int regionIndex, int openFlags, int flags, int nrRanges, List<Range> ranges) {
    public static final int HEADER_SIZE = 16;
    public static final int RANGE_SIZE = 16;
    public static final int OFF_REGION_INDEX = 0;
    public static final int OFF_OPEN_FLAGS = 4;
    public static final int OFF_FLAGS = 8;
    public static final int OFF_NR_RANGES = 12;
    public static final int OFF_RANGES = 16;

    /** struct vfio_region_dma_range: offset within the BAR and length, both page aligned. */
    public record Range(long offset, long length) {
    }

    public VfioDmaBuf {
        ranges = List.copyOf(ranges);
    }

    /** A well-formed request: nr_ranges = ranges.size(). */
    public static VfioDmaBuf of(int regionIndex, int openFlags, List<Range> ranges) {
        return new VfioDmaBuf(regionIndex, openFlags, 0, ranges.size(), ranges);
    }

    /** The payload bytes (header and the ranges actually present). */
    public byte[] encode() {
        byte[] b = new byte[HEADER_SIZE + ranges.size() * RANGE_SIZE];
        Le.put32(b, OFF_REGION_INDEX, regionIndex);
        Le.put32(b, OFF_OPEN_FLAGS, openFlags);
        Le.put32(b, OFF_FLAGS, flags);
        Le.put32(b, OFF_NR_RANGES, nrRanges);
        for (int i = 0; i < ranges.size(); i++) {
            Le.put64(b, OFF_RANGES + i * RANGE_SIZE, ranges.get(i).offset());
            Le.put64(b, OFF_RANGES + i * RANGE_SIZE + 8, ranges.get(i).length());
        }
        return b;
    }

    /** The whole VFIO_DEVICE_FEATURE argument with {@code featureFlags} (normally GET | DMA_BUF). */
    public byte[] featureRequest(int featureFlags) {
        return VfioDeviceFeature.request(featureFlags, encode());
    }

    /** Decodes the 16-byte header of a payload (ranges are decoded separately, since nr_ranges is untrusted). */
    public static VfioDmaBuf decodeHeader(byte[] payload) {
        Le.need(payload, HEADER_SIZE, "vfio_device_feature_dma_buf");
        return new VfioDmaBuf(Le.u32(payload, OFF_REGION_INDEX), Le.u32(payload, OFF_OPEN_FLAGS),
                Le.u32(payload, OFF_FLAGS), Le.u32(payload, OFF_NR_RANGES), List.of());
    }

    /** Decodes {@code count} ranges following the header, or null when the payload is too short for them. */
    public static List<Range> decodeRanges(byte[] payload, long count) {
        if (count < 0 || HEADER_SIZE + count * RANGE_SIZE > payload.length) {
            return null;
        }
        List<Range> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(new Range(Le.u64(payload, OFF_RANGES + i * RANGE_SIZE),
                    Le.u64(payload, OFF_RANGES + i * RANGE_SIZE + 8)));
        }
        return out;
    }
}
