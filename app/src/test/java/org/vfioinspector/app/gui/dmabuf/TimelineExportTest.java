package org.vfioinspector.app.gui.dmabuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vfioinspector.bridge.kernel.KernelEvent;
import org.vfioinspector.bridge.model.PciAddress;

class TimelineExportTest {
    private static final PciAddress NVME = PciAddress.parse("0000:00:07.0");
    private static final TimelineEntry REVOKE = new TimelineEntry(Instant.parse("2026-01-02T03:04:05Z"),
            new KernelEvent(42, KernelEvent.Kind.REVOKE, "vfio_pci_dma_buf_move", NVME, 77,
                    "revoked=1 \"quoted\" <b>"), "1 dma-buf → revoked");
    private static final TimelineExport.ObjectRow BUF = new TimelineExport.ObjectRow("dma-buf", NVME.toString(), 0,
            77, "BAR0 [0, 16K)", "revoked");

    @Test
    void jsonCarriesEveryFieldEscaped() {
        String json = TimelineExport.json("guest", List.of(BUF), List.of(REVOKE));
        assertTrue(json.contains("\"function\": \"vfio_pci_dma_buf_move\""), json);
        assertTrue(json.contains("\"device\": \"0000:00:07.0\""), json);
        assertTrue(json.contains("\"dmaBufInode\": 77"), json);
        assertTrue(json.contains("\"state\": \"revoked\""), json);
        assertTrue(json.contains("revoked=1 \\\"quoted\\\" <b>"), json);
    }

    @Test
    void htmlIsEscapedAndReadable() {
        String html = TimelineExport.html("guest <1>", List.of(BUF), List.of(REVOKE));
        assertTrue(html.contains("<h1>Revocation timeline</h1>"));
        assertTrue(html.contains("guest &lt;1&gt;"));
        assertTrue(html.contains("<code>vfio_pci_dma_buf_move</code>"));
        assertTrue(html.contains("class=\"revoked\""));
    }

    @Test
    void anObjectCarriesItsLastDmaRead() {
        TimelineExport.ObjectRow type1 = new TimelineExport.ObjectRow("type1 map", NVME.toString(), 0, -1,
                "BAR0 in 0000:00:03.0's container at 0x100000", "active", "use-after-free");
        assertTrue(TimelineExport.json("h", List.of(type1), List.of()).contains("\"dmaWitness\": \"use-after-free\""));
        assertTrue(TimelineExport.html("h", List.of(type1), List.of()).contains("<td>use-after-free</td>"));
        assertTrue(!TimelineExport.json("h", List.of(BUF), List.of()).contains("dmaWitness"), "none: no field");
    }

    @Test
    void emptyTimelineIsValidJson() {
        assertEquals("{\n  \"host\": \"h\",\n  \"objects\": [],\n  \"events\": []\n}\n",
                TimelineExport.json("h", List.of(), List.of()));
    }
}
