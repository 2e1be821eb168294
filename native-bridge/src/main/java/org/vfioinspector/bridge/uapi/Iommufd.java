package org.vfioinspector.bridge.uapi;

/**
 * The cdev/iommufd structs: vfio_device_bind_iommufd (24 bytes), vfio_device_attach_iommufd_pt (16),
 * iommu_ioas_alloc (12), iommu_ioas_map_file (40), iommu_ioas_unmap (24) and iommu_destroy (8).
 */
public final class Iommufd {
    private Iommufd() {
    }

    /** struct vfio_device_bind_iommufd: argsz @0, flags @4, iommufd @8, out_devid @12, token_uuid_ptr @16. */
    public static final class BindIommufd {
        public static final int SIZE = 24;
        public static final int OFF_ARGSZ = 0;
        public static final int OFF_FLAGS = 4;
        public static final int OFF_IOMMUFD = 8;
        public static final int OFF_OUT_DEVID = 12;
        public static final int OFF_TOKEN_UUID_PTR = 16;

        private BindIommufd() {
        }

        public static byte[] request(int iommufd) {
            byte[] b = new byte[SIZE];
            Le.put32(b, OFF_ARGSZ, SIZE);
            Le.put32(b, OFF_IOMMUFD, iommufd);
            return b;
        }

        public static int iommufd(byte[] b) {
            Le.need(b, OFF_OUT_DEVID, "vfio_device_bind_iommufd");
            return Le.u32(b, OFF_IOMMUFD);
        }

        public static int outDevid(byte[] b) {
            Le.need(b, OFF_TOKEN_UUID_PTR, "vfio_device_bind_iommufd");
            return Le.u32(b, OFF_OUT_DEVID);
        }

        public static void setOutDevid(byte[] b, int devid) {
            Le.put32(b, OFF_OUT_DEVID, devid);
        }
    }

    /** struct vfio_device_attach_iommufd_pt: argsz @0, flags @4, pt_id @8 (in/out), pasid @12. */
    public static final class AttachIommufdPt {
        public static final int SIZE = 16;
        public static final int OFF_ARGSZ = 0;
        public static final int OFF_FLAGS = 4;
        public static final int OFF_PT_ID = 8;
        public static final int OFF_PASID = 12;

        private AttachIommufdPt() {
        }

        public static byte[] request(int ptId) {
            byte[] b = new byte[SIZE];
            Le.put32(b, OFF_ARGSZ, SIZE);
            Le.put32(b, OFF_PT_ID, ptId);
            return b;
        }

        public static int ptId(byte[] b) {
            Le.need(b, SIZE, "vfio_device_attach_iommufd_pt");
            return Le.u32(b, OFF_PT_ID);
        }

        public static void setPtId(byte[] b, int ptId) {
            Le.put32(b, OFF_PT_ID, ptId);
        }
    }

    /** struct iommu_ioas_alloc: size @0, flags @4 (0), out_ioas_id @8. */
    public static final class IoasAlloc {
        public static final int SIZE = 12;
        public static final int OFF_SIZE = 0;
        public static final int OFF_FLAGS = 4;
        public static final int OFF_OUT_IOAS_ID = 8;

        private IoasAlloc() {
        }

        public static byte[] request() {
            byte[] b = new byte[SIZE];
            Le.put32(b, OFF_SIZE, SIZE);
            return b;
        }

        public static int outIoasId(byte[] b) {
            Le.need(b, SIZE, "iommu_ioas_alloc");
            return Le.u32(b, OFF_OUT_IOAS_ID);
        }

        public static void setOutIoasId(byte[] b, int id) {
            Le.put32(b, OFF_OUT_IOAS_ID, id);
        }
    }

