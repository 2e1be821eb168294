package org.vfioinspector.app.kernellab;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the output of {@code lspci -D -nn -vv} (pciutils 3.9) into devices, their BARs/ROM and
 * IOMMU groups: the independent reference that {@code list --json} is compared with in the guest.
 * Bridge windows ("Memory behind bridge") are not BARs and are ignored.
 */
public final class LspciParser {

    /** One BAR (index 0-5) or the expansion ROM (index 6), as lspci shows it. */
    public record Region(int index, String kind, boolean prefetchable, Long start, long size) {
        @Override
        public String toString() {
            return String.format("%s %s%s start=%s size=%d", index == 6 ? "ROM" : "BAR" + index, kind,
                    prefetchable ? " pref" : "", start == null ? "unassigned" : "0x" + Long.toHexString(start), size);
        }
    }

    /** One device: vendor/device as 4 lower-case hex digits, class as 6 (class, subclass, prog-if). */
    public record Device(String bdf, String vendor, String device, String classCode, Integer iommuGroup,
                         String driver, List<Region> regions) {
    }

    private static final Pattern HEADER = Pattern.compile(
            "^([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]) .*?\\[([0-9a-f]{4})\\]: .*\\[([0-9a-f]{4}):([0-9a-f]{4})\\]"
                    + "(?: \\(rev [0-9a-f]{2}\\))?(?: \\(prog-if ([0-9a-f]{2})[^)]*\\)?\\)?)?\\s*$");
    private static final Pattern MEM = Pattern.compile(
            "^\\s+Region ([0-5]): Memory at (\\S+) \\((32|64)-bit, (non-prefetchable|prefetchable)\\)(.*)\\[size=(\\w+)\\]\\s*$");
    private static final Pattern IO = Pattern.compile(
            "^\\s+Region ([0-5]): I/O ports at (\\S+)(.*)\\[size=(\\w+)\\]\\s*$");
    private static final Pattern ROM = Pattern.compile(
            "^\\s+Expansion ROM at (\\S+)(.*)\\[size=(\\w+)\\]\\s*$");
    private static final Pattern GROUP = Pattern.compile("^\\s+IOMMU group: (\\d+)\\s*$");
    private static final Pattern DRIVER = Pattern.compile("^\\s+Kernel driver in use: (\\S+)\\s*$");

    private LspciParser() {
    }

    /** All devices, keyed by BDF, in lspci's order. */
    public static Map<String, Device> parse(String text) {
        Map<String, Device> out = new LinkedHashMap<>();
        String bdf = null, vendor = null, device = null, cls = null, driver = null;
        Integer group = null;
        List<Region> regions = new ArrayList<>();
        for (String line : (text + "\n\n").split("\n", -1)) {
            if (line.isBlank()) {
                if (bdf != null) {
                    out.put(bdf, new Device(bdf, vendor, device, cls, group, driver, Collections.unmodifiableList(regions)));
                }
                bdf = null;
                group = null;
                driver = null;
                regions = new ArrayList<>();
                continue;
            }
            if (bdf == null) {
                if (line.startsWith("lspci: ")) {
                    continue; // lspci's own warnings when stderr was captured too (e.g. libkmod)
                }
                Matcher h = HEADER.matcher(line);
                if (!h.matches()) {
                    throw new IllegalArgumentException("not an lspci -D -nn device line: " + line);
                }
                bdf = h.group(1);
                cls = h.group(2) + (h.group(5) == null ? "00" : h.group(5));
                vendor = h.group(3);
                device = h.group(4);
                continue;
            }
            Matcher m;
            if ((m = GROUP.matcher(line)).matches()) {
                group = Integer.valueOf(m.group(1));
            } else if ((m = DRIVER.matcher(line)).matches()) {
                driver = m.group(1);
            } else if ((m = MEM.matcher(line)).matches()) {
                regions.add(new Region(Integer.parseInt(m.group(1)), "64".equals(m.group(3)) ? "mem64" : "mem32",
                        "prefetchable".equals(m.group(4)), address(m.group(2)), size(m.group(6))));
            } else if ((m = IO.matcher(line)).matches()) {
                regions.add(new Region(Integer.parseInt(m.group(1)), "io", false, address(m.group(2)), size(m.group(4))));
            } else if ((m = ROM.matcher(line)).matches()) {
                // lspci shows no prefetch bit for the ROM
                regions.add(new Region(6, "rom", false, address(m.group(1)), size(m.group(3))));
            } else if (line.matches("^\\s+Region [0-5]: .*")) {
                throw new IllegalArgumentException("unparsed Region line of " + bdf + ": " + line);
            }
        }
        return out;
    }

    /** "feb40000" or "&lt;unassigned&gt;"/"&lt;ignored&gt;" (null). */
    static Long address(String s) {
        return s.startsWith("<") ? null : Long.parseUnsignedLong(s, 16);
    }

    /** lspci's sizes: 256, 4K, 1M, 8G, 1T. */
    static long size(String s) {
        char u = s.charAt(s.length() - 1);
        long mult = switch (u) {
            case 'K' -> 1L << 10;
            case 'M' -> 1L << 20;
            case 'G' -> 1L << 30;
            case 'T' -> 1L << 40;
            default -> 1L;
        };
        String n = mult == 1 ? s : s.substring(0, s.length() - 1);
        return Long.parseLong(n) * mult;
    }
}
