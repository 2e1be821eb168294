package org.vfioinspector.bridge.sysfs;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vfioinspector.bridge.model.ReservedRegion;

/**
 * Parser for an IOMMU group's {@code reserved_regions}: one line per region, {@code 0x%016llx 0x%016llx %s} =
 * start, end (inclusive), type (direct, direct-relaxable, reserved, msi).
 */
public final class ReservedRegionsFile {
    private static final Pattern LINE = Pattern.compile("0x([0-9a-fA-F]{1,16}) 0x([0-9a-fA-F]{1,16}) ([a-z][a-z-]*)");

    private ReservedRegionsFile() {
    }

    public static List<ReservedRegion> parse(String file, String text) {
        List<ReservedRegion> regions = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            Matcher m = LINE.matcher(line.strip());
            if (!m.matches()) {
                throw new SysfsFormatException(file, line, "'0xSTART 0xEND TYPE' per line, e.g. "
                        + "'0x00000000fee00000 0x00000000feefffff msi'");
            }
            long start = Long.parseUnsignedLong(m.group(1), 16);
            long end = Long.parseUnsignedLong(m.group(2), 16);
            if (Long.compareUnsigned(end, start) < 0) {
                throw new SysfsFormatException(file, line, "an end address at or above the start");
            }
            regions.add(new ReservedRegion(start, end, m.group(3)));
        }
        return regions;
    }
}
