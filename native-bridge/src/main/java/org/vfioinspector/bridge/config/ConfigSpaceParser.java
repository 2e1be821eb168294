package org.vfioinspector.bridge.config;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.vfioinspector.bridge.config.Capability.Detail;

/**
 * Decodes a device's {@code config} bytes: header, the standard capability list (from PCI_CAPABILITY_LIST) and the
 * extended list (from 0x100). Pure and bounded: every register read is checked against the bytes read, each list is
 * walked at most as far as the kernel walks it (48 standard, 480 extended entries) and a pointer seen twice ends it,
 * so a looping, out-of-range or truncated chain becomes a {@link ConfigSpace.Problem} naming the file, the offset
 * and what was expected there; what was decoded before it is kept. Never throws.
 */
public final class ConfigSpaceParser {
    static final int PCI_STATUS_CAP_LIST = 0x10;
    /** PCI_FIND_CAP_TTL in drivers/pci/pci.c. */
    static final int CAP_TTL = 48;
    /** (4096 - 256) / 8: the most extended capabilities that fit. */
    static final int EXT_CAP_TTL = 480;

    /** ACS bits 0-6 (PCI_ACS_SV ... PCI_ACS_DT), by name. */
    public static final List<String> ACS_BITS = List.of("SV", "TB", "RR", "CR", "UF", "EC", "DT");

    private static final Map<Integer, String> STANDARD = Map.ofEntries(
            Map.entry(0x01, "PM"), Map.entry(0x02, "AGP"), Map.entry(0x03, "VPD"), Map.entry(0x04, "Slot ID"),
            Map.entry(0x05, "MSI"), Map.entry(0x06, "CompactPCI hot-swap"), Map.entry(0x07, "PCI-X"),
            Map.entry(0x08, "HyperTransport"), Map.entry(0x09, "Vendor-specific"), Map.entry(0x0a, "Debug port"),
            Map.entry(0x0b, "CompactPCI CRC"), Map.entry(0x0c, "PCI hot-plug"), Map.entry(0x0d, "Subsystem"),
            Map.entry(0x0e, "AGP 8x"), Map.entry(0x0f, "Secure device"), Map.entry(0x10, "PCIe"),
            Map.entry(0x11, "MSI-X"), Map.entry(0x12, "SATA"), Map.entry(0x13, "AF"), Map.entry(0x14, "EA"),
            Map.entry(0x15, "FPB"));
    private static final Map<Integer, String> EXTENDED = Map.ofEntries(
            Map.entry(0x00, "Null"), Map.entry(0x01, "AER"), Map.entry(0x02, "VC"), Map.entry(0x03, "DSN"),
            Map.entry(0x04, "Power budgeting"),
            Map.entry(0x05, "RC link declaration"), Map.entry(0x06, "RC internal link"),
            Map.entry(0x07, "RC event collector"), Map.entry(0x08, "MFVC"), Map.entry(0x09, "VC"),
            Map.entry(0x0a, "RCRB"), Map.entry(0x0b, "Vendor-specific"), Map.entry(0x0c, "CAC"),
            Map.entry(0x0d, "ACS"), Map.entry(0x0e, "ARI"), Map.entry(0x0f, "ATS"), Map.entry(0x10, "SR-IOV"),
            Map.entry(0x11, "MR-IOV"), Map.entry(0x12, "Multicast"), Map.entry(0x13, "PRI"),
            Map.entry(0x15, "ReBAR"), Map.entry(0x16, "DPA"), Map.entry(0x17, "TPH"), Map.entry(0x18, "LTR"),
            Map.entry(0x19, "Secondary PCIe"), Map.entry(0x1a, "PMUX"), Map.entry(0x1b, "PASID"),
            Map.entry(0x1c, "LNR"), Map.entry(0x1d, "DPC"), Map.entry(0x1e, "L1 PM substates"),
            Map.entry(0x1f, "PTM"), Map.entry(0x20, "M-PCIe"), Map.entry(0x21, "FRS"), Map.entry(0x22, "RTR"),
            Map.entry(0x23, "DVSEC"), Map.entry(0x24, "VF ReBAR"), Map.entry(0x25, "Data link feature"),
            Map.entry(0x26, "16 GT/s"), Map.entry(0x27, "Lane margining"), Map.entry(0x28, "Hierarchy ID"),
            Map.entry(0x29, "NPEM"), Map.entry(0x2a, "32 GT/s"), Map.entry(0x2b, "Alternate protocol"),
            Map.entry(0x2c, "SFI"), Map.entry(0x2e, "DOE"), Map.entry(0x30, "IDE"), Map.entry(0x31, "64 GT/s"));

