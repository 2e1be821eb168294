package org.vfioinspector.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vfioinspector.app.kernellab.ListVsLspci;
import org.vfioinspector.app.kernellab.LspciCapabilities;
import org.vfioinspector.app.kernellab.LspciParser;

/**
 * pciutils and {@code list --json} read the same snapshot and must agree on every device, every BAR's address,
 * size, kind and prefetchability, and every IOMMU group. The parser and the comparison are the ones the real-kernel
 * harness uses inside the guest. lspci is a test dependency (pciutils): without it this test fails, it does not
 * skip.
 */
class LspciCrossCheckTest {
    @Test
    void lspciAndListAgree(@TempDir Path tmp) throws Exception {
        Path snapshot = Snapshots.extract(tmp);
        String lspci = lspci(snapshot);
        Map<String, LspciParser.Device> fromLspci = LspciParser.parse(lspci);
        assertEquals(15, fromLspci.size(), lspci);
        assertEquals(26, fromLspci.values().stream().mapToInt(d -> d.regions().size()).sum(),
                "the snapshot has 24 Region lines plus 2 expansion ROMs");

        Snapshots.Result r = Snapshots.cli("list", "--json", "--host", "sysfs:" + snapshot);
        assertEquals(0, r.exit(), r.err());
        JsonNode list = new ObjectMapper().readTree(r.out());
        List<String> diffs = ListVsLspci.compare(list, fromLspci);
        assertTrue(diffs.isEmpty(), "list --json disagrees with lspci:\n  " + String.join("\n  ", diffs));

        // capabilities: names and offsets in chain order, MSI-X table/PBA, ACS bits, link, PM state
        Map<String, List<LspciCapabilities.Cap>> caps = LspciCapabilities.parse(lspci);
        assertEquals(35, caps.values().stream().mapToInt(List::size).sum(), "the snapshot's 35 Capabilities lines");
        List<String> capDiffs = LspciCapabilities.compare(list, caps);
        assertTrue(capDiffs.isEmpty(), "capabilities disagree with lspci:\n  " + String.join("\n  ", capDiffs));
    }

    /** The same comparison with the lspci -vv the real kernel's guest printed when the snapshot was taken. */
    @Test
    void capabilitiesAgreeWithTheGuestsLspci(@TempDir Path tmp) throws Exception {
        Path snapshot = Snapshots.extract(tmp);
        String guest = java.nio.file.Files.readString(snapshot.resolve("lspci-vv.txt"));
        Snapshots.Result r = Snapshots.cli("list", "--json", "--host", "sysfs:" + snapshot);
        assertEquals(0, r.exit(), r.err());
        JsonNode list = new ObjectMapper().readTree(r.out());
        Map<String, List<LspciCapabilities.Cap>> caps = LspciCapabilities.parse(guest);
        assertEquals(15, caps.size());
        List<String> capDiffs = LspciCapabilities.compare(list, caps);
        assertTrue(capDiffs.isEmpty(), "capabilities disagree with the guest's lspci:\n  "
                + String.join("\n  ", capDiffs));
        for (JsonNode d : list.path("devices")) {
            assertTrue(d.path("configReadable").asInt() == 256 || d.path("configReadable").asInt() == 4096,
                    d.path("bdf") + " configReadable " + d.path("configReadable"));
        }
    }

    static String lspci(Path snapshot) throws IOException, InterruptedException {
        List<String> cmd = List.of("lspci", "-A", "linux-sysfs", "-O", "sysfs.path=" + snapshot.resolve("sys/bus/pci"),
                "-D", "-nn", "-vv", "-O", "hwdb.disable=1");
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            return fail("lspci is required for this test (install pciutils): " + e.getMessage());
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "lspci hung");
        assertEquals(0, p.exitValue(), "lspci failed: " + cmd);
        return out;
    }
}
