package org.vfioinspector.bridge.uapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The capability walker on well-formed and hostile chains: it never loops, never reads out of bounds. */
class CapabilityChainTest {
    private static final int FIXED = VfioRegionInfo.SIZE;

    private static void header(byte[] b, int off, int id, int next) {
        VfioBytes.put16(b, off, id);
        VfioBytes.put16(b, off + 2, 1);
        VfioBytes.put32(b, off + 4, next);
    }

    private static String malformed(byte[] b, int capOffset) {
        return assertThrows(CapabilityChain.MalformedChainException.class,
                () -> CapabilityChain.read(b, FIXED, capOffset)).getMessage();
    }

    @Test
    void roundTripOfEveryKind() throws Exception {
        List<VfioInfoCap> caps = List.of(
                new VfioInfoCap.SparseMmap(1, List.of(new VfioInfoCap.Area(0, 0x1000), new VfioInfoCap.Area(0x3000, 0x2000))),
                new VfioInfoCap.MsixMappable(1),
                new VfioInfoCap.Type(1, 0x80000000, 3),
                new VfioInfoCap.Unknown(9, 2));
        byte[] b = new byte[FIXED + CapabilityChain.sizeOf(caps)];
        int end = CapabilityChain.write(b, FIXED, caps);
        assertEquals(b.length, end);
        List<VfioInfoCap> back = CapabilityChain.read(b, FIXED, FIXED);
        assertEquals(caps, back);
        assertEquals(List.of("SPARSE_MMAP", "MSIX_MAPPABLE", "TYPE", "CAP_9"),
                back.stream().map(VfioInfoCap::nameOf).toList());
        assertEquals(List.of(), CapabilityChain.read(b, FIXED, 0), "cap_offset 0: no chain");
    }

    @Test
    void selfLoop() {
        byte[] b = new byte[64];
        header(b, 32, 3, 32);
        assertTrue(malformed(b, 32).contains("loops"));
    }

    @Test
    void longerLoop() {
        byte[] b = new byte[64];
        header(b, 32, 3, 40);
        header(b, 40, 3, 48);
        header(b, 48, 3, 32);
        assertTrue(malformed(b, 32).contains("loops back to offset 32"));
    }

    @Test
    void offsetPastTheBuffer() {
        byte[] b = new byte[48];
        header(b, 32, 3, 44);
        assertTrue(malformed(b, 32).contains("runs past"));
        assertTrue(malformed(b, 0x7fffffff).contains("runs past"));
        assertTrue(malformed(b, -8).contains("runs past"), "cap_offset is unsigned: 0xfffffff8");
    }

    @Test
    void offsetInsideTheFixedStruct() {
        byte[] b = new byte[64];
        header(b, 32, 3, 8);
        assertTrue(malformed(b, 32).contains("inside the fixed"));
        assertTrue(malformed(b, 4).contains("inside the fixed"));
    }

    @Test
    void absurdNrAreas() {
        byte[] b = new byte[64];
        header(b, 32, Vfio.VFIO_REGION_INFO_CAP_SPARSE_MMAP, 0);
        VfioBytes.put32(b, 40, 0xffffffff);
        assertTrue(malformed(b, 32).contains("4294967295 areas"));
        VfioBytes.put32(b, 40, 2); // 16 + 32 bytes from 32: needs 80
        assertTrue(malformed(b, 32).contains("2 areas"));
    }

    @Test
    void truncatedBodies() {
        byte[] sparse = new byte[44];
        header(sparse, 32, Vfio.VFIO_REGION_INFO_CAP_SPARSE_MMAP, 0);
        assertTrue(malformed(sparse, 32).contains("sparse-mmap"));
        byte[] type = new byte[44];
        header(type, 32, Vfio.VFIO_REGION_INFO_CAP_TYPE, 0);
        assertTrue(malformed(type, 32).contains("type capability"));
        byte[] hdr = new byte[36];
        assertTrue(malformed(hdr, 32).contains("runs past"));
    }

    @Test
    void moreThan64Entries() throws Exception {
        List<VfioInfoCap> many = new ArrayList<>();
        for (int i = 0; i < 65; i++) {
            many.add(new VfioInfoCap.MsixMappable(1));
        }
        byte[] b = new byte[FIXED + CapabilityChain.sizeOf(many)];
        CapabilityChain.write(b, FIXED, many);
        assertTrue(malformed(b, FIXED).contains("longer than 64"));
        byte[] ok = new byte[FIXED + CapabilityChain.sizeOf(many.subList(0, 64))];
        CapabilityChain.write(ok, FIXED, many.subList(0, 64));
        assertEquals(64, CapabilityChain.read(ok, FIXED, FIXED).size());
    }
}
