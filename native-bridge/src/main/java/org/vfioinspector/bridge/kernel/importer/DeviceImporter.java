package org.vfioinspector.bridge.kernel.importer;

import java.util.Optional;
import org.vfioinspector.bridge.kernel.Attachment;
import org.vfioinspector.bridge.kernel.Errno;
import org.vfioinspector.bridge.kernel.Importer;
import org.vfioinspector.bridge.kernel.KernelException;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.uapi.ImporterUapi;

/**
 * An in-kernel importer that is a PCI device, through the test importer module: dma_buf_dynamic_attach with the
 * device as {@code attach->dev} (allow_peer2peer, an invalidate_mappings callback that unmaps), then
 * dma_buf_map_attachment. vfio-pci's map asks pci_p2pdma_map_type(BAR provider, device): EINVAL when the two
 * devices have no P2P path (facts §9: pci-testdev 00:04.0 importing edu's and ivshmem's BARs on q35).
 */
public final class DeviceImporter implements Importer {
    /** The name prefix: "vfioinsp_importer as 0000:00:04.0". */
    public static final String PREFIX = ImporterUapi.MODULE + " as ";

    private final ImporterModule module;
    private final PciAddress device;

    DeviceImporter(ImporterModule module, PciAddress device) {
        this.module = module;
        this.device = device;
    }

    @Override
    public String name() {
        return PREFIX + device;
    }

    @Override
    public Optional<PciAddress> device() {
        return Optional.of(device);
    }

    ImporterModule module() {
        return module;
    }

    /**
     * VFIOINSP_IMPORTER_ATTACH, then the first map; a refused map leaves the attachment unmapped, with the refusal
     * in {@link Attachment#mapRefusal()}.
     */
    @Override
    public Attachment attach(int dmaBufFd) throws KernelException {
        int fd = module.fd();
        byte[] arg = ImporterUapi.AttachArg.request(dmaBufFd, device);
        try {
            module.kernel().ioctl(fd, ImporterUapi.ATTACH, arg);
        } catch (KernelException e) {
            throw new KernelException("dma_buf_dynamic_attach", "dma-buf fd " + dmaBufFd + " as " + device, e.errno(),
                    attachRemedy(e.errno()));
        }
        DeviceAttachment a = new DeviceAttachment(this, ImporterUapi.AttachArg.id(arg),
                ImporterUapi.AttachArg.dmaBufIno(arg), ImporterUapi.AttachArg.dmaBufSize(arg));
        try {
            a.map();
        } catch (KernelException e) {
            // the attachment stands; its refusal is part of what it says
        }
        return a;
    }

    private String attachRemedy(int errno) {
        if (errno == Errno.ENXIO.number()) {
            return "There is no PCI device " + device + " on this host.";
        }
        if (errno == Errno.ENODEV.number()) {
            return "The dma-buf is revoked (its device's memory is off or it was closed): vfio-pci refuses new "
                    + "attachments until it is restored, and for good after the close.";
        }
        if (errno == Errno.EBADF.number() || errno == Errno.EINVAL.number()) {
            return "The fd is not a dma-buf of this process.";
        }
        return null;
    }

    static String mapRemedy(PciAddress device, int errno) {
        if (errno == Errno.EINVAL.number()) {
            return "pci_p2pdma_map_type() found no peer-to-peer path from " + device + " to the exporter's BAR "
                    + "(PCI_P2PDMA_MAP_NOT_SUPPORTED: no common upstream bridge without ACS redirect, and the host "
                    + "bridge is not in the p2pdma whitelist).";
        }
        if (errno == Errno.ENODEV.number()) {
            return "The dma-buf is revoked: map again after a restore (memory on, reset done); after the exporting "
                    + "device was closed, never.";
        }
        return null;
    }

    @Override
    public String toString() {
        return name();
    }
}
