package org.vfioinspector.bridge.uapi;

import org.vfioinspector.bridge.model.PciAddress;

/**
 * The interface of the harness's test importer module, {@code /dev/vfioinsp_importer}
 * (kernel-lab/importer/vfioinsp_importer.h): a process hands it one of its dma-buf fds and a PCI device, and the
 * module attaches and maps the buffer as that device. VFIO's conventions: argsz first, {@code _IO} numbers without
 * a size. ImporterUapiCrossCheckTest compiles the header and holds these constants to it.
 */
public final class ImporterUapi {
    /** The misc device's node, relative to the device root. */
    public static final String DEVICE_NODE = "vfioinsp_importer";
    /** The module's name (lsmod, /sys/module). */
    public static final String MODULE = "vfioinsp_importer";
    public static final int TYPE = 0xF7;
    public static final long ATTACH = io(0);
    public static final long MAP = io(1);
    public static final long UNMAP = io(2);
    public static final long DETACH = io(3);
    public static final long STATUS = io(4);

    private ImporterUapi() {
    }

    private static long io(int nr) {
        return ((long) TYPE << 8) | nr;
    }

    /** "VFIOINSP_IMPORTER_MAP", or null when {@code request} is none of the module's. */
    public static String name(long request) {
        if ((request & ~0xffL) != (long) TYPE << 8) {
            return null;
        }
        switch ((int) (request & 0xff)) {
            case 0: return "VFIOINSP_IMPORTER_ATTACH";
            case 1: return "VFIOINSP_IMPORTER_MAP";
            case 2: return "VFIOINSP_IMPORTER_UNMAP";
            case 3: return "VFIOINSP_IMPORTER_DETACH";
            case 4: return "VFIOINSP_IMPORTER_STATUS";
            default: return null;
        }
    }

    /**
     * struct vfioinsp_importer_attach: argsz @0, dmabuf_fd @4, segment @8, bus @12, devfn @13, flags @14, out id
     * @16, reserved @20, out dmabuf_size @24, out dmabuf_ino @32.
     */
    public static final class AttachArg {
        public static final int SIZE = 40;
        public static final int OFF_DMABUF_FD = 4;
        public static final int OFF_SEGMENT = 8;
        public static final int OFF_BUS = 12;
        public static final int OFF_DEVFN = 13;
        public static final int OFF_FLAGS = 14;
        public static final int OFF_ID = 16;
        public static final int OFF_DMABUF_SIZE = 24;
        public static final int OFF_DMABUF_INO = 32;

        private AttachArg() {
        }

        public static byte[] request(int dmaBufFd, PciAddress importer) {
            byte[] b = new byte[SIZE];
            Le.put32(b, 0, SIZE);
            Le.put32(b, OFF_DMABUF_FD, dmaBufFd);
            Le.put32(b, OFF_SEGMENT, importer.domain());
            b[OFF_BUS] = (byte) importer.bus();
            b[OFF_DEVFN] = (byte) (importer.device() << 3 | importer.function());
            return b;
        }

        public static int id(byte[] b) {
            Le.need(b, SIZE, "vfioinsp_importer_attach");
            return Le.u32(b, OFF_ID);
        }

        public static long dmaBufSize(byte[] b) {
            Le.need(b, SIZE, "vfioinsp_importer_attach");
            return Le.u64(b, OFF_DMABUF_SIZE);
        }

        public static long dmaBufIno(byte[] b) {
            Le.need(b, SIZE, "vfioinsp_importer_attach");
            return Le.u64(b, OFF_DMABUF_INO);
        }
    }

    /**
     * struct vfioinsp_importer_map: argsz @0, id @4, out dma_addr @8, out dma_len @16, out nents @24, out
     * invalidations @28.
     */
    public static final class MapArg {
        public static final int SIZE = 32;
        public static final int OFF_ID = 4;
        public static final int OFF_DMA_ADDR = 8;
        public static final int OFF_DMA_LEN = 16;
        public static final int OFF_NENTS = 24;
        public static final int OFF_INVALIDATIONS = 28;

        private MapArg() {
        }

        public static byte[] request(int id) {
            byte[] b = new byte[SIZE];
            Le.put32(b, 0, SIZE);
            Le.put32(b, OFF_ID, id);
            return b;
        }

        public static long dmaAddr(byte[] b) {
            Le.need(b, SIZE, "vfioinsp_importer_map");
            return Le.u64(b, OFF_DMA_ADDR);
        }

        public static long dmaLen(byte[] b) {
            Le.need(b, SIZE, "vfioinsp_importer_map");
            return Le.u64(b, OFF_DMA_LEN);
        }

        public static int nents(byte[] b) {
            Le.need(b, SIZE, "vfioinsp_importer_map");
            return Le.u32(b, OFF_NENTS);
        }

        public static int invalidations(byte[] b) {
            Le.need(b, SIZE, "vfioinsp_importer_map");
            return Le.u32(b, OFF_INVALIDATIONS);
        }
    }

    /** struct vfioinsp_importer_id (UNMAP, DETACH): argsz @0, id @4. */
    public static final class IdArg {
        public static final int SIZE = 8;
        public static final int OFF_ID = 4;

        private IdArg() {
        }

        public static byte[] request(int id) {
            byte[] b = new byte[SIZE];
            Le.put32(b, 0, SIZE);
            Le.put32(b, OFF_ID, id);
            return b;
        }
    }

    /** struct vfioinsp_importer_status: argsz @0, id @4, out mapped @8, out invalidations @12. */
    public static final class StatusArg {
        public static final int SIZE = 16;
        public static final int OFF_ID = 4;
        public static final int OFF_MAPPED = 8;
        public static final int OFF_INVALIDATIONS = 12;

        private StatusArg() {
        }

        public static byte[] request(int id) {
            byte[] b = new byte[SIZE];
            Le.put32(b, 0, SIZE);
            Le.put32(b, OFF_ID, id);
            return b;
        }

        public static boolean mapped(byte[] b) {
            Le.need(b, SIZE, "vfioinsp_importer_status");
            return Le.u32(b, OFF_MAPPED) != 0;
        }

        public static int invalidations(byte[] b) {
            Le.need(b, SIZE, "vfioinsp_importer_status");
            return Le.u32(b, OFF_INVALIDATIONS);
        }
    }
}
