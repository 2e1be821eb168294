package org.vfioinspector.bridge.lab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.vfioinspector.bridge.kernel.Errno;
import org.vfioinspector.bridge.kernel.KernelEvent;
import org.vfioinspector.bridge.kernel.KernelException;
import org.vfioinspector.bridge.lab.scenario.LabScenario;
import org.vfioinspector.bridge.rules.DmaBufRules;
import org.vfioinspector.bridge.rules.ImporterRules;
import org.vfioinspector.bridge.rules.Verdict;

/**
 * The dma-buf core (drivers/dma-buf/dma-buf.c) as far as the lab's buffers need it: the list of live buffers
 * (db_list, what bufinfo shows), inode numbers, and the importer side — dma_buf_dynamic_attach,
 * dma_buf_map_attachment, dma_buf_unmap_attachment, dma_buf_detach, dma_buf_invalidate_mappings — with what each
 * importer may do decided by {@code ImporterRules} (peer2peer, revocable, the P2P distance of the scenario).
 */
final class LabDmaBufCore {
    private final LabState state;
    final List<LabDmaBuf> bufs = new ArrayList<>();
    private final Map<Integer, LabDmaBuf.Attachment> attachments = new LinkedHashMap<>();
    private long nextIno = 4001;
    private int nextAttachment = 1;

    LabDmaBufCore(LabState state) {
        this.state = state;
    }

    /** dma_buf_export of a buffer vfio_pci_core_feature_dma_buf accepted: linked to its device, one fd open. */
    LabDmaBuf export(LabDevice d, DmaBufRules.Export e) {
        LabDmaBuf b = new LabDmaBuf(state, nextIno++, d, e);
        d.dmabufs.add(b);
        bufs.add(b);
        return b;
    }

    List<LabDmaBuf.Attachment> attachmentsOf(LabDmaBuf b) {
        return attachments.values().stream().filter(a -> a.buf == b).toList();
    }

    List<LabDmaBuf.Attachment> attachments() {
        return List.copyOf(attachments.values());
    }

    /** close of one of the buffer's fds. */
    void closeFile(LabDmaBuf.File f) {
        f.buf().fdRefs--;
        maybeRelease(f.buf());
    }

    /** dma_buf_invalidate_mappings: every attachment's callback; an importer that unmaps in it is no longer mapped. */
    void invalidate(LabDmaBuf b) {
        state.emit(KernelEvent.Kind.INVALIDATE, "dma_buf_invalidate_mappings", b.exporterBdf, b.ino, "ino=" + b.ino
                + " size=" + b.size());
        for (LabDmaBuf.Attachment a : b.attached()) {
            a.invalidations++;
            if (a.unmapsInCallback) {
                a.mapped = false;
            }
        }
    }

    /** vfio_pci_dma_buf_release, once nothing holds the buffer's file any more. */
    void maybeRelease(LabDmaBuf b) {
        if (b.fileCount() == 0 && !b.released) {
            b.released = true;
            if (b.exporter != null) {
                b.exporter.dmabufs.remove(b);
            }
            bufs.remove(b);
            state.emit(KernelEvent.Kind.RELEASE, "vfio_pci_dma_buf_release", b.exporterBdf, b.ino, "ino=" + b.ino);
        }
    }

    /** An in-kernel importer of the scenario attaches to the buffer of {@code f} (dma_buf_dynamic_attach). */
    int attach(LabScenario.Importer si, LabDmaBuf.File f) throws KernelException {
        ImporterRules.Importer imp = new ImporterRules.Importer(si.name(), si.device(), si.peer2peer(), si.revocable());
        Verdict v = ImporterRules.attach(state.profile, imp, new ImporterRules.BufState(f.buf().revoked,
                f.buf().cleanedUp));
        if (v.refused()) {
            throw new KernelException("dma_buf_dynamic_attach", si.name(), v.errno().orElseThrow().number(),
                    v.rule().describe());
        }
        return add(imp, si.unmapsInCallback(), f.buf()).id;
    }

    /**
     * iommufd's attachment, made by IOMMU_IOAS_MAP_FILE (iopt_alloc_dmabuf_pages): attached with the misc device
     * (bufinfo shows "iommu"), peer2peer, revocable, unmapping in its callback (iopt_revoke_notify), and mapped at once.
     */
    LabDmaBuf.Attachment attachIommufd(LabDmaBuf b, long start) {
        LabDmaBuf.Attachment a = add(new ImporterRules.Importer("iommu", null, true, true), true, b);
        a.mapped = true;
        a.dmaAddress = b.phys.get(0) + start;
        return a;
    }

    private LabDmaBuf.Attachment add(ImporterRules.Importer imp, boolean unmapsInCallback, LabDmaBuf b) {
        LabDmaBuf.Attachment a = new LabDmaBuf.Attachment(nextAttachment++, imp, unmapsInCallback, b);
        attachments.put(a.id, a);
        return a;
    }

    /** dma_buf_map_attachment: returns the DMA address of the first range. */
    long map(int attachment) throws KernelException {
        LabDmaBuf.Attachment a = attachment(attachment);
        Verdict v = ImporterRules.map(a.importer, new ImporterRules.BufState(a.buf.revoked, a.buf.cleanedUp),
                a.buf.exporterBdf, state.scenario);
        if (v.refused()) {
            throw new KernelException("dma_buf_map_attachment", a.importer.name(), v.errno().orElseThrow().number(),
                    v.rule().describe());
        }
        a.mapped = true;
        a.dmaAddress = a.buf.phys.get(0);
        return a.dmaAddress;
    }

    /** dma_buf_unmap_attachment; completes a revocation that waited for this importer. */
    void unmap(int attachment) throws KernelException {
        LabDmaBuf.Attachment a = attachment(attachment);
        a.mapped = false;
        boolean stillWaiting = attachments.values().stream().anyMatch(x -> x.buf.revoked && x.mapped
                && x.buf.exporterBdf.equals(a.buf.exporterBdf));
        if (!stillWaiting) {
            state.pending.removeIf(p -> p.startsWith("revoke " + a.buf.exporterBdf));
        }
    }

    /** dma_buf_detach: the attachment goes; the buffer is released when nothing else holds it. */
    void detach(int attachment) {
        LabDmaBuf.Attachment a = attachments.remove(attachment);
        if (a != null) {
            maybeRelease(a.buf);
        }
    }

    /** The attachment with this id, or null once it was detached. */
    LabDmaBuf.Attachment find(int id) {
        return attachments.get(id);
    }

    LabDmaBuf.Attachment attachment(int id) throws KernelException {
        LabDmaBuf.Attachment a = attachments.get(id);
        if (a == null) {
            throw new KernelException("dma-buf attachment", "#" + id, Errno.ENOENT);
        }
        return a;
    }
}
