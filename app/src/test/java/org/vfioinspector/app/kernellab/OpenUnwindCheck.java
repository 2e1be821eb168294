package org.vfioinspector.app.kernellab;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;
import org.vfioinspector.bridge.kernel.Errno;
import org.vfioinspector.bridge.kernel.Kernel;
import org.vfioinspector.bridge.kernel.KernelException;
import org.vfioinspector.bridge.kernel.Mapping;
import org.vfioinspector.bridge.kernel.jna.JnaKernel;
import org.vfioinspector.bridge.model.PciDevice;
import org.vfioinspector.bridge.pciids.PciIds;
import org.vfioinspector.bridge.session.DeviceSession;
import org.vfioinspector.bridge.session.DeviceTarget;
import org.vfioinspector.bridge.session.DmaBuf;
import org.vfioinspector.bridge.session.OpenPath;
import org.vfioinspector.bridge.session.RegionInfo;
import org.vfioinspector.bridge.sysfs.HostPaths;
import org.vfioinspector.bridge.sysfs.HostScanner;
import org.vfioinspector.bridge.uapi.VfioDmaBuf;

/**
 * Runs INSIDE the kernel-lab guest (guest command "open-unwind", as root, on the real kernel): opens vfio-pci
 * devices through {@link DeviceSession} on both paths and checks that every fd the session acquired is closed, in
 * reverse order, on close and when opening fails half way. Two kinds of failure:
 * <ul>
 *   <li>real ones the kernel can be made to give: BIND_IOMMUFD while the group is open on the legacy path (EBUSY),
 *   the group's open while the device is bound through its cdev (EBUSY), BIND_IOMMUFD without interrupt isolation
 *   (virtio-iommu with iommufd's allow_unsafe_interrupts off: EPERM), GET_DEVICE_FD of a device that is not in the
 *   group, the cdev path where the kernel has no iommufd (open of iommu: ENOENT);</li>
 *   <li>every other step: the real call is replaced by an EIO at step k, for every k of a clean open (the calls before
 *   it were real, so were the fds they returned, and the unwinding closes them on the real kernel).</li>
 * </ul>
 * After each case /proc/self/fd must hold no vfio/iommufd/dma-buf fd the case opened, and the device must open
 * cleanly again. Prints one line per case, {@code CASE <name> ok|FAIL <detail>}, then {@code SUMMARY <ok> <failed>};
 * exits 1 when a case failed. KernelLabIT asserts on the lines.
 */
public final class OpenUnwindCheck {
    private final JnaKernel real = JnaKernel.live();
    private final List<String> lines = new ArrayList<>();
    private int failed;

    public static void main(String[] args) throws Exception {
        OpenUnwindCheck c = new OpenUnwindCheck();
        c.run();
        c.lines.forEach(System.out::println);
        System.out.println("SUMMARY " + (c.lines.size() - c.failed) + " " + c.failed);
        System.exit(c.failed == 0 ? 0 : 1);
    }

    // ---- the recording, failure-injecting kernel ---------------------------------------------------------------

    /** What one case did across the boundary: fds in order of acquisition, closes in order, calls counted. */
    static final class Recorder {
        final List<Integer> acquired = new ArrayList<>();
        final List<String> acquiredWhat = new ArrayList<>();
        final List<Integer> closed = new ArrayList<>();
        final List<String> calls = new ArrayList<>();
        /** 1-based open/ioctl call to replace by EIO; 0: none. */
        int failAt;
        boolean injected;
    }

