// SPDX-License-Identifier: GPL-2.0
/*
 * vfioinsp_importer: an in-kernel dma-buf importer the real-kernel harness drives from userspace, so that the
 * P2P verdict of VFIO Inspector (pci_p2pdma_distance between exporter and importer) is checked against what the
 * kernel answers when a *PCI device* imports a VFIO dma-buf. Userspace cannot do this otherwise: iommufd's
 * IOMMU_IOAS_MAP_FILE imports as the iommufd misc device, through a private path that asks no p2pdma question.
 *
 * Interface: vfioinsp_importer.h. Written for Linux 7.1+ (dma_buf_attach_ops.invalidate_mappings, formerly
 * move_notify; dma_buf_attach_revocable), checked against Debian's linux-source-7.2 (7.2.13).
 */
#include <linux/dma-buf.h>
#include <linux/dma-direction.h>
#include <linux/dma-resv.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "vfioinsp_importer.h"

MODULE_IMPORT_NS("DMA_BUF");

/* One attachment of one open file: a PCI device attached to a dma-buf, mapped or not. */
struct vi_attachment {
	struct dma_buf *dmabuf;
	struct dma_buf_attachment *attach;
	struct pci_dev *pdev;
	struct sg_table *sgt;		/* under dmabuf->resv */
	u32 invalidations;		/* under dmabuf->resv */
};

/* An open file: its attachments by id. */
struct vi_file {
	struct mutex lock;		/* taken before any dmabuf->resv */
	struct idr attachments;
};

/*
 * The exporter revokes (vfio-pci: memory off, reset, close) or moves the buffer: called with dmabuf->resv held.
 * A revocable importer must drop its mapping here; vfio-pci waits until every mapping is unmapped.
 */
static void vi_invalidate_mappings(struct dma_buf_attachment *attach)
{
	struct vi_attachment *a = attach->importer_priv;

	dma_resv_assert_held(attach->dmabuf->resv);
	a->invalidations++;
	if (a->sgt) {
		dma_buf_unmap_attachment(attach, a->sgt, DMA_BIDIRECTIONAL);
		a->sgt = NULL;
	}
}

static const struct dma_buf_attach_ops vi_attach_ops = {
	.allow_peer2peer = true,
	.invalidate_mappings = vi_invalidate_mappings,
};

static void vi_unmap_locked(struct vi_attachment *a)
{
	dma_resv_assert_held(a->dmabuf->resv);
	if (a->sgt) {
		dma_buf_unmap_attachment(a->attach, a->sgt, DMA_BIDIRECTIONAL);
		a->sgt = NULL;
	}
}

static void vi_release_attachment(struct vi_attachment *a)
{
	dma_resv_lock(a->dmabuf->resv, NULL);
	vi_unmap_locked(a);
	dma_resv_unlock(a->dmabuf->resv);
	dma_buf_detach(a->dmabuf, a->attach);
	dma_buf_put(a->dmabuf);
	pci_dev_put(a->pdev);
	kfree(a);
}

/* Copies the struct in: argsz at least the struct's size (a larger one is accepted, as VFIO does). */
static int vi_copy_in(void *dst, size_t size, void __user *arg)
{
	u32 argsz;

	if (get_user(argsz, (u32 __user *)arg))
		return -EFAULT;
	if (argsz < size)
		return -EINVAL;
	if (copy_from_user(dst, arg, size))
		return -EFAULT;
	return 0;
}

static long vi_attach(struct vi_file *f, void __user *arg)
{
	struct vfioinsp_importer_attach req;
	struct vi_attachment *a;
	struct dma_buf *dmabuf;
	struct pci_dev *pdev;
	int ret, id;

	ret = vi_copy_in(&req, sizeof(req), arg);
	if (ret)
		return ret;
	if (req.flags)
		return -EINVAL;

	dmabuf = dma_buf_get(req.dmabuf_fd);
	if (IS_ERR(dmabuf))
		return PTR_ERR(dmabuf);
	pdev = pci_get_domain_bus_and_slot(req.segment, req.bus, req.devfn);
	if (!pdev) {
		dma_buf_put(dmabuf);
		return -ENXIO;
	}
	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a) {
		ret = -ENOMEM;
		goto err_put;
	}
	a->dmabuf = dmabuf;
	a->pdev = pdev;
	a->attach = dma_buf_dynamic_attach(dmabuf, &pdev->dev, &vi_attach_ops, a);
	if (IS_ERR(a->attach)) {
		ret = PTR_ERR(a->attach);
		pci_info(pdev, "vfioinsp_importer: attach to dma-buf %llu (%s): %d\n",
			 (unsigned long long)file_inode(dmabuf->file)->i_ino, dmabuf->exp_name, ret);
		kfree(a);
		goto err_put;
	}

	mutex_lock(&f->lock);
	id = idr_alloc(&f->attachments, a, 1, 0, GFP_KERNEL);
	mutex_unlock(&f->lock);
	if (id < 0) {
		dma_buf_detach(dmabuf, a->attach);
		kfree(a);
		ret = id;
		goto err_put;
	}

	req.id = id;
	req.dmabuf_size = dmabuf->size;
	req.dmabuf_ino = file_inode(dmabuf->file)->i_ino;
	pci_info(pdev, "vfioinsp_importer: attached to dma-buf %llu (%s, %llu bytes) as #%d\n",
		 req.dmabuf_ino, dmabuf->exp_name, req.dmabuf_size, id);
	if (copy_to_user(arg, &req, sizeof(req)))
		return -EFAULT; /* the attachment stays: the file's close detaches it */
	return 0;

