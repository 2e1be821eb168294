package org.vfioinspector.bridge.lab;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.vfioinspector.bridge.kernel.Errno;
import org.vfioinspector.bridge.kernel.KernelEvent;
import org.vfioinspector.bridge.kernel.KernelException;
import org.vfioinspector.bridge.lab.scenario.LabScenario;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.model.RegionKind;
import org.vfioinspector.bridge.rules.DeviceFacts;
import org.vfioinspector.bridge.rules.RevocationRules;
import org.vfioinspector.bridge.rules.Verdict;
import org.vfioinspector.bridge.uapi.Vfio;
import org.vfioinspector.bridge.uapi.VfioBytes;

/**
 * One PCI device as vfio-pci holds it (struct vfio_pci_core_device): its driver, open count, config space, the
 * dma-bufs it exported and what its BARs hold. The device-level operations live here:
 * <ul>
 *   <li>{@link #open()}: vfio_pci_core_enable (pci_enable_device turns decoding on, D0);</li>
 *   <li>{@link #close()}: vfio_pci_core_close_device → vfio_pci_dma_buf_cleanup (every dma-buf revoked for good,
 *       priv->vdev = NULL), then vfio_pci_core_disable; a pending unbind completes;</li>
 *   <li>{@link #reset()}: vfio_pci_ioctl_reset — refused (EINVAL) without a reset method, otherwise
 *       vfio_pci_zap_and_down_write_memory_lock, vfio_pci_dma_buf_move(revoked), pci_try_reset_function, and
 *       vfio_pci_dma_buf_move(restored) when memory decoding is still on;</li>
 *   <li>{@link #revoke} / {@link #restoreIfEnabled()}: the zap and vfio_pci_dma_buf_move that every trigger (reset,
 *       memory-off, D3hot, FLR) runs.</li>
 * </ul>
 */
final class LabDevice {
    final LabState state;
    final LabScenario.Device sd;
    final DeviceFacts facts;
    /** Built on first use: a 10,000-function host would otherwise keep 40 MB of config space nobody reads. */
    private byte[] config;
    String driver;
    int openCount;
    boolean unbindPending;
    final List<LabDmaBuf> dmabufs = new ArrayList<>();
    /** What was written through BAR mmaps, by (index << 40 | offset); MMIO keeps it across unbind. */
    final Map<Long, Integer> barWords = new HashMap<>();
    /** The DMA engine behind BAR0 (scenario {@code dmaEngine: edu}), or null. */
    final LabDmaEngine dma;
    /** The vfio-dev name ("vfio0": sysfs vfio-dev/vfioN, node vfio/devices/vfioN) while bound to vfio-pci, else null. */
    String cdev;
    /** The group file a legacy open holds (vfio_group_use_container: until the device's last close), or null. */
    LabGroup openedThrough;
    /** The cdev file bound to an iommufd while the device is open through it (its DMA domain is that IOAS), or null. */
    LabDeviceFile cdevFile;

    LabDevice(LabState state, LabScenario.Device sd, DeviceFacts facts) {
        this.state = state;
        this.sd = sd;
        this.facts = facts;
        this.driver = sd.driver();
        this.dma = LabScenario.Device.EDU.equals(sd.dmaEngine()) ? new LabDmaEngine() : null;
    }

    PciAddress bdf() {
        return sd.bdf();
    }

    byte[] config() {
        if (config == null) {
            // the host's config space as the scenario gives it (the same bytes as the lab tree's config file)
            config = LabConfigSpace.build(state.scenario, sd);
        }
        return config;
    }

    boolean vfio() {
        return "vfio-pci".equals(driver);
    }

    int command() {
        return config == null ? 0 : VfioBytes.u16(config, Vfio.PCI_COMMAND); // reset value until touched
    }

    /** __vfio_pci_memory_enabled: PCI_COMMAND_MEMORY set and the device in D0..D2. */
    boolean memoryEnabled() {
        return (command() & Vfio.PCI_COMMAND_MEMORY) != 0 && !d3();
    }

    boolean d3() {
        return config != null && (VfioBytes.u16(config, LabConfigSpace.PM + 4) & 3) == 3;
    }

    boolean busMaster() {
        return (command() & Vfio.PCI_COMMAND_MASTER) != 0;
    }

    long liveMmaps() {
        return state.mappings.stream().filter(m -> m.dev == this && !m.closed).count();
    }

    /** vfio_pci_core_enable: pci_enable_device turns on memory (and I/O) decoding; the device goes to D0. */
    void open() {
        int cmd = VfioBytes.u16(config(), Vfio.PCI_COMMAND); // what firmware left (the real q35 host: 0x0103)
        for (LabScenario.Bar b : sd.bars()) {
            cmd |= b.kind() == RegionKind.IO ? 1 : Vfio.PCI_COMMAND_MEMORY;
        }
        VfioBytes.put16(config(), Vfio.PCI_COMMAND, cmd | (sd.rom() != null ? Vfio.PCI_COMMAND_MEMORY : 0));
        VfioBytes.put16(config(), LabConfigSpace.PM + 4, 0);
    }

