package org.vfioinspector.app.kernellab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The lspci parser and the list-vs-lspci comparison of the kernel lab, on the lspci output a real
 * Linux 7.2.13 guest printed (fixture qemu-q35-intel-linux7.2.13, lspci-vv.txt).
 */
class LspciParserTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static String fixture() throws IOException {
        try (InputStream in = LspciParserTest.class.getResourceAsStream("/kernellab/lspci-q35-intel-linux7.2.13.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void parsesEveryDeviceRegionAndGroupOfTheRealGuest() throws IOException {
        Map<String, LspciParser.Device> devs = LspciParser.parse(fixture());
        assertEquals(15, devs.size());
        assertEquals(26, devs.values().stream().mapToInt(d -> d.regions().size()).sum(), "24 Region lines + 2 ROMs");
        assertEquals(13, devs.values().stream().map(LspciParser.Device::iommuGroup).distinct().count());

        LspciParser.Device edu = devs.get("0000:00:03.0");
        assertEquals("1234", edu.vendor());
        assertEquals("11e8", edu.device());
        assertEquals("00ff00", edu.classCode());
        assertEquals(3, edu.iommuGroup());
        assertEquals("vfio-pci", edu.driver());
        assertEquals("nvme", devs.get("0000:00:07.0").driver());
        assertNull(devs.get("0000:00:00.0").driver());
        assertEquals(List.of(new LspciParser.Region(0, "mem32", false, 0xfea00000L, 1 << 20)), edu.regions());

        LspciParser.Device ivshmem = devs.get("0000:00:05.0");
        assertEquals(List.of(new LspciParser.Region(0, "mem32", false, 0xfeb67000L, 256),
                new LspciParser.Region(2, "mem64", true, 0xfd800000L, 8 << 20)), ivshmem.regions());

        LspciParser.Device e1000 = devs.get("0000:00:06.0");
        assertEquals(List.of(new LspciParser.Region(0, "mem32", false, 0xfeb40000L, 128 << 10),
                new LspciParser.Region(1, "io", false, 0xd140L, 64),
                new LspciParser.Region(6, "rom", false, 0xfeb00000L, 256 << 10)), e1000.regions());

        assertEquals("010802", devs.get("0000:00:07.0").classCode(), "prog-if from (prog-if 02 [NVM Express])");
        assertEquals("060400", devs.get("0000:00:08.0").classCode());
        assertEquals("000200", devs.get("0000:00:01.0").classCode());
        assertEquals("010601", devs.get("0000:00:1f.2").classCode());
        assertEquals(5, devs.get("0000:01:00.0").regions().size());
        assertEquals(0x700L, devs.get("0000:00:1f.3").regions().get(0).start());
        assertEquals(1, devs.get("0000:00:08.0").regions().size(), "bridge windows are not BARs");

        TreeSet<String> group10 = new TreeSet<>();
        devs.values().stream().filter(d -> d.iommuGroup() == 10).forEach(d -> group10.add(d.bdf()));
        assertEquals("[0000:00:1f.0, 0000:00:1f.2, 0000:00:1f.3]", group10.toString());
    }

    /** Shapes the fixture does not have: disabled BARs and ROMs, a 64-bit prefetchable BAR with a prog-if header. */
    @Test
    void disabledRegionsAndProgIf() {
        Map<String, LspciParser.Device> d = LspciParser.parse(String.join("\n",
                "0000:00:1f.2 SATA controller [0106]: Intel Corporation 82801IR/IO/IH (ICH9R/DO/DH) 6 port SATA "
                        + "Controller [AHCI mode] [8086:2922] (rev 02) (prog-if 01 [AHCI 1.0])",
                "\tIOMMU group: 10",
                "\tRegion 4: I/O ports at d1e0 [size=32]",
                "\tRegion 5: Memory at feb6a000 (32-bit, non-prefetchable) [size=4K]",
                "\tRegion 2: Memory at fd800000 (64-bit, prefetchable) [disabled] [size=8M]",
                "\tExpansion ROM at feb00000 [disabled] [size=256K]", ""));
        assertEquals(new LspciParser.Device("0000:00:1f.2", "8086", "2922", "010601", 10, null, List.of(
                new LspciParser.Region(4, "io", false, 0xd1e0L, 32),
                new LspciParser.Region(5, "mem32", false, 0xfeb6a000L, 4096),
                new LspciParser.Region(2, "mem64", true, 0xfd800000L, 8L << 20),
                new LspciParser.Region(6, "rom", false, 0xfeb00000L, 256 << 10))), d.get("0000:00:1f.2"));
        assertEquals(1L << 30, LspciParser.size("1G"));
    }

    @Test
    void sizesAndAddresses() {
        assertEquals(256, LspciParser.size("256"));
        assertEquals(16384, LspciParser.size("16K"));
        assertEquals(8L << 20, LspciParser.size("8M"));
        assertEquals(2L << 30, LspciParser.size("2G"));
        assertNull(LspciParser.address("<unassigned>"));
    }

    @Test
    void listJsonBuiltFromTheSameFactsAgrees() throws IOException {
        Map<String, LspciParser.Device> devs = LspciParser.parse(fixture());
        assertEquals(List.of(), ListVsLspci.compare(listJson(devs, false), devs));
        assertEquals(List.of(), ListVsLspci.compare(listJson(devs, true), devs), "hex-string numbers");
    }

    @Test
    void everyKindOfDisagreementIsReported() throws IOException {
        Map<String, LspciParser.Device> devs = LspciParser.parse(fixture());
        ObjectNode list = listJson(devs, false);
        ArrayNode devices = (ArrayNode) list.get("devices");
        ObjectNode edu = (ObjectNode) devices.get(3);
        edu.put("device", "11e9");
        edu.put("driver", "edu");
        ((ObjectNode) edu.get("regions").get(0)).put("size", 4096);
        ObjectNode ivshmem = (ObjectNode) devices.get(5);
        ((ObjectNode) ivshmem.get("regions").get(1)).put("prefetchable", false);
        ((ObjectNode) ivshmem.get("regions").get(1)).put("kind", "mem32");
        devices.remove(14); // 0000:02:00.0
        ((ObjectNode) devices.get(6)).putArray("regions"); // e1000 lost its BARs and ROM
        ((ArrayNode) list.get("groups").get(10).get("devices")).remove(0);

        List<String> diffs = ListVsLspci.compare(list, devs);
        String all = String.join("\n", diffs);
        assertTrue(all.contains("0000:00:03.0 device: lspci 11e8, list --json 11e9"), all);
        assertTrue(all.contains("0000:00:03.0 BAR0 size: lspci 0x100000, list --json 0x1000"), all);
        assertTrue(all.contains("0000:00:05.0 BAR2 prefetchable: lspci true, list --json false"), all);
        assertTrue(all.contains("0000:00:05.0 BAR2 kind: lspci mem64, list --json mem32"), all);
        assertTrue(all.contains("0000:02:00.0: in lspci, not in list --json"), all);
        assertTrue(all.contains("0000:00:06.0 ROM: in lspci"), all);
        assertTrue(all.contains("0000:00:06.0 BAR1: in lspci"), all);
        assertTrue(all.contains("IOMMU group 10 devices"), all);
        assertTrue(all.contains("0000:00:03.0 driver: lspci vfio-pci, list --json edu"), all);
        assertEquals(10, diffs.size(), all);
    }

    /** A list --json document as the list command specifies it, built from lspci's facts. */
    static ObjectNode listJson(Map<String, LspciParser.Device> devs, boolean hexStrings) {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("host").put("kind", "linux").put("kernel", "7.2.13+deb14-amd64");
        ArrayNode devices = root.putArray("devices");
        Map<Integer, TreeSet<String>> groups = new TreeMap<>();
        for (LspciParser.Device d : devs.values()) {
            ObjectNode o = devices.addObject();
            o.put("bdf", d.bdf()).put("vendor", d.vendor()).put("device", d.device()).put("class", d.classCode());
            o.put("iommuGroup", d.iommuGroup());
            o.put("driver", d.driver());
            ArrayNode regions = o.putArray("regions");
            for (LspciParser.Region r : d.regions()) {
                ObjectNode ro = regions.addObject().put("index", r.index()).put("kind", r.kind())
                        .put("prefetchable", r.prefetchable() || "rom".equals(r.kind()));
                if (hexStrings) {
                    ro.put("start", "0x" + Long.toHexString(r.start())).put("size", "0x" + Long.toHexString(r.size()));
                } else {
                    ro.put("start", r.start()).put("size", r.size());
                }
            }
            groups.computeIfAbsent(d.iommuGroup(), k -> new TreeSet<>()).add(d.bdf());
        }
        ArrayNode ga = root.putArray("groups");
        groups.forEach((id, members) -> {
            ObjectNode g = ga.addObject().put("id", id).put("type", "DMA").put("viable", true);
            members.forEach(g.putArray("devices")::add);
            g.putArray("blockers");
        });
        return root;
    }
}