    private ConfigSpaceParser() {
    }

    /**
     * Decodes {@code bytes} read from {@code file} (the name problems carry, e.g.
     * "bus/pci/devices/0000:00:03.0/config"). Bytes past 4096 are ignored.
     */
    public static ConfigSpace parse(String file, byte[] bytes) {
        int n = Math.min(bytes.length, ConfigSpace.EXTENDED);
        Reader r = new Reader(bytes, n);
        List<ConfigSpace.Problem> problems = new ArrayList<>();
        List<Capability> caps = new ArrayList<>();
        if (n < ConfigSpace.HEADER) {
            problems.add(new ConfigSpace.Problem(file, n, "the file ends after " + n
                    + " bytes; expected at least the 64-byte header"));
        }
        int command = r.has(0x04, 2) ? r.u16(0x04) : -1;
        int status = r.has(0x06, 2) ? r.u16(0x06) : -1;
        int header = r.has(0x0e, 1) ? r.u8(0x0e) : -1;
        int headerType = header < 0 ? -1 : header & 0x7f;
        boolean multifunction = header >= 0 && (header & 0x80) != 0;
        if (status >= 0 && (status & PCI_STATUS_CAP_LIST) != 0) {
            int ptrAt = headerType == 2 ? 0x14 : 0x34;
            if (!r.has(ptrAt, 1)) {
                problems.add(new ConfigSpace.Problem(file, ptrAt, "PCI_STATUS says there is a capability list, "
                        + "but its pointer lies beyond the " + n + " readable bytes"));
            } else {
                standard(file, r, r.u8(ptrAt), ptrAt, caps, problems);
            }
        }
        if (n > ConfigSpace.CONVENTIONAL) {
            extended(file, r, caps, problems);
        }
        return new ConfigSpace(n, command, status, headerType, multifunction, caps, problems);
    }

    private static void standard(String file, Reader r, int first, int from, List<Capability> caps,
                                 List<ConfigSpace.Problem> problems) {
        BitSet seen = new BitSet(256);
        int pos = first & 0xfc;
        int at = from;
        for (int ttl = 0; pos != 0; ttl++) {
            if (ttl == CAP_TTL) {
                problems.add(new ConfigSpace.Problem(file, at, "more than " + CAP_TTL
                        + " capabilities; the list was cut there"));
                return;
            }
            if (pos < ConfigSpace.HEADER || pos > ConfigSpace.CONVENTIONAL - 2) {
                problems.add(new ConfigSpace.Problem(file, at, String.format("capability pointer 0x%02x is outside "
                        + "0x40-0xfe; expected the next capability there or 0 to end the list", pos)));
                return;
            }
            if (seen.get(pos)) {
                problems.add(new ConfigSpace.Problem(file, at, String.format("capability pointer 0x%02x points "
                        + "back to a capability already listed (a loop); expected 0 to end the list", pos)));
                return;
            }
            seen.set(pos);
            if (!r.has(pos, 2)) {
                problems.add(new ConfigSpace.Problem(file, at, String.format("capability 0x%02x lies beyond the %d "
                        + "readable bytes (reading more of config space needs root)", pos, r.n)));
                return;
            }
            int id = r.u8(pos);
            if (id == 0xff) {
                problems.add(new ConfigSpace.Problem(file, pos, "capability ID 0xff (the device returned all ones); "
                        + "expected a capability ID"));
                return;
            }
            caps.add(standardCap(r, id, pos));
            at = pos + 1;
            pos = r.u8(pos + 1) & 0xfc;
        }
    }

