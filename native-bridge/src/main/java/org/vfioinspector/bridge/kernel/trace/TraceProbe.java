package org.vfioinspector.bridge.kernel.trace;

import java.util.List;
import java.util.Optional;

/**
 * The function-entry (fprobe) events this project installs, each with the argument fetches to try in order: the
 * richest first (the device's PCI name through BTF, the dma-buf's inode), falling back to plainer ones where the
 * kernel refuses a fetch (older BTF support, a renamed field).
 *
 * @param event     the event name inside the app's group, e.g. "dmabuf_move"
 * @param functions the kernel functions to probe, first present wins (dma_buf_invalidate_mappings was
 *                  dma_buf_move_notify before 95308225e5ba)
 * @param fetches   argument lists to try, richest first
 * @param required  whether live revocation tracking is meaningless without it
 */
public record TraceProbe(String event, List<String> functions, List<String> fetches, boolean required) {
    private static final String BDF = "bdf=vdev->pdev->dev.kobj.name:string";

    /** The probes, in install order. */
    public static final List<TraceProbe> ALL = List.of(
            new TraceProbe("dmabuf_move", List.of("vfio_pci_dma_buf_move"),
                    List.of("vdev revoked " + BDF, "vdev revoked", ""), true),
            new TraceProbe("dmabuf_cleanup", List.of("vfio_pci_dma_buf_cleanup"),
                    List.of("vdev " + BDF, "vdev", ""), true),
            new TraceProbe("dmabuf_inval", List.of("dma_buf_invalidate_mappings", "dma_buf_move_notify"),
                    List.of("ino=dmabuf->file->f_inode->i_ino size=dmabuf->size", ""), false),
            new TraceProbe("dmabuf_release", List.of("vfio_pci_dma_buf_release"),
                    List.of("ino=dmabuf->file->f_inode->i_ino", ""), false),
            new TraceProbe("zap", List.of("vfio_pci_zap_and_down_write_memory_lock"),
                    List.of("vdev " + BDF, "vdev", ""), false));

    /** The function of one of these events, by event name (used when a line does not print the probed ip). */
    public static Optional<String> functionOfEvent(String event) {
        return ALL.stream().filter(p -> p.event.equals(event)).map(p -> p.functions.get(0)).findFirst();
    }

    /** The dynamic_events definition: {@code f:GROUP/EVENT FUNCTION FETCHES}. */
    public String definition(String group, String function, String fetch) {
        return ("f:" + group + "/" + event + " " + function + " " + fetch).trim();
    }
}
