package org.vfioinspector.app.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.vfioinspector.app.text.DeviceSummary;
import org.vfioinspector.bridge.host.HostVerdicts;
import org.vfioinspector.bridge.input.TextEscape;
import org.vfioinspector.bridge.model.HostInventory;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.model.PciDevice;
import org.vfioinspector.bridge.model.ReadFailure;

/**
 * {@code list --brief}: a header, then one line per PCI device in BDF order, in aligned columns (as virsh and
 * Proxmox list devices): BDF, group, whether VFIO can take the group, vendor:device, class, driver, BARs that mmap
 * and that export (of the BARs), the BARs where the two disagree, and the names. A device whose files could not be
 * read gets its line too, saying so.
 */
final class ListBrief {
    static final List<String> HEADER = List.of("BDF", "GROUP", "VIABLE", "ID", "CLASS", "DRIVER", "MMAP", "DMA-BUF",
            "DISAGREE", "NAME");

    private ListBrief() {
    }

    static String render(HostInventory host, HostVerdicts verdicts) {
        List<List<String>> rows = new ArrayList<>();
        List<PciDevice> devices = new ArrayList<>(host.devices());
        devices.sort(Comparator.comparing(PciDevice::address));
        for (PciDevice d : devices) {
            DeviceSummary s = DeviceSummary.of(d, host, verdicts.predictions());
            rows.add(List.of(d.address().toString(), s.group().map(String::valueOf).orElse("-"), s.viable(),
                    String.format("%04x:%04x", d.vendorId(), d.deviceId()), String.format("%06x", d.classCode()),
                    esc(d.driver().orElse("-")), s.mmap(), s.dmaBuf(),
                    s.disagree().isEmpty() ? "-" : String.join(",", s.disagree()), name(d)));
        }
        for (ReadFailure f : host.failed()) {
            if (PciAddress.isValid(f.subject()) && host.device(PciAddress.parse(f.subject())).isEmpty()) {
                rows.add(List.of(f.subject(), "?", "no", "?", "?", "?", "?", "?", "?",
                        "(could not be read: " + esc(f.message()) + ")"));
            }
        }
        rows.sort(Comparator.comparing(r -> r.get(0)));
        int[] width = new int[HEADER.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = HEADER.get(i).length();
            for (List<String> r : rows) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        line(out, HEADER, width);
        rows.forEach(r -> line(out, r, width));
        return out.toString();
    }

    private static void line(StringBuilder out, List<String> cells, int[] width) {
        StringBuilder l = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            l.append(cells.get(i));
            if (i < cells.size() - 1) {
                l.append(" ".repeat(width[i] - cells.get(i).length() + 2));
            }
        }
        out.append(l.toString().stripTrailing()).append('\n');
    }

    /** "Red Hat, Inc. Inter-VM shared memory", or the IDs' words when pci.ids does not know them. */
    private static String name(PciDevice d) {
        return esc(d.names().vendor().orElse(String.format("vendor %04x", d.vendorId())) + " "
                + d.names().device().orElse(String.format("device %04x", d.deviceId())));
    }

    private static String esc(String s) {
        return TextEscape.escape(s);
    }
}