    /** A {@link Kernel} over the real one that records and may inject; a proxy, so it follows the interface. */
    static Kernel recording(Kernel real, Recorder rec) {
        return (Kernel) Proxy.newProxyInstance(Kernel.class.getClassLoader(), new Class<?>[] {Kernel.class},
                (proxy, m, a) -> {
                    String name = m.getName();
                    boolean counted = name.equals("open") || name.equals("ioctl");
                    if (counted) {
                        rec.calls.add(name + (name.equals("open") ? " " + a[0] : " 0x" + Long.toHexString((Long) a[1])));
                        if (!rec.injected && rec.failAt == rec.calls.size()) {
                            rec.injected = true;
                            throw new KernelException("injected " + rec.calls.get(rec.calls.size() - 1), "step "
                                    + rec.failAt, Errno.EIO.number(), null);
                        }
                    }
                    if (name.equals("close") && a != null && a.length == 1) {
                        rec.closed.add((Integer) a[0]);
                    }
                    Object r;
                    try {
                        r = m.invoke(real, a);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (name.equals("open")) {
                        rec.acquired.add((Integer) r);
                        rec.acquiredWhat.add((String) a[0]);
                    } else if (name.equals("ioctl") && a[2] instanceof byte[] && (Integer) r > 0
                            && returnsFd((Long) a[1])) {
                        rec.acquired.add((Integer) r);
                        rec.acquiredWhat.add("fd of ioctl 0x" + Long.toHexString((Long) a[1]));
                    }
                    return r;
                });
    }

    /** VFIO_GROUP_GET_DEVICE_FD and VFIO_DEVICE_FEATURE (DMA_BUF) return a new fd. */
    static boolean returnsFd(long request) {
        return request == org.vfioinspector.bridge.uapi.Vfio.VFIO_GROUP_GET_DEVICE_FD
                || request == org.vfioinspector.bridge.uapi.Vfio.VFIO_DEVICE_FEATURE;
    }

    // ---- /proc/self/fd -----------------------------------------------------------------------------------------

    /** fd -> link target of every open fd that is VFIO, iommufd or a dma-buf. */
    static TreeMap<Integer, String> kernelFds() throws IOException {
        TreeMap<Integer, String> out = new TreeMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path p : ds) {
                String target;
                try {
                    target = Files.readSymbolicLink(p).toString();
                } catch (IOException e) {
                    continue; // the directory stream's own fd, gone
                }
                if (target.startsWith("/dev/vfio") || target.equals("/dev/iommu") || target.contains("dmabuf")
                        || target.contains("vfio")) {
                    out.put(Integer.parseInt(p.getFileName().toString()), target);
                }
            }
        }
        return out;
    }

    // ---- cases --------------------------------------------------------------------------------------------------

    private void result(String name, boolean ok, String detail) {
        lines.add("CASE " + name + " " + (ok ? "ok" : "FAIL") + " " + detail.replace('\n', ' '));
        if (!ok) {
            failed++;
        }
    }

    /** What is wrong with a case's fd bookkeeping: "" when every acquired fd was closed, in reverse order, and none leaks. */
    private static String unwindProblem(Recorder rec, TreeMap<Integer, String> before) throws IOException {
        List<Integer> want = new ArrayList<>(rec.acquired);
        Collections.reverse(want);
        StringBuilder p = new StringBuilder();
        if (!want.equals(rec.closed)) {
            p.append("closes ").append(rec.closed).append(" are not the reverse of the fds acquired ")
                    .append(rec.acquired).append(' ').append(rec.acquiredWhat).append("; ");
        }
        TreeMap<Integer, String> after = kernelFds();
        after.keySet().removeAll(before.keySet());
        if (!after.isEmpty()) {
            p.append("left open in /proc/self/fd: ").append(after).append("; ");
        }
        return p.toString();
    }

    /** Opens on {@code path} through a recorder; the session, or the exception. */
    private record Attempt(DeviceSession session, KernelException error) {
    }

    private Attempt open(Recorder rec, DeviceTarget t, OpenPath path) {
        try {
            return new Attempt(DeviceSession.open(recording(real, rec), t, path), null);
        } catch (KernelException e) {
            return new Attempt(null, e);
        }
    }

    /** A clean open, a dma-buf and a mapping, close: everything in reverse. Returns the open's call count. */
    private int cleanOpen(String name, DeviceTarget t, OpenPath path) throws IOException {
        TreeMap<Integer, String> before = kernelFds();
        Recorder rec = new Recorder();
        Attempt a = open(rec, t, path);
        if (a.error != null) {
            result(name, false, "open failed: " + a.error.getMessage());
            return 0;
        }
        int calls = rec.calls.size();
        String extra = "";
        try (DeviceSession s = a.session) {
            if (s.openPath() != path) {
                result(name, false, "opened on " + s.openPath() + ", not " + path);
                return calls;
            }
            RegionInfo bar0 = s.regionInfo(0);
            if (bar0.size() > 0) {
                Mapping m = s.mmap(bar0, bar0.pageSpan(), Kernel.PROT_READ);
                DmaBuf b = s.exportDmaBuf(0, List.of(new VfioDmaBuf.Range(0, bar0.pageSpan())),
                        Kernel.O_RDWR | Kernel.O_CLOEXEC, null);
                extra = ", BAR0 mapped (" + m.length() + " bytes) and exported (dma-buf fd " + b.fd() + ")";
            }
        } catch (KernelException e) {
            result(name, false, "after the open: " + e.getMessage());
            return calls;
        }
        String p = unwindProblem(rec, before);
        result(name, p.isEmpty(), p.isEmpty() ? "opened " + rec.acquiredWhat + extra + ", closed in reverse "
                + rec.closed : p);
        return calls;
    }

    /** Replaces open step k (1..calls) by EIO: the open fails, and the steps before it are undone in reverse. */
    private void injected(String name, DeviceTarget t, OpenPath path, int calls) throws IOException {
        for (int k = 1; k <= calls; k++) {
            TreeMap<Integer, String> before = kernelFds();
            Recorder rec = new Recorder();
            rec.failAt = k;
            Attempt a = open(rec, t, path);
            String step = name + "-step" + k;
            if (a.error == null) {
                closeQuietly(a.session);
                result(step, false, "the open succeeded although step " + k + " (" + rec.calls.get(k - 1)
                        + ") failed");
                continue;
            }
            String p = unwindProblem(rec, before);
            result(step, p.isEmpty() && a.error.getMessage().contains("injected"), "EIO at "
                    + rec.calls.get(k - 1) + " -> " + a.error.getMessage() + "; " + (p.isEmpty() ? "closed "
                    + rec.closed + " (reverse of " + rec.acquired + ")" : p));
        }
    }

    /** A real failure: {@code expectErrno} (or any when null) at the open, the session's fds undone in reverse. */
    private void realFailure(String name, DeviceTarget t, OpenPath path, Errno expectErrno, String expectOp)
            throws IOException {
        TreeMap<Integer, String> before = kernelFds();
        Recorder rec = new Recorder();
        Attempt a = open(rec, t, path);
        if (a.error == null) {
            closeQuietly(a.session);
            result(name, false, "the open succeeded; the kernel was expected to refuse it");
            return;
        }
        KernelException e = a.error;
        boolean errnoOk = expectErrno == null || e.errno() == expectErrno.number();
        boolean opOk = expectOp == null || String.valueOf(e.operation()).contains(expectOp);
        String p = unwindProblem(rec, before);
        result(name, errnoOk && opOk && p.isEmpty(), e.getMessage() + e.remedy().map(r -> " [" + r + "]").orElse("")
                + " after " + rec.calls + "; " + (p.isEmpty() ? "closed " + rec.closed + " (reverse of "
                + rec.acquired + ")" : p) + (errnoOk ? "" : "; expected " + expectErrno)
                + (opOk ? "" : "; expected the failure at " + expectOp));
    }

    private static void closeQuietly(DeviceSession s) {
        try {
            s.close();
        } catch (KernelException ignored) {
            // reported by the case that opened it
        }
    }

    private void run() throws Exception {
        List<DeviceTarget> targets = new ArrayList<>();
        for (PciDevice d : new HostScanner(HostPaths.live(), PciIds.loadDefault()).scan().devices()) {
            if (d.driver().filter(DeviceTarget.VFIO_PCI::equals).isPresent() && d.iommuGroup().isPresent()) {
                targets.add(DeviceTarget.of(d));
            }
        }
        if (targets.isEmpty()) {
            result("devices", false, "no vfio-pci device in an IOMMU group");
            return;
        }
        DeviceTarget t = targets.get(0);
        // sysfs vfio-dev/vfioN exists on every kernel; the node only with CONFIG_VFIO_DEVICE_CDEV
        boolean cdevKernel = t.cdev() != null && Files.exists(Path.of("/dev/vfio/devices/" + t.cdev()))
                && Files.exists(Path.of("/dev/iommu"));
        lines.add("INFO device " + t.bdf() + " group " + t.group() + " sysfs vfio-dev " + t.cdev() + ", cdev node "
                + (t.cdev() != null && Files.exists(Path.of("/dev/vfio/devices/" + t.cdev()))) + ", iommufd "
                + Files.exists(Path.of("/dev/iommu")));

        int legacyCalls = cleanOpen("legacy-clean", t, OpenPath.LEGACY);
        injected("legacy-inject", t, OpenPath.LEGACY, legacyCalls);
        // GET_DEVICE_FD of a device that is not in the group opened: the kernel refuses the last step
        DeviceTarget other = targets.stream().filter(o -> o.group() != t.group()).findFirst().orElse(null);
        if (other != null) {
            realFailure("legacy-real-device-not-in-group", new DeviceTarget(t.bdf(), other.group(), null, t.driver()),
                    OpenPath.LEGACY, null, "VFIO_GROUP_GET_DEVICE_FD");
        }
        if (!cdevKernel) {
            realFailure("cdev-real-no-iommufd", t, OpenPath.CDEV, Errno.ENOENT, "open");
            return;
        }
        int cdevCalls = cleanOpen("cdev-clean", t, OpenPath.CDEV);
        injected("cdev-inject", t, OpenPath.CDEV, cdevCalls);

        // the group is open (a legacy session): binding the cdev to an iommufd is refused
        try (DeviceSession legacy = DeviceSession.open(real, t, OpenPath.LEGACY)) {
            realFailure("cdev-real-group-open", t, OpenPath.CDEV, Errno.EBUSY, "BIND_IOMMUFD");
            legacy.deviceInfo(); // the holder is unharmed
        }
        // the device is bound through its cdev: opening its group is refused
        try (DeviceSession cdev = DeviceSession.open(real, t, OpenPath.CDEV)) {
            realFailure("legacy-real-cdev-bound", t, OpenPath.LEGACY, Errno.EBUSY, "open");
            cdev.deviceInfo();
        }
        // no interrupt isolation (virtio-iommu) and iommufd's allow_unsafe_interrupts off: BIND_IOMMUFD says EPERM
        Path unsafe = Path.of("/sys/module/iommufd/parameters/allow_unsafe_interrupts");
        if (Files.exists(unsafe) && Files.readString(unsafe).trim().equals("Y")) {
            Files.writeString(unsafe, "N");
            try {
                realFailure("cdev-real-no-msi-isolation", t, OpenPath.CDEV, Errno.EPERM, "BIND_IOMMUFD");
            } finally {
                Files.writeString(unsafe, "Y");
            }
        } else {
            lines.add("INFO no EPERM case: iommufd allow_unsafe_interrupts is off, so the IOMMU isolates MSIs here");
        }
        // and after all that the device opens cleanly on both paths again
        cleanOpen("cdev-clean-again", t, OpenPath.CDEV);
        cleanOpen("legacy-clean-again", t, OpenPath.LEGACY);
    }
}
