package org.vfioinspector.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vfioinspector.app.kernellab.ListVsLspci;
import org.vfioinspector.app.kernellab.LspciCapabilities;
import org.vfioinspector.app.kernellab.LspciParser;

/**
 * The snapshot a real Linux 6.18 kernel wrote in a Firecracker guest with one NVIDIA H200 passed through and no
 * vIOMMU (native-bridge's test resources, see its .md): a data-centre GPU's BAR layout, read as the kernel wrote it.
 */
class GpuGuestSnapshotTest {
    private static final String GPU = "0000:00:06.0";

    @TempDir
    static Path tmp;
    static Path snapshot;
    static JsonNode list;

    @BeforeAll
    static void read() throws Exception {
        snapshot = Snapshots.extract(tmp, Snapshots.H200);
        Snapshots.Result r = Snapshots.cli("list", "--json", "--host", "sysfs:" + snapshot);
        assertEquals(0, r.exit(), r.err());
        list = new ObjectMapper().readTree(r.out());
    }

    @Test
    void theGuestHasNoIommuSoEveryDeviceIsUngrouped() {
        JsonNode kernel = list.path("host").path("kernel");
        assertEquals("6.18.44-fc-v1252-gpu", kernel.path("release").asText());
        assertFalse(kernel.path("iommuActive").asBoolean());
        assertFalse(kernel.path("modules").path("vfio").asBoolean());
        assertEquals(0, list.path("groups").size());
        assertEquals(7, list.path("ungrouped").size(), list.path("ungrouped").toString());
        assertEquals(0, list.path("errors").size(), list.path("errors").toString());
        assertEquals("x86_64", list.path("host").path("arch").path("name").asText());
        assertEquals("proc/sys/kernel/arch", list.path("host").path("arch").path("source").asText(),
                "the arch comes from the kernel's own sysctl, which this 6.18 kernel has");
        assertEquals("linux-6.1", list.path("host").path("profile").path("name").asText(),
                "6.18 predates dma-buf export (6.19): the nearest lower profile");
    }

    @Test
    void theH200sBarsAreTheKernelsOwn() {
        JsonNode gpu = device(GPU);
        assertEquals("10de", gpu.path("vendor").asText());
        assertEquals("2335", gpu.path("device").asText());
        assertEquals("nvidia", gpu.path("driver").asText());
        assertEquals("[\"flr\"]", gpu.path("resetMethods").toString());
        assertTrue(gpu.path("vfioReset").path("value").asBoolean());
        List<String> bars = new ArrayList<>();
        for (JsonNode r : gpu.path("regions")) {
            bars.add(r.path("name").asText() + " " + r.path("kind").asText() + (r.path("prefetchable").asBoolean()
                    ? " pref" : "") + " 0x" + Long.toHexString(r.path("start").asLong()) + " "
                    + Long.toHexString(r.path("size").asLong()));
        }
        assertEquals(List.of("BAR0 mem64 pref 0x104002000000 1000000", "BAR2 mem64 pref 0x100000000000 4000000000",
                "BAR4 mem64 pref 0x104000000000 2000000"), bars, "16M registers, 256G VRAM, 32M");
        List<String> caps = new ArrayList<>();
        gpu.path("capabilities").forEach(c -> caps.add(c.path("id").asText()));
        assertEquals(List.of("PM", "MSI", "PCIe", "MSI-X", "Null", "LTR", "Null", "AER", "Null", "Null",
                "Vendor-specific", "Power budgeting", "DSN"), caps, "the VMM hides capabilities behind ID 0 (Null)");
    }

    /** Linux 6.18 has no DMA_BUF feature: every export is ENOTTY, and that is no mmap/export disagreement. */
    @Test
    void aKernelWithoutExportHasNoDisagreements() {
        int bars = 0;
        for (JsonNode d : list.path("devices")) {
            for (JsonNode r : d.path("regions")) {
                String where = d.path("bdf").asText() + " " + r.path("name").asText();
                assertEquals("yes", r.path("mmap").path("verdict").asText(), where);
                assertEquals("no", r.path("dmabuf").path("verdict").asText(), where);
                assertEquals("ENOTTY", r.path("dmabuf").path("errno").asText(), where);
                assertFalse(r.path("disagree").asBoolean(), where + ": " + r.path("disagreement"));
                bars++;
            }
        }
        assertEquals(8, bars, "five virtio BAR0s and the GPU's three");
        Snapshots.Result text = Snapshots.cli("list", "--host", "sysfs:" + snapshot);
        assertEquals(0, text.exit(), text.err());
        assertFalse(text.out().contains("DISAGREE"), text.out());
        assertTrue(text.out().contains("No IOMMU groups: this host has no active IOMMU."), text.out());
        assertTrue(text.out().contains("BAR2 mem64 prefetchable      0x0000100000000000  256G"), text.out());
    }

    /** pciutils on this machine and the guest's own lspci agree with list on devices, BARs and capabilities. */
    @Test
    void lspciAgrees() throws Exception {
        Map<String, LspciParser.Device> here = LspciParser.parse(LspciCrossCheckTest.lspci(snapshot));
        assertEquals(7, here.size());
        List<String> diffs = ListVsLspci.compare(list, here);
        assertTrue(diffs.isEmpty(), "list --json disagrees with lspci:\n  " + String.join("\n  ", diffs));
        String guest = Files.readString(snapshot.resolve("lspci-vv.txt"));
        assertEquals(here.keySet(), LspciParser.parse(guest).keySet());
        Map<String, List<LspciCapabilities.Cap>> caps = LspciCapabilities.parse(guest);
        assertEquals(13, caps.get(GPU).size(), caps.get(GPU).toString());
        List<String> capDiffs = LspciCapabilities.compare(list, caps);
        assertTrue(capDiffs.isEmpty(), "capabilities disagree with the guest's lspci:\n  "
                + String.join("\n  ", capDiffs));
    }

    private static JsonNode device(String bdf) {
        for (JsonNode d : list.path("devices")) {
            if (d.path("bdf").asText().equals(bdf)) {
                return d;
            }
        }
        throw new AssertionError("no device " + bdf + " in " + list.path("devices"));
    }
}
