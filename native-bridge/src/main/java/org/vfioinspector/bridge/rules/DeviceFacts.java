package org.vfioinspector.bridge.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.vfioinspector.bridge.model.PciAddress;

/**
 * What the rules need to know about one vfio-pci device.
 *
 * @param bdf              the device
 * @param bars             exactly six entries, BAR0–BAR5 (unimplemented ones with size 0)
 * @param romSize          expansion ROM size, 0 when absent
 * @param configSize       256 (conventional) or 4096 (PCIe)
 * @param nonMappableBars  pdev->non_mappable_bars (set by zpci_ism_bar_no_mmap for IBM ISM on s390)
 * @param resetWorks       vdev->reset_works (a reset method exists): DEVICE_INFO FLAGS_RESET, VFIO_DEVICE_RESET allowed
 * @param msixBar          the BAR holding the MSI-X table, -1 without MSI-X
 * @param vga              vfio_pci_is_vga: VGA region present
 * @param dmabufPhysHook   the driver's pci_ops has get_dmabuf_phys (vfio-pci and nvgrace-gpu do)
 */
public record DeviceFacts(PciAddress bdf, List<BarFacts> bars, long romSize, int configSize, boolean nonMappableBars,
                          boolean resetWorks, int msixBar, boolean vga, boolean dmabufPhysHook) {
    public DeviceFacts {
        Objects.requireNonNull(bdf, "bdf");
        bars = List.copyOf(bars);
        if (bars.size() != 6) {
            throw new IllegalArgumentException("a PCI device has 6 BAR slots, got " + bars.size());
        }
        for (int i = 0; i < 6; i++) {
            if (bars.get(i).index() != i) {
                throw new IllegalArgumentException("BAR slot " + i + " holds BAR" + bars.get(i).index());
            }
        }
    }

    /** Six BAR slots from the implemented ones given, the rest unimplemented. */
    public static List<BarFacts> slots(List<BarFacts> implemented) {
        List<BarFacts> out = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            out.add(BarFacts.absent(i));
        }
        for (BarFacts b : implemented) {
            out.set(b.index(), b);
        }
        return out;
    }

    public BarFacts bar(int index) {
        return bars.get(index);
    }
}
