package org.vfioinspector.bridge.rules;

import java.util.ArrayList;
import java.util.List;

import org.vfioinspector.bridge.kernel.Errno;
import org.vfioinspector.bridge.uapi.Vfio;
import org.vfioinspector.bridge.uapi.VfioBytes;
import org.vfioinspector.bridge.uapi.VfioDmaBuf;

/**
 * VFIO_DEVICE_FEATURE and its DMA_BUF feature, every check in kernel order with its errno: the generic dispatch
 * (vfio_ioctl_device_feature, facts §1.3), vfio_pci_core_feature_dma_buf rows 1–13 (§3.1) and
 * vfio_pci_core_get_dmabuf_phys / vfio_pci_core_fill_phys_vec.
 */
public final class DmaBufRules {
    static final String DISPATCH = "vfio_ioctl_device_feature";
    static final String PCI_FEATURE = "vfio_pci_core_ioctl_feature";
    static final String EXPORT = "vfio_pci_core_feature_dma_buf";
    static final String CHECK = "vfio_check_feature";
    static final String VALIDATE = "validate_dmabuf_input";
    static final String PHYS = "vfio_pci_core_get_dmabuf_phys";
    static final String FILL = "vfio_pci_core_fill_phys_vec";
    private static final long PAGE = Vfio.PAGE_SIZE;
    private static final int KNOWN_FLAGS = Vfio.VFIO_DEVICE_FEATURE_MASK | Vfio.VFIO_DEVICE_FEATURE_GET
            | Vfio.VFIO_DEVICE_FEATURE_SET | Vfio.VFIO_DEVICE_FEATURE_PROBE;

    private DmaBufRules() {
    }

    /**
     * The result of a DMA_BUF request.
     *
     * @param verdict        yes (export, or PROBE answered 0) or no with errno
     * @param probeOnly      PROBE: the ioctl returns 0 and nothing is exported
     * @param regionIndex    the BAR
     * @param openFlags      open_flags as given (not validated by vfio)
     * @param ranges         the ranges, in order (their concatenation is the dma-buf)
     * @param physAddrs      phys_vec[i].paddr for each range
     * @param revokedAtBirth priv->revoked = !__vfio_pci_memory_enabled (row 12)
     */
    public record Export(Verdict verdict, boolean probeOnly, int regionIndex, int openFlags,
                         List<VfioDmaBuf.Range> ranges, List<Long> physAddrs, boolean revokedAtBirth) {
        public Export {
            ranges = List.copyOf(ranges);
            physAddrs = List.copyOf(physAddrs);
        }

        static Export refused(Verdict v) {
            return new Export(v, false, -1, 0, List.of(), List.of(), false);
        }

        public long size() {
            return ranges.stream().mapToLong(VfioDmaBuf.Range::length).sum();
        }
    }

    /** The device state the export depends on. */
    public record DeviceState(boolean memoryEnabled, boolean unregistering) {
    }

    /**
     * The generic dispatch for any feature (rows before the feature's handler). Returns null when the request
     * passes on to the feature handler.
     */
    public static Verdict dispatch(KernelProfile profile, int flags, int argsz) {
        if (Integer.compareUnsigned(argsz, 8) < 0) {
            return Verdict.no(DISPATCH, "argsz " + argsz + " < sizeof(struct vfio_device_feature) (8)", Errno.EINVAL);
        }
        if ((flags & ~KNOWN_FLAGS) != 0) {
            return Verdict.no(DISPATCH, "flag bits 0x" + Integer.toHexString(flags & ~KNOWN_FLAGS)
                    + " outside MASK|GET|SET|PROBE", Errno.EINVAL);
        }
        boolean get = (flags & Vfio.VFIO_DEVICE_FEATURE_GET) != 0;
        boolean set = (flags & Vfio.VFIO_DEVICE_FEATURE_SET) != 0;
        boolean probe = (flags & Vfio.VFIO_DEVICE_FEATURE_PROBE) != 0;
        if (get && set && !probe) {
            return Verdict.no(DISPATCH, "GET and SET together without PROBE", Errno.EINVAL);
        }
        int feature = flags & Vfio.VFIO_DEVICE_FEATURE_MASK;
        if (feature == Vfio.VFIO_DEVICE_FEATURE_DMA_BUF && !profile.dmaBuf()) {
            return Verdict.no(PCI_FEATURE, "feature 11 (DMA_BUF) is unknown to " + profile.name()
                    + " (dma-buf export arrived in 6.19): default case", Errno.ENOTTY);
        }
        if (feature != Vfio.VFIO_DEVICE_FEATURE_DMA_BUF) {
            return Verdict.no(PCI_FEATURE, "feature " + feature + " is not modelled by the lab (only DMA_BUF is)",
                    Errno.ENOTTY);
        }
        return null;
    }

