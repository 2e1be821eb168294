package org.vfioinspector.bridge.session;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.vfioinspector.bridge.kernel.Errno;
import org.vfioinspector.bridge.kernel.Kernel;
import org.vfioinspector.bridge.kernel.KernelEvent;
import org.vfioinspector.bridge.kernel.KernelEvents;
import org.vfioinspector.bridge.kernel.KernelException;
import org.vfioinspector.bridge.kernel.Mapping;
import org.vfioinspector.bridge.kernel.SigbusException;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.uapi.CapabilityChain;
import org.vfioinspector.bridge.uapi.IoctlNames;
import org.vfioinspector.bridge.uapi.Vfio;
import org.vfioinspector.bridge.uapi.VfioBytes;
import org.vfioinspector.bridge.uapi.VfioDeviceInfo;
import org.vfioinspector.bridge.uapi.VfioGroupStatus;
import org.vfioinspector.bridge.uapi.VfioInfoCap;
import org.vfioinspector.bridge.uapi.VfioRegionInfo;

/**
 * A small scripted test double of the kernel (not the lab model): one nvme-like device of facts §9 (BAR0 16 KiB with
 * the MSI-X table and MSIX_MAPPABLE, RESET, config space, VGA absent), with a step counter that fails the k-th
 * open/ioctl, an open-fd ledger for leak checks, and synchronous revocation events.
 */
final class ScriptedKernel implements Kernel {
    static final PciAddress BDF = PciAddress.parse("0000:00:07.0");
    static final int BAR0_VALUE = 0x0f0107ff;

    final Map<Integer, String> open = new HashMap<>();
    final List<String> calls = new ArrayList<>();
    int failAt = -1;
    int failErrno = Errno.EIO.number();
    boolean viable = true;
    boolean memOn = true;
    boolean canReset = true;
    int steps;
    private int nextFd = 10;
    private final List<Consumer<KernelEvent>> listeners = new CopyOnWriteArrayList<>();

    private void step(String what) throws KernelException {
        calls.add(what);
        if (++steps == failAt) {
            throw new KernelException(what, "scripted", failErrno, null);
        }
    }

    private int newFd(String what) {
        int fd = nextFd++;
        open.put(fd, what);
        return fd;
    }

    private void emit(KernelEvent.Kind kind, String fn) {
        KernelEvent e = new KernelEvent(System.nanoTime(), kind, fn, BDF, -1, "scripted");
        listeners.forEach(l -> l.accept(e));
    }

    @Override
    public String describe() {
        return "scripted kernel";
    }

    @Override
    public boolean isLab() {
        return true;
    }

    @Override
    public int open(String devPath, int flags) throws KernelException {
        step("open " + devPath);
        if (!devPath.equals("vfio/vfio") && !devPath.equals("vfio/7")) {
            throw new KernelException("open", devPath, Errno.ENOENT);
        }
        return newFd(devPath);
    }

    @Override
    public void close(int fd) throws KernelException {
        String what = open.remove(fd);
        if (what == null) {
            throw new KernelException("close", "fd " + fd, Errno.EBADF);
        }
        calls.add("close " + what);
        if (what.equals("device")) {
            emit(KernelEvent.Kind.PERMANENT, "vfio_pci_dma_buf_cleanup");
            emit(KernelEvent.Kind.REVOKE, "vfio_pci_dma_buf_move");
            emit(KernelEvent.Kind.RESTORE, "vfio_pci_dma_buf_move");
        }
    }

    @Override
    public int ioctl(int fd, long request, byte[] arg) throws KernelException {
        String kind = open.get(fd);
        if (kind == null) {
            throw new KernelException("ioctl", "fd " + fd, Errno.EBADF);
        }
        step(IoctlNames.name(request, kind.equals("device") ? IoctlNames.FdKind.DEVICE : IoctlNames.FdKind.OTHER));
        if (request == Vfio.VFIO_GROUP_GET_STATUS) {
            VfioBytes.put32(arg, VfioGroupStatus.OFF_FLAGS, viable ? Vfio.VFIO_GROUP_FLAGS_VIABLE : 0);
            return 0;
        } else if (request == Vfio.VFIO_GROUP_SET_CONTAINER) {
            return 0;
        } else if (request == Vfio.VFIO_GROUP_GET_DEVICE_FD) {
            if (!VfioBytes.readCString(arg).equals(BDF.toString())) {
                throw new KernelException("VFIO_GROUP_GET_DEVICE_FD", kind, Errno.ENODEV);
            }
            return newFd("device");
        } else if (request == Vfio.VFIO_DEVICE_GET_INFO) {
            byte[] b = new VfioDeviceInfo(24, (canReset ? 1 : 0) | Vfio.VFIO_DEVICE_FLAGS_PCI, 9, 5, 0).encode();
            System.arraycopy(b, 0, arg, 0, 24);
            return 0;
        } else if (request == Vfio.VFIO_DEVICE_GET_REGION_INFO) {
            return regionInfo(arg);
        } else if (request == Vfio.VFIO_DEVICE_FEATURE) {
            int index = VfioBytes.u32(arg, 8);
            if (index != 0) {
                throw new KernelException("VFIO_DEVICE_FEATURE", kind, Errno.ENODEV);
            }
            return newFd("dmabuf");
        }
        throw new KernelException(IoctlNames.name(request, IoctlNames.FdKind.OTHER), kind, Errno.ENOTTY);
    }

