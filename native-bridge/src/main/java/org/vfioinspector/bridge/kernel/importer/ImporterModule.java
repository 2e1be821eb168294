package org.vfioinspector.bridge.kernel.importer;

import java.util.Optional;
import org.vfioinspector.bridge.kernel.Errno;
import org.vfioinspector.bridge.kernel.Kernel;
import org.vfioinspector.bridge.kernel.KernelException;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.uapi.ImporterUapi;

/**
 * The harness's test importer module ({@code kernel-lab/importer/}: /dev/vfioinsp_importer) as this process holds
 * it open: one fd, whose attachments the module detaches when it is closed. It hands out one
 * {@link DeviceImporter} per PCI device: the module attaches and maps a dma-buf <em>as</em> that device, which is
 * what a NIC or GPU driver does, so the exporter's answer is pci_p2pdma_distance() between the two devices — the
 * question iommufd never asks.
 */
public final class ImporterModule implements AutoCloseable {
    private final Kernel kernel;
    private int fd = -1;
    private boolean closed;

    private ImporterModule(Kernel kernel) {
        this.kernel = kernel;
    }

    /** The module on {@code kernel}; its device node is opened at the first attach. */
    public static ImporterModule on(Kernel kernel) {
        return new ImporterModule(kernel);
    }

    /**
     * Whether the module is loaded: empty when its node opens, otherwise why not (open and close only; nothing
     * changes).
     */
    public static Optional<String> unavailable(Kernel kernel) {
        try {
            kernel.close(kernel.open(ImporterUapi.DEVICE_NODE, Kernel.O_RDWR));
            return Optional.empty();
        } catch (KernelException e) {
            if (e.errno() == Errno.ENOENT.number() || e.errno() == Errno.ENODEV.number()
                    || e.errno() == Errno.ENXIO.number()) {
                return Optional.of("the test importer module " + ImporterUapi.MODULE + " is not loaded (no "
                        + ImporterUapi.DEVICE_NODE + " device node; kernel-lab/build-importer.sh builds it)");
            }
            return Optional.of(ImporterUapi.DEVICE_NODE + " cannot be opened: " + e.getMessage());
        }
    }

    /** The importer that attaches as {@code device} (no kernel call). */
    public DeviceImporter importer(PciAddress device) {
        return new DeviceImporter(this, device);
    }

    Kernel kernel() {
        return kernel;
    }

    /** The module's fd, opened on first use. */
    synchronized int fd() throws KernelException {
        if (closed) {
            throw new KernelException("open", ImporterUapi.DEVICE_NODE, Errno.EBADF.number(),
                    "the importer module was closed");
        }
        if (fd < 0) {
            fd = kernel.open(ImporterUapi.DEVICE_NODE, Kernel.O_RDWR);
        }
        return fd;
    }

    /** Closes the fd: the module unmaps and detaches every attachment still held. Idempotent. */
    @Override
    public synchronized void close() throws KernelException {
        closed = true;
        if (fd >= 0) {
            int f = fd;
            fd = -1;
            kernel.close(f);
        }
    }
}
