package org.vfioinspector.bridge.kernel.dmabuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** fdinfo and bufinfo parsers on text in the formats of facts §5 and §9. */
class DmaBufParsersTest {
    @Test
    void fdinfoOfAVfioDmaBuf() {
        String text = "pos:\t0\nflags:\t02000002\nmnt_id:\t15\nino:\t4242\nsize:\t16384\ncount:\t1\n"
                + "exp_name:\tvfio_pci_core\nname:\tbar0-probe\n";
        DmaBufFdInfo f = DmaBufFdInfo.parse(text).orElseThrow();
        assertEquals(16384, f.size());
        assertEquals(1, f.count());
        assertEquals("vfio_pci_core", f.expName());
        assertEquals("bar0-probe", f.name());
        assertEquals(4242, f.ino());
        assertEquals(02000002, f.flags());
        assertNull(DmaBufFdInfo.parse(text.replace("name:\tbar0-probe\n", "")).orElseThrow().name());
        assertTrue(DmaBufFdInfo.parse("pos:\t0\nflags:\t02\nmnt_id:\t1\nino:\t5\n").isEmpty(), "a plain file");
        assertTrue(DmaBufFdInfo.parse("size:\tlots\nexp_name:\tx\n").isEmpty());
    }

    @Test
    void bufinfoWithAttachedDevices() {
        String text = "\nDma-buf Objects:\n"
                + "size    \tflags   \tmode    \tcount   \texp_name\tino     \tname\n"
                + "00016384\t00000002\t02080007\t00000002\tvfio_pci_core\t00004242\t<none>\n"
                + "\tAttached Devices:\n\tiommu\nTotal 1 devices attached\n\n"
                + "08388608\t00000002\t02080007\t00000001\tvfio_pci_core\t00004243\tivshmem-bar2\n"
                + "\tshared fence: dma_fence_chain 1 signalled\n"
                + "\tAttached Devices:\nTotal 0 devices attached\n\n"
                + "\nTotal 2 objects, 8404992 bytes\n";
        DmaBufInfoTable t = DmaBufInfoTable.parse(text);
        assertEquals(2, t.buffers().size());
        DmaBufInfoTable.Buffer a = t.byInode(4242).orElseThrow();
        assertEquals(16384, a.size());
        assertEquals(2, a.count());
        assertEquals(0x02080007, a.fMode());
        assertNull(a.name());
        assertEquals(List.of("iommu"), a.attached());
        DmaBufInfoTable.Buffer b = t.byInode(4243).orElseThrow();
        assertEquals("ivshmem-bar2", b.name());
        assertEquals(List.of(), b.attached());
        assertEquals(2, t.totalObjects());
        assertEquals(8404992, t.totalBytes());
        DmaBufInfoTable empty = DmaBufInfoTable.parse("\nDma-buf Objects:\nsize\tflags\n\nTotal 0 objects, 0 bytes\n");
        assertEquals(0, empty.buffers().size());
        assertEquals(0, empty.totalObjects());
    }
}
