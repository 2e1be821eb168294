package org.vfioinspector.bridge.session;

import org.vfioinspector.bridge.kernel.Errno;
import org.vfioinspector.bridge.kernel.KernelException;

/** What a user can do about a failed VFIO step: the remedies the session attaches to kernel errors. */
public final class Remedies {
    private Remedies() {
    }

    /** The failure with the remedy that fits its operation and errno attached (unchanged when none fits). */
    public static KernelException attach(KernelException e, int group) {
        String r = remedy(e.operation(), e.target(), e.errno(), group);
        return r == null || e.remedy().isPresent() ? e : e.withRemedy(r);
    }

    static String remedy(String op, String target, int errno, int group) {
        Errno e = Errno.of(errno);
        if (e == null) {
            return null;
        }
        boolean open = "open".equals(op);
        switch (e) {
            case EACCES:
            case EPERM:
                if (e == Errno.EPERM && "VFIO_DEVICE_BIND_IOMMUFD".equals(op)) {
                    // measured on the harness's iommufd kernel under virtio-iommu: iommufd_device_bind refuses a
                    // group without isolated MSIs unless iommufd's allow_unsafe_interrupts is set
                    return "iommufd refuses to bind the device: the IOMMU cannot isolate its MSI interrupts (no "
                            + "interrupt remapping, e.g. virtio-iommu, or intremap off). Turn interrupt remapping on, "
                            + "or accept the risk with iommufd.allow_unsafe_interrupts=1 (the legacy path needs "
                            + "vfio_iommu_type1 allow_unsafe_interrupts=1 likewise).";
                }
                // the inspector runs as an ordinary user: name the permission, never "run as root"
                if (open && target != null && target.startsWith("vfio/")) {
                    return "No permission on the device node " + target + ": your user needs read and write "
                            + "access to it. Give it with a udev rule (SUBSYSTEM==\"vfio\", GROUP=\"vfio\", "
                            + "MODE=\"0660\") and membership of that group; the inspector does not need root.";
                }
                if (open && "iommu".equals(target)) {
                    return "No permission on the iommu device node: your user needs read and write access to it (a udev rule "
                            + "KERNEL==\"iommu\", GROUP=\"vfio\", MODE=\"0660\"); the inspector does not need root.";
                }
                return "The kernel refused " + op + " for this user: it needs a capability (CAP_SYS_RAWIO or "
                        + "CAP_SYS_ADMIN) or the device's owner to allow it. The inspector does not need root for "
                        + "inspection; grant only this permission if you need the operation.";
            case ENOENT:
                if (open && "vfio/vfio".equals(target)) {
                    return "There is no VFIO container node: load the modules (modprobe vfio-pci) and make sure "
                            + "the IOMMU is on (intel_iommu=on or amd_iommu=on on the kernel command line).";
                }
                if (open && target != null && target.matches("vfio/\\d+")) {
                    return "There is no node for IOMMU group " + group + ": bind the device to vfio-pci first "
                            + "(echo vfio-pci > driver_override; echo BDF > drivers_probe).";
                }
                if (open && "iommu".equals(target)) {
                    return "This kernel has no iommufd (CONFIG_IOMMUFD; Debian's kernels lack it): use the legacy "
                            + "container/group path.";
                }
                if (open && target != null && target.startsWith("vfio/devices/")) {
                    return "The device has no vfio cdev: the kernel lacks CONFIG_VFIO_DEVICE_CDEV; use the legacy "
                            + "path.";
                }
                return null;
            case EBUSY:
                return "IOMMU group " + group + " is busy: another process or container holds it (a VM, another "
                        + "inspector). Close that first.";
            case ENOTTY:
            case EOPNOTSUPP:
                if (op != null && op.startsWith("VFIO_DEVICE_FEATURE")) {
                    return "This kernel or driver lacks the feature: VFIO dma-buf export (VFIO_DEVICE_FEATURE_DMA_BUF) "
                            + "arrives in Linux 6.19 with CONFIG_VFIO_PCI_DMABUF.";
                }
                if (op != null && op.startsWith("IOMMU_")) {
                    return "This kernel's iommufd lacks it: IOMMU_IOAS_MAP_FILE needs 6.13, dma-buf import 6.19.";
                }
                if (op != null && (op.contains("IOMMUFD") || op.startsWith("VFIO_DEVICE_BIND"))) {
                    return "This kernel lacks the VFIO cdev/iommufd interface (6.6+): use the legacy path.";
                }
                return "This kernel does not support " + op + ".";
            case ENODEV:
                if ("VFIO_GROUP_GET_DEVICE_FD".equals(op)) {
                    // the kernel found no device of that name in the group (vfio_device_get_from_name)
                    return "IOMMU group " + group + " has no device of that name bound to vfio-pci: check the "
                            + "device's iommu_group link and its driver.";
                }
                return "The device is gone: it was unbound from vfio-pci, removed, or its dma-bufs were revoked for "
                        + "good when the device was closed.";
            default:
                return null;
        }
    }
}
