/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vfioinsp_importer: the userspace interface of the harness's in-kernel dma-buf importer (a misc device,
 * /dev/vfioinsp_importer). A process hands it one of its own dma-buf fds and names a PCI device; the module
 * attaches to the dma-buf *as that device* (dma_buf_dynamic_attach, allow_peer2peer, invalidate_mappings) and
 * maps it (dma_buf_map_attachment under the buffer's reservation lock), which is what an RDMA NIC or a GPU
 * driver does with a VFIO dma-buf. The exporter's answer comes back as the ioctl's errno; a map's DMA address
 * and length come back in the struct. Every attachment belongs to the open file and is detached when it closes.
 *
 * Structs follow VFIO's convention: argsz first, the ioctl number carries no size (_IO).
 * The Java side is org.vfioinspector.bridge.uapi.ImporterUapi.
 */
#ifndef VFIOINSP_IMPORTER_H
#define VFIOINSP_IMPORTER_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define VFIOINSP_IMPORTER_TYPE 0xF7 /* free in Documentation/userspace-api/ioctl/ioctl-number.rst (7.2) */

/*
 * ATTACH: dma_buf_get(dmabuf_fd) of the calling process, the PCI device segment:bus:devfn as the importer,
 * dma_buf_dynamic_attach. Errors: EINVAL (argsz, flags), EBADF/EINVAL (not a dma-buf fd), ENXIO (no such PCI
 * device), else the exporter's attach answer (vfio-pci: EOPNOTSUPP without peer2peer, ENODEV when revoked).
 */
struct vfioinsp_importer_attach {
	__u32 argsz;
	__s32 dmabuf_fd;	/* in */
	__u32 segment;		/* in: PCI domain of the importer device */
	__u8 bus;		/* in */
	__u8 devfn;		/* in */
	__u16 flags;		/* in: 0 */
	__u32 id;		/* out: the attachment, on this open file */
	__u32 reserved;
	__u64 dmabuf_size;	/* out */
	__u64 dmabuf_ino;	/* out: as /proc/PID/fdinfo and debugfs bufinfo show it */
};
#define VFIOINSP_IMPORTER_ATTACH _IO(VFIOINSP_IMPORTER_TYPE, 0)

/*
 * MAP: dma_buf_map_attachment(DMA_BIDIRECTIONAL) under dma_resv_lock (a mapping held is unmapped first).
 * Errors: ENOENT (no such id), else the exporter's map answer (vfio-pci: ENODEV while revoked, EINVAL when
 * pci_p2pdma_map_type() says PCI_P2PDMA_MAP_NOT_SUPPORTED for this importer).
 */
struct vfioinsp_importer_map {
	__u32 argsz;
	__u32 id;		/* in */
	__u64 dma_addr;		/* out: the first DMA segment's address */
	__u64 dma_len;		/* out: the DMA length of all segments */
	__u32 nents;		/* out: DMA segments */
	__u32 invalidations;	/* out: invalidate_mappings callbacks so far */
};
#define VFIOINSP_IMPORTER_MAP _IO(VFIOINSP_IMPORTER_TYPE, 1)

/* UNMAP (dma_buf_unmap_attachment, nothing when not mapped) and DETACH (unmap, dma_buf_detach, dma_buf_put). */
struct vfioinsp_importer_id {
	__u32 argsz;
	__u32 id;		/* in */
};
#define VFIOINSP_IMPORTER_UNMAP _IO(VFIOINSP_IMPORTER_TYPE, 2)
#define VFIOINSP_IMPORTER_DETACH _IO(VFIOINSP_IMPORTER_TYPE, 3)

/* STATUS: whether the attachment holds a mapping now (a revoke drops it) and how often it was invalidated. */
struct vfioinsp_importer_status {
	__u32 argsz;
	__u32 id;		/* in */
	__u32 mapped;		/* out: 0 or 1 */
	__u32 invalidations;	/* out */
};
#define VFIOINSP_IMPORTER_STATUS _IO(VFIOINSP_IMPORTER_TYPE, 4)

#endif
