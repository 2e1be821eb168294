package org.vfioinspector.bridge.session;

/** How a device is opened: the legacy container/group path, the cdev + iommufd path, or chosen automatically. */
public enum OpenPath {
    /** Container vfio/vfio + group vfio/N + VFIO_GROUP_GET_DEVICE_FD. */
    LEGACY("legacy"),
    /** vfio/devices/vfioN + iommu: BIND_IOMMUFD, IOAS_ALLOC, ATTACH_IOMMUFD_PT. */
    CDEV("cdev"),
    /** cdev where the device has a vfio-dev cdev and the kernel has iommufd, legacy otherwise. */
    AUTO("auto");

    private final String label;

    OpenPath(String label) {
        this.label = label;
    }

    /** The path tried first for {@code target}: CDEV where asked for, or AUTO and the device has a cdev. */
    public OpenPath first(DeviceTarget target) {
        return this == CDEV || (this == AUTO && target.cdev() != null) ? CDEV : LEGACY;
    }

    /** "legacy" / "cdev" / "auto", as the probe's openPath prints it. */
    public String label() {
        return label;
    }
}
