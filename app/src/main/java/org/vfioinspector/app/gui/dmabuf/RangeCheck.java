package org.vfioinspector.app.gui.dmabuf;

import java.util.Optional;
import org.vfioinspector.bridge.model.Region;

/**
 * Checks a dma-buf export range the way the kernel does ({@code vfio_pci_core_feature_dma_buf}, facts §3.1), in
 * the kernel's order, so the range editor can say what the kernel would answer before the user asks it.
 */
public final class RangeCheck {
    /** The kernel's answer for a bad request: the errno, its meaning here, and the check that gives it. */
    public record Problem(String errno, String meaning, String kernelCheck) {
    }

    private RangeCheck() {
    }

    /**
     * @param region   the BAR (its index is the VFIO region index)
     * @param offset   range offset within the BAR
     * @param length   range length
     * @param pageSize the host's page size
     */
    public static Optional<Problem> check(Region region, long offset, long length, long pageSize) {
        if (region.index() >= Region.ROM_INDEX) {
            return Optional.of(new Problem("ENODEV", "only BAR0–BAR5 can be exported; the ROM cannot",
                    "region_index >= VFIO_PCI_ROM_REGION_INDEX"));
        }
        if (length == 0) {
            return Optional.of(new Problem("EINVAL", "the length must not be zero",
                    "validate_dmabuf_input: length == 0"));
        }
        if (offset < 0 || length < 0) {
            return Optional.of(new Problem("EINVAL", "offset and length are unsigned",
                    "validate_dmabuf_input: sum overflows"));
        }
        if (offset % pageSize != 0) {
            return Optional.of(new Problem("EINVAL", "the offset must be a multiple of the page size ("
                    + pageSize + " bytes)", "validate_dmabuf_input: !PAGE_ALIGNED(offset)"));
        }
        if (length % pageSize != 0) {
            return Optional.of(new Problem("EINVAL", "the length must be a multiple of the page size ("
                    + pageSize + " bytes)", "validate_dmabuf_input: !PAGE_ALIGNED(length)"));
        }
        if (!region.kind().isMemory()) {
            return Optional.of(new Problem("EINVAL", "an I/O-port BAR has no P2P provider: only memory BARs "
                    + "can be exported", "pcim_p2pdma_provider() == NULL (not IORESOURCE_MEM)"));
        }
        if (offset > Long.MAX_VALUE - length || offset + length > region.size()) {
            return Optional.of(new Problem("EINVAL", "the range ends beyond the BAR (" + region.size()
                    + " bytes)" + (region.size() < pageSize ? "; a BAR smaller than a page can never be "
                    + "exported, although it may be mmapped" : ""),
                    "vfio_pci_core_fill_phys_vec: end beyond BAR start + BAR length"));
        }
        return Optional.empty();
    }

    /** Parses "4096", "0x1000", "4K", "8M", "1G"; empty for anything else. */
    public static Optional<Long> parseSize(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String t = text.strip().toLowerCase(java.util.Locale.ROOT).replace("_", "");
        if (t.isEmpty()) {
            return Optional.empty();
        }
        try {
            if (t.startsWith("0x")) {
                return Optional.of(Long.parseUnsignedLong(t.substring(2), 16));
            }
            long mult = 1;
            char last = t.charAt(t.length() - 1);
            if ("kmgt".indexOf(last) >= 0) {
                mult = 1L << (10 * ("kmgt".indexOf(last) + 1));
                t = t.substring(0, t.length() - 1);
            }
            return Optional.of(Math.multiplyExact(Long.parseLong(t), mult));
        } catch (NumberFormatException | ArithmeticException e) {
            return Optional.empty();
        }
    }
}
