package org.vfioinspector.bridge.session;

import java.util.ArrayList;
import java.util.List;
import org.vfioinspector.bridge.uapi.Vfio;
import org.vfioinspector.bridge.uapi.VfioInfoCap;

/**
 * A region as VFIO_DEVICE_GET_REGION_INFO describes it, with its decoded capability chain.
 *
 * @param index      region index (BAR0–5 = 0–5, ROM 6, CONFIG 7, VGA 8)
 * @param flags      VFIO_REGION_INFO_FLAG_*
 * @param size       bytes
 * @param offset     device-fd offset for pread/pwrite/mmap
 * @param caps       the capabilities
 * @param capsError  why the chain could not be trusted, or null
 */
public record RegionInfo(int index, int flags, long size, long offset, List<VfioInfoCap> caps, String capsError) {
    public RegionInfo {
        caps = List.copyOf(caps);
    }

    public boolean readable() {
        return (flags & Vfio.VFIO_REGION_INFO_FLAG_READ) != 0;
    }

    public boolean mmappable() {
        return (flags & Vfio.VFIO_REGION_INFO_FLAG_MMAP) != 0;
    }

    /** "READ", "WRITE", "MMAP", "CAPS" in that order, as the probe prints flags. */
    public List<String> flagNames() {
        List<String> out = new ArrayList<>();
        if ((flags & Vfio.VFIO_REGION_INFO_FLAG_READ) != 0) {
            out.add("READ");
        }
        if ((flags & Vfio.VFIO_REGION_INFO_FLAG_WRITE) != 0) {
            out.add("WRITE");
        }
        if ((flags & Vfio.VFIO_REGION_INFO_FLAG_MMAP) != 0) {
            out.add("MMAP");
        }
        if ((flags & Vfio.VFIO_REGION_INFO_FLAG_CAPS) != 0) {
            out.add("CAPS");
        }
        return out;
    }

    /** "SPARSE_MMAP", "TYPE", "MSIX_MAPPABLE", "CAP_n". */
    public List<String> capNames() {
        return caps.stream().map(VfioInfoCap::nameOf).toList();
    }

    /** max(PAGE, size rounded up to a page): the length the probe maps and exports. */
    public long pageSpan() {
        return pageSpan(size);
    }

    public static long pageSpan(long size) {
        long p = Vfio.PAGE_SIZE;
        long rounded = size <= 0 ? p : ((size + p - 1) / p) * p;
        return Math.max(p, rounded);
    }
}
