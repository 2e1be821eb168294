package org.vfioinspector.bridge.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vfioinspector.bridge.lab.LabHostTree;
import org.vfioinspector.bridge.lab.LabKernel;
import org.vfioinspector.bridge.model.HostInventory;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.model.PciDevice;
import org.vfioinspector.bridge.pciids.PciIds;
import org.vfioinspector.bridge.sysfs.HostPaths;
import org.vfioinspector.bridge.sysfs.HostScanner;
import org.vfioinspector.bridge.sysfs.SnapshotFixture;

class HostTopologyTest {
    static final PciAddress GPU0 = PciAddress.parse("0000:12:00.0");
    static final PciAddress GPU1 = PciAddress.parse("0000:13:00.0");

    static Verdict p2p(HostInventory inv, PciAddress exp, PciAddress imp, Optional<String> cpuinfo) {
        PciDevice e = inv.device(exp).orElseThrow();
        return new HostTopology(inv, cpuinfo).p2p(e, e.regions().get(0), imp);
    }

    /** The real q35: two root-bus devices meet only at host bridge 8086:29c0, which is not whitelisted. */
    @Test
    void q35RootBusDevicesAreNotSupported(@TempDir Path tmp) throws Exception {
        Path root = SnapshotFixture.extract(SnapshotFixture.Q35, tmp);
        HostInventory inv = new HostScanner(HostPaths.under(root), PciIds.loadDefault()).scan();
        Verdict v = p2p(inv, PciAddress.parse("0000:00:05.0"), PciAddress.parse("0000:00:03.0"), Optional.empty());
        assertEquals("EINVAL", v.result());
        assertTrue(v.rule().condition().contains("host bridge 8086:29c0 is not in the p2pdma whitelist"),
                v.rule().condition());
        // the same host on an AMD Zen CPU: cpu_supports_p2pdma lets it through the host bridge
        Verdict amd = p2p(inv, PciAddress.parse("0000:00:05.0"), PciAddress.parse("0000:00:03.0"),
                Optional.of("processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\n"));
        assertEquals("ok", amd.result());
        assertTrue(amd.rule().condition().contains("THRU_HOST_BRIDGE"), amd.rule().condition());
    }

    /** Read as a user, the switch ports' ACS is unknown: the verdict says so instead of guessing. */
    @Test
    void acsUnreadableOnTheSharedSwitchIsUnknown(@TempDir Path tmp) throws Exception {
        HostPaths hp = LabHostTree.write(LabKernel.of("gpu-server"), tmp);
        HostInventory full = new HostScanner(hp, PciIds.loadDefault()).scan();
        assertEquals("ok", p2p(full, GPU0, GPU1, Optional.empty()).result(), "ACS redirect → whitelisted host bridge");
        try (var files = Files.walk(hp.sys("devices"))) {
            for (Path config : files.filter(p -> p.getFileName().toString().equals("config")).toList()) {
                Files.write(config, Arrays.copyOf(Files.readAllBytes(config), 256));
            }
        }
        HostInventory user = new HostScanner(hp, PciIds.loadDefault()).scan();
        Verdict v = p2p(user, GPU0, GPU1, Optional.empty());
        assertEquals("unknown", v.result());
        assertTrue(v.rule().condition().contains("only root can read"), v.rule().condition());
    }
}
