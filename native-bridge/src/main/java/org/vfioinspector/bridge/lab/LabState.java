package org.vfioinspector.bridge.lab;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.vfioinspector.bridge.kernel.Errno;
import org.vfioinspector.bridge.kernel.KernelEvent;
import org.vfioinspector.bridge.kernel.KernelException;
import org.vfioinspector.bridge.lab.scenario.LabScenario;
import org.vfioinspector.bridge.lab.scenario.ScenarioFacts;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.rules.KernelProfile;

/**
 * What every object of the lab kernel shares: the scenario and its profile, the devices, the process's fd table and
 * address space (BAR mmaps, RAM), the dma-buf core, the type1 containers, the IOMMU, the event clock and the
 * operations the model holds blocked. One lock guards it all ({@link #lock}: the {@link LabKernel}); every entry
 * point takes it, so the objects below never lock themselves.
 */
final class LabState {
    private static final long VADDR_BASE = 0x7f0000000000L;
    private static final String CDEV_PREFIX = "vfio";

    final Object lock;
    final LabScenario scenario;
    final KernelProfile profile;
    final LabEvents events = new LabEvents();
    final LabFdTable fds = new LabFdTable();
    final Map<PciAddress, LabDevice> devices = new LinkedHashMap<>();
    final LabDmaBufCore dmaBufs = new LabDmaBufCore(this);
    final LabIommu iommu = new LabIommu(this);
    /** BAR mmaps of the process, live or closed (a closed one no longer counts as a user of its device). */
    final List<LabBarMapping> mappings = new ArrayList<>();
    /** Every VFIO_IOMMU_MAP_DMA mapping made, in order (the lab does not tear a container's down at its close). */
    final List<LabKernel.Type1Mapping> type1 = new ArrayList<>();
    final List<LabRam> rams = new ArrayList<>();
    /** The group files held open: by their fd, or by a device opened through them. */
    final List<LabGroup> groups = new ArrayList<>();
    /** Operations blocked in the model (a revoke waiting for an importer, an unbind waiting for users). */
    final List<String> pending = new ArrayList<>();
    private long nextVaddr = VADDR_BASE;
    private long clock;

    LabState(Object lock, LabScenario scenario) {
        this.lock = lock;
        this.scenario = scenario;
        this.profile = scenario.profile();
        ScenarioFacts derived = new ScenarioFacts(scenario);
        for (LabScenario.Device d : scenario.devices()) {
            devices.put(d.bdf(), new LabDevice(this, d, derived.facts(d)));
        }
        // at boot no name is taken yet, so the lowest free one is the next (searching the table per device made
        // a 10,000-function host's kernel cubic: it never finished)
        int next = 0;
        for (LabDevice d : devices.values()) {
            if (d.vfio()) {
                d.cdev = CDEV_PREFIX + next++;
            }
        }
    }

    /**
     * vfio_device_add gives a device bound to vfio-pci its vfio-dev name: the lowest free vfioN (ida_alloc), in the
     * order the devices were bound (the scenario's order at boot, then each bind).
     */
    void assignCdev(LabDevice d) {
        BitSet taken = new BitSet();
        for (LabDevice o : devices.values()) {
            if (o.cdev != null && o != d) {
                taken.set(Integer.parseInt(o.cdev.substring(CDEV_PREFIX.length())));
            }
        }
        d.cdev = CDEV_PREFIX + taken.nextClearBit(0);
    }

    /** The device whose vfio-dev name is {@code cdev}, if it is bound to vfio-pci. */
    LabDevice deviceByCdev(String cdev) {
        return devices.values().stream().filter(d -> cdev.equals(d.cdev) && d.vfio()).findFirst().orElse(null);
    }

    /** A lab kernel event, one virtual microsecond after the previous one. */
    void emit(KernelEvent.Kind kind, String function, PciAddress dev, long ino, String detail) {
        clock += 1000;
        events.emit(new KernelEvent(clock, kind, function, dev, ino, detail));
    }

    /** A process virtual address range of {@code length} bytes for a new mapping (2 MiB apart, never reused). */
    long allocateVaddr(long length) {
        long v = nextVaddr;
        nextVaddr += (length + 0x200000) & ~0xfffffL;
        return v;
    }

    /** The device a sysfs write names by BDF; ENODEV when there is none. */
    LabDevice deviceOrEnodev(String bdf, String path) throws KernelException {
        try {
            LabDevice d = devices.get(PciAddress.parse(bdf));
            if (d != null) {
                return d;
            }
        } catch (IllegalArgumentException e) {
            // not a BDF: no such device
        }
        throw new KernelException("write " + path, bdf, Errno.ENODEV);
    }
}
