package org.vfioinspector.bridge.kernel.dmabuf;

import java.util.Optional;

/**
 * /proc/PID/fdinfo/FD of a dma-buf (facts §5.1): the generic {@code pos: flags: mnt_id: ino:} lines, then
 * {@code dma_buf_show_fdinfo}'s {@code size: count: exp_name: [name:]}. Neither this nor bufinfo shows whether a
 * buffer is revoked. Pure parser.
 *
 * @param size    bytes
 * @param count   file_count - 1
 * @param expName exporter ("vfio_pci_core")
 * @param name    the DMA_BUF_SET_NAME name, or null
 * @param ino     the dma-buf's inode
 * @param flags   the file's f_flags (octal in the text)
 */
public record DmaBufFdInfo(long size, long count, String expName, String name, long ino, int flags) {
    /** Parses fdinfo text; empty when it is not a dma-buf's (no exp_name or size line). */
    public static Optional<DmaBufFdInfo> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Long size = null;
        long count = -1;
        long ino = -1;
        int flags = 0;
        String exp = null;
        String name = null;
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            String v = line.substring(colon + 1).trim();
            try {
                switch (key) {
                    case "size": size = Long.parseLong(v); break;
                    case "count": count = Long.parseLong(v); break;
                    case "ino": ino = Long.parseLong(v); break;
                    case "flags": flags = Integer.parseInt(v, 8); break;
                    case "exp_name": exp = v; break;
                    case "name": name = v; break;
                    default: break;
                }
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        if (size == null || exp == null) {
            return Optional.empty();
        }
        return Optional.of(new DmaBufFdInfo(size, count, exp, name, ino, flags));
    }
}
