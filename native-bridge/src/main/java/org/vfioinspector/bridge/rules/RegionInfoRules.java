package org.vfioinspector.bridge.rules;

import java.util.ArrayList;
import java.util.List;

import org.vfioinspector.bridge.kernel.Errno;
import org.vfioinspector.bridge.uapi.Vfio;
import org.vfioinspector.bridge.uapi.VfioInfoCap;

/** vfio_pci_ioctl_get_region_info: what VFIO_DEVICE_GET_REGION_INFO answers for each index (facts §1.2). */
public final class RegionInfoRules {
    static final String FN = "vfio_pci_ioctl_get_region_info";

    private RegionInfoRules() {
    }

    /**
     * The answer for one index.
     *
     * @param verdict yes with the info, or no with -EINVAL
     * @param flags   VFIO_REGION_INFO_FLAG_* (without CAPS: the caller adds it with the chain)
     * @param size    region size
     * @param offset  device-fd offset (index << 40)
     * @param caps    capabilities, in chain order
     */
    public record Info(Verdict verdict, int flags, long size, long offset, List<VfioInfoCap> caps) {
        public Info {
            caps = List.copyOf(caps);
        }
    }

    public static Info info(DeviceFacts d, int index) {
        if (index < 0 || index >= Vfio.VFIO_PCI_NUM_REGIONS) {
            return new Info(Verdict.no(FN, "index " + index + " ≥ VFIO_PCI_NUM_REGIONS + device regions", Errno.EINVAL),
                    0, 0, 0, List.of());
        }
        long off = Vfio.vfioPciIndexToOffset(index);
        int rw = Vfio.VFIO_REGION_INFO_FLAG_READ | Vfio.VFIO_REGION_INFO_FLAG_WRITE;
        if (index <= Vfio.VFIO_PCI_BAR5_REGION_INDEX) {
            BarFacts b = d.bar(index);
            if (b.size() == 0 || !b.implemented()) {
                return new Info(Verdict.yes(FN, "BAR" + index + " is not implemented: size 0, flags 0"), 0, 0, off,
                        List.of());
            }
            int flags = rw;
            List<VfioInfoCap> caps = new ArrayList<>();
            Verdict probe = MmapRules.probe(d, index);
            String why;
            if (probe.allowed()) {
                flags |= Vfio.VFIO_REGION_INFO_FLAG_MMAP;
                why = "READ|WRITE|MMAP (bar_mmap_supported)";
                if (index == d.msixBar()) {
                    caps.add(new VfioInfoCap.MsixMappable(1));
                    why += ", MSIX_MAPPABLE capability (the BAR holds the MSI-X table and may still be mmapped)";
                }
            } else {
                why = "READ|WRITE, no MMAP (" + probe.rule().condition() + ")";
            }
            return new Info(Verdict.yes(FN, "BAR" + index + ": " + why), flags, b.size(), off, caps);
        }
        if (index == Vfio.VFIO_PCI_ROM_REGION_INDEX) {
            if (d.romSize() == 0) {
                return new Info(Verdict.yes(FN, "ROM absent (pci_map_rom probe fails): size 0, flags 0"), 0, 0, off,
                        List.of());
            }
            return new Info(Verdict.yes(FN, "ROM present: READ only"), Vfio.VFIO_REGION_INFO_FLAG_READ, d.romSize(), off,
                    List.of());
        }
        if (index == Vfio.VFIO_PCI_CONFIG_REGION_INDEX) {
            return new Info(Verdict.yes(FN, "config space: READ|WRITE, size = config space size " + d.configSize()), rw,
                    d.configSize(), off, List.of());
        }
        if (!d.vga()) {
            return new Info(Verdict.no(FN, "VGA region: vfio_pci_is_vga is false (no VGA decoding)", Errno.EINVAL), 0, 0,
                    0, List.of());
        }
        return new Info(Verdict.yes(FN, "VGA region: READ|WRITE, size 0xc0000"), rw, 0xc0000, off, List.of());
    }
}
