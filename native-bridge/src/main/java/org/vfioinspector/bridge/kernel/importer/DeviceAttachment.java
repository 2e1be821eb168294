package org.vfioinspector.bridge.kernel.importer;

import java.util.Optional;
import org.vfioinspector.bridge.kernel.Attachment;
import org.vfioinspector.bridge.kernel.Importer;
import org.vfioinspector.bridge.kernel.KernelException;
import org.vfioinspector.bridge.uapi.ImporterUapi;

/**
 * A device importer's dma_buf_attachment, held by the module for this process. The module's invalidate_mappings
 * callback drops the mapping when the exporter revokes; {@link #mapped()} asks the module, which knows.
 */
public final class DeviceAttachment implements Attachment {
    private final DeviceImporter importer;
    private final int id;
    private final long inode;
    private final long size;
    private long address = -1;
    private long length;
    private KernelException refusal;
    private boolean closed;

    DeviceAttachment(DeviceImporter importer, int id, long inode, long size) {
        this.importer = importer;
        this.id = id;
        this.inode = inode;
        this.size = size;
    }

    @Override
    public Importer importer() {
        return importer;
    }

    /** The module's id of this attachment. */
    public int id() {
        return id;
    }

    @Override
    public long dmaBufInode() {
        return inode;
    }

    /** The dma-buf's size, as the attach reported it. */
    public long dmaBufSize() {
        return size;
    }

    /** VFIOINSP_IMPORTER_STATUS: whether the module holds a mapping now; false when it cannot be asked. */
    @Override
    public boolean mapped() {
        return status().map(s -> ImporterUapi.StatusArg.mapped(s)).orElse(false);
    }

    /** How many times the exporter invalidated the mappings (revoke, restore); -1 when it cannot be asked. */
    public int invalidations() {
        return status().map(s -> ImporterUapi.StatusArg.invalidations(s)).orElse(-1);
    }

    private Optional<byte[]> status() {
        synchronized (this) {
            if (closed) {
                return Optional.empty();
            }
        }
        byte[] arg = ImporterUapi.StatusArg.request(id);
        try {
            importer.module().kernel().ioctl(importer.module().fd(), ImporterUapi.STATUS, arg);
            return Optional.of(arg);
        } catch (KernelException e) {
            return Optional.empty();
        }
    }

    /** The DMA address of the last successful map (the BAR's bus address for PCI_P2PDMA_MAP_BUS_ADDR); -1 before. */
    @Override
    public synchronized long address() {
        return address;
    }

    /** The DMA length of the last successful map. */
    public synchronized long length() {
        return length;
    }

    @Override
    public synchronized Optional<KernelException> mapRefusal() {
        return Optional.ofNullable(refusal);
    }

    /** VFIOINSP_IMPORTER_MAP: dma_buf_map_attachment under the reservation lock (a mapping held is dropped first). */
    @Override
    public synchronized long map() throws KernelException {
        byte[] arg = ImporterUapi.MapArg.request(id);
        try {
            importer.module().kernel().ioctl(importer.module().fd(), ImporterUapi.MAP, arg);
        } catch (KernelException e) {
            refusal = new KernelException("dma_buf_map_attachment", "dma-buf inode " + inode + " as "
                    + importer.device().orElseThrow(), e.errno(),
                    DeviceImporter.mapRemedy(importer.device().orElseThrow(), e.errno()));
            throw refusal;
        }
        refusal = null;
        address = ImporterUapi.MapArg.dmaAddr(arg);
        length = ImporterUapi.MapArg.dmaLen(arg);
        return address;
    }

    @Override
    public void unmap() throws KernelException {
        importer.module().kernel().ioctl(importer.module().fd(), ImporterUapi.UNMAP, ImporterUapi.IdArg.request(id));
    }

    @Override
    public synchronized String describe() {
        return importer.name() + " #" + id + (refusal != null ? ", map refused: " + refusal.errnoName()
                : address >= 0 ? String.format(", mapped at dma 0x%x", address) : ", not mapped");
    }

    /** VFIOINSP_IMPORTER_DETACH; idempotent. */
    @Override
    public void close() throws KernelException {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        importer.module().kernel().ioctl(importer.module().fd(), ImporterUapi.DETACH, ImporterUapi.IdArg.request(id));
    }
}