    /**
     * struct iommu_ioas_map_file: size @0, flags @4, ioas_id @8, fd @12 (s32), start @16, length @24, iova @32
     * (in with FIXED_IOVA, out otherwise).
     */
    public record IoasMapFile(int size, int flags, int ioasId, int fd, long start, long length, long iova) {
        public static final int SIZE = 40;
        public static final int OFF_SIZE = 0;
        public static final int OFF_FLAGS = 4;
        public static final int OFF_IOAS_ID = 8;
        public static final int OFF_FD = 12;
        public static final int OFF_START = 16;
        public static final int OFF_LENGTH = 24;
        public static final int OFF_IOVA = 32;

        public static IoasMapFile of(int flags, int ioasId, int fd, long start, long length, long iova) {
            return new IoasMapFile(SIZE, flags, ioasId, fd, start, length, iova);
        }

        public byte[] encode() {
            byte[] b = new byte[SIZE];
            Le.put32(b, OFF_SIZE, size);
            Le.put32(b, OFF_FLAGS, flags);
            Le.put32(b, OFF_IOAS_ID, ioasId);
            Le.put32(b, OFF_FD, fd);
            Le.put64(b, OFF_START, start);
            Le.put64(b, OFF_LENGTH, length);
            Le.put64(b, OFF_IOVA, iova);
            return b;
        }

        public static IoasMapFile decode(byte[] b) {
            Le.need(b, SIZE, "iommu_ioas_map_file");
            return new IoasMapFile(Le.u32(b, OFF_SIZE), Le.u32(b, OFF_FLAGS), Le.u32(b, OFF_IOAS_ID),
                    Le.u32(b, OFF_FD), Le.u64(b, OFF_START), Le.u64(b, OFF_LENGTH), Le.u64(b, OFF_IOVA));
        }

        public static void setIova(byte[] b, long iova) {
            Le.put64(b, OFF_IOVA, iova);
        }
    }

    /**
     * struct iommu_ioas_unmap: size @0, ioas_id @4, iova @8, length @16 (in: the range; out: the bytes unmapped).
     * iova 0 with length 2^64 - 1 unmaps everything.
     */
    public record IoasUnmap(int size, int ioasId, long iova, long length) {
        public static final int SIZE = 24;
        public static final int OFF_SIZE = 0;
        public static final int OFF_IOAS_ID = 4;
        public static final int OFF_IOVA = 8;
        public static final int OFF_LENGTH = 16;
        /** The length that, with iova 0, means every area. */
        public static final long ALL = -1L;

        public static IoasUnmap of(int ioasId, long iova, long length) {
            return new IoasUnmap(SIZE, ioasId, iova, length);
        }

        public byte[] encode() {
            byte[] b = new byte[SIZE];
            Le.put32(b, OFF_SIZE, size);
            Le.put32(b, OFF_IOAS_ID, ioasId);
            Le.put64(b, OFF_IOVA, iova);
            Le.put64(b, OFF_LENGTH, length);
            return b;
        }

        public static IoasUnmap decode(byte[] b) {
            Le.need(b, SIZE, "iommu_ioas_unmap");
            return new IoasUnmap(Le.u32(b, OFF_SIZE), Le.u32(b, OFF_IOAS_ID), Le.u64(b, OFF_IOVA),
                    Le.u64(b, OFF_LENGTH));
        }

        public static void setLength(byte[] b, long length) {
            Le.put64(b, OFF_LENGTH, length);
        }
    }

    /** struct iommu_destroy: size @0, id @4 (an IOAS, HWPT or other iommufd object). */
    public static byte[] destroy(int id) {
        byte[] b = new byte[8];
        Le.put32(b, 0, 8);
        Le.put32(b, 4, id);
        return b;
    }

    /** A plain u32 argument (VFIO_GROUP_SET_CONTAINER takes a pointer to the container fd). */
    public static byte[] u32Arg(int v) {
        byte[] b = new byte[4];
        Le.put32(b, 0, v);
        return b;
    }

    public static int u32(byte[] b, int off) {
        return Le.u32(b, off);
    }
}
