package org.vfioinspector.app.gui.device;

import java.util.List;
import org.vfioinspector.bridge.model.PciDevice;
import org.vfioinspector.bridge.model.Region;
import org.vfioinspector.bridge.rules.HostPredictions;

/**
 * Predicted verdicts from the rules module ({@link HostPredictions}: the same predictions {@code list} prints),
 * for the host's kernel profile, with the facts the kernel derives derived from the host (and a lab scenario's
 * explicit overrides honoured).
 */
public final class RulesVerdicts implements VerdictSource {
    private static final String P2P_WHY = "P2P needs an importer on a peer device; the verdict comes with the "
            + "importer (try-it: attach)";

    private final HostPredictions predictions;
    private final String why;

    /**
     * @param predictions the host's predictions
     * @param why         how the profile was chosen
     */
    public RulesVerdicts(HostPredictions predictions, String why) {
        this.predictions = predictions;
        this.why = why;
    }

    @Override
    public BarVerdicts predict(PciDevice device, Region region) {
        for (HostPredictions.RegionPrediction r : predictions.device(device).regions()) {
            if (r.region().index() == region.index()) {
                return new BarVerdicts(map(r.verdicts().mmap()), map(r.verdicts().dmaBuf()), Verdict.unknown(P2P_WHY));
            }
        }
        Verdict u = Verdict.unknown("region " + region.name() + " is not listed by sysfs for " + device.address());
        return new BarVerdicts(u, u, Verdict.unknown(P2P_WHY));
    }

    @Override
    public Verdict reset(PciDevice device) {
        org.vfioinspector.bridge.rules.DerivedFacts.Derived r = predictions.device(device).reset();
        String rule = r.rule();
        if (r.value() == null) {
            return Verdict.unknown(rule);
        }
        return r.value() ? new Verdict(Verdict.Status.YES, rule, "zap BAR mmaps, revoke the dma-bufs, reset, restore")
                : new Verdict(Verdict.Status.NO, rule, "vfio_pci_ioctl_reset: !vdev->reset_works (DEVICE_INFO has "
                + "no FLAGS_RESET) → -EINVAL", "EINVAL");
    }

    @Override
    public java.util.Optional<org.vfioinspector.bridge.rules.KernelProfile> profile() {
        return java.util.Optional.of(predictions.profile());
    }

    @Override
    public List<String> disagreements(PciDevice device) {
        return predictions.device(device).disagreements().stream().map(r -> r.region().name() + ": mmap "
                + word(r.verdicts().mmap()) + " (" + r.verdicts().mmap().rule().describe() + ")  |  dma-buf "
                + word(r.verdicts().dmaBuf()) + " (" + r.verdicts().dmaBuf().rule().describe() + ")").toList();
    }

    private static String word(org.vfioinspector.bridge.rules.Verdict v) {
        return v.allowed() ? "yes" : v.refused() ? "no" : "unknown";
    }

    private static Verdict map(org.vfioinspector.bridge.rules.Verdict v) {
        Verdict.Status s = switch (v.outcome()) {
            case YES -> Verdict.Status.YES;
            case NO -> Verdict.Status.NO;
            case UNKNOWN -> Verdict.Status.UNKNOWN;
        };
        return new Verdict(s, v.rule().describe(), v.rule().condition(),
                v.rule().errnoIfAny().map(Enum::name).orElse(null));
    }

    @Override
    public String describe() {
        return "rules of profile " + predictions.profile().name() + " (" + why + ")";
    }
}