    private static void extended(String file, Reader r, List<Capability> caps, List<ConfigSpace.Problem> problems) {
        int pos = ConfigSpace.CONVENTIONAL;
        if (!r.has(pos, 4)) {
            return;
        }
        int first = r.u32(pos);
        if (first == 0 || first == 0xffffffff) {
            return; // no extended capabilities (or none readable): lspci shows none either
        }
        BitSet seen = new BitSet(ConfigSpace.EXTENDED);
        int at = pos;
        for (int ttl = 0; ; ttl++) {
            if (ttl == EXT_CAP_TTL) {
                problems.add(new ConfigSpace.Problem(file, at, "more than " + EXT_CAP_TTL
                        + " extended capabilities; the list was cut there"));
                return;
            }
            if (seen.get(pos)) {
                problems.add(new ConfigSpace.Problem(file, at, String.format("extended capability pointer 0x%03x "
                        + "points back to a capability already listed (a loop); expected 0 to end the list", pos)));
                return;
            }
            seen.set(pos);
            if (!r.has(pos, 4)) {
                problems.add(new ConfigSpace.Problem(file, at, String.format("extended capability 0x%03x lies "
                        + "beyond the %d readable bytes", pos, r.n)));
                return;
            }
            int h = r.u32(pos);
            if (h == 0xffffffff) {
                problems.add(new ConfigSpace.Problem(file, pos, "extended capability header reads all ones; "
                        + "expected an ID, version and next pointer"));
                return;
            }
            int id = h & 0xffff;
            int version = (h >>> 16) & 0xf;
            int next = (h >>> 20) & 0xffc;
            caps.add(extendedCap(r, id, version, pos));
            if (next == 0) {
                return;
            }
            if (next < ConfigSpace.CONVENTIONAL) {
                problems.add(new ConfigSpace.Problem(file, pos + 2, String.format("next extended capability "
                        + "pointer 0x%03x is below 0x100; expected 0x100-0xffc or 0 to end the list", next)));
                return;
            }
            at = pos + 2;
            pos = next;
        }
    }

    private static Capability standardCap(Reader r, int id, int pos) {
        String name = STANDARD.getOrDefault(id, String.format("cap 0x%02x", id));
        Detail d = switch (id) {
            case 0x01 -> r.has(pos, 8) ? new Detail.Pm(r.u16(pos + 2) & 7, r.u16(pos + 4) & 3)
                    : new Detail.Truncated(8);
            case 0x05 -> {
                if (!r.has(pos, 4)) {
                    yield new Detail.Truncated(4);
                }
                int ctl = r.u16(pos + 2);
                yield new Detail.Msi((ctl & 1) != 0, 1 << ((ctl >> 4) & 7), 1 << ((ctl >> 1) & 7),
                        (ctl & 0x80) != 0, (ctl & 0x100) != 0);
            }
            case 0x11 -> {
                if (!r.has(pos, 12)) {
                    yield new Detail.Truncated(12);
                }
                int ctl = r.u16(pos + 2);
                int table = r.u32(pos + 4);
                int pba = r.u32(pos + 8);
                yield new Detail.Msix((ctl & 0x8000) != 0, (ctl & 0x4000) != 0, (ctl & 0x7ff) + 1, table & 7,
                        Integer.toUnsignedLong(table & ~7), pba & 7, Integer.toUnsignedLong(pba & ~7));
            }
            case 0x10 -> pcie(r, pos);
            default -> new Detail.Presence();
        };
        return new Capability(name, id, pos, false, 0, d);
    }

    private static Detail pcie(Reader r, int pos) {
        if (!r.has(pos, 4)) {
            return new Detail.Truncated(4);
        }
        int flags = r.u16(pos + 2);
        int type = (flags >> 4) & 0xf;
        Optional<Detail.Link> link = Optional.empty();
        if (hasLink(type)) {
            if (!r.has(pos, 0x14)) {
                return new Detail.Truncated(0x14);
            }
            int cap = r.u32(pos + 0x0c);
            int sta = r.u16(pos + 0x12);
            link = Optional.of(new Detail.Link(speed(cap & 0xf), (cap >> 4) & 0x3f, speed(sta & 0xf),
                    (sta >> 4) & 0x3f));
        }
        return new Detail.Pcie(flags & 0xf, type, (flags & 0x100) != 0, link);
    }

