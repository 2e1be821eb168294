package org.vfioinspector.bridge.lab;

import java.util.Optional;
import org.vfioinspector.bridge.kernel.Attachment;
import org.vfioinspector.bridge.kernel.Importer;
import org.vfioinspector.bridge.kernel.KernelException;

/** A lab importer's dma_buf_attachment: its mapped state is the model's (the importer's callback drops it). */
final class LabAttachment implements Attachment {
    private final LabKernel kernel;
    private final LabImporter importer;
    private final int id;
    private final long inode;
    private long address = -1;
    private KernelException refusal;
    private boolean closed;

    LabAttachment(LabKernel kernel, LabImporter importer, int id, long inode) {
        this.kernel = kernel;
        this.importer = importer;
        this.id = id;
        this.inode = inode;
    }

    @Override
    public Importer importer() {
        return importer;
    }

    /** The model's attachment id. */
    int id() {
        return id;
    }

    @Override
    public long dmaBufInode() {
        return inode;
    }

    @Override
    public boolean mapped() {
        return kernel.attachments().stream().anyMatch(v -> v.id() == id && v.mapped());
    }

    @Override
    public synchronized long address() {
        return address;
    }

    @Override
    public synchronized Optional<KernelException> mapRefusal() {
        return Optional.ofNullable(refusal);
    }

    @Override
    public synchronized long map() throws KernelException {
        try {
            address = kernel.importerMap(id);
            refusal = null;
            return address;
        } catch (KernelException e) {
            refusal = e;
            throw e;
        }
    }

    @Override
    public void unmap() throws KernelException {
        kernel.importerUnmap(id);
    }

    @Override
    public synchronized String describe() {
        return importer + " #" + id + (refusal != null ? ", map refused: " + refusal.errnoName()
                : address >= 0 ? String.format(", mapped at 0x%x", address) : ", not mapped");
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            kernel.importerDetach(id);
        }
    }
}
