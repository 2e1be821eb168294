package org.vfioinspector.bridge.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.vfioinspector.bridge.kernel.Kernel;
import org.vfioinspector.bridge.kernel.KernelException;
import org.vfioinspector.bridge.lab.scenario.LabScenario;
import org.vfioinspector.bridge.lab.scenario.ScenarioLoader;
import org.vfioinspector.bridge.model.HostInventory;
import org.vfioinspector.bridge.model.PciDevice;
import org.vfioinspector.bridge.model.Region;
import org.vfioinspector.bridge.pciids.PciIds;
import org.vfioinspector.bridge.rules.HostTopology;
import org.vfioinspector.bridge.rules.Verdict;
import org.vfioinspector.bridge.sysfs.HostPaths;
import org.vfioinspector.bridge.sysfs.HostScanner;
import org.vfioinspector.bridge.uapi.Iommufd;
import org.vfioinspector.bridge.uapi.Vfio;
import org.vfioinspector.bridge.uapi.VfioBytes;

/**
 * The P2P verdict the inspector derives from a scanned host (its sysfs tree and config spaces) agrees with what the
 * lab kernel answers when an importer on that device maps a dma-buf of that BAR, for every exporter BAR and every
 * importer device of every built-in scenario. Each scenario gets one dynamic, peer2peer importer per device — every
 * device: the exporter itself and the bridges too, as the real kernel is asked in the harness (p2p-import) — so
 * that every pair is tried, not only the scenario's own importers.
 */
class P2pAgreementTest {
    static List<String> scenarios() {
        return ScenarioLoader.BUILT_IN;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void verdictAgreesWithImporterMap(String name, @TempDir Path tmp) throws Exception {
        LabScenario base = ScenarioLoader.builtIn(name);
        List<LabScenario.Importer> importers = new ArrayList<>();
        for (LabScenario.Device d : base.devices()) {
            importers.add(new LabScenario.Importer("imp-" + d.bdf(), d.bdf(), true, true, true));
        }
        LabScenario s = new LabScenario(base.name(), base.description(), base.source(), base.profile(), base.release(),
                base.arch(),
                base.hostBridge(), base.groups(), base.devices(), importers);
        HostPaths hp = LabHostTree.write(new LabKernel(s), tmp);
        HostInventory inv = new HostScanner(hp, PciIds.loadDefault()).scan();
        HostTopology topo = new HostTopology(inv, Optional.empty());

        int pairs = 0;
        int exports = 0;
        List<String> diffs = new ArrayList<>();
        for (LabScenario.Device exp : s.devices()) {
            if (!exp.vfioBound()) {
                continue;
            }
            PciDevice scanned = inv.device(exp.bdf()).orElseThrow();
            for (Region bar : scanned.regions()) {
                if (bar.index() > 5 || bar.size() < LabKernelConformanceTest.PAGE) {
                    continue;
                }
                try (LabKernel k = new LabKernel(s)) {
                    int fd = exportFd(k, exp, bar.index());
                    exports++;
                    if (fd < 0) {
                        continue; // the export itself is refused: no map to compare
                    }
                    for (LabScenario.Importer imp : importers) {
                        String lab;
                        try {
                            k.importerMap(k.importerAttach(imp.name(), fd));
                            lab = "ok";
                        } catch (KernelException e) {
                            lab = e.errnoName();
                        }
                        Verdict v = topo.p2p(scanned, bar, imp.device());
                        pairs++;
                        if (!lab.equals(v.result())) {
                            diffs.add(exp.bdf() + " " + bar.name() + " -> " + imp.device() + ": lab " + lab
                                    + ", verdict " + v);
                        }
                    }
                }
            }
        }
        assertTrue(diffs.isEmpty(), String.join("\n", diffs));
        assertTrue(exports > 0, name + ": no exporter BAR was tried");
        // s390-ism-fixed refuses every export (its BARs are not mappable): nothing reaches the importer there
        assertTrue(pairs > 0 || name.equals("s390-ism-fixed"), name + ": no exporter/importer pair was tried");
        System.out.println(name + ": " + pairs + " exporter BAR / importer pairs agree");
    }

    /** Opens the device on the legacy path and exports its first page of BAR {@code index}; -1 when refused. */
    static int exportFd(Kernel k, LabScenario.Device d, int index) {
        try {
            int c = k.open("vfio/vfio", Kernel.O_RDWR);
            int group = -1;
            for (LabScenario.Group g : ((LabKernel) k).scenario().groups()) {
                if (g.devices().contains(d.bdf())) {
                    group = g.id();
                }
            }
            int g = k.open("vfio/" + group, Kernel.O_RDWR);
            k.ioctl(g, Vfio.VFIO_GROUP_SET_CONTAINER, Iommufd.u32Arg(c));
            k.ioctl(c, Vfio.VFIO_SET_IOMMU, Vfio.VFIO_TYPE1v2_IOMMU);
            int dev = k.ioctl(g, Vfio.VFIO_GROUP_GET_DEVICE_FD, VfioBytes.cString(d.bdf().toString()));
            return LabKernelConformanceTest.exportDmaBuf(k, dev, index, LabKernelConformanceTest.PAGE);
        } catch (KernelException e) {
            return -1;
        }
    }

    static {
        assertEquals(4096, LabKernelConformanceTest.PAGE);
    }
}
