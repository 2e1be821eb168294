package org.vfioinspector.bridge.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vfioinspector.bridge.session.DeviceTarget;

/** The probe runner's report and JSON on a scripted nvme-like device (facts §9 row "nvme 00:07.0"). */
class ProberTest {
    @Test
    void reportAndRevokeSequence() throws Exception {
        var k = new org.vfioinspector.bridge.session.ScriptedKernelAccess().kernel();
        ProbeOptions o = ProbeOptions.defaults().withRevoke(true);
        ProbeReport r = new Prober(k, new ProbeOptions(true, o.openPath(), Map.of("name", "scripted"), "7.2.13",
                null, 100)).probe(List.of(new DeviceTarget(
                org.vfioinspector.bridge.model.PciAddress.parse("0000:00:07.0"), 7, null, "vfio-pci")));
        ProbeReport.Device d = r.devices().get(0);
        assertEquals("ok", d.open());
        assertEquals("legacy", d.openPath());
        assertEquals(List.of("RESET", "PCI"), d.deviceFlags());
        ProbeReport.Region bar0 = d.regions().get(0);
        assertEquals(List.of("MSIX_MAPPABLE"), bar0.caps());
        assertEquals("ok", bar0.mmap());
        assertEquals("0x0f0107ff", bar0.mmapValue());
        assertEquals("ok", bar0.dmabuf());
        ProbeReport.Region bar1 = d.regions().get(1);
        assertNull(bar1.mmap(), "size 0: not tried");
        assertEquals("ENODEV", bar1.dmabuf());
        ProbeReport.Region vga = d.regions().get(8);
        assertEquals("EINVAL", vga.regionInfo());
        assertNull(vga.size());
        assertEquals("ENODEV", vga.dmabuf());

        List<ProbeReport.RevokeStep> steps = d.revoke();
        assertEquals(List.of("reset", "memory-off", "memory-on", "close"),
                steps.stream().map(ProbeReport.RevokeStep::step).toList());
        assertEquals(List.of("revoke", "restore"), steps.get(0).events());
        assertEquals(List.of("revoke"), steps.get(1).events());
        assertEquals("SIGBUS", steps.get(1).mmapRead());
        assertEquals("EIO", steps.get(1).pread());
        assertEquals(List.of("restore"), steps.get(2).events());
        assertEquals("ok", steps.get(2).mmapRead());
        assertEquals(List.of("permanent"), steps.get(3).events(), "the move(0) after cleanup is not a restore");
        assertNull(steps.get(3).mmapRead());
        assertEquals("lab", steps.get(3).eventSource());

        JsonNode json = new ObjectMapper().readTree(ProbeJson.toJson(r));
        assertEquals("7.2.13", json.at("/kernel/release").asText());
        assertTrue(json.at("/kernel/profile").isNull());
        JsonNode reg = json.at("/devices/0/regions/0");
        for (String key : List.of("index", "regionInfo", "size", "flags", "caps", "mmap", "mmapValue", "pread",
                "preadValue", "dmabuf")) {
            assertTrue(reg.has(key), key);
        }
        assertTrue(json.at("/devices/0/regions/8/mmap").isNull());
        for (String key : List.of("bdf", "group", "openPath", "open", "deviceFlags", "numRegions", "numIrqs",
                "regions", "revoke")) {
            assertTrue(json.at("/devices/0").has(key), key);
        }
        assertEquals("permanent", json.at("/devices/0/revoke/3/events/0").asText());
    }

    @Test
    void deviceWithoutResetHasNoRevokeAndSaysWhy() {
        var access = new org.vfioinspector.bridge.session.ScriptedKernelAccess();
        access.noReset();
        ProbeReport r = new Prober(access.kernel(), ProbeOptions.defaults().withRevoke(true)).probe(List.of(
                new DeviceTarget(org.vfioinspector.bridge.model.PciAddress.parse("0000:00:07.0"), 7, null, "vfio-pci")));
        assertNull(r.devices().get(0).revoke());
        assertTrue(r.devices().get(0).note().contains("RESET"));
    }

    @Test
    void unopenableDeviceReportsTheErrno() {
        var access = new org.vfioinspector.bridge.session.ScriptedKernelAccess();
        ProbeReport r = new Prober(access.kernel(), ProbeOptions.defaults()).probe(List.of(
                new DeviceTarget(org.vfioinspector.bridge.model.PciAddress.parse("0000:00:03.0"), 3, null, "vfio-pci")));
        assertEquals("ENOENT", r.devices().get(0).open());
        assertTrue(r.devices().get(0).note().contains("vfio/3"));
    }
}
