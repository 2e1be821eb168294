package org.vfioinspector.bridge.lab;

import java.util.Optional;
import org.vfioinspector.bridge.kernel.Attachment;
import org.vfioinspector.bridge.kernel.Importer;
import org.vfioinspector.bridge.kernel.KernelException;
import org.vfioinspector.bridge.lab.scenario.LabScenario;
import org.vfioinspector.bridge.model.PciAddress;

/**
 * One of the lab scenario's in-kernel importers (a test module, a NIC's driver): attaches dynamically to a dma-buf
 * of the lab kernel and maps it, as the scenario says it behaves (peer2peer, revocable, unmaps in its callback).
 */
final class LabImporter implements Importer {
    private final LabKernel kernel;
    private final LabScenario.Importer importer;

    LabImporter(LabKernel kernel, LabScenario.Importer importer) {
        this.kernel = kernel;
        this.importer = importer;
    }

    @Override
    public String name() {
        return importer.name();
    }

    @Override
    public Optional<PciAddress> device() {
        return Optional.ofNullable(importer.device());
    }

    /** dma_buf_dynamic_attach, then dma_buf_map_attachment; a refused map leaves the attachment unmapped. */
    @Override
    public Attachment attach(int dmaBufFd) throws KernelException {
        int id = kernel.importerAttach(importer.name(), dmaBufFd);
        LabAttachment a = new LabAttachment(kernel, this, id, kernel.inodeOf(dmaBufFd));
        try {
            a.map();
        } catch (KernelException e) {
            // the attachment stands; its refusal is part of what it says
        }
        return a;
    }

    @Override
    public String toString() {
        return "importer " + importer.name() + (importer.device() == null ? "" : " (" + importer.device() + ")");
    }
}