    private int regionInfo(byte[] arg) throws KernelException {
        int index = VfioBytes.u32(arg, VfioRegionInfo.OFF_INDEX);
        int rw = Vfio.VFIO_REGION_INFO_FLAG_READ | Vfio.VFIO_REGION_INFO_FLAG_WRITE;
        VfioRegionInfo r;
        if (index == 0) {
            int need = VfioRegionInfo.SIZE + VfioInfoCap.HEADER_SIZE;
            int flags = rw | Vfio.VFIO_REGION_INFO_FLAG_MMAP | Vfio.VFIO_REGION_INFO_FLAG_CAPS;
            if (arg.length < need) {
                r = new VfioRegionInfo(need, flags, 0, 0, 0x4000, 0);
            } else {
                r = new VfioRegionInfo(arg.length, flags, 0, VfioRegionInfo.SIZE, 0x4000, 0);
                CapabilityChain.write(arg, VfioRegionInfo.SIZE, List.of(new VfioInfoCap.MsixMappable(1)));
            }
        } else if (index <= 6) {
            r = new VfioRegionInfo(arg.length, index == 6 ? Vfio.VFIO_REGION_INFO_FLAG_READ : rw, index, 0, 0,
                    Vfio.vfioPciIndexToOffset(index));
        } else if (index == 7) {
            r = new VfioRegionInfo(arg.length, rw, 7, 0, 4096, Vfio.vfioPciIndexToOffset(7));
        } else {
            throw new KernelException("VFIO_DEVICE_GET_REGION_INFO", "device", Errno.EINVAL);
        }
        r.encodeInto(arg);
        return 0;
    }

    @Override
    public int ioctl(int fd, long request, long value) throws KernelException {
        String kind = open.get(fd);
        if (kind == null) {
            throw new KernelException("ioctl", "fd " + fd, Errno.EBADF);
        }
        step(IoctlNames.name(request, IoctlNames.FdKind.OTHER));
        if (request == Vfio.VFIO_GET_API_VERSION) {
            return 0;
        } else if (request == Vfio.VFIO_CHECK_EXTENSION) {
            return 1;
        } else if (request == Vfio.VFIO_SET_IOMMU || request == Vfio.VFIO_GROUP_UNSET_CONTAINER) {
            return 0;
        } else if (request == Vfio.VFIO_DEVICE_RESET) {
            if (!canReset) {
                throw new KernelException("VFIO_DEVICE_RESET", kind, Errno.EINVAL);
            }
            emit(KernelEvent.Kind.ZAP, "vfio_pci_zap_and_down_write_memory_lock");
            emit(KernelEvent.Kind.REVOKE, "vfio_pci_dma_buf_move");
            emit(KernelEvent.Kind.RESTORE, "vfio_pci_dma_buf_move");
            return 0;
        }
        throw new KernelException("ioctl", kind, Errno.ENOTTY);
    }

    @Override
    public int pread(int fd, byte[] buf, long offset) throws KernelException {
        int index = (int) (offset >>> 40);
        if (index == 7 && (offset & 0xff) == 4) {
            VfioBytes.put16(buf, 0, memOn ? 0x6 : 0x4);
            return buf.length;
        }
        if (index == 0) {
            if (!memOn) {
                throw new KernelException("pread", "device", Errno.EIO);
            }
            VfioBytes.put32(buf, 0, BAR0_VALUE);
            return buf.length;
        }
        throw new KernelException("pread", "device", Errno.EINVAL);
    }

    @Override
    public int pwrite(int fd, byte[] buf, long offset) throws KernelException {
        if ((offset >>> 40) == 7 && (offset & 0xff) == 4) {
            boolean on = (VfioBytes.u16(buf, 0) & Vfio.PCI_COMMAND_MEMORY) != 0;
            if (memOn && !on) {
                memOn = false;
                emit(KernelEvent.Kind.ZAP, "vfio_pci_zap_and_down_write_memory_lock");
                emit(KernelEvent.Kind.REVOKE, "vfio_pci_dma_buf_move");
            } else if (!memOn && on) {
                memOn = true;
                emit(KernelEvent.Kind.RESTORE, "vfio_pci_dma_buf_move");
            }
            return buf.length;
        }
        throw new KernelException("pwrite", "device", Errno.EINVAL);
    }

    @Override
    public Mapping mmap(int fd, long offset, long length, int prot) throws KernelException {
        if ((offset >>> 40) != 0) {
            throw new KernelException("mmap", "device", Errno.EINVAL);
        }
        String tag = "mapping" + nextFd;
        int id = newFd(tag);
        return new Mapping() {
            @Override
            public long length() {
                return length;
            }

            @Override
            public long vaddr() {
                return 0x7f0000000000L + id * 0x100000L;
            }

            @Override
            public int readInt(long off) throws KernelException {
                if (!memOn) {
                    throw new SigbusException("mmap read", "BAR0");
                }
                return BAR0_VALUE;
            }

            @Override
            public void writeInt(long off, int value) {
            }

            @Override
            public void close() {
                open.remove(id);
            }
        };
    }

    @Override
    public Optional<String> fdinfo(int fd) {
        return Optional.empty();
    }

    @Override
    public Optional<String> dmaBufInfo() {
        return Optional.empty();
    }

    @Override
    public void writeAttribute(String sysPath, String value) throws KernelException {
        throw new KernelException("write", sysPath, Errno.EACCES);
    }

    @Override
    public KernelEvents events() {
        return new KernelEvents() {
            @Override
            public Availability availability() {
                return Availability.yes();
            }

            @Override
            public void subscribe(Consumer<KernelEvent> listener) {
                listeners.add(listener);
            }

            @Override
            public void unsubscribe(Consumer<KernelEvent> listener) {
                listeners.remove(listener);
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public void close() {
    }
}
