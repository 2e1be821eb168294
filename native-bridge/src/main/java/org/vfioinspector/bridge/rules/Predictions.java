package org.vfioinspector.bridge.rules;

import java.util.List;

import org.vfioinspector.bridge.kernel.Errno;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.model.Region;
import org.vfioinspector.bridge.model.RegionKind;
import org.vfioinspector.bridge.uapi.Vfio;
import org.vfioinspector.bridge.uapi.VfioDmaBuf;

/**
 * Predicted verdicts for a BAR of a real host, read from sysfs: whether VFIO will mmap it and whether it can be
 * exported as a dma-buf, each with the rule, and whether the two disagree.
 */
public final class Predictions {
    private Predictions() {
    }

    /** What sysfs tells about the device beyond its regions. */
    public record DeviceQuirks(boolean nonMappableBars, Boolean vfioPciDriver, Boolean restOfPageFree) {
        public static DeviceQuirks none() {
            return new DeviceQuirks(false, Boolean.TRUE, null);
        }
    }

    /**
     * @param mmap       VFIO_REGION_INFO_FLAG_MMAP / vfio_pci_core_mmap
     * @param dmaBuf     export of [0, size rounded up to a page)
     * @param disagree   one is yes and the other no
     * @param disagreement what the disagreement means, empty when none
     */
    public record BarPrediction(Verdict mmap, Verdict dmaBuf, boolean disagree, String disagreement) {
    }

    public static BarPrediction forBar(KernelProfile profile, Region region, DeviceQuirks quirks) {
        if (!region.isBar()) {
            Verdict mm = Verdict.no(MmapRules.MMAP, "index ≥ VFIO_PCI_ROM_REGION_INDEX: the ROM cannot be mmapped",
                    Errno.EINVAL);
            Verdict db = Verdict.no(DmaBufRules.EXPORT, "region_index 6 ≥ VFIO_PCI_ROM_REGION_INDEX (row 5)",
                    Errno.ENODEV);
            return new BarPrediction(mm, profile.dmaBuf() ? db : Verdict.no(DmaBufRules.PCI_FEATURE,
                    "no DMA_BUF feature in " + profile.name(), Errno.ENOTTY), false, "");
        }
        BarFacts b = new BarFacts(region.index(), region.kind() == RegionKind.ROM ? RegionKind.MEM32 : region.kind(),
                region.start(), region.size(), region.prefetchable(),
                region.size() < Vfio.PAGE_SIZE ? quirks.restOfPageFree() : null, true);
        DeviceFacts d = new DeviceFacts(new PciAddress(0, 0, 0, 0), DeviceFacts.slots(List.of(b)), 0, 256,
                quirks.nonMappableBars(), false, -1, false, !Boolean.FALSE.equals(quirks.vfioPciDriver()));
        return forBar(profile, d, region.index(), quirks.vfioPciDriver());
    }

    /**
     * The verdicts for BAR {@code index} of device {@code d}: vfio_pci_core_mmap of [0, PAGE_ALIGN(size)) and the
     * DMA_BUF export of the same span, run through the same rules the lab kernel answers with.
     *
     * @param vfioPciDriver true when bound to vfio-pci, false for a variant driver without get_dmabuf_phys, null when
     *                      not bound (then an allowed export is unknown)
     */
    public static BarPrediction forBar(KernelProfile profile, DeviceFacts d, int index, Boolean vfioPciDriver) {
        long len = Math.max(Vfio.PAGE_SIZE, MmapRules.pageAlign(d.bar(index).size()));
        Verdict mm = MmapRules.mmap(d, index, 0, len, true, null);
        byte[] payload = VfioDmaBuf.of(index, 0, List.of(new VfioDmaBuf.Range(0, len))).encode();
        Verdict db = DmaBufRules.export(profile, d, Vfio.VFIO_DEVICE_FEATURE_GET | Vfio.VFIO_DEVICE_FEATURE_DMA_BUF,
                8 + payload.length, payload, new DmaBufRules.DeviceState(true, false)).verdict();
        if (vfioPciDriver == null && db.allowed()) {
            db = Verdict.unknown(DmaBufRules.EXPORT, "the device is not bound to vfio-pci; a variant driver without "
                    + "get_dmabuf_phys would refuse with EOPNOTSUPP");
        }
        return of(mm, db);
    }

    /**
     * Both verdicts, and whether (and how) they disagree. A kernel without the DMA_BUF feature (ENOTTY: before 6.19)
     * exports nothing at all, so its BARs do not disagree: warning on every BAR of every older host would hide the
     * disagreements the warning is for (a 6.18 GPU host's snapshot showed it).
     */
    public static BarPrediction of(Verdict mm, Verdict db) {
        boolean noExportFeature = db.errno().filter(e -> e == Errno.ENOTTY).isPresent();
        boolean disagree = mm.outcome() != Verdict.Outcome.UNKNOWN && db.outcome() != Verdict.Outcome.UNKNOWN
                && mm.allowed() != db.allowed() && !noExportFeature;
        String why = "";
        if (disagree) {
            why = mm.allowed() ? "VFIO lets userspace mmap this BAR but refuses to export it as a dma-buf ("
                    + db.rule().describe() + ")"
                    : "VFIO refuses to mmap this BAR but exports it as a dma-buf: a device the kernel says must not "
                    + "be mapped can be handed to importers (" + mm.rule().describe() + ")";
        }
        return new BarPrediction(mm, db, disagree, why);
    }
}
