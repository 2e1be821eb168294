package org.vfioinspector.bridge.kernel.iommufd;

import java.util.Optional;
import org.vfioinspector.bridge.kernel.Attachment;
import org.vfioinspector.bridge.kernel.Importer;
import org.vfioinspector.bridge.kernel.KernelException;

/**
 * iommufd's attachment to a dma-buf: the area MAP_FILE made in the IOAS. A revoke unmaps the area's pages from
 * every domain (iopt_revoke_notify; the device's DMA to the IOVA then faults at the IOMMU) and a restore does not
 * map them again: the area stays, dead, until {@link #map()} unmaps it and maps the file again at the same IOVA.
 */
public final class IoasAttachment implements Attachment {
    private final IommufdImporter importer;
    private final int dmaBufFd;
    private final long inode;
    private final long size;
    private final long iova;
    private boolean areaExists;
    private boolean everMapped;
    private KernelException refusal;

    IoasAttachment(IommufdImporter importer, int dmaBufFd, long inode, long size, long iova) {
        this.importer = importer;
        this.dmaBufFd = dmaBufFd;
        this.inode = inode;
        this.size = size;
        this.iova = iova;
    }

    /** The buffer's size: the area's length. */
    long size() {
        return size;
    }

    @Override
    public Importer importer() {
        return importer;
    }

    @Override
    public long dmaBufInode() {
        return inode;
    }

    /** Whether the area exists in the IOAS (its pages may have been revoked meanwhile: the events say). */
    @Override
    public synchronized boolean mapped() {
        return areaExists;
    }

    @Override
    public synchronized long address() {
        return everMapped ? iova : -1;
    }

    @Override
    public synchronized Optional<KernelException> mapRefusal() {
        return Optional.ofNullable(refusal);
    }

    @Override
    public synchronized long map() throws KernelException {
        unmap();
        try {
            importer.mapFile(dmaBufFd, 0, size, iova);
        } catch (KernelException e) {
            refusal = e;
            throw e;
        }
        refusal = null;
        areaExists = true;
        everMapped = true;
        return iova;
    }

    @Override
    public synchronized void unmap() throws KernelException {
        if (areaExists) {
            importer.unmap(iova, size);
            areaExists = false;
        }
    }

    @Override
    public synchronized String describe() {
        return String.format("%s, iova 0x%x%s", importer, iova, areaExists ? "" : " (unmapped)");
    }

    @Override
    public void close() throws KernelException {
        unmap();
        importer.forget(this);
    }
}
