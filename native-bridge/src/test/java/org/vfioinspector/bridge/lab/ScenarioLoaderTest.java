package org.vfioinspector.bridge.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.vfioinspector.bridge.lab.scenario.LabScenario;
import org.vfioinspector.bridge.lab.scenario.ScenarioException;
import org.vfioinspector.bridge.lab.scenario.ScenarioLoader;
import org.vfioinspector.bridge.model.PciAddress;

class ScenarioLoaderTest {
    static java.util.List<String> builtIns() {
        return ScenarioLoader.BUILT_IN;
    }

    @ParameterizedTest
    @MethodSource("builtIns")
    void everyBuiltInLoads(String name) throws ScenarioException {
        LabScenario s = ScenarioLoader.builtIn(name);
        assertEquals(name, s.name());
        assertTrue(s.devices().size() >= 2);
    }

    @Test
    void qemuQ35IsTheFixture() throws ScenarioException {
        LabScenario s = ScenarioLoader.builtIn("qemu-q35");
        assertEquals(15, s.devices().size());
        assertEquals(13, s.groups().size());
        assertEquals("linux-7.2", s.profile().name());
        assertEquals(7, s.devices().stream().filter(LabScenario.Device::vfioBound).count());
        assertEquals("pcieport", s.device(PciAddress.parse("0000:00:08.0")).orElseThrow().driver());
        assertEquals("pci0000:00/0000:00:08.0/0000:01:00.0", s.devicePath(PciAddress.parse("0000:01:00.0")));
        LabScenario host = ScenarioLoader.builtIn("qemu-q35-host-drivers");
        assertEquals("nvme", host.device(PciAddress.parse("0000:00:07.0")).orElseThrow().driver());
        assertEquals("e1000", host.device(PciAddress.parse("0000:00:06.0")).orElseThrow().driver());
        LabScenario gpu = ScenarioLoader.builtIn("gpu-server");
        assertEquals(8, gpu.devices().stream().filter(d -> d.vendor() == 0x10de).count());
        assertEquals(64L << 30, gpu.device(PciAddress.parse("0000:12:00.0")).orElseThrow().bar(1).orElseThrow().size());
        assertTrue(ScenarioLoader.builtIn("s390-ism-fixed").profile().p2pdmaRefusesNonMappableBars());
    }

    static final String GOOD_HEAD = "format: 1\nname: t\nprofile: linux-7.2\n";
    static final String DEV = "  - {bdf: \"0000:00:03.0\", vendor: \"1234\", device: \"11e8\", class: \"0x00ff00\", "
            + "driver: vfio-pci, bars: [{index: 0, kind: mem32, address: 0xfea00000, size: 1M}]}\n";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "syntax error | format: 1\\nname: t\\nprofile: \"linux-7.2\\ndevices: []\\n | 3 | YAML syntax error",
        "wrong type | format: 1\\nname: t\\nprofile: linux-7.2\\ndevices: 5\\n | 4 | expected a list",
        "unknown key | format: 1\\nname: t\\nprofile: linux-7.2\\ncolour: red\\n | 4 | unknown key 'colour'",
        "bad number | format: 1\\nname: t\\nprofile: linux-7.2\\ndevices:\\n  - {bdf: x, bars: [{size: lots}]}\\n | 5 | not a number",
        "wrong format | format: 2\\nname: t\\nprofile: linux-7.2\\n | 1 | format 2 is not supported",
        "unknown profile | format: 1\\nname: t\\nprofile: linux-9.9\\ndevices: []\\n | 3 | unknown profile 'linux-9.9'",
        "empty reset method (fuzzer) | format: 1\\nname: t\\nprofile: linux-7.2\\ndevices:\\n  - {bdf: \"0000:00:03.0\", resetMethods: [flr, ~]}\\n | 5 | an empty entry; expected a value",
        "empty device entry | format: 1\\nname: t\\nprofile: linux-7.2\\ndevices:\\n  -\\n | 5 | is not a valid Device",
    })
    void badFiles(String what, String text, int line, String message) {
        ScenarioException e = assertThrows(ScenarioException.class,
                () -> ScenarioLoader.parse(text.replace("\\n", "\n"), "bad.yaml"));
        assertEquals("bad.yaml", e.file());
        assertEquals(line, e.line(), e.getMessage());
        assertTrue(e.column() > 0, e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertTrue(e.getMessage().startsWith("bad.yaml:" + line + ":"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "duplicate BDF | devices:\\n" + "DEV" + "DEV" + "groups: []\\n | 6 | duplicate BDF 0000:00:03.0",
        "unknown group device | devices:\\n" + "DEV" + "groups:\\n  - {id: 3, devices: [\"0000:00:09.0\"]}\\n | 7 | not a device",
        "overlap | devices:\\n" + "DEV" + "  - {bdf: \"0000:00:04.0\", vendor: \"1234\", device: \"11e8\", class: \"0x00ff00\", bars: [{index: 0, kind: mem32, address: 0xfea80000, size: 512K}]}\\ngroups: []\\n | 6 | overlaps 0000:00:03.0 BAR0",
        "bus without bridge | devices:\\n  - {bdf: \"0000:05:00.0\", vendor: \"1234\", device: \"11e8\", class: \"0x00ff00\"}\\ngroups: []\\n | 5 | no bridge has that secondaryBus",
        "vfio without group | devices:\\n" + "DEV" + "groups: []\\n | 5 | in no IOMMU group",
        "bad reset | devices:\\n  - {bdf: \"0000:00:03.0\", vendor: \"1234\", device: \"11e8\", class: \"0x00ff00\", resetMethods: [kick]}\\ngroups: []\\n | 5 | not a reset method",
        "unknown switch | switches: {fixEverything: true}\\ndevices: []\\ngroups: []\\n | 4 | unknown profile switch",
    })
    void semanticErrors(String what, String body, int line, String message) {
        String text = (GOOD_HEAD + body.replace("DEV", DEV)).replace("\\n", "\n");
        ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioLoader.parse(text, "sem.yaml"));
        assertEquals(line, e.line(), e.getMessage() + "\n" + text);
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
