package org.vfioinspector.bridge.lab;

import java.util.ArrayList;
import java.util.List;

import org.vfioinspector.bridge.kernel.Errno;
import org.vfioinspector.bridge.kernel.KernelException;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.uapi.Vfio;
import org.vfioinspector.bridge.uapi.VfioBytes;

/**
 * An open VFIO container (vfio/vfio; drivers/vfio/container.c) with the type1 IOMMU driver behind it
 * (drivers/vfio/vfio_iommu_type1.c): VFIO_GET_API_VERSION, VFIO_CHECK_EXTENSION (TYPE1 and TYPE1v2), VFIO_SET_IOMMU
 * (once, with a group in it), and VFIO_IOMMU_MAP_DMA (vfio_iommu_type1_map_dma → vfio_pin_map_dma →
 * vaddr_get_pfns). Mapping an mmap of another device's BAR takes the raw PFN through follow_fault_pfn /
 * follow_pfnmap_start and keeps no reference on that device (facts §7): the mapping outlives the device's
 * close and unbind, the use-after-free the DMA witness shows. Its mappings are the IOMMU domain of every group in it.
 */
final class LabContainer {
    private final LabState state;
    final List<LabGroup> groups = new ArrayList<>();
    final List<LabKernel.Type1Mapping> mappings = new ArrayList<>();
    int iommu;

    LabContainer(LabState state) {
        this.state = state;
    }

    int ioctl(int fd, long request, long value) throws KernelException {
        if (request == Vfio.VFIO_GET_API_VERSION) {
            return Vfio.VFIO_API_VERSION;
        }
        if (request == Vfio.VFIO_CHECK_EXTENSION) {
            return value == Vfio.VFIO_TYPE1_IOMMU || value == Vfio.VFIO_TYPE1v2_IOMMU ? 1 : 0;
        }
        if (request == Vfio.VFIO_SET_IOMMU) {
            if (groups.isEmpty() || iommu != 0 || (value != Vfio.VFIO_TYPE1_IOMMU && value != Vfio.VFIO_TYPE1v2_IOMMU)) {
                throw new KernelException("VFIO_SET_IOMMU", "container", Errno.EINVAL);
            }
            iommu = (int) value;
            return 0;
        }
        throw new KernelException(LabKernel.name(request), "fd " + fd, Errno.ENOTTY);
    }

    /** VFIO_IOMMU_MAP_DMA: {argsz, flags, vaddr, iova, size}. */
    int mapDma(byte[] arg) throws KernelException {
        if (iommu == 0 || arg.length < 32 || VfioBytes.u32(arg, 0) < 32) {
            throw new KernelException("VFIO_IOMMU_MAP_DMA", "container", Errno.EINVAL);
        }
        long vaddr = VfioBytes.u64(arg, 8);
        long iova = VfioBytes.u64(arg, 16);
        long size = VfioBytes.u64(arg, 24);
        if (size == 0 || size % Vfio.PAGE_SIZE != 0 || iova % Vfio.PAGE_SIZE != 0 || vaddr % Vfio.PAGE_SIZE != 0) {
            throw new KernelException("VFIO_IOMMU_MAP_DMA", "container", Errno.EINVAL);
        }
        // vfio_find_dma looks in this container's iommu only: another container may map the same IOVA.
        for (LabKernel.Type1Mapping m : mappings) {
            if (iova < m.iova() + m.size() && m.iova() < iova + size) {
                throw new KernelException("VFIO_IOMMU_MAP_DMA", "container", Errno.EEXIST);
            }
        }
        PciAddress owner = groups.isEmpty() ? null
                : state.scenario.groups().stream().filter(g -> g.id() == groups.get(0).id).findFirst()
                .map(g -> g.devices().get(0)).orElse(null);
        for (LabBarMapping m : state.mappings) {
            if (m.covers(vaddr, size)) {
                // vaddr_get_pfns: VM_PFNMAP vma → follow_fault_pfn → follow_pfnmap_start: the raw PFN, no reference.
                if (!m.dev.memoryEnabled()) {
                    throw new KernelException("VFIO_IOMMU_MAP_DMA", "container", Errno.EFAULT.number(),
                            "vaddr_get_pfns: faulting in the BAR mmap fails while memory decoding is off");
                }
                long phys = m.dev.sd.bar(m.index).orElseThrow().address() + m.offset + (vaddr - m.vaddr);
                return add(new LabKernel.Type1Mapping(iova, size, vaddr, m.dev.bdf(), m.index, phys, owner));
            }
        }
        return add(new LabKernel.Type1Mapping(iova, size, vaddr, null, -1, 0, owner));
    }

    private int add(LabKernel.Type1Mapping t) {
        mappings.add(t);
        state.type1.add(t);
        return 0;
    }

    /** The mapping that translates [iova, iova + count) for this container's devices, or null (the IOMMU faults). */
    LabKernel.Type1Mapping translate(long iova, int count) {
        return mappings.stream().filter(t -> iova >= t.iova() && iova + count <= t.iova() + t.size()).findFirst()
                .orElse(null);
    }
}
