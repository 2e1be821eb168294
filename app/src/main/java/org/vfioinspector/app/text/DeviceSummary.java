package org.vfioinspector.app.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.vfioinspector.bridge.model.HostInventory;
import org.vfioinspector.bridge.model.IommuGroup;
import org.vfioinspector.bridge.model.PciDevice;
import org.vfioinspector.bridge.rules.HostPredictions;
import org.vfioinspector.bridge.rules.Verdict;

/**
 * One device in one line, as {@code list --brief} prints it and the GUI's device table shows it: its group and
 * whether VFIO can take that group, and how many of its BARs mmap and export (the rules' predictions, ROM left out:
 * neither can ever be done on it), with the BARs where the two disagree.
 *
 * @param group     the IOMMU group number, or empty without an IOMMU group
 * @param viable    "yes", "no", or "-" without a group
 * @param mmap      "2/3": BARs whose mmap verdict is yes, of the BARs; "?N" appended when N are unknown
 * @param dmaBuf    the same for the dma-buf export
 * @param disagree  the BARs whose two verdicts differ ("BAR0"), empty when none
 */
public record DeviceSummary(Optional<Integer> group, String viable, String mmap, String dmaBuf,
                            List<String> disagree) {
    public DeviceSummary {
        disagree = List.copyOf(disagree);
    }

    public static DeviceSummary of(PciDevice d, HostInventory host, HostPredictions predictions) {
        return of(d, host, predictions.device(d));
    }

    /** The same from the device's predictions worked out already. */
    public static DeviceSummary of(PciDevice d, HostInventory host, HostPredictions.DevicePrediction prediction) {
        int bars = 0;
        int mmapYes = 0;
        int mmapUnknown = 0;
        int exportYes = 0;
        int exportUnknown = 0;
        List<String> disagree = new ArrayList<>();
        for (HostPredictions.RegionPrediction r : prediction.regions()) {
            if (!r.region().isBar()) {
                continue;
            }
            bars++;
            Verdict m = r.verdicts().mmap();
            Verdict x = r.verdicts().dmaBuf();
            mmapYes += m.allowed() ? 1 : 0;
            mmapUnknown += m.allowed() || m.refused() ? 0 : 1;
            exportYes += x.allowed() ? 1 : 0;
            exportUnknown += x.allowed() || x.refused() ? 0 : 1;
            if (r.verdicts().disagree()) {
                disagree.add(r.region().name());
            }
        }
        Optional<Integer> group = d.iommuGroup();
        String viable = group.flatMap(host::group).map(IommuGroup::viability).map(v -> v.viable() ? "yes" : "no")
                .orElse(group.isPresent() ? "no" : "-");
        return new DeviceSummary(group, viable, count(mmapYes, bars, mmapUnknown), count(exportYes, bars,
                exportUnknown), disagree);
    }

    private static String count(int yes, int of, int unknown) {
        return yes + "/" + of + (unknown == 0 ? "" : "?" + unknown);
    }
}
