package org.vfioinspector.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pciutils and {@code list --json} read the same snapshot and must agree on every device, every BAR's address,
 * size, kind and prefetchability, and every IOMMU group. lspci is a test dependency (pciutils): without it this
 * test fails, it does not skip.
 */
class LspciCrossCheckTest {
    private static final Pattern DEVICE = Pattern.compile(
            "^([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]) .*? \\[([0-9a-f]{4})\\]: .*?\\[([0-9a-f]{4}):([0-9a-f]{4})\\]");
    private static final Pattern MEMORY = Pattern.compile(
            "^\\s+Region ([0-5]): Memory at ([0-9a-f]+) \\((32|64)-bit, (prefetchable|non-prefetchable)\\).*\\[size=(\\d+[KMGT]?)\\]$");
    private static final Pattern IO = Pattern.compile(
            "^\\s+Region ([0-5]): I/O ports at ([0-9a-f]+).*\\[size=(\\d+[KMGT]?)\\]$");
    private static final Pattern ROM = Pattern.compile(
            "^\\s+Expansion ROM at ([0-9a-f]+).*\\[size=(\\d+[KMGT]?)\\]$");
    private static final Pattern GROUP = Pattern.compile("^\\s+IOMMU group: (\\d+)$");

    /** One BAR as both sides can state it: index, kind, prefetchable (false for io/rom), start, size. */
    record Bar(int index, String kind, boolean prefetchable, long start, long size) {
    }

    record Dev(String vendor, String device, String classPrefix, Integer group, List<Bar> bars) {
    }

    @Test
    void lspciAndListAgree(@TempDir Path tmp) throws Exception {
        Path snapshot = Snapshots.extract(tmp);
        List<String> lspci = lspci(snapshot);
        Map<String, Dev> fromLspci = parseLspci(lspci);
        assertEquals(15, fromLspci.size(), String.join("\n", lspci));

        Snapshots.Result r = Snapshots.cli("list", "--json", "--host", "sysfs:" + snapshot);
        assertEquals(0, r.exit(), r.err());
        JsonNode root = new ObjectMapper().readTree(r.out());
        Map<String, Dev> fromList = new LinkedHashMap<>();
        for (JsonNode d : root.path("devices")) {
            List<Bar> bars = new ArrayList<>();
            for (JsonNode reg : d.path("regions")) {
                String kind = reg.path("kind").asText();
                boolean pref = kind.startsWith("mem") && reg.path("prefetchable").asBoolean();
                bars.add(new Bar(reg.path("index").asInt(), kind, pref, reg.path("start").asLong(),
                        reg.path("size").asLong()));
            }
            fromList.put(d.path("bdf").asText(), new Dev(d.path("vendor").asText(), d.path("device").asText(),
                    d.path("class").asText().substring(0, 4),
                    d.path("iommuGroup").isNull() ? null : d.path("iommuGroup").asInt(), bars));
        }
        assertEquals(fromLspci.keySet(), fromList.keySet());
        int bars = 0;
        for (Map.Entry<String, Dev> e : fromLspci.entrySet()) {
            assertEquals(e.getValue(), fromList.get(e.getKey()), e.getKey());
            bars += e.getValue().bars().size();
        }
        assertEquals(26, bars, "the snapshot has 24 Region lines plus 2 expansion ROMs");

        // groups: the same partition of devices
        Map<Integer, List<String>> lspciGroups = new TreeMap<>();
        fromLspci.forEach((bdf, d) -> lspciGroups.computeIfAbsent(d.group(), g -> new ArrayList<>()).add(bdf));
        Map<Integer, List<String>> listGroups = new TreeMap<>();
        for (JsonNode g : root.path("groups")) {
            List<String> members = new ArrayList<>();
            g.path("devices").forEach(m -> members.add(m.asText()));
            listGroups.put(g.path("id").asInt(), members);
        }
        assertEquals(lspciGroups, listGroups);
    }

    static List<String> lspci(Path snapshot) throws IOException, InterruptedException {
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
        return out.lines().toList();
    }

    static Map<String, Dev> parseLspci(List<String> lines) {
        Map<String, Dev> devices = new LinkedHashMap<>();
        String bdf = null;
        String[] ids = null;
        Integer group = null;
        List<Bar> bars = new ArrayList<>();
        for (String line : lines) {
            Matcher m;
            if (!line.startsWith("\t") && !line.isBlank()) {
                if (bdf != null) {
                    devices.put(bdf, new Dev(ids[0], ids[1], ids[2], group, List.copyOf(bars)));
                }
                m = DEVICE.matcher(line);
                assertTrue(m.find(), "unparsed lspci device line: " + line);
                bdf = m.group(1);
                ids = new String[] {m.group(3), m.group(4), m.group(2)};
                group = null;
                bars.clear();
            } else if ((m = MEMORY.matcher(line)).matches()) {
                bars.add(new Bar(Integer.parseInt(m.group(1)), m.group(3).equals("64") ? "mem64" : "mem32",
                        m.group(4).equals("prefetchable"), Long.parseLong(m.group(2), 16), size(m.group(5))));
            } else if ((m = IO.matcher(line)).matches()) {
                bars.add(new Bar(Integer.parseInt(m.group(1)), "io", false, Long.parseLong(m.group(2), 16),
                        size(m.group(3))));
            } else if ((m = ROM.matcher(line)).matches()) {
                bars.add(new Bar(6, "rom", false, Long.parseLong(m.group(1), 16), size(m.group(2))));
            } else if ((m = GROUP.matcher(line)).matches()) {
                group = Integer.parseInt(m.group(1));
            } else if (line.contains("Region ") || line.contains("Expansion ROM")) {
                fail("unparsed lspci region line: " + line);
            }
        }
        if (bdf != null) {
            devices.put(bdf, new Dev(ids[0], ids[1], ids[2], group, List.copyOf(bars)));
        }
        return devices;
    }

    /** lspci's size: 256, 4K, 1M, 8G. */
    static long size(String text) {
        char unit = text.charAt(text.length() - 1);
        int shift = switch (unit) {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            case 'T' -> 40;
            default -> 0;
        };
        String digits = shift == 0 ? text : text.substring(0, text.length() - 1);
        return Long.parseLong(digits) << shift;
    }

    @Test
    void parserReadsLspciShapes() {
        Map<String, Dev> d = parseLspci(List.of(
                "0000:00:1f.2 SATA controller [0106]: Intel Corporation 82801IR/IO/IH (ICH9R/DO/DH) 6 port SATA "
                        + "Controller [AHCI mode] [8086:2922] (rev 02) (prog-if 01 [AHCI 1.0])",
                "\tIOMMU group: 10",
                "\tRegion 4: I/O ports at d1e0 [size=32]",
                "\tRegion 5: Memory at feb6a000 (32-bit, non-prefetchable) [size=4K]",
                "\tRegion 2: Memory at fd800000 (64-bit, prefetchable) [disabled] [size=8M]",
                "\tExpansion ROM at feb00000 [disabled] [size=256K]"));
        assertEquals(new Dev("8086", "2922", "0106", 10, List.of(new Bar(4, "io", false, 0xd1e0, 32),
                new Bar(5, "mem32", false, 0xfeb6a000L, 4096), new Bar(2, "mem64", true, 0xfd800000L, 8L << 20),
                new Bar(6, "rom", false, 0xfeb00000L, 256 << 10))), d.get("0000:00:1f.2"));
        assertEquals(1L << 30, size("1G"));
    }
}
