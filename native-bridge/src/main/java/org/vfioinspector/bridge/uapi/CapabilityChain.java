package org.vfioinspector.bridge.uapi;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Walks and writes VFIO info capability chains. The walker trusts nothing the buffer says: every header and body
 * must lie inside the buffer, a chain may not revisit an offset (a loop), may not point backwards into the fixed
 * struct, and is cut after {@link #MAX_CAPS} entries. A malformed chain is a {@link MalformedChainException}
 * naming the offset and what was wrong; it never loops or reads out of bounds.
 */
public final class CapabilityChain {
    public static final int MAX_CAPS = 64;

    private CapabilityChain() {
    }

    /** A chain that cannot be trusted. */
    public static final class MalformedChainException extends Exception {
        private static final long serialVersionUID = 1L;

        public MalformedChainException(String message) {
            super(message);
        }
    }

    /**
     * Reads the chain of an info struct.
     *
     * @param info       the whole buffer the kernel filled (struct and capabilities)
     * @param fixedSize  size of the fixed struct (capabilities can only start after it)
     * @param capOffset  the struct's cap_offset (0: no chain)
     */
    public static List<VfioInfoCap> read(byte[] info, int fixedSize, int capOffset) throws MalformedChainException {
        List<VfioInfoCap> caps = new ArrayList<>();
        BitSet seen = new BitSet();
        long off = Integer.toUnsignedLong(capOffset);
        while (off != 0) {
            if (caps.size() >= MAX_CAPS) {
                throw new MalformedChainException("capability chain longer than " + MAX_CAPS + " entries");
            }
            if (off < fixedSize) {
                throw new MalformedChainException("capability at offset " + off + " lies inside the fixed "
                        + fixedSize + "-byte struct");
            }
            if (off + VfioInfoCap.HEADER_SIZE > info.length) {
                throw new MalformedChainException("capability header at offset " + off + " runs past the "
                        + info.length + "-byte buffer");
            }
            if (seen.get((int) off)) {
                throw new MalformedChainException("capability chain loops back to offset " + off);
            }
            seen.set((int) off);
            int o = (int) off;
            int id = Le.u16(info, o);
            int version = Le.u16(info, o + 2);
            long next = Integer.toUnsignedLong(Le.u32(info, o + 4));
            caps.add(decodeBody(info, o, id, version));
            off = next;
        }
        return caps;
    }

    private static VfioInfoCap decodeBody(byte[] b, int o, int id, int version) throws MalformedChainException {
        switch (id) {
            case Vfio.VFIO_REGION_INFO_CAP_SPARSE_MMAP: {
                need(b, o, VfioInfoCap.SparseMmap.AREAS_OFFSET, "sparse-mmap capability");
                long n = Integer.toUnsignedLong(Le.u32(b, o + 8));
                long end = o + VfioInfoCap.SparseMmap.AREAS_OFFSET + n * VfioInfoCap.SparseMmap.AREA_SIZE;
                if (end > b.length) {
                    throw new MalformedChainException("sparse-mmap capability at offset " + o + " claims " + n
                            + " areas, which run past the " + b.length + "-byte buffer");
                }
                List<VfioInfoCap.Area> areas = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    int a = o + VfioInfoCap.SparseMmap.AREAS_OFFSET + i * VfioInfoCap.SparseMmap.AREA_SIZE;
                    areas.add(new VfioInfoCap.Area(Le.u64(b, a), Le.u64(b, a + 8)));
                }
                return new VfioInfoCap.SparseMmap(version, List.copyOf(areas));
            }
            case Vfio.VFIO_REGION_INFO_CAP_TYPE:
                need(b, o, VfioInfoCap.Type.SIZE, "type capability");
                return new VfioInfoCap.Type(version, Le.u32(b, o + 8), Le.u32(b, o + 12));
            case Vfio.VFIO_REGION_INFO_CAP_MSIX_MAPPABLE:
                return new VfioInfoCap.MsixMappable(version);
            default:
                return new VfioInfoCap.Unknown(id, version);
        }
    }

    private static void need(byte[] b, int o, int size, String what) throws MalformedChainException {
        if ((long) o + size > b.length) {
            throw new MalformedChainException(what + " at offset " + o + " needs " + size + " bytes; the buffer ends at "
                    + b.length);
        }
    }

    /** Bytes a capability takes when written by {@link #write}. */
    public static int sizeOf(VfioInfoCap cap) {
        if (cap instanceof VfioInfoCap.SparseMmap s) {
            return VfioInfoCap.SparseMmap.AREAS_OFFSET + s.areas().size() * VfioInfoCap.SparseMmap.AREA_SIZE;
        } else if (cap instanceof VfioInfoCap.Type) {
            return VfioInfoCap.Type.SIZE;
        }
        return VfioInfoCap.HEADER_SIZE;
    }

    /**
     * Writes {@code caps} as a chain into {@code buf} starting at {@code start}, linking each to the next, as the
     * kernel's vfio_info_add_capability does. Returns the offset just past the chain.
     */
    public static int write(byte[] buf, int start, List<VfioInfoCap> caps) {
        int off = start;
        for (int i = 0; i < caps.size(); i++) {
            VfioInfoCap cap = caps.get(i);
            int size = sizeOf(cap);
            int next = i + 1 < caps.size() ? off + size : 0;
            Le.put16(buf, off, cap.id());
            Le.put16(buf, off + 2, cap.version());
            Le.put32(buf, off + 4, next);
            if (cap instanceof VfioInfoCap.SparseMmap s) {
                Le.put32(buf, off + 8, s.areas().size());
                for (int a = 0; a < s.areas().size(); a++) {
                    int ao = off + VfioInfoCap.SparseMmap.AREAS_OFFSET + a * VfioInfoCap.SparseMmap.AREA_SIZE;
                    Le.put64(buf, ao, s.areas().get(a).offset());
                    Le.put64(buf, ao + 8, s.areas().get(a).size());
                }
            } else if (cap instanceof VfioInfoCap.Type t) {
                Le.put32(buf, off + 8, t.type());
                Le.put32(buf, off + 12, t.subtype());
            }
            off += size;
        }
        return off;
    }

    /** Total bytes of a chain. */
    public static int sizeOf(List<VfioInfoCap> caps) {
        return caps.stream().mapToInt(CapabilityChain::sizeOf).sum();
    }
}
