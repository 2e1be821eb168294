/* Prints the kernel uapi's struct sizes, field offsets and ioctl numbers, for UapiCrossCheckTest. */
#include <stddef.h>
#include <stdio.h>
#include <linux/vfio.h>
#include <linux/dma-buf.h>
#if defined(__has_include)
#if __has_include(<linux/iommufd.h>)
#include <linux/iommufd.h>
#define HAVE_IOMMUFD_H 1
#endif
#endif

#define S(t) printf("sizeof.%s %zu\n", #t, sizeof(struct t))
#define O(t, f) printf("offsetof.%s.%s %zu\n", #t, #f, offsetof(struct t, f))
#define N(x) printf("ioctl.%s %lu\n", #x, (unsigned long)(x))

int main(void) {
    S(vfio_group_status); O(vfio_group_status, argsz); O(vfio_group_status, flags);
    S(vfio_device_info); O(vfio_device_info, flags); O(vfio_device_info, num_regions); O(vfio_device_info, num_irqs);
#ifdef VFIO_DEVICE_INFO_CAP_ZPCI_BASE
    O(vfio_device_info, cap_offset);
#endif
    S(vfio_region_info); O(vfio_region_info, flags); O(vfio_region_info, index); O(vfio_region_info, cap_offset);
    O(vfio_region_info, size); O(vfio_region_info, offset);
    S(vfio_info_cap_header); O(vfio_info_cap_header, id); O(vfio_info_cap_header, version); O(vfio_info_cap_header, next);
    S(vfio_region_info_cap_sparse_mmap); O(vfio_region_info_cap_sparse_mmap, nr_areas); O(vfio_region_info_cap_sparse_mmap, areas);
    S(vfio_region_sparse_mmap_area);
    S(vfio_region_info_cap_type); O(vfio_region_info_cap_type, type); O(vfio_region_info_cap_type, subtype);
    S(vfio_device_feature); O(vfio_device_feature, flags); O(vfio_device_feature, data);
    N(VFIO_GET_API_VERSION); N(VFIO_CHECK_EXTENSION); N(VFIO_SET_IOMMU); N(VFIO_GROUP_GET_STATUS);
    N(VFIO_GROUP_SET_CONTAINER); N(VFIO_GROUP_UNSET_CONTAINER); N(VFIO_GROUP_GET_DEVICE_FD); N(VFIO_DEVICE_GET_INFO);
    N(VFIO_DEVICE_GET_REGION_INFO); N(VFIO_DEVICE_GET_IRQ_INFO); N(VFIO_DEVICE_SET_IRQS); N(VFIO_DEVICE_RESET);
    N(VFIO_DEVICE_GET_PCI_HOT_RESET_INFO); N(VFIO_IOMMU_GET_INFO); N(VFIO_DEVICE_PCI_HOT_RESET); N(VFIO_IOMMU_MAP_DMA);
    N(VFIO_IOMMU_UNMAP_DMA); N(VFIO_DEVICE_FEATURE); N(VFIO_TYPE1v2_IOMMU); N(VFIO_API_VERSION);
    N(VFIO_DEVICE_FEATURE_GET); N(VFIO_DEVICE_FEATURE_SET); N(VFIO_DEVICE_FEATURE_PROBE);
    N(VFIO_REGION_INFO_CAP_SPARSE_MMAP); N(VFIO_REGION_INFO_CAP_TYPE); N(VFIO_REGION_INFO_CAP_MSIX_MAPPABLE);
    N(VFIO_PCI_CONFIG_REGION_INDEX); N(VFIO_PCI_NUM_REGIONS); N(VFIO_PCI_NUM_IRQS);
    N(DMA_BUF_SET_NAME_B); N(DMA_BUF_SET_NAME_A);
#ifdef VFIO_DEVICE_FEATURE_DMA_BUF
    N(VFIO_DEVICE_FEATURE_DMA_BUF);
    S(vfio_device_feature_dma_buf); O(vfio_device_feature_dma_buf, region_index); O(vfio_device_feature_dma_buf, open_flags);
    O(vfio_device_feature_dma_buf, flags); O(vfio_device_feature_dma_buf, nr_ranges); O(vfio_device_feature_dma_buf, dma_ranges);
    S(vfio_region_dma_range); O(vfio_region_dma_range, offset); O(vfio_region_dma_range, length);
#endif
#ifdef VFIO_DEVICE_BIND_IOMMUFD
    N(VFIO_DEVICE_BIND_IOMMUFD); N(VFIO_DEVICE_ATTACH_IOMMUFD_PT); N(VFIO_DEVICE_DETACH_IOMMUFD_PT);
    O(vfio_device_bind_iommufd, flags); O(vfio_device_bind_iommufd, iommufd); O(vfio_device_bind_iommufd, out_devid);
#ifdef VFIO_DEVICE_BIND_FLAG_TOKEN
    S(vfio_device_bind_iommufd); O(vfio_device_bind_iommufd, token_uuid_ptr);
#endif
    S(vfio_device_attach_iommufd_pt); O(vfio_device_attach_iommufd_pt, flags); O(vfio_device_attach_iommufd_pt, pt_id);
#endif
#ifdef HAVE_IOMMUFD_H
    N(IOMMU_DESTROY); N(IOMMU_IOAS_ALLOC); N(IOMMU_IOAS_MAP); N(IOMMU_IOAS_UNMAP);
    S(iommu_ioas_alloc); O(iommu_ioas_alloc, flags); O(iommu_ioas_alloc, out_ioas_id);
#ifdef IOMMU_IOAS_MAP_FILE
    N(IOMMU_IOAS_MAP_FILE);
    S(iommu_ioas_map_file); O(iommu_ioas_map_file, flags); O(iommu_ioas_map_file, ioas_id); O(iommu_ioas_map_file, fd);
    O(iommu_ioas_map_file, start); O(iommu_ioas_map_file, length); O(iommu_ioas_map_file, iova);
#endif
#endif
    return 0;
}
