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
