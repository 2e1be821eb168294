package org.vfioinspector.app.gui.device;

import org.vfioinspector.bridge.model.PciDevice;
import org.vfioinspector.bridge.model.Region;

/**
 * Where predicted verdicts come from: the rules module of the kernel profile the host runs. Until that module is
 * part of this build, {@link #NONE} answers "unknown" and says so; the app never invents a verdict.
 */
public interface VerdictSource {
    BarVerdicts predict(PciDevice device, Region region);

    /** Where the verdicts come from, for the header ("rules of profile linux-7.2"). */
    String describe();

    /** The device's BARs whose mmap and dma-buf verdicts differ, each "BAR0: mmap yes (rule)  |  dma-buf no (rule)". */
    default java.util.List<String> disagreements(PciDevice device) {
        return java.util.List.of();
    }

    /** VFIO_DEVICE_RESET of the device: EINVAL when VFIO finds no reset method (DEVICE_INFO without FLAGS_RESET). */
    default Verdict reset(PciDevice device) {
        return Verdict.unknown("not predicted: no rules module for this host");
    }

    /** The kernel profile whose rules predict, when there is one. */
    default java.util.Optional<org.vfioinspector.bridge.rules.KernelProfile> profile() {
        return java.util.Optional.empty();
    }

    VerdictSource NONE = new VerdictSource() {
        private static final String WHY = "not predicted: this build has no kernel rules module yet";

        @Override
        public BarVerdicts predict(PciDevice device, Region region) {
            Verdict u = Verdict.unknown(WHY);
            return new BarVerdicts(u, u, u);
        }

        @Override
        public String describe() {
            return "no rules module (unknown)";
        }
    };
}
