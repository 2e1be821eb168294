package org.vfioinspector.bridge.host;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.vfioinspector.bridge.kernel.Kernel;
import org.vfioinspector.bridge.kernel.KernelException;
import org.vfioinspector.bridge.kernel.Mapping;
import org.vfioinspector.bridge.lab.LabKernel;
import org.vfioinspector.bridge.lab.scenario.LabScenario;
import org.vfioinspector.bridge.model.HostInventory;
import org.vfioinspector.bridge.model.IommuGroup;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.model.PciDevice;
import org.vfioinspector.bridge.pciids.PciIds;
import org.vfioinspector.bridge.rules.HostPredictions;
import org.vfioinspector.bridge.rules.KernelProfile;
import org.vfioinspector.bridge.rules.Verdict;
import org.vfioinspector.bridge.sysfs.HostScanner;
import org.vfioinspector.bridge.sysfs.HostUnreadableException;
import org.vfioinspector.bridge.uapi.Iommufd;
import org.vfioinspector.bridge.uapi.Vfio;
import org.vfioinspector.bridge.uapi.VfioBytes;
import org.vfioinspector.bridge.uapi.VfioDeviceInfo;
import org.vfioinspector.bridge.uapi.VfioDmaBuf;
import org.vfioinspector.bridge.uapi.VfioGroupStatus;

/**
 * Prediction = the kernel's answer: for a lab host, the verdicts predicted from its sysfs tree (as {@code list}
 * prints them) against what its lab kernel then answers, on every region of every device the kernel lets VFIO open:
 * mmap of [0, size rounded up to a page), the DMA_BUF export of the same span, and DEVICE_INFO's FLAGS_RESET.
 */
public final class PredictionCheck {
    private static final int GET_DMABUF = Vfio.VFIO_DEVICE_FEATURE_GET | Vfio.VFIO_DEVICE_FEATURE_DMA_BUF;

    private PredictionCheck() {
    }

    /**
     * The result of a check.
     *
     * @param compared   "BDF region: mmap/dma-buf/reset" comparisons made
     * @param mismatches each disagreement, with both sides and the predicting rule
     */
    public record Result(int compared, List<String> mismatches) {
        public Result {
            mismatches = List.copyOf(mismatches);
        }
    }

    /** {@link #check(LabScenario, List)} under the scenario's own profile. */
    public static Result check(LabScenario scenario) throws IOException, HostUnreadableException {
        return check(scenario, List.of(scenario.profile()));
    }

    /**
     * The check under each of {@code profiles} (mismatches prefixed with the profile's name): the host's tree is
     * written and read once, each profile gets a fresh lab kernel and its own predictions.
     */
    public static Result check(LabScenario scenario, List<KernelProfile> profiles)
            throws IOException, HostUnreadableException {
        try (Host h = Host.lab(scenario)) {
            HostInventory inv = new HostScanner(h.paths(), PciIds.loadDefault()).scan();
            int compared = 0;
            List<String> bad = new ArrayList<>();
            for (KernelProfile profile : profiles) {
                LabScenario s = scenario.withProfile(profile);
                HostPredictions p = HostVerdicts.of(h.paths(), false, Optional.of(s), Optional.empty(), inv,
                        inv.kernel().release()).predictions();
                List<String> mine = new ArrayList<>();
                compared += check(new LabKernel(s), inv, p, mine);
                mine.forEach(m -> bad.add(profile.name() + ": " + m));
            }
            return new Result(compared, bad);
        }
    }

    private static int check(Kernel k, HostInventory inv, HostPredictions p, List<String> bad) throws IOException {
        int compared = 0;
        for (IommuGroup g : inv.groups()) {
            if (!g.viability().viable()) {
                continue;
            }
            for (PciAddress a : g.devices()) {
                Optional<PciDevice> d = inv.device(a);
                if (d.isPresent() && d.get().driver().filter("vfio-pci"::equals).isPresent()) {
                    compared += device(k, g.number(), p.device(d.get()), bad);
                }
            }
        }
        return compared;
    }

    private static int device(Kernel k, int group, HostPredictions.DevicePrediction dp, List<String> bad)
            throws IOException {
        String bdf = dp.device().address().toString();
        int n = 0;
        try {
            int c = k.open("vfio/vfio", Kernel.O_RDWR);
            int g = k.open("vfio/" + group, Kernel.O_RDWR);
            k.ioctl(g, Vfio.VFIO_GROUP_GET_STATUS, VfioGroupStatus.request());
            k.ioctl(g, Vfio.VFIO_GROUP_SET_CONTAINER, Iommufd.u32Arg(c));
            k.ioctl(c, Vfio.VFIO_SET_IOMMU, Vfio.VFIO_TYPE1v2_IOMMU);
            int dev = k.ioctl(g, Vfio.VFIO_GROUP_GET_DEVICE_FD, VfioBytes.cString(bdf));
            byte[] info = VfioDeviceInfo.request(VfioDeviceInfo.SIZE);
            k.ioctl(dev, Vfio.VFIO_DEVICE_GET_INFO, info);
            boolean reset = VfioDeviceInfo.decode(info).canReset();
            if (!Boolean.valueOf(reset).equals(dp.reset().value())) {
                bad.add(bdf + " FLAGS_RESET: predicted " + dp.reset().value() + " (" + dp.reset().rule()
                        + "), the lab kernel says " + reset);
            }
            n++;
            for (HostPredictions.RegionPrediction r : dp.regions()) {
                int index = r.region().index();
                long len = Math.max(Vfio.PAGE_SIZE, (r.region().size() + Vfio.PAGE_SIZE - 1) & ~(Vfio.PAGE_SIZE - 1));
                String mm;
                try {
                    Mapping m = k.mmap(dev, Vfio.vfioPciIndexToOffset(index), len, Kernel.PROT_READ);
                    m.close();
                    mm = "ok";
                } catch (KernelException e) {
                    mm = e.errnoName();
                }
                String db;
                try {
                    byte[] arg = VfioDmaBuf.of(index, Kernel.O_RDWR | Kernel.O_CLOEXEC,
                            List.of(new VfioDmaBuf.Range(0, len))).featureRequest(GET_DMABUF);
                    k.close(k.ioctl(dev, Vfio.VFIO_DEVICE_FEATURE, arg));
                    db = "ok";
                } catch (KernelException e) {
                    db = e.errnoName();
                }
                compare(bdf + " " + r.region().name() + " mmap", r.verdicts().mmap(), mm, bad);
                compare(bdf + " " + r.region().name() + " dma-buf", r.verdicts().dmaBuf(), db, bad);
                n += 2;
            }
            k.close(dev);
            k.close(g);
            k.close(c);
        } catch (KernelException e) {
            bad.add(bdf + ": cannot open through the legacy path: " + e.getMessage());
        }
        return n;
    }

    private static void compare(String what, Verdict predicted, String answered, List<String> bad) {
        if (!predicted.result().equals(answered)) {
            bad.add(what + ": predicted " + predicted + ", the lab kernel answered " + answered);
        }
    }
}
