package org.vfioinspector.bridge.sysfs;

import java.util.ArrayList;
import java.util.List;
import org.vfioinspector.bridge.model.Region;
import org.vfioinspector.bridge.model.RegionKind;

/**
 * Parser for a PCI device's {@code resource} file (pci-sysfs {@code resource_show}): one line per resource,
 * {@code 0x%016llx 0x%016llx 0x%016llx} = start, end (inclusive), IORESOURCE_* flags. Line N is resource N:
 * 0–5 the BARs, 6 the expansion ROM, then SR-IOV BARs (non-bridges) or bridge windows (bridges). Only lines 0–6
 * become {@link Region}s; all-zero lines (unimplemented) are left out.
 */
public final class ResourceFile {
    public static final long IORESOURCE_TYPE_BITS = 0x1f00L;
    public static final long IORESOURCE_IO = 0x100L;
    public static final long IORESOURCE_MEM = 0x200L;
    public static final long IORESOURCE_PREFETCH = 0x2000L;
    public static final long IORESOURCE_READONLY = 0x4000L;
    public static final long IORESOURCE_MEM_64 = 0x100000L;

    private static final String EXPECTED_LINE = "three hex numbers per line: 0xSTART 0xEND 0xFLAGS";

    private ResourceFile() {
    }

    /** One line of the file, undecoded. */
    public record Entry(int index, long start, long end, long flags) {
        public boolean isUnused() {
            return start == 0 && end == 0 && flags == 0;
        }
    }

    /** Every line, in order, including all-zero ones. */
    public static List<Entry> entries(String file, String text) {
        List<Entry> entries = new ArrayList<>();
        int n = text.length();
        int pos = 0;
        // as text.split("\n", -1) without its last empty string: every line, the one after the last newline only
        // when it is not empty
        for (int i = 0; pos < n; i++) {
            int eol = text.indexOf('\n', pos);
            if (eol < 0) {
                eol = n;
            }
            Entry e = kernelLine(text, pos, eol, i);
            if (e == null) {
                e = line(file, text.substring(pos, eol), i);
            }
            if (!e.isUnused() && Long.compareUnsigned(e.end(), e.start()) < 0) {
                throw new SysfsFormatException(file, text.substring(pos, eol),
                        "an end address at or above the start (line " + (i + 1) + ")");
            }
            entries.add(e);
            pos = eol + 1;
        }
        return entries;
    }

    /**
     * A line exactly as resource_show writes it ("0x%016llx 0x%016llx 0x%016llx"), read in place; null for any
     * other line, which {@link #line} then reads (a big host has 170,000 lines, and the substrings of a general
     * split were a tenth of a scan's time).
     */
    private static Entry kernelLine(String text, int from, int to, int index) {
        if (to - from != KERNEL_LINE || text.charAt(from + 18) != ' ' || text.charAt(from + 37) != ' '
                || !hex16(text, from) || !hex16(text, from + 19) || !hex16(text, from + 38)) {
            return null;
        }
        return new Entry(index, value16(text, from), value16(text, from + 19), value16(text, from + 38));
    }

    /** Three fields of "0x" and 16 hex digits, two spaces. */
    private static final int KERNEL_LINE = 3 * 18 + 2;

    /** Whether "0x" and 16 hex digits (as Long.parseUnsignedLong reads them) start at {@code at}. */
    private static boolean hex16(String text, int at) {
        if (text.charAt(at) != '0' || text.charAt(at + 1) != 'x') {
            return false;
        }
        for (int i = at + 2; i < at + 18; i++) {
            if (Character.digit(text.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    private static long value16(String text, int at) {
        long v = 0;
        for (int i = at + 2; i < at + 18; i++) {
            v = v << 4 | Character.digit(text.charAt(i), 16);
        }
        return v;
    }

    private static Entry line(String file, String line, int i) {
        String[] f = fields(line.strip());
        if (f.length != 3) {
            throw new SysfsFormatException(file, line, EXPECTED_LINE + " (line " + (i + 1) + ")");
        }
        return new Entry(i, hex(file, line, f[0], i), hex(file, line, f[1], i), hex(file, line, f[2], i));
    }

    /** The implemented BARs (index 0–5) and ROM (index 6), decoded. */
    public static List<Region> regions(String file, String text) {
        List<Region> regions = new ArrayList<>();
        for (Entry e : entries(file, text)) {
            if (e.index() > Region.ROM_INDEX || e.isUnused()) {
                continue;
            }
            regions.add(decode(file, e));
        }
        return regions;
    }

    static Region decode(String file, Entry e) {
        long type = e.flags() & IORESOURCE_TYPE_BITS;
        RegionKind kind;
        if (type == IORESOURCE_IO) {
            kind = RegionKind.IO;
        } else if (type == IORESOURCE_MEM) {
            if (e.index() == Region.ROM_INDEX) {
                kind = RegionKind.ROM;
            } else if ((e.flags() & IORESOURCE_MEM_64) != 0) {
                kind = RegionKind.MEM64;
            } else {
                kind = RegionKind.MEM32;
            }
        } else {
            throw new SysfsFormatException(file, String.format("0x%016x 0x%016x 0x%016x", e.start(), e.end(),
                    e.flags()), "flags with IORESOURCE_IO (0x100) or IORESOURCE_MEM (0x200) for resource "
                    + e.index());
        }
        long size = e.end() - e.start() + 1;
        if (size <= 0) {
            throw new SysfsFormatException(file, String.format("0x%016x 0x%016x 0x%016x", e.start(), e.end(),
                    e.flags()), "a region smaller than 2^63 bytes for resource " + e.index());
        }
        return new Region(e.index(), kind, e.start(), size, e.flags(), (e.flags() & IORESOURCE_PREFETCH) != 0,
                (e.flags() & IORESOURCE_READONLY) != 0);
    }

    /**
     * {@code s.split("\\s+")} for a stripped line, by hand (a big host has 150,000 resource lines): the runs of
     * space, tab, newline, vertical tab, form feed and carriage return separate the fields.
     */
    static String[] fields(String s) {
        List<String> out = new ArrayList<>(3);
        int i = 0;
        int n = s.length();
        if (n == 0) {
            return new String[] {""};
        }
        while (i < n) {
            int j = i;
            while (j < n && !space(s.charAt(j))) {
                j++;
            }
            out.add(s.substring(i, j));
            while (j < n && space(s.charAt(j))) {
                j++;
            }
            i = j;
        }
        return out.toArray(new String[0]);
    }

    private static boolean space(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0b || c == '\f' || c == '\r';
    }

    private static long hex(String file, String line, String field, int index) {
        if (!field.startsWith("0x") || field.length() < 3 || field.length() > 18) {
            throw new SysfsFormatException(file, line, EXPECTED_LINE + " (line " + (index + 1) + ")");
        }
        try {
            return Long.parseUnsignedLong(field.substring(2), 16);
        } catch (NumberFormatException ex) {
            throw new SysfsFormatException(file, line, EXPECTED_LINE + " (line " + (index + 1) + ")");
        }
    }
}
