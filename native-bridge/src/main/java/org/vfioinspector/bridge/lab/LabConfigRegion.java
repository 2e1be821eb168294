package org.vfioinspector.bridge.lab;

import org.vfioinspector.bridge.kernel.Errno;
import org.vfioinspector.bridge.kernel.KernelException;
import org.vfioinspector.bridge.uapi.VfioBytes;

/**
 * The config region of a lab device file (index 7; drivers/vfio/pci/vfio_pci_config.c): reads return the device's
 * config space; writes go through the virtualisation the revocation triggers hang on:
 * <ul>
 *   <li>vfio_basic_config_write: PCI_COMMAND_MEMORY cleared → vfio_pci_zap_and_down_write_memory_lock and
 *       vfio_pci_dma_buf_move(revoked); set again → vfio_pci_dma_buf_move(restored);</li>
 *   <li>vfio_pm_config_write → vfio_lock_and_set_power_state: D3hot revokes like memory-off, D0 restores;</li>
 *   <li>vfio_exp_config_write: DEVCTL BCR_FLR on a device with FLR → revoke, reset, restore if memory is on.</li>
 * </ul>
 * IDs and BARs are virtualised and not modelled as writable.
 */
final class LabConfigRegion {
    private LabConfigRegion() {
    }

    static int read(LabDevice d, byte[] buf, long pos, String target) throws KernelException {
        if (pos + buf.length > d.config().length) {
            throw new KernelException("pread", target, Errno.EINVAL);
        }
        System.arraycopy(d.config(), (int) pos, buf, 0, buf.length);
        return buf.length;
    }

    static int write(LabDevice d, byte[] buf, long pos, String target) throws KernelException {
        if (pos + buf.length > d.config().length) {
            throw new KernelException("pwrite", target, Errno.EINVAL);
        }
        int pm = LabConfigSpace.PM;
        int pcie = LabConfigSpace.PCIE;
        boolean memBefore = d.memoryEnabled();
        byte[] before = d.config().clone();
        for (int i = 0; i < buf.length; i++) {
            int at = (int) pos + i;
            if (at >= 0x10 && at < 0x28 || at < 4) {
                continue;   // IDs and BARs: virtualised, not modelled as writable
            }
            d.config()[at] = buf[i];
        }
        boolean flr = d.sd.configSize() > 256 && pos <= pcie + 9 && pos + buf.length > pcie + 9
                && (VfioBytes.u16(d.config(), pcie + 8) & 0x8000) != 0;
        if (flr) {
            VfioBytes.put16(d.config(), pcie + 8, VfioBytes.u16(d.config(), pcie + 8) & 0x7fff);
            if (d.sd.resetMethods().contains("flr")) {
                d.revoke("vfio_exp_config_write: PCIe FLR");
                d.restoreIfEnabled();
            }
            return buf.length;
        }
        boolean memAfter = d.memoryEnabled();
        if (memBefore && !memAfter) {
            boolean d3 = d.d3() && (VfioBytes.u16(before, pm + 4) & 3) != 3;
            d.revoke(d3 ? "vfio_lock_and_set_power_state: D3hot" : "vfio_basic_config_write: PCI_COMMAND_MEMORY cleared");
        } else if (!memBefore && memAfter) {
            d.restoreIfEnabled();
        }
        return buf.length;
    }
}
