package org.vfioinspector.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vfioinspector.bridge.sysfs.HostPaths;

class ListCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static Path snapshot;

    @BeforeAll
    static void extract() throws Exception {
        snapshot = Snapshots.extract(tmp);
    }

    private static List<String> liveGroups() throws IOException {
        Path groups = HostPaths.live().sys("kernel/iommu_groups");
        if (!Files.isDirectory(groups)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(groups)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    private static int livePciDevices() throws IOException {
        try (Stream<Path> s = Files.list(HostPaths.live().sys("bus/pci/devices"))) {
            return (int) s.count();
        }
    }

    /**
     * Output is UTF-8 whatever the locale: under a C locale (cron, systemd, ssh without one) a JDK 17 runtime's default
     * charset is ASCII, and every "→" of a rule came out as '?'. A JVM started with LANG=C prints the same bytes as
     * this one's UTF-8 stream, and the JSON reads back.
     */
    @Test
    void outputIsUtf8UnderACLocale() throws Exception {
        String[] args = {"list", "--json", "--host", "lab:gpu-server"};
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.vfioinspector.app.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().keySet().removeIf(k -> k.startsWith("LC_") || k.equals("LANG") || k.startsWith("JAVA_TOOL"));
        pb.environment().put("LANG", "C");
        pb.environment().put("LC_ALL", "C");
        Process p = pb.start();
        byte[] c = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0, "exit " + p.exitValue());
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.io.PrintStream o = new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8);
             java.io.PrintStream e = new java.io.PrintStream(new java.io.ByteArrayOutputStream(), true,
                     java.nio.charset.StandardCharsets.UTF_8)) {
            assertEquals(0, Cli.run(args, o, e));
        }
        String json = new String(c, java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(json.contains("→") && !json.contains(" ? "), "rules keep their arrows under LANG=C");
        assertEquals(out.toString(java.nio.charset.StandardCharsets.UTF_8), json);
        new ObjectMapper().readTree(c);
    }

    @Test
    void liveText() throws Exception {
        Snapshots.Result r = Snapshots.cli("list");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("Host local"), r.out());
        if (liveGroups().isEmpty()) {
            // the build machine: PCI devices, no IOMMU
            assertTrue(r.out().contains(ListText.NO_GROUPS), r.out());
            assertTrue(r.out().contains("cannot be used with VFIO"), r.out());
            assertTrue(r.out().contains("intel_iommu=on") && r.out().contains("amd_iommu=on"), r.out());
            assertTrue(r.out().contains("VT-d") && r.out().contains("AMD-Vi"), r.out());
        } else {
            assertFalse(r.out().contains(ListText.NO_GROUPS), r.out());
            assertTrue(r.out().contains("IOMMU group "), r.out());
        }
    }

    @Test
    void liveJson() throws Exception {
        Snapshots.Result r = Snapshots.cli("list", "--json", "--host", "local");
        assertEquals(0, r.exit(), r.err());
        JsonNode root = JSON.readTree(r.out());
        assertEquals("local", root.path("host").path("kind").asText());
        assertTrue(root.path("host").path("kernel").path("release").isTextual());
        assertEquals(liveGroups().size(), root.path("groups").size());
        assertEquals(livePciDevices(), root.path("devices").size() + root.path("errors").size());
        if (liveGroups().isEmpty()) {
            assertFalse(root.path("host").path("kernel").path("iommuActive").asBoolean(true));
            assertEquals(root.path("devices").size(), root.path("ungrouped").size());
            for (JsonNode d : root.path("devices")) {
                assertTrue(d.path("iommuGroup").isNull(), d.toString());
            }
        }
    }

    @Test
    void snapshotJsonShape() throws Exception {
        Snapshots.Result r = Snapshots.cli("list", "--json", "--host", "sysfs:" + snapshot);
        assertEquals(0, r.exit(), r.err());
        assertEquals("", r.err());
        JsonNode root = JSON.readTree(r.out());
        JsonNode host = root.path("host");
        assertEquals("sysfs", host.path("kind").asText());
        assertEquals("unknown", host.path("kernel").path("release").asText());
        assertTrue(host.path("kernel").path("iommuActive").asBoolean());
        assertTrue(host.path("kernel").path("modules").path("vfio_pci").asBoolean());
        assertEquals(13, root.path("groups").size());
        assertEquals(15, root.path("devices").size());
        assertEquals(0, root.path("errors").size());
        assertEquals(0, root.path("ungrouped").size());
        Pattern hex4 = Pattern.compile("[0-9a-f]{4}");
        Pattern hex6 = Pattern.compile("[0-9a-f]{6}");
        for (JsonNode d : root.path("devices")) {
            assertTrue(hex4.matcher(d.path("vendor").asText()).matches(), d.toString());
            assertTrue(hex4.matcher(d.path("device").asText()).matches(), d.toString());
            assertTrue(hex6.matcher(d.path("class").asText()).matches(), d.toString());
            assertTrue(d.path("iommuGroup").isInt(), d.toString());
            assertTrue(d.path("driver").isTextual() || d.path("driver").isNull(), d.toString());
            for (JsonNode reg : d.path("regions")) {
                assertTrue(reg.path("index").isInt() && reg.path("start").isIntegralNumber()
                        && reg.path("size").isIntegralNumber() && reg.path("prefetchable").isBoolean(), reg.toString());
                assertTrue(List.of("mem32", "mem64", "io", "rom").contains(reg.path("kind").asText()));
            }
        }
        JsonNode e1000e = find(root.path("devices"), "bdf", "0000:01:00.0");
        assertEquals("8086", e1000e.path("vendor").asText());
        assertEquals("10d3", e1000e.path("device").asText());
        assertEquals("020000", e1000e.path("class").asText());
        assertEquals("vfio-pci", e1000e.path("driver").asText());
        assertEquals(11, e1000e.path("iommuGroup").asInt());
        assertEquals("[\"0000:00:08.0\"]", e1000e.path("upstream").toString());
        assertEquals("[\"pm\",\"bus\"]", e1000e.path("resetMethods").toString());
        JsonNode rom = e1000e.path("regions").get(4);
        assertEquals(6, rom.path("index").asInt());
        assertEquals("rom", rom.path("kind").asText());
        assertEquals(0xfe800000L, rom.path("start").asLong());
        assertEquals(0x40000L, rom.path("size").asLong());
        assertTrue(find(root.path("devices"), "bdf", "0000:00:00.0").path("driver").isNull());

        JsonNode g6 = find(root.path("groups"), "id", "6");
        assertEquals("DMA", g6.path("type").asText());
        assertFalse(g6.path("viable").asBoolean(true));
        assertEquals("[\"0000:00:06.0\"]", g6.path("blockers").toString());
        assertEquals("e1000", g6.path("blockerDrivers").get(0).path("driver").asText());
        JsonNode g10 = find(root.path("groups"), "id", "10");
        assertTrue(g10.path("viable").asBoolean());
        assertEquals("[\"0000:00:1f.0\",\"0000:00:1f.2\",\"0000:00:1f.3\"]", g10.path("devices").toString());
        assertEquals(2, g10.path("reservedRegions").size());
        assertEquals("direct-relaxable", g10.path("reservedRegions").get(0).path("kind").asText());
        assertEquals(0xffffffL, g10.path("reservedRegions").get(0).path("end").asLong());
    }

    @Test
    void snapshotText() {
        Snapshots.Result r = Snapshots.cli("list", "--host", "sysfs:" + snapshot);
        assertEquals(0, r.exit(), r.err());
        String out = r.out();
        assertFalse(out.contains(ListText.NO_GROUPS));
        assertTrue(out.contains("IOMMU group 6 (DMA): NOT viable for VFIO, blocked by 0000:00:06.0 (driver e1000)"),
                out);
        assertTrue(out.contains("IOMMU group 11 (DMA): viable for VFIO"), out);
        // group -> device -> BARs, in that order
        int g11 = out.indexOf("IOMMU group 11 ");
        int dev = out.indexOf("0000:01:00.0 [8086:10d3]", g11);
        int bar3 = out.indexOf("BAR3 mem32 non-prefetchable  0x00000000fe880000  16K", dev);
        int rom = out.indexOf("ROM  rom   prefetchable      0x00000000fe800000  256K", bar3);
        assertTrue(g11 > 0 && dev > g11 && bar3 > dev && rom > bar3, out);
        assertTrue(out.contains("behind 0000:00:08.0"), out);
    }

    @Test
    void malformedDeviceIsReportedAndTheRestListed(@TempDir Path copy) throws Exception {
        Path root = Snapshots.extract(copy);
        Files.writeString(root.resolve("sys/devices/pci0000:00/0000:00:04.0/resource"), "garbage\n");
        Snapshots.Result r = Snapshots.cli("list", "--json", "--host", "sysfs:" + root);
        assertEquals(0, r.exit(), r.err());
        JsonNode json = JSON.readTree(r.out());
        assertEquals(14, json.path("devices").size());
        JsonNode err = json.path("errors").get(0);
        assertEquals("0000:00:04.0", err.path("subject").asText());
        assertEquals("bus/pci/devices/0000:00:04.0/resource", err.path("file").asText());
        assertEquals("garbage", err.path("text").asText());
        Snapshots.Result text = Snapshots.cli("list", "--host", "sysfs:" + root);
        assertTrue(text.out().contains("Could not read (1):"), text.out());
        assertTrue(text.out().contains("found 'garbage'"), text.out());
    }

    @Test
    void exitCodes(@TempDir Path dir) throws Exception {
        assertEquals(2, Snapshots.cli("list", "--bogus").exit());
        assertEquals(2, Snapshots.cli("frobnicate").exit());
        assertEquals(2, Snapshots.cli("list", "--host").exit());
        Snapshots.Result badHost = Snapshots.cli("list", "--host", "labx");
        assertEquals(2, badHost.exit());
        assertTrue(badHost.err().contains("'labx' is not a host"), badHost.err());
        Snapshots.Result badLab = Snapshots.cli("list", "--host", "lab:x");
        assertEquals(2, badLab.exit());
        assertTrue(badLab.err().contains("'x' is neither a built-in lab scenario"), badLab.err());
        assertEquals(2, Snapshots.cli("list", "--host", "sysfs:").exit());
        Snapshots.Result noSys = Snapshots.cli("list", "--host", "sysfs:" + dir);
        assertEquals(2, noSys.exit());
        assertTrue(noSys.err().contains("no sys/"), noSys.err());
        assertEquals(2, Snapshots.cli("list", "--host", "sysfs:" + dir.resolve("missing")).exit());

        Files.createDirectories(dir.resolve("sys/kernel"));
        Snapshots.Result unreadable = Snapshots.cli("list", "--host", "sysfs:" + dir);
        assertEquals(1, unreadable.exit());
        assertEquals("", unreadable.out());
        assertTrue(unreadable.err().contains("bus/pci/devices"), unreadable.err());
        assertEquals(1, Snapshots.cli("list", "--json", "--host", "sysfs:" + dir).exit());

        Files.createDirectories(dir.resolve("sys/bus/pci/devices"));
        Snapshots.Result empty = Snapshots.cli("list", "--json", "--host", "sysfs:" + dir);
        assertEquals(0, empty.exit(), empty.err());
        assertEquals(0, JSON.readTree(empty.out()).path("devices").size());

        assertEquals(0, Snapshots.cli("list", "--help").exit());
    }

    private static JsonNode find(JsonNode array, String field, String value) {
        List<JsonNode> hits = new ArrayList<>();
        array.forEach(n -> {
            if (n.path(field).asText().equals(value)) {
                hits.add(n);
            }
        });
        assertEquals(1, hits.size(), field + "=" + value);
        return hits.get(0);
    }
}
