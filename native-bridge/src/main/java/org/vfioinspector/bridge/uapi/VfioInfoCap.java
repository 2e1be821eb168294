package org.vfioinspector.bridge.uapi;

import java.util.List;

/**
 * One capability of a VFIO info chain: header {@code __u16 id; __u16 version; __u32 next} (8 bytes) and its body.
 * {@code next} is an offset from the start of the info struct; 0 ends the chain.
 */
public sealed interface VfioInfoCap {
    int HEADER_SIZE = 8;

    int id();

    int version();

    /** VFIO_REGION_INFO_CAP_SPARSE_MMAP (1): the mmappable areas of a region. */
    record SparseMmap(int version, List<Area> areas) implements VfioInfoCap {
        public static final int AREAS_OFFSET = 16;
        public static final int AREA_SIZE = 16;

        @Override
        public int id() {
            return Vfio.VFIO_REGION_INFO_CAP_SPARSE_MMAP;
        }
    }

    /** One sparse-mmap area (offset, size) within the region. */
    record Area(long offset, long size) {
    }

    /** VFIO_REGION_INFO_CAP_TYPE (2): a device-specific region's type and subtype. */
    record Type(int version, int type, int subtype) implements VfioInfoCap {
        public static final int SIZE = 16;

        @Override
        public int id() {
            return Vfio.VFIO_REGION_INFO_CAP_TYPE;
        }
    }

    /** VFIO_REGION_INFO_CAP_MSIX_MAPPABLE (3): the BAR holds the MSI-X table and may still be mmapped. */
    record MsixMappable(int version) implements VfioInfoCap {
        @Override
        public int id() {
            return Vfio.VFIO_REGION_INFO_CAP_MSIX_MAPPABLE;
        }
    }

    /** A capability this project does not decode (e.g. the obsolete NVLINK2 ones). */
    record Unknown(int id, int version) implements VfioInfoCap {
    }

    /** The name used in probe output: "SPARSE_MMAP", "TYPE", "MSIX_MAPPABLE" or "CAP_n". */
    static String nameOf(VfioInfoCap cap) {
        if (cap instanceof SparseMmap) {
            return "SPARSE_MMAP";
        } else if (cap instanceof Type) {
            return "TYPE";
        } else if (cap instanceof MsixMappable) {
            return "MSIX_MAPPABLE";
        }
        return "CAP_" + cap.id();
    }
}
