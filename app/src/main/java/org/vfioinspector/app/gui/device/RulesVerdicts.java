package org.vfioinspector.app.gui.device;

import java.util.Optional;
import java.util.function.Function;
import org.vfioinspector.bridge.model.PciDevice;
import org.vfioinspector.bridge.model.Region;
import org.vfioinspector.bridge.rules.KernelProfile;
import org.vfioinspector.bridge.rules.Predictions;

/**
 * Predicted verdicts from the rules module ({@link Predictions}) for the host's kernel profile. Where the host can
 * tell more about a device than sysfs does (a lab scenario knows whether the rest of a sub-page BAR's page is
 * free), {@code quirks} supplies it.
 */
public final class RulesVerdicts implements VerdictSource {
    private static final String P2P_WHY = "P2P needs an importer on a peer device; the verdict comes with the "
            + "importer (try-it: attach)";

    private final KernelProfile profile;
    private final String why;
    private final Function<PciDevice, Function<Region, Optional<Boolean>>> restOfPageFree;

    /**
     * @param profile        the kernel profile
     * @param why            how the profile was chosen
     * @param restOfPageFree per device and region: whether the rest of a sub-page BAR's page is free, when known
     */
    public RulesVerdicts(KernelProfile profile, String why,
                         Function<PciDevice, Function<Region, Optional<Boolean>>> restOfPageFree) {
        this.profile = profile;
        this.why = why;
        this.restOfPageFree = restOfPageFree;
    }

    @Override
    public BarVerdicts predict(PciDevice device, Region region) {
        Boolean vfio = device.driver().filter("vfio-pci"::equals).isPresent() ? Boolean.TRUE : null;
        Boolean free = restOfPageFree.apply(device).apply(region).orElse(null);
        Predictions.BarPrediction p = Predictions.forBar(profile, region,
                new Predictions.DeviceQuirks(false, vfio, free));
        return new BarVerdicts(map(p.mmap()), map(p.dmaBuf()), Verdict.unknown(P2P_WHY));
    }

    private static Verdict map(org.vfioinspector.bridge.rules.Verdict v) {
        Verdict.Status s = switch (v.outcome()) {
            case YES -> Verdict.Status.YES;
            case NO -> Verdict.Status.NO;
            case UNKNOWN -> Verdict.Status.UNKNOWN;
        };
        return new Verdict(s, v.rule().describe(), v.rule().condition());
    }

    @Override
    public String describe() {
        return "rules of profile " + profile.name() + " (" + why + ")";
    }
}