    /** Root-complex integrated endpoints and event collectors have no link registers (lspci shows none). */
    static boolean hasLink(int portType) {
        return portType != 9 && portType != 0xa;
    }

    static String speed(int code) {
        return switch (code) {
            case 1 -> "2.5GT/s";
            case 2 -> "5GT/s";
            case 3 -> "8GT/s";
            case 4 -> "16GT/s";
            case 5 -> "32GT/s";
            case 6 -> "64GT/s";
            default -> "unknown (" + code + ")";
        };
    }

    /** The device/port type as the JSON names it (PCI_EXP_FLAGS_TYPE). */
    public static String portTypeName(int code) {
        return switch (code) {
            case 0 -> "endpoint";
            case 1 -> "legacy-endpoint";
            case 4 -> "root-port";
            case 5 -> "switch-upstream";
            case 6 -> "switch-downstream";
            case 7 -> "pcie-to-pci-bridge";
            case 8 -> "pci-to-pcie-bridge";
            case 9 -> "rc-integrated-endpoint";
            case 10 -> "rc-event-collector";
            default -> "type " + code;
        };
    }

    private static Capability extendedCap(Reader r, int id, int version, int pos) {
        String name = EXTENDED.getOrDefault(id, String.format("ext cap 0x%04x", id));
        Detail d = switch (id) {
            case 0x0d -> {
                if (!r.has(pos, 8)) {
                    yield new Detail.Truncated(8);
                }
                int cap = r.u16(pos + 4);
                int ctl = r.u16(pos + 6);
                yield new Detail.Acs(acsNames(cap), acsNames(ctl), cap, ctl);
            }
            case 0x15 -> rebar(r, pos);
            case 0x10 -> {
                if (!r.has(pos, 0x3c)) {
                    yield new Detail.Truncated(0x3c);
                }
                List<Long> vfBars = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    vfBars.add(Integer.toUnsignedLong(r.u32(pos + 0x24 + 4 * i)));
                }
                yield new Detail.Sriov((r.u16(pos + 8) & 1) != 0, r.u16(pos + 0x0c), r.u16(pos + 0x0e),
                        r.u16(pos + 0x10), r.u16(pos + 0x14), r.u16(pos + 0x16), r.u16(pos + 0x1a), vfBars);
            }
            default -> new Detail.Presence();
        };
        return new Capability(name, id, pos, true, version, d);
    }

    private static Detail rebar(Reader r, int pos) {
        if (!r.has(pos, 12)) {
            return new Detail.Truncated(12);
        }
        int count = (r.u32(pos + 8) >> 5) & 7;
        if (!r.has(pos, 4 + 8 * count)) {
            return new Detail.Truncated(4 + 8 * count);
        }
        List<Detail.RebarEntry> bars = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int cap = r.u32(pos + 4 + 8 * i);
            int ctl = r.u32(pos + 8 + 8 * i);
            List<Long> sizes = new ArrayList<>();
            for (int bit = 4; bit < 32; bit++) {
                if ((cap & (1 << bit)) != 0) {
                    sizes.add(1L << (20 + bit - 4));
                }
            }
            bars.add(new Detail.RebarEntry(ctl & 7, 1L << (20 + ((ctl >> 8) & 0x3f)), sizes));
        }
        return new Detail.Rebar(bars);
    }

    /** The names of the set ACS bits, in bit order. */
    public static List<String> acsNames(int bits) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < ACS_BITS.size(); i++) {
            if ((bits & (1 << i)) != 0) {
                out.add(ACS_BITS.get(i));
            }
        }
        return out;
    }

    /** Little-endian reads, each checked against the bytes read. */
    private record Reader(byte[] b, int n) {
        boolean has(int off, int len) {
            return off >= 0 && len >= 0 && off <= n - len;
        }

        int u8(int off) {
            return b[off] & 0xff;
        }

        int u16(int off) {
            return u8(off) | u8(off + 1) << 8;
        }

        int u32(int off) {
            return u16(off) | u16(off + 2) << 16;
        }
    }
}
