package org.vfioinspector.bridge.probe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.vfioinspector.bridge.kernel.Attachment;
import org.vfioinspector.bridge.kernel.Importer;
import org.vfioinspector.bridge.kernel.Kernel;
import org.vfioinspector.bridge.kernel.KernelException;
import org.vfioinspector.bridge.kernel.importer.DeviceAttachment;
import org.vfioinspector.bridge.model.HostInventory;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.model.PciDevice;
import org.vfioinspector.bridge.model.Region;
import org.vfioinspector.bridge.session.DeviceSession;
import org.vfioinspector.bridge.session.DeviceTarget;
import org.vfioinspector.bridge.session.DmaBuf;
import org.vfioinspector.bridge.session.OpenPath;
import org.vfioinspector.bridge.session.RegionInfo;
import org.vfioinspector.bridge.uapi.VfioDmaBuf;

/**
 * Asks the kernel the P2P question for every pair: each memory BAR (0-5) of every vfio-pci device is exported as a
 * dma-buf ({@code [0, PAGE_ALIGN(size))}), and an in-kernel importer acting as each given PCI device attaches to it,
 * maps it (dma_buf_map_attachment: vfio-pci asks pci_p2pdma_map_type) and detaches. On a real kernel the importers
 * are the test module's ({@code kernel.importer.DeviceImporter}); on a lab host a scenario importer per device.
 * Nothing but the exports and the attachments is created, and everything is closed again.
 */
public final class ImportSweep {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ImportSweep() {
    }

    /** One BAR's export: "ok" or the errno name (with what the kernel said). */
    public record Export(PciAddress exporter, int bar, long size, String result, String detail) {
    }

    /**
     * One exporter BAR and importer device: attach and map as "ok" or the errno name (map null when the attach was
     * refused), the DMA address and length of a successful map.
     */
    public record Pair(PciAddress exporter, int bar, PciAddress importer, String attach, String map, Long dmaAddress,
                       Long dmaLength, String detail) {
    }

    public record Report(String kernel, List<Export> exports, List<Pair> pairs) {
        public Report {
            exports = List.copyOf(exports);
            pairs = List.copyOf(pairs);
        }
    }

    /**
     * @param importerFor the importer acting as a device
     * @param importers   the devices to import as (every PCI device of the host, the exporter and bridges included)
     */
    public static Report run(Kernel kernel, HostInventory inventory, Function<PciAddress, Importer> importerFor,
                             List<PciAddress> importers) {
        List<Export> exports = new ArrayList<>();
        List<Pair> pairs = new ArrayList<>();
        for (PciDevice e : inventory.devices()) {
            if (e.driver().filter(DeviceTarget.VFIO_PCI::equals).isEmpty() || e.iommuGroup().isEmpty()) {
                continue;
            }
            List<Region> bars = e.regions().stream().filter(r -> r.index() <= 5 && r.kind().isMemory()).toList();
            if (bars.isEmpty()) {
                continue;
            }
            try (DeviceSession s = DeviceSession.open(kernel, DeviceTarget.of(e), OpenPath.AUTO)) {
                for (Region bar : bars) {
                    sweepBar(s, e, bar, importerFor, importers, exports, pairs);
                }
            } catch (KernelException x) {
                for (Region bar : bars) {
                    if (exports.stream().noneMatch(p -> p.exporter().equals(e.address()) && p.bar() == bar.index())) {
                        exports.add(new Export(e.address(), bar.index(), bar.size(), x.errnoName(), x.getMessage()));
                    }
                }
            }
        }
        return new Report(kernel.describe(), exports, pairs);
    }

    private static void sweepBar(DeviceSession s, PciDevice e, Region bar, Function<PciAddress, Importer> importerFor,
                                 List<PciAddress> importers, List<Export> exports, List<Pair> pairs) {
        DmaBuf buf;
        try {
            buf = s.exportDmaBuf(bar.index(), List.of(new VfioDmaBuf.Range(0, RegionInfo.pageSpan(bar.size()))),
                    Kernel.O_RDWR | Kernel.O_CLOEXEC, null);
        } catch (KernelException x) {
            exports.add(new Export(e.address(), bar.index(), bar.size(), x.errnoName(), x.getMessage()));
            return;
        }
        exports.add(new Export(e.address(), bar.index(), bar.size(), "ok", "dma-buf inode " + buf.inode()));
        try {
            for (PciAddress imp : importers) {
                pairs.add(pair(e.address(), bar.index(), imp, importerFor.apply(imp), buf.fd()));
            }
        } finally {
            try {
                s.closeDmaBuf(buf);
            } catch (KernelException x) {
                // the session's close closes it again
            }
        }
    }

    private static Pair pair(PciAddress exporter, int bar, PciAddress imp, Importer importer, int fd) {
        Attachment at;
        try {
            at = importer.attach(fd);
        } catch (KernelException x) {
            return new Pair(exporter, bar, imp, x.errnoName(), null, null, null, x.getMessage());
        }
        try {
            String map = at.mapRefusal().map(KernelException::errnoName).orElse("ok");
            Long addr = map.equals("ok") ? at.address() : null;
            Long len = map.equals("ok") && at instanceof DeviceAttachment d ? d.length() : null;
            return new Pair(exporter, bar, imp, "ok", map, addr, len, at.mapRefusal().map(Throwable::getMessage)
                    .orElse(at.describe()));
        } finally {
            try {
                at.close();
            } catch (KernelException x) {
                // the importer's own close (the module's fd) detaches it
            }
        }
    }

    /** {@code {"kernel", "exports": [...], "pairs": [...]}}; addresses as JSON integers (README "p2p-import"). */
    public static String toJson(Report r) {
        ObjectNode root = F.objectNode();
        root.put("kernel", r.kernel());
        ArrayNode ex = root.putArray("exports");
        for (Export e : r.exports()) {
            ObjectNode o = ex.addObject();
            o.put("exporter", e.exporter().toString());
            o.put("bar", e.bar());
            o.put("size", e.size());
            o.put("export", e.result());
            o.put("detail", e.detail());
        }
        ArrayNode ps = root.putArray("pairs");
        for (Pair p : r.pairs()) {
            ObjectNode o = ps.addObject();
            o.put("exporter", p.exporter().toString());
            o.put("bar", p.bar());
            o.put("importer", p.importer().toString());
            o.put("attach", p.attach());
            o.put("map", p.map());
            if (p.dmaAddress() == null) {
                o.putNull("dmaAddress");
            } else {
                o.put("dmaAddress", p.dmaAddress());
            }
            if (p.dmaLength() == null) {
                o.putNull("dmaLength");
            } else {
                o.put("dmaLength", p.dmaLength());
            }
            o.put("detail", p.detail());
        }
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }
}
