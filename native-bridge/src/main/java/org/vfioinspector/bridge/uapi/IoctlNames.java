package org.vfioinspector.bridge.uapi;

/**
 * Names an ioctl request number the way the uapi headers spell it. VFIO reuses its number space across fd kinds
 * (+12 is VFIO_IOMMU_GET_INFO on a container and VFIO_DEVICE_GET_PCI_HOT_RESET_INFO on a device), so the name
 * depends on the kind of fd the ioctl is issued on.
 */
public final class IoctlNames {
    private IoctlNames() {
    }

    /** What an fd is, as far as ioctl naming is concerned. */
    public enum FdKind {
        CONTAINER, GROUP, DEVICE, IOMMUFD, DMABUF, OTHER
    }

    /** The kind of fd a device-root-relative path opens: "vfio/vfio", "vfio/3", "vfio/devices/vfio0", "iommu". */
    public static FdKind kindOfPath(String devPath) {
        if (devPath == null) {
            return FdKind.OTHER;
        }
        if (devPath.equals("vfio/vfio")) {
            return FdKind.CONTAINER;
        }
        if (devPath.startsWith("vfio/devices/")) {
            return FdKind.DEVICE;
        }
        if (devPath.matches("vfio/(noiommu-)?\\d+")) {
            return FdKind.GROUP;
        }
        if (devPath.equals("iommu")) {
            return FdKind.IOMMUFD;
        }
        return FdKind.OTHER;
    }

    /** "VFIO_DEVICE_GET_REGION_INFO", or "ioctl 0x3b99" for a number this project does not know. */
    public static String name(long request, FdKind kind) {
        String importer = ImporterUapi.name(request);
        if (importer != null) {
            return importer;
        }
        if (request == DmaBufUapi.DMA_BUF_SET_NAME_B) {
            return "DMA_BUF_SET_NAME_B";
        }
        if (request == DmaBufUapi.DMA_BUF_SET_NAME_A) {
            return "DMA_BUF_SET_NAME_A";
        }
        if ((request & ~0xffL) == (long) Vfio.VFIO_TYPE << 8) {
            int nr = (int) (request & 0xff);
            String n = nr >= 0x80 ? iommufd(nr) : vfio(nr - Vfio.VFIO_BASE, kind);
            if (n != null) {
                return n;
            }
        }
        return String.format("ioctl 0x%x", request);
    }

    private static String vfio(int n, FdKind kind) {
        switch (n) {
            case 0: return "VFIO_GET_API_VERSION";
            case 1: return "VFIO_CHECK_EXTENSION";
            case 2: return "VFIO_SET_IOMMU";
            case 3: return "VFIO_GROUP_GET_STATUS";
            case 4: return "VFIO_GROUP_SET_CONTAINER";
            case 5: return "VFIO_GROUP_UNSET_CONTAINER";
            case 6: return "VFIO_GROUP_GET_DEVICE_FD";
            case 7: return "VFIO_DEVICE_GET_INFO";
            case 8: return "VFIO_DEVICE_GET_REGION_INFO";
            case 9: return "VFIO_DEVICE_GET_IRQ_INFO";
            case 10: return "VFIO_DEVICE_SET_IRQS";
            case 11: return "VFIO_DEVICE_RESET";
            case 12: return kind == FdKind.CONTAINER ? "VFIO_IOMMU_GET_INFO"
                    : kind == FdKind.DEVICE ? "VFIO_DEVICE_GET_PCI_HOT_RESET_INFO" : null;
            case 13: return kind == FdKind.CONTAINER ? "VFIO_IOMMU_MAP_DMA"
                    : kind == FdKind.DEVICE ? "VFIO_DEVICE_PCI_HOT_RESET" : null;
            case 14: return kind == FdKind.CONTAINER ? "VFIO_IOMMU_UNMAP_DMA"
                    : kind == FdKind.DEVICE ? "VFIO_DEVICE_QUERY_GFX_PLANE" : null;
            case 15: return "VFIO_DEVICE_GET_GFX_DMABUF";
            case 16: return "VFIO_DEVICE_IOEVENTFD";
            case 17: return "VFIO_DEVICE_FEATURE";
            case 18: return "VFIO_DEVICE_BIND_IOMMUFD";
            case 19: return "VFIO_DEVICE_ATTACH_IOMMUFD_PT";
            case 20: return "VFIO_DEVICE_DETACH_IOMMUFD_PT";
            default: return null;
        }
    }

    private static String iommufd(int nr) {
        switch (nr) {
            case 0x80: return "IOMMU_DESTROY";
            case 0x81: return "IOMMU_IOAS_ALLOC";
            case 0x82: return "IOMMU_IOAS_ALLOW_IOVAS";
            case 0x83: return "IOMMU_IOAS_COPY";
            case 0x84: return "IOMMU_IOAS_IOVA_RANGES";
            case 0x85: return "IOMMU_IOAS_MAP";
            case 0x86: return "IOMMU_IOAS_UNMAP";
            case 0x87: return "IOMMU_OPTION";
            case 0x88: return "IOMMU_VFIO_IOAS";
            case 0x89: return "IOMMU_HWPT_ALLOC";
            case 0x8a: return "IOMMU_GET_HW_INFO";
            case 0x8f: return "IOMMU_IOAS_MAP_FILE";
            default: return null;
        }
    }
}
