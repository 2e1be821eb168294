package org.vfioinspector.bridge.lab;

import java.util.List;

import org.vfioinspector.bridge.kernel.Kernel;

/**
 * What userspace reads about the lab's dma-bufs (facts §5.1, §5.2, §9): {@code /proc/self/fdinfo/FD}
 * (seq_show's pos/flags/mnt_id/ino, then dma_buf_show_fdinfo's size/count/exp_name/name) and debugfs
 * {@code dma_buf/bufinfo} (dma_buf_debug_show: one row per buffer, its attached devices, the totals). Neither shows
 * the revoked state: the real kernel's are byte-identical before and after a revoke.
 */
final class LabDmaBufInfo {
    /** f_mode of a dma-buf file opened O_RDWR, as bufinfo prints it (measured: 02080007). */
    private static final int FMODE_RDWR = 0x02080007;

    private LabDmaBufInfo() {
    }

    /** fdinfo of a dma-buf fd. */
    static String fdinfo(LabDmaBuf b) {
        int fflags = (b.openFlags & (3 | 04000)) | (b.openFlags & Kernel.O_CLOEXEC);
        StringBuilder s = new StringBuilder();
        s.append("pos:\t0\n").append("flags:\t0").append(Integer.toOctalString(fflags)).append('\n')
                .append("mnt_id:\t16\n").append("ino:\t").append(b.ino).append('\n')
                .append("size:\t").append(b.size()).append('\n')
                .append("count:\t").append(b.fileCount()).append('\n')
                .append("exp_name:\tvfio_pci_core\n");
        if (b.name != null) {
            s.append("name:\t").append(b.name).append('\n');
        }
        return s.toString();
    }

    /** fdinfo of any other lab fd (a device, group, container or iommufd file). */
    static String fdinfoOther(int fd) {
        return "pos:\t0\nflags:\t02000002\nmnt_id:\t25\nino:\t" + (1000 + fd) + "\n";
    }

    /** debugfs dma_buf/bufinfo: every live buffer, in export order. */
    static String bufinfo(List<LabDmaBuf> bufs) {
        StringBuilder s = new StringBuilder("\nDma-buf Objects:\n");
        s.append(String.format("%-8s\t%-8s\t%-8s\t%-8s\texp_name\t%-8s\tname\n", "size", "flags", "mode", "count", "ino"));
        long total = 0;
        for (LabDmaBuf b : bufs) {
            s.append(String.format("%08d\t%08x\t%08x\t%08d\t%s\t%08d\t%s\n", b.size(), b.openFlags & (3 | 04000),
                    FMODE_RDWR, b.fileCount(), "vfio_pci_core", b.ino, b.name == null ? "<none>" : b.name));
            s.append("\tAttached Devices:\n");
            List<LabDmaBuf.Attachment> at = b.attached();
            for (LabDmaBuf.Attachment a : at) {
                s.append('\t').append(a.importer.device() == null ? "iommu" : a.importer.device().toString()).append('\n');
            }
            s.append("Total ").append(at.size()).append(" devices attached\n\n");
            total += b.size();
        }
        s.append("\nTotal ").append(bufs.size()).append(" objects, ").append(total).append(" bytes\n");
        return s.toString();
    }
}