err_put:
	dma_buf_put(dmabuf);
	pci_dev_put(pdev);
	return ret;
}

static long vi_map(struct vi_file *f, void __user *arg)
{
	struct vfioinsp_importer_map req;
	struct vi_attachment *a;
	struct sg_table *sgt;
	struct scatterlist *sg;
	u64 len = 0;
	int ret, i;

	ret = vi_copy_in(&req, sizeof(req), arg);
	if (ret)
		return ret;

	mutex_lock(&f->lock);
	a = idr_find(&f->attachments, req.id);
	if (!a) {
		mutex_unlock(&f->lock);
		return -ENOENT;
	}
	dma_resv_lock(a->dmabuf->resv, NULL);
	vi_unmap_locked(a);
	sgt = dma_buf_map_attachment(a->attach, DMA_BIDIRECTIONAL);
	if (IS_ERR(sgt)) {
		ret = PTR_ERR(sgt);
	} else {
		a->sgt = sgt;
		req.dma_addr = sg_dma_address(sgt->sgl);
		for_each_sgtable_dma_sg(sgt, sg, i)
			len += sg_dma_len(sg);
		req.dma_len = len;
		req.nents = sgt->nents;
	}
	req.invalidations = a->invalidations;
	dma_resv_unlock(a->dmabuf->resv);
	if (ret)
		pci_info(a->pdev, "vfioinsp_importer: map of dma-buf %llu as #%u: %d\n",
			 (unsigned long long)file_inode(a->dmabuf->file)->i_ino, req.id, ret);
	else
		pci_info(a->pdev, "vfioinsp_importer: mapped dma-buf %llu as #%u at dma %pad, %llu bytes\n",
			 (unsigned long long)file_inode(a->dmabuf->file)->i_ino, req.id, &req.dma_addr, req.dma_len);
	mutex_unlock(&f->lock);
	if (ret)
		return ret;
	if (copy_to_user(arg, &req, sizeof(req)))
		return -EFAULT;
	return 0;
}

static long vi_unmap_or_detach(struct vi_file *f, void __user *arg, bool detach)
{
	struct vfioinsp_importer_id req;
	struct vi_attachment *a;
	int ret;

	ret = vi_copy_in(&req, sizeof(req), arg);
	if (ret)
		return ret;
	mutex_lock(&f->lock);
	a = detach ? idr_remove(&f->attachments, req.id) : idr_find(&f->attachments, req.id);
	if (!a) {
		mutex_unlock(&f->lock);
		return -ENOENT;
	}
	if (detach) {
		vi_release_attachment(a);
	} else {
		dma_resv_lock(a->dmabuf->resv, NULL);
		vi_unmap_locked(a);
		dma_resv_unlock(a->dmabuf->resv);
	}
	mutex_unlock(&f->lock);
	return 0;
}

static long vi_status(struct vi_file *f, void __user *arg)
{
	struct vfioinsp_importer_status req;
	struct vi_attachment *a;
	int ret;

	ret = vi_copy_in(&req, sizeof(req), arg);
	if (ret)
		return ret;
	mutex_lock(&f->lock);
	a = idr_find(&f->attachments, req.id);
	if (!a) {
		mutex_unlock(&f->lock);
		return -ENOENT;
	}
	dma_resv_lock(a->dmabuf->resv, NULL);
	req.mapped = a->sgt != NULL;
	req.invalidations = a->invalidations;
	dma_resv_unlock(a->dmabuf->resv);
	mutex_unlock(&f->lock);
	if (copy_to_user(arg, &req, sizeof(req)))
		return -EFAULT;
	return 0;
}

static long vi_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct vi_file *f = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case VFIOINSP_IMPORTER_ATTACH:
		return vi_attach(f, uarg);
	case VFIOINSP_IMPORTER_MAP:
		return vi_map(f, uarg);
	case VFIOINSP_IMPORTER_UNMAP:
		return vi_unmap_or_detach(f, uarg, false);
	case VFIOINSP_IMPORTER_DETACH:
		return vi_unmap_or_detach(f, uarg, true);
	case VFIOINSP_IMPORTER_STATUS:
		return vi_status(f, uarg);
	default:
		return -ENOTTY;
	}
}

static int vi_open(struct inode *inode, struct file *file)
{
	struct vi_file *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return -ENOMEM;
	mutex_init(&f->lock);
	idr_init(&f->attachments);
	file->private_data = f;
	return 0;
}

/* The last close of the file detaches what it still holds: a process that dies leaves no attachment behind. */
static int vi_release(struct inode *inode, struct file *file)
{
	struct vi_file *f = file->private_data;
	struct vi_attachment *a;
	int id;

	mutex_lock(&f->lock);
	idr_for_each_entry(&f->attachments, a, id)
		vi_release_attachment(a);
	idr_destroy(&f->attachments);
	mutex_unlock(&f->lock);
	mutex_destroy(&f->lock);
	kfree(f);
	return 0;
}

static const struct file_operations vi_fops = {
	.owner = THIS_MODULE,
	.open = vi_open,
	.release = vi_release,
	.unlocked_ioctl = vi_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice vi_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "vfioinsp_importer",
	.fops = &vi_fops,
	.mode = 0600,
};
module_misc_device(vi_misc);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("VFIO Inspector's test importer: attach and map a dma-buf as a chosen PCI device");
