package org.vfioinspector.bridge.model;

import java.util.List;
import java.util.Objects;

/**
 * What the host's kernel offers VFIO, as far as sysfs, procfs and the device root show it.
 *
 * @param release          {@code proc/sys/kernel/osrelease}, or {@link #UNKNOWN_RELEASE} when absent (snapshots)
 * @param iommuActive      an IOMMU is registered ({@code class/iommu} has an entry or IOMMU groups exist)
 * @param vfioModule       {@code module/vfio} exists
 * @param vfioPciModule    {@code module/vfio_pci} exists
 * @param iommufdModule    {@code module/iommufd} exists
 * @param vfioGroupNodes   the numeric group nodes under the device root's {@code vfio/}, sorted
 * @param vfioContainer    {@code vfio/vfio} (legacy container) exists under the device root
 * @param vfioDeviceNodes  the cdevs under {@code vfio/devices/} (vfio0, ...), sorted
 * @param iommufdNode      {@code iommu} (iommufd) exists under the device root
 */
public record KernelInfo(String release, boolean iommuActive, boolean vfioModule, boolean vfioPciModule,
                         boolean iommufdModule, List<Integer> vfioGroupNodes, boolean vfioContainer,
                         List<String> vfioDeviceNodes, boolean iommufdNode) {
    public static final String UNKNOWN_RELEASE = "unknown";

    public KernelInfo {
        Objects.requireNonNull(release, "release");
        vfioGroupNodes = List.copyOf(vfioGroupNodes);
        vfioDeviceNodes = List.copyOf(vfioDeviceNodes);
    }
}
