package org.vfioinspector.bridge.rules;

import org.vfioinspector.bridge.kernel.Errno;

/** Reset, access while memory is off, unbind: vfio_pci_core.c, vfio_pci_rdwr.c, vfio_main.c (facts §4). */
public final class RevocationRules {
    private RevocationRules() {
    }

    /** VFIO_DEVICE_RESET. */
    public static Verdict reset(DeviceFacts d) {
        if (!d.resetWorks()) {
            return Verdict.no("vfio_pci_ioctl_reset", "!vdev->reset_works: the device has no reset method "
                    + "(DEVICE_INFO has no FLAGS_RESET)", Errno.EINVAL);
        }
        return Verdict.yes("vfio_pci_ioctl_reset", "zap BAR mmaps, move(revoked=1), pci_try_reset_function, "
                + "move(revoked=0) if memory is enabled");
    }

    /** pread/pwrite of a BAR (VFIO_IOREAD/IOWRITE with test_mem). */
    public static Verdict barAccess(boolean memoryEnabled, boolean lowPower) {
        if (!memoryEnabled || lowPower) {
            return Verdict.no("vfio_pci_bar_rw", "__vfio_pci_memory_enabled is false (PCI_COMMAND_MEMORY clear or "
                    + "device not in D0)", Errno.EIO);
        }
        return Verdict.yes("vfio_pci_bar_rw", "memory decoding on");
    }

    /** A fault on a BAR mmap (vfio_pci_mmap_huge_fault). No errno: the process gets SIGBUS. */
    public static Verdict fault(boolean memoryEnabled, boolean lowPower) {
        if (lowPower) {
            return Verdict.no("vfio_pci_mmap_huge_fault", "pm_runtime_engaged (low power) → VM_FAULT_SIGBUS", null);
        }
        if (!memoryEnabled) {
            return Verdict.no("vfio_pci_mmap_huge_fault", "!__vfio_pci_memory_enabled (PCI_COMMAND_MEMORY clear or "
                    + "D3hot) → VM_FAULT_SIGBUS", null);
        }
        return Verdict.yes("vfio_pci_mmap_huge_fault", "memory enabled → vmf_insert_pfn");
    }

    /** vfio-pci unbind: vfio_unregister_group_dev waits for every registration and open file. */
    public static Verdict unbind(int openFiles, int liveMmaps, int liveDmaBufs) {
        if (openFiles + liveMmaps + liveDmaBufs > 0) {
            return Verdict.no("vfio_unregister_group_dev", "blocks: " + openFiles + " device file(s) open, " + liveMmaps
                    + " BAR mmap(s), " + liveDmaBufs + " dma-buf registration(s) alive (\"No device request channel "
                    + "registered, blocked until released by user\")", null);
        }
        return Verdict.yes("vfio_unregister_group_dev", "no open device file, mmap or dma-buf registration: unbind completes");
    }
}
