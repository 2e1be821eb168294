package org.vfioinspector.app.gui.dmabuf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vfioinspector.bridge.model.Region;
import org.vfioinspector.bridge.model.RegionKind;

/** The range editor answers what Linux 7.2 answered on the q35 guest (facts §9, DMA-BUF argument semantics). */
class RangeCheckTest {
    private static final long PAGE = 4096;
    private static final Region EDU_BAR0 = new Region(0, RegionKind.MEM32, 0xfea00000L, 1 << 20, 0x40200, false,
            false);
    private static final Region IVSHMEM_BAR0 = new Region(0, RegionKind.MEM32, 0xfeb67000L, 256, 0x40200, false,
            false);
    private static final Region IO_BAR = new Region(1, RegionKind.IO, 0xd000, 256, 0x40101, false, false);
    private static final Region ROM = new Region(6, RegionKind.ROM, 0xfeb00000L, 256 << 10, 0x46200, true, true);

    private static String answer(Region r, long off, long len) {
        return RangeCheck.check(r, off, len, PAGE).map(RangeCheck.Problem::errno).orElse("ok");
    }

    @Test
    void wholeBarAndPageSlicesPass() {
        assertEquals("ok", answer(EDU_BAR0, 0, 1 << 20));
        assertEquals("ok", answer(EDU_BAR0, PAGE, PAGE));
    }

    @Test
    void unalignedZeroAndOversizedRangesAreEinval() {
        assertEquals("EINVAL", answer(EDU_BAR0, 8, PAGE));
        assertEquals("EINVAL", answer(EDU_BAR0, 0, 100));
        assertEquals("EINVAL", answer(EDU_BAR0, 0, 0));
        assertEquals("EINVAL", answer(EDU_BAR0, 0, (1 << 20) + PAGE));
        assertEquals("EINVAL", answer(EDU_BAR0, 1 << 20, PAGE));
    }

    @Test
    void subPageBarCannotBeExportedWithEitherLength() {
        assertEquals("EINVAL", answer(IVSHMEM_BAR0, 0, 0x100));
        assertEquals("EINVAL", answer(IVSHMEM_BAR0, 0, 0x1000));
    }

    @Test
    void ioBarIsEinvalAndRomIsEnodev() {
        assertEquals("EINVAL", answer(IO_BAR, 0, PAGE));
        assertEquals("ENODEV", answer(ROM, 0, PAGE));
    }

    @Test
    void parseSizeAcceptsBytesHexAndUnits() {
        assertEquals(Optional.of(4096L), RangeCheck.parseSize("4096"));
        assertEquals(Optional.of(4096L), RangeCheck.parseSize("0x1000"));
        assertEquals(Optional.of(8L << 20), RangeCheck.parseSize("8M"));
        assertEquals(Optional.empty(), RangeCheck.parseSize("lots"));
    }
}