    /** vfio_pci_core_close_device: dma-buf cleanup (permanent), then disable; completes a pending unbind. */
    void close() {
        PciAddress bdf = bdf();
        state.emit(KernelEvent.Kind.PERMANENT, "vfio_pci_dma_buf_cleanup", bdf, -1,
                dmabufs.size() + " dma-buf(s) revoked for good, priv->vdev = NULL");
        state.emit(KernelEvent.Kind.REVOKE, "vfio_pci_dma_buf_move", bdf, -1, "revoked=1 (close_device)");
        for (LabDmaBuf b : dmabufs) {
            b.cleanup();
        }
        dmabufs.clear();
        state.emit(KernelEvent.Kind.RESTORE, "vfio_pci_dma_buf_move", bdf, -1,
                "revoked=0 with no dma-buf left on the device (not a restore)");
        VfioBytes.put16(config(), Vfio.PCI_COMMAND, 0);
        VfioBytes.put16(config(), LabConfigSpace.PM + 4, 0);
        if (openedThrough != null) {
            openedThrough.unuse();
            openedThrough = null;
        }
        if (unbindPending) {
            unbindPending = false;
            driver = null;
            cdev = null;
            state.pending.remove("unbind " + bdf);
        }
    }

    /** VFIO_DEVICE_RESET: vfio_pci_ioctl_reset. */
    int reset() throws KernelException {
        Verdict v = RevocationRules.reset(facts);
        if (v.refused()) {
            throw new KernelException("VFIO_DEVICE_RESET", bdf().toString(), Errno.EINVAL.number(),
                    v.rule().describe());
        }
        revoke("VFIO_DEVICE_RESET");
        VfioBytes.put16(config(), LabConfigSpace.PM + 4, 0);
        restoreIfEnabled();
        return 0;
    }

    /**
     * vfio_pci_zap_and_down_write_memory_lock, then vfio_pci_dma_buf_move(revoked = true): every dma-buf of the device
     * is revoked and its importers told. Since 1a8a5227f229 the exporter waits until each importer unmapped: one that
     * keeps its mapping leaves the operation blocked (a {@link KernelException} of kind BLOCKED).
     */
    void revoke(String why) throws KernelException {
        PciAddress bdf = bdf();
        state.emit(KernelEvent.Kind.ZAP, "vfio_pci_zap_and_down_write_memory_lock", bdf, -1, why);
        state.emit(KernelEvent.Kind.REVOKE, "vfio_pci_dma_buf_move", bdf, -1, "revoked=1 (" + why + ")");
        List<String> waits = new ArrayList<>();
        for (LabDmaBuf b : dmabufs) {
            waits.addAll(b.revoke());
        }
        if (!waits.isEmpty()) {
            String w = "vfio_pci_dma_buf_move waits in wait_for_completion until importer(s) " + waits
                    + " unmap (1a8a5227f229)";
            state.pending.add("revoke " + bdf + ": " + w);
            throw KernelException.blocked(why, bdf.toString(), w);
        }
    }

    /** vfio_pci_dma_buf_move(revoked = false) when memory decoding is on: the flag only (importers map again). */
    void restoreIfEnabled() {
        if (!memoryEnabled()) {
            return;
        }
        state.emit(KernelEvent.Kind.RESTORE, "vfio_pci_dma_buf_move", bdf(), -1, "revoked=0");
        for (LabDmaBuf b : dmabufs) {
            b.restore();
        }
    }

    // ---- what the BARs hold -------------------------------------------------------------------------------------

    static long barKey(int index, long pos) {
        return ((long) index << Vfio.VFIO_PCI_OFFSET_SHIFT) | pos;
    }

    /**
     * A dword of BAR {@code index} at {@code pos} as MMIO returns it: the DMA engine's registers behind an edu BAR0,
     * else what was written there, else the BAR's {@code value} at 0 and zeros (the MSI-X table reads its real
     * content, 0, this way).
     */
    int mmioRead(int index, long pos) {
        if (dma != null && index == 0) {
            return dma.read(pos);
        }
        Integer written = barWords.get(barKey(index, pos));
        if (written != null) {
            return written;
        }
        return pos == 0 ? sd.bar(index).orElseThrow().value() : 0;
    }

    /** A dword write to BAR {@code index}: edu's registers (a start runs the transfer through the IOMMU), else kept. */
    void mmioWrite(int index, long pos, int value) {
        if (dma != null && index == 0) {
            dma.write(pos, value, state.iommu.bus(this));
        } else {
            barWords.put(barKey(index, pos), value);
        }
    }

    /** Whether {@code at} lies in the MSI-X table of BAR {@code bar} (read() hides it: 0xffffffff). */
    boolean inMsixTable(int bar, long at) {
        LabScenario.Msix m = sd.msix();
        return m != null && m.bar() == bar && at >= m.tableOffset() && at < m.tableOffset() + m.tableSize();
    }
}
