package org.vfioinspector.bridge.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One capability of a device's config space, in chain order.
 *
 * @param id       short name: "PM", "MSI", "MSI-X", "PCIe", "Vendor-specific", "AER", "ACS", "ReBAR", "SR-IOV", ...;
 *                 "cap 0xNN" / "ext cap 0xNNNN" for an ID this decoder does not name
 * @param rawId    the capability ID (8 bits in the standard list, 16 in the extended list)
 * @param offset   where its header is in config space
 * @param extended true for the extended list (offset 0x100 and above)
 * @param version  the extended capability's version (0 for the standard list)
 * @param detail   what was decoded of its registers; {@link Detail.Presence} when only the header is known
 */
public record Capability(String id, int rawId, int offset, boolean extended, int version, Detail detail) {
    public Capability {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(detail, "detail");
    }

    /** The decoded registers of a capability. */
    public sealed interface Detail permits Detail.Presence, Detail.Truncated, Detail.Pm, Detail.Msi, Detail.Msix,
            Detail.Pcie, Detail.Acs, Detail.Rebar, Detail.Sriov {
        /** Only the header: this decoder keeps presence, not registers (AER, ATS, PRI, PASID, vendor-specific...). */
        record Presence() implements Detail {
        }

        /** The capability's registers lie beyond the readable part of config space. */
        record Truncated(int needed) implements Detail {
        }

        /** Power Management: version (PMC bits 2:0) and current power state (PMCSR bits 1:0, 0-3 = D0-D3hot). */
        record Pm(int version, int powerState) implements Detail {
            public String stateName() {
                return "D" + (powerState == 3 ? "3hot" : Integer.toString(powerState));
            }
        }

        /** MSI: enable bit, vectors enabled / capable, 64-bit addresses, per-vector masking. */
        record Msi(boolean enabled, int vectorsEnabled, int vectorsCapable, boolean addr64, boolean maskable)
                implements Detail {
        }

        /** MSI-X: enable and function mask bits, table size (entries), table and PBA (BAR index and offset). */
        record Msix(boolean enabled, boolean masked, int tableSize, int tableBar, long tableOffset, int pbaBar,
                    long pbaOffset) implements Detail {
        }

        /**
         * PCI Express: capability version, device/port type, slot implemented, and, where the port type has a link,
         * the link's current and maximum speed (GT/s) and width (lanes).
         */
        record Pcie(int version, int portTypeCode, boolean slot, Optional<Link> link) implements Detail {
            public String portType() {
                return ConfigSpaceParser.portTypeName(portTypeCode);
            }
        }

        /** A PCIe link: speeds as the LnkCap/LnkSta codes decode ("2.5GT/s" ...), widths in lanes. */
        record Link(String maxSpeed, int maxWidth, String speed, int width) {
        }

        /** ACS: capability and control bits, by name in the order SV TB RR CR UF EC DT. */
        record Acs(List<String> capability, List<String> control, int capabilityBits, int controlBits)
                implements Detail {
            public Acs {
                capability = List.copyOf(capability);
                control = List.copyOf(control);
            }
        }

        /** Resizable BAR: one entry per resizable BAR. */
        record Rebar(List<RebarEntry> bars) implements Detail {
            public Rebar {
                bars = List.copyOf(bars);
            }
        }

        /** One resizable BAR: its index, current size and the sizes it supports (bytes, ascending). */
        record RebarEntry(int bar, long currentSize, List<Long> supportedSizes) {
            public RebarEntry {
                supportedSizes = List.copyOf(supportedSizes);
            }
        }

        /** SR-IOV: VF enable, initial/total/num VFs, VF offset and stride, VF device ID, the VF BAR registers. */
        record Sriov(boolean vfEnabled, int initialVfs, int totalVfs, int numVfs, int vfOffset, int vfStride,
                     int vfDeviceId, List<Long> vfBars) implements Detail {
            public Sriov {
                vfBars = List.copyOf(vfBars);
            }
        }
    }
}