    /**
     * VFIO_DEVICE_FEATURE with feature DMA_BUF: dispatch, then vfio_pci_core_feature_dma_buf.
     *
     * @param payload the user memory after the 8-byte feature header (header + ranges as the caller laid it out)
     */
    public static Export export(KernelProfile profile, DeviceFacts d, int flags, int argsz, byte[] payload,
                                DeviceState state) {
        Verdict gen = dispatch(profile, flags, argsz);
        if (gen != null) {
            return Export.refused(gen);
        }
        if (!d.dmabufPhysHook()) {
            return Export.refused(Verdict.no(EXPORT, "the driver's pci_ops has no get_dmabuf_phys hook (row 1)",
                    Errno.EOPNOTSUPP));
        }
        boolean get = (flags & Vfio.VFIO_DEVICE_FEATURE_GET) != 0;
        boolean set = (flags & Vfio.VFIO_DEVICE_FEATURE_SET) != 0;
        boolean probe = (flags & Vfio.VFIO_DEVICE_FEATURE_PROBE) != 0;
        if (set) {
            return Export.refused(Verdict.no(CHECK, "SET asked but DMA_BUF supports only GET (row 2)", Errno.EINVAL));
        }
        if (probe) {
            return new Export(Verdict.yes(CHECK, "PROBE|GET: DMA_BUF is supported, nothing exported (row 2)"), true, -1,
                    0, List.of(), List.of(), false);
        }
        if (!get) {
            return Export.refused(Verdict.no(CHECK, "neither GET nor SET (row 2)", Errno.EINVAL));
        }
        int minsz = 8 + VfioDmaBuf.HEADER_SIZE;
        if (Integer.compareUnsigned(argsz, minsz) < 0) {
            return Export.refused(Verdict.no(CHECK, "argsz " + Integer.toUnsignedString(argsz)
                    + " < 8 + sizeof(struct vfio_device_feature_dma_buf) = 24 (row 2)", Errno.EINVAL));
        }
        if (payload.length < VfioDmaBuf.HEADER_SIZE) {
            return Export.refused(Verdict.no(EXPORT, "copy_from_user of the 16-byte header faults (row 3)", Errno.EFAULT));
        }
        VfioDmaBuf h = VfioDmaBuf.decodeHeader(payload);
        long nr = Integer.toUnsignedLong(h.nrRanges());
        if (nr == 0 || h.flags() != 0) {
            return Export.refused(Verdict.no(EXPORT, nr == 0 ? "nr_ranges is 0 (row 4)" : "flags is 0x"
                    + Integer.toHexString(h.flags()) + ", must be 0 (row 4)", Errno.EINVAL));
        }
        int index = h.regionIndex();
        if (Integer.compareUnsigned(index, Vfio.VFIO_PCI_ROM_REGION_INDEX) >= 0) {
            return Export.refused(Verdict.no(EXPORT, "region_index " + Integer.toUnsignedString(index)
                    + " ≥ VFIO_PCI_ROM_REGION_INDEX: only BAR0-5 can be exported (row 5)", Errno.ENODEV));
        }
        BarFacts bar = d.bar(index);
        if (profile.barResourceCheckBeforeExport()) {
            Errno e = MmapRules.barSetupError(bar);
            if (e != null) {
                return Export.refused(Verdict.no("vfio_pci_core_setup_barmap", "BAR" + index + (bar.size() == 0
                        ? " is not implemented (zero length)" : " region request or iomap failed")
                        + ": checked before export since 702809dabdec (row 5)", e));
            }
        }
        if (profile.exportChecksBarMmapSupported()) {
            Verdict mm = MmapRules.probe(d, index);
            if (mm.refused()) {
                return Export.refused(Verdict.no(EXPORT, "!bar_mmap_supported[" + index + "] (" + mm.rule().condition()
                        + "): BARs that mmap refuses are not exported (Matt Evans's fix; errno UNVERIFIED)", Errno.EINVAL));
            }
        }
        if (nr > Integer.MAX_VALUE / VfioDmaBuf.RANGE_SIZE) {
            return Export.refused(Verdict.no("memdup_array_user", "nr_ranges " + nr + " × 16 overflows (row 6)",
                    Errno.EOVERFLOW));
        }
        List<VfioDmaBuf.Range> ranges = VfioDmaBuf.decodeRanges(payload, nr);
        if (ranges == null) {
            return Export.refused(Verdict.no("memdup_array_user", nr + " ranges run past the caller's memory (row 6)",
                    Errno.EFAULT));
        }
        long total = 0;
        for (int i = 0; i < ranges.size(); i++) {
            VfioDmaBuf.Range r = ranges.get(i);
            if (r.length() == 0) {
                return Export.refused(Verdict.no(VALIDATE, "range " + i + " has length 0 (row 7)", Errno.EINVAL));
            }
            if (r.offset() % PAGE != 0 || r.length() % PAGE != 0) {
                return Export.refused(Verdict.no(VALIDATE, "range " + i + " [" + MmapRules.hex(r.offset()) + ", +"
                        + MmapRules.hex(r.length()) + ") is not PAGE_ALIGNED (row 7)", Errno.EINVAL));
            }
            long sum = total + r.length();
            if (Long.compareUnsigned(sum, total) < 0) {
                return Export.refused(Verdict.no(VALIDATE, "the sum of the range lengths overflows (row 7)", Errno.EINVAL));
            }
            total = sum;
        }
        if (total < 0) {
            return Export.refused(Verdict.no(VALIDATE, "total length has bit 63 set (DMA_IOVA_USE_SWIOTLB) (row 7)",
                    Errno.EINVAL));
        }
        if (!bar.isMem()) {
            return Export.refused(Verdict.no(PHYS, "pcim_p2pdma_provider is NULL: BAR" + index + " is not IORESOURCE_MEM"
                    + (bar.implemented() ? " (I/O port BAR)" : " (unimplemented BAR)") + " (row 9)", Errno.EINVAL));
        }
        if (d.nonMappableBars() && profile.p2pdmaRefusesNonMappableBars()) {
            return Export.refused(Verdict.no(PHYS, "pcim_p2pdma_provider is NULL: non_mappable_bars (951ebc18d181) "
                    + "(row 9)", Errno.EINVAL));
        }
        List<Long> phys = new ArrayList<>();
        long barEnd = bar.start() + bar.size();
        for (int i = 0; i < ranges.size(); i++) {
            VfioDmaBuf.Range r = ranges.get(i);
            long a = bar.start() + r.offset();
            if (Long.compareUnsigned(a, bar.start()) < 0 || Long.compareUnsigned(a + r.length(), a) < 0) {
                return Export.refused(Verdict.no(FILL, "range " + i + ": BAR start + offset + length overflows (row 9)",
                        Errno.EOVERFLOW));
            }
            if (Long.compareUnsigned(a + r.length(), barEnd) > 0) {
                return Export.refused(Verdict.no(FILL, "range " + i + " [" + MmapRules.hex(r.offset()) + ", +"
                        + MmapRules.hex(r.length()) + ") ends past the BAR (size " + MmapRules.hex(bar.size())
                        + ") (row 9)", Errno.EINVAL));
            }
            phys.add(a);
        }
        if (state.unregistering()) {
            return Export.refused(Verdict.no("vfio_device_try_get_registration", "the device is being unregistered "
                    + "(unbind in progress) (row 10)", Errno.ENODEV));
        }
        String born = state.memoryEnabled() ? "" : "; memory decoding is off, so the dma-buf is born revoked (row 12)";
        return new Export(Verdict.yes(EXPORT, "BAR" + index + ": " + ranges.size() + " range(s), " + total
                        + " bytes exported; the ioctl returns the new dma-buf fd (row 13)" + born), false, index,
                h.openFlags(), ranges, phys, !state.memoryEnabled());
    }

    /** The payload bytes of an encoded feature request (everything after the 8-byte header). */
    public static byte[] payloadOf(byte[] featureArg) {
        byte[] p = new byte[Math.max(0, featureArg.length - 8)];
        System.arraycopy(featureArg, Math.min(8, featureArg.length), p, 0, p.length);
        return p;
    }
}
