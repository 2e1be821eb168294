package org.vfioinspector.bridge.kernel.dmabuf;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * debugfs {@code dma_buf/bufinfo} (facts §5.2, {@code dma_buf_debug_show}): one row per buffer
 * {@code "%08zu\t%08x\t%08x\t%08ld\t%s\t%08lu\t%s"} (size, f_flags, f_mode, file count, exporter, inode, name or
 * {@code <none>}), fence lines, then {@code \tAttached Devices:} with one {@code \t<dev_name>} per attachment and
 * {@code Total <n> devices attached}; finally {@code Total <n> objects, <bytes> bytes}. Pure parser.
 *
 * @param buffers      every buffer listed
 * @param totalObjects the trailer's object count, or -1 when absent
 * @param totalBytes   the trailer's byte count, or -1 when absent
 */
public record DmaBufInfoTable(List<Buffer> buffers, long totalObjects, long totalBytes) {
    private static final Pattern ROW = Pattern.compile(
            "^(\\d+)\\t([0-9a-fA-F]+)\\t([0-9a-fA-F]+)\\t(\\d+)\\t(\\S*)\\t(\\d+)\\t(.*)$");
    private static final Pattern TOTAL = Pattern.compile("^Total (\\d+) objects, (\\d+) bytes\\s*$");

    public DmaBufInfoTable {
        buffers = List.copyOf(buffers);
    }

    /**
     * One buffer.
     *
     * @param size     bytes
     * @param fFlags   file f_flags
     * @param fMode    file f_mode
     * @param count    file count
     * @param expName  exporter
     * @param ino      inode
     * @param name     name, or null for {@code <none>}
     * @param attached the attached importers' device names (an iommufd importer shows "iommu")
     */
    public record Buffer(long size, int fFlags, int fMode, long count, String expName, long ino, String name,
                         List<String> attached) {
        public Buffer {
            attached = List.copyOf(attached);
        }
    }

    /** Parses bufinfo text. Lines it does not know (fences, headers) are skipped. */
    public static DmaBufInfoTable parse(String text) {
        List<Buffer> out = new ArrayList<>();
        long objects = -1;
        long bytes = -1;
        Buffer cur = null;
        List<String> attached = new ArrayList<>();
        boolean inAttached = false;
        for (String line : text.split("\n")) {
            Matcher row = ROW.matcher(line);
            Buffer parsed = row.matches() ? row(row) : null;
            if (parsed != null) {
                if (cur != null) {
                    out.add(withAttached(cur, attached));
                }
                attached = new ArrayList<>();
                inAttached = false;
                cur = parsed;
                continue;
            }
            String t = line.trim();
            Matcher total = TOTAL.matcher(t);
            if (total.matches()) {
                try {
                    objects = Long.parseLong(total.group(1));
                    bytes = Long.parseLong(total.group(2));
                } catch (NumberFormatException e) {
                    // a count no kernel prints (found by fuzzing): the trailer is unknown
                    objects = -1;
                    bytes = -1;
                }
                inAttached = false;
                continue;
            }
            if (t.equals("Attached Devices:")) {
                inAttached = true;
            } else if (t.startsWith("Total ") && t.endsWith("devices attached")) {
                inAttached = false;
            } else if (inAttached && !t.isEmpty()) {
                attached.add(t);
            }
        }
        if (cur != null) {
            out.add(withAttached(cur, attached));
        }
        return new DmaBufInfoTable(out, objects, bytes);
    }

    /** A buffer row, or null when a number does not fit its field (then it is a line this parser does not know). */
    private static Buffer row(Matcher row) {
        try {
            String name = row.group(7).trim();
            return new Buffer(Long.parseLong(row.group(1)), u32(row.group(2)),
                    u32(row.group(3)), Long.parseLong(row.group(4)), row.group(5),
                    Long.parseLong(row.group(6)), name.equals("<none>") || name.isEmpty() ? null : name, List.of());
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    /** A 32-bit field printed in hex (%08x); more than 32 bits is not one. */
    private static int u32(String hex) {
        long v = Long.parseLong(hex, 16);
        if ((v & ~0xffffffffL) != 0) {
            throw new ArithmeticException(hex + " does not fit 32 bits");
        }
        return (int) v;
    }

    private static Buffer withAttached(Buffer b, List<String> attached) {
        return new Buffer(b.size(), b.fFlags(), b.fMode(), b.count(), b.expName(), b.ino(), b.name(), attached);
    }

    /** The buffer with this inode. */
    public Optional<Buffer> byInode(long ino) {
        return buffers.stream().filter(b -> b.ino() == ino).findFirst();
    }
}
