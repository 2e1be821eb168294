package org.vfioinspector.bridge.uapi;

/**
 * Constants of include/uapi/linux/vfio.h and include/uapi/linux/iommufd.h (see docs: vfio-kernel-facts §1).
 * Every VFIO and iommufd ioctl is {@code _IO(';', n)}: no size or direction is encoded; structs carry argsz.
 */
public final class Vfio {
    private Vfio() {
    }

    public static final int VFIO_TYPE = ';';
    public static final int VFIO_BASE = 100;

    private static long io(int nr) {
        return ((long) VFIO_TYPE << 8) | nr;
    }

    // Container, group and device ioctls (the number space is shared: meaning depends on the fd).
    public static final long VFIO_GET_API_VERSION = io(VFIO_BASE);
    public static final long VFIO_CHECK_EXTENSION = io(VFIO_BASE + 1);
    public static final long VFIO_SET_IOMMU = io(VFIO_BASE + 2);
    public static final long VFIO_GROUP_GET_STATUS = io(VFIO_BASE + 3);
    public static final long VFIO_GROUP_SET_CONTAINER = io(VFIO_BASE + 4);
    public static final long VFIO_GROUP_UNSET_CONTAINER = io(VFIO_BASE + 5);
    public static final long VFIO_GROUP_GET_DEVICE_FD = io(VFIO_BASE + 6);
    public static final long VFIO_DEVICE_GET_INFO = io(VFIO_BASE + 7);
    public static final long VFIO_DEVICE_GET_REGION_INFO = io(VFIO_BASE + 8);
    public static final long VFIO_DEVICE_GET_IRQ_INFO = io(VFIO_BASE + 9);
    public static final long VFIO_DEVICE_SET_IRQS = io(VFIO_BASE + 10);
    public static final long VFIO_DEVICE_RESET = io(VFIO_BASE + 11);
    public static final long VFIO_DEVICE_GET_PCI_HOT_RESET_INFO = io(VFIO_BASE + 12);
    public static final long VFIO_IOMMU_GET_INFO = io(VFIO_BASE + 12);
    public static final long VFIO_DEVICE_PCI_HOT_RESET = io(VFIO_BASE + 13);
    public static final long VFIO_IOMMU_MAP_DMA = io(VFIO_BASE + 13);
    public static final long VFIO_IOMMU_UNMAP_DMA = io(VFIO_BASE + 14);
    /** struct vfio_iommu_type1_dma_map flags: the device may read / write the mapping. */
    public static final int VFIO_DMA_MAP_FLAG_READ = 1 << 0;
    public static final int VFIO_DMA_MAP_FLAG_WRITE = 1 << 1;
    public static final long VFIO_DEVICE_FEATURE = io(VFIO_BASE + 17);
    public static final long VFIO_DEVICE_BIND_IOMMUFD = io(VFIO_BASE + 18);
    public static final long VFIO_DEVICE_ATTACH_IOMMUFD_PT = io(VFIO_BASE + 19);
    public static final long VFIO_DEVICE_DETACH_IOMMUFD_PT = io(VFIO_BASE + 20);

    public static final int VFIO_API_VERSION = 0;

    // VFIO_CHECK_EXTENSION / VFIO_SET_IOMMU arguments.
    public static final int VFIO_TYPE1_IOMMU = 1;
    public static final int VFIO_SPAPR_TCE_IOMMU = 2;
    public static final int VFIO_TYPE1v2_IOMMU = 3;
    public static final int VFIO_DMA_CC_IOMMU = 4;
    public static final int VFIO_NOIOMMU_IOMMU = 8;

    // struct vfio_group_status flags.
    public static final int VFIO_GROUP_FLAGS_VIABLE = 1;
    public static final int VFIO_GROUP_FLAGS_CONTAINER_SET = 1 << 1;

    // struct vfio_device_info flags.
    public static final int VFIO_DEVICE_FLAGS_RESET = 1;
    public static final int VFIO_DEVICE_FLAGS_PCI = 1 << 1;
    public static final int VFIO_DEVICE_FLAGS_CAPS = 1 << 7;

    // struct vfio_region_info flags.
    public static final int VFIO_REGION_INFO_FLAG_READ = 1;
    public static final int VFIO_REGION_INFO_FLAG_WRITE = 1 << 1;
    public static final int VFIO_REGION_INFO_FLAG_MMAP = 1 << 2;
    public static final int VFIO_REGION_INFO_FLAG_CAPS = 1 << 3;

    // Region info capability ids.
    public static final int VFIO_REGION_INFO_CAP_SPARSE_MMAP = 1;
    public static final int VFIO_REGION_INFO_CAP_TYPE = 2;
    public static final int VFIO_REGION_INFO_CAP_MSIX_MAPPABLE = 3;

    // vfio-pci region and irq indexes.
    public static final int VFIO_PCI_BAR0_REGION_INDEX = 0;
    public static final int VFIO_PCI_BAR5_REGION_INDEX = 5;
    public static final int VFIO_PCI_ROM_REGION_INDEX = 6;
    public static final int VFIO_PCI_CONFIG_REGION_INDEX = 7;
    public static final int VFIO_PCI_VGA_REGION_INDEX = 8;
    public static final int VFIO_PCI_NUM_REGIONS = 9;
    public static final int VFIO_PCI_NUM_IRQS = 5;

    /** vfio-pci's fixed device-fd offset layout: region index in bits 40 and up (portable code uses region.offset). */
    public static final int VFIO_PCI_OFFSET_SHIFT = 40;

    public static long vfioPciIndexToOffset(int index) {
        return (long) index << VFIO_PCI_OFFSET_SHIFT;
    }

    // VFIO_DEVICE_FEATURE flags and feature numbers.
    public static final int VFIO_DEVICE_FEATURE_MASK = 0xffff;
    public static final int VFIO_DEVICE_FEATURE_GET = 1 << 16;
    public static final int VFIO_DEVICE_FEATURE_SET = 1 << 17;
    public static final int VFIO_DEVICE_FEATURE_PROBE = 1 << 18;
    public static final int VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY = 3;
    public static final int VFIO_DEVICE_FEATURE_LOW_POWER_EXIT = 5;
    public static final int VFIO_DEVICE_FEATURE_BUS_MASTER = 10;
    public static final int VFIO_DEVICE_FEATURE_DMA_BUF = 11;

    // iommufd (/dev/iommu): _IO(';', 0x80 + n).
    public static final long IOMMU_DESTROY = io(0x80);
    public static final long IOMMU_IOAS_ALLOC = io(0x81);
    public static final long IOMMU_IOAS_MAP = io(0x85);
    public static final long IOMMU_IOAS_UNMAP = io(0x86);
    public static final long IOMMU_IOAS_MAP_FILE = io(0x8f);

    public static final int IOMMU_IOAS_MAP_FIXED_IOVA = 1;
    public static final int IOMMU_IOAS_MAP_WRITEABLE = 1 << 1;
    public static final int IOMMU_IOAS_MAP_READABLE = 1 << 2;

    // PCI config space (include/uapi/linux/pci_regs.h).
    public static final int PCI_COMMAND = 0x04;
    public static final int PCI_COMMAND_MEMORY = 0x2;
    /** Bus mastering: without it a device's DMA does not leave the device. */
    public static final int PCI_COMMAND_MASTER = 0x4;

    /** The kernel's page size on the architectures this project supports (x86-64; arm64 4K kernels). */
    public static final long PAGE_SIZE = 4096;
}
