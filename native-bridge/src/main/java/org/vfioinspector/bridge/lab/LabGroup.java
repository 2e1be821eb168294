package org.vfioinspector.bridge.lab;

import org.vfioinspector.bridge.kernel.Errno;
import org.vfioinspector.bridge.kernel.KernelException;
import org.vfioinspector.bridge.lab.scenario.LabScenario;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.uapi.Iommufd;
import org.vfioinspector.bridge.uapi.Vfio;
import org.vfioinspector.bridge.uapi.VfioBytes;
import org.vfioinspector.bridge.uapi.VfioGroupStatus;

/**
 * An open VFIO group file (vfio/N; drivers/vfio/group.c): vfio_group_fops_open (one opener at a time, and none
 * while a member is bound through its cdev: EBUSY), VFIO_GROUP_GET_STATUS (viable when every member is on vfio-pci,
 * unbound or a bridge driver), VFIO_GROUP_SET_CONTAINER / UNSET_CONTAINER, and VFIO_GROUP_GET_DEVICE_FD, which opens
 * the device (vfio_df_open: the first open runs vfio_pci_core_enable) and returns a device file. A device opened
 * through the group holds the group file (vfio_group_use_container: get_file) until its last close, so the group
 * stays open, and in its container, after its fd is closed (vfio_group_fops_release runs only then).
 */
final class LabGroup {
    private final LabState state;
    final int id;
    LabContainer container;
    private boolean fdOpen = true;
    /** Devices opened through this group and not closed yet. */
    private int deviceUsers;

    LabGroup(LabState state, int id) {
        this.state = state;
        this.id = id;
    }

    /**
     * vfio_group_fops_open of vfio/{@code id}: ENOENT without the node; EBUSY while a member is bound through its cdev
     * (group->cdev_device_open_cnt) or while the group file is open (group->opened_file).
     */
    static LabGroup open(LabState state, int id, String devPath, boolean nodeExists) throws KernelException {
        if (!nodeExists) {
            throw new KernelException("open", devPath, Errno.ENOENT);
        }
        if (cdevBound(state, id)) {
            throw new KernelException("open", devPath, Errno.EBUSY.number(), "vfio_group_fops_open: a device of "
                    + "group " + id + " is bound to iommufd through its cdev (cdev_device_open_cnt)");
        }
        if (held(state, id)) {
            throw new KernelException("open", devPath, Errno.EBUSY);
        }
        LabGroup g = new LabGroup(state, id);
        state.groups.add(g);
        return g;
    }

    /** Whether group {@code id}'s file is open (by its fd or a device opened through it): vfio_device_block_group. */
    static boolean held(LabState state, int id) {
        return state.groups.stream().anyMatch(g -> g.id == id);
    }

    private static boolean cdevBound(LabState state, int id) {
        return state.scenario.groups().stream().filter(g -> g.id() == id).flatMap(g -> g.devices().stream())
                .anyMatch(b -> state.devices.get(b).cdevFile != null);
    }

    private String target() {
        return "group " + id;
    }

    /** The group is viable when no member is bound to a driver other than vfio-pci (bridges' pcieport aside). */
    boolean viable() {
        LabScenario.Group g = state.scenario.groups().stream().filter(x -> x.id() == id).findFirst().orElseThrow();
        return g.devices().stream().allMatch(b -> {
            LabDevice d = state.devices.get(b);
            return d.vfio() || d.driver == null || "pcieport".equals(d.driver);
        });
    }

    int ioctl(long request, byte[] arg) throws KernelException {
        if (request == Vfio.VFIO_GROUP_GET_STATUS) {
            int flags = (viable() ? Vfio.VFIO_GROUP_FLAGS_VIABLE : 0)
                    | (container != null ? Vfio.VFIO_GROUP_FLAGS_CONTAINER_SET : 0);
            VfioBytes.put32(arg, VfioGroupStatus.OFF_FLAGS, flags);
            return 0;
        }
        if (request == Vfio.VFIO_GROUP_SET_CONTAINER) {
            return setContainer(arg);
        }
        if (request == Vfio.VFIO_GROUP_UNSET_CONTAINER) {
            return unsetContainer();
        }
        if (request == Vfio.VFIO_GROUP_GET_DEVICE_FD) {
            return getDeviceFd(arg);
        }
        throw new KernelException(LabKernel.name(request), target(), Errno.ENOTTY);
    }

    /** vfio_group_ioctl_set_container: once, on a viable group, to an open container fd. */
    private int setContainer(byte[] arg) throws KernelException {
        if (container != null) {
            throw new KernelException("VFIO_GROUP_SET_CONTAINER", target(), Errno.EINVAL);
        }
        if (!viable()) {
            throw new KernelException("VFIO_GROUP_SET_CONTAINER", target(), Errno.EPERM);
        }
        Object c = state.fds.find(Iommufd.u32(arg, 0)).orElse(null);
        if (!(c instanceof LabContainer lc)) {
            throw new KernelException("VFIO_GROUP_SET_CONTAINER", target(), Errno.EBADF);
        }
        container = lc;
        lc.groups.add(this);
        return 0;
    }

    /** vfio_group_ioctl_unset_container: EINVAL when the group is in no container. */
    int unsetContainer() throws KernelException {
        if (container == null) {
            throw new KernelException("VFIO_GROUP_UNSET_CONTAINER", target(), Errno.EINVAL);
        }
        container.groups.remove(this);
        container = null;
        return 0;
    }

    /** vfio_group_ioctl_get_device_fd: the group must be in a container with an IOMMU set; the device in the group. */
    private int getDeviceFd(byte[] arg) throws KernelException {
        if (container == null || container.iommu == 0) {
            throw new KernelException("VFIO_GROUP_GET_DEVICE_FD", target(), Errno.EINVAL);
        }
        String name = VfioBytes.readCString(arg);
        PciAddress bdf;
        try {
            bdf = PciAddress.parse(name);
        } catch (IllegalArgumentException e) {
            throw new KernelException("VFIO_GROUP_GET_DEVICE_FD", target(), Errno.ENODEV);
        }
        LabDevice d = state.devices.get(bdf);
        boolean inGroup = state.scenario.groupOf(bdf).map(x -> x.id() == id).orElse(false);
        if (d == null || !inGroup || !d.vfio()) {
            throw new KernelException("VFIO_GROUP_GET_DEVICE_FD", target() + " device " + name, Errno.ENODEV);
        }
        if (d.openCount++ == 0) {
            d.open();
            d.openedThrough = this;
            deviceUsers++;
        }
        return state.fds.install(new LabDeviceFile(state, d, false));
    }

    /** The last close of a device opened through this group (vfio_group_unuse_container: fput). */
    void unuse() {
        deviceUsers--;
        maybeRelease();
    }

    /** close of the group fd; the file is released once no device holds it. */
    void closeFd() {
        fdOpen = false;
        maybeRelease();
    }

    /** vfio_group_fops_release: the group leaves its container. */
    private void maybeRelease() {
        if (fdOpen || deviceUsers > 0) {
            return;
        }
        state.groups.remove(this);
        if (container != null) {
            container.groups.remove(this);
        }
    }
}
