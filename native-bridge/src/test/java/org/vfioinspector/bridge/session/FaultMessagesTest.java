package org.vfioinspector.bridge.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.vfioinspector.bridge.kernel.Errno;
import org.vfioinspector.bridge.kernel.KernelException;
import org.vfioinspector.bridge.uapi.VfioDmaBuf;

/**
 * Each fault a classroom machine produces gives a message naming the operation, the target and the errno, with a
 * remedy; the remedies name the permission a feature needs and never tell the user to run as root.
 */
class FaultMessagesTest {
    private static final DeviceTarget NVME = new DeviceTarget(ScriptedKernel.BDF, 7, null, DeviceTarget.VFIO_PCI);

    @Test
    void permissionDeniedOnTheGroupNodeNamesTheNodeAndThePermission() {
        // what JnaKernel throws when open(2) of /dev/vfio/7 fails with EACCES (root cannot provoke it in a test)
        KernelException e = Remedies.attach(new KernelException("open", "vfio/7", Errno.EACCES.number(), null), 7);
        assertEquals("open on vfio/7: EACCES (Permission denied)", e.getMessage());
        String remedy = e.remedy().orElseThrow();
        assertTrue(remedy.startsWith("No permission on the device node vfio/7: your user needs read and write "
                + "access to it."), remedy);
        // and a scripted open that fails is unwound completely
        ScriptedKernel k = new ScriptedKernel();
        k.failAt = 1;
        k.failErrno = Errno.EACCES.number();
        assertEquals("EACCES", assertThrows(KernelException.class,
                () -> DeviceSession.open(k, NVME, OpenPath.LEGACY)).errnoName());
        assertTrue(k.open.isEmpty(), "nothing leaks");
    }

    @Test
    void noRemedyAsksForRoot() {
        for (Errno errno : List.of(Errno.EACCES, Errno.EPERM)) {
            for (String target : List.of("vfio/vfio", "vfio/7", "iommu", "vfio/devices/vfio0", "0000:00:04.0")) {
                for (String op : List.of("open", "VFIO_DEVICE_RESET", "pwrite")) {
                    String r = Remedies.remedy(op, target, errno.number(), 7);
                    assertTrue(r != null && !r.isBlank(), op + " " + target);
                    assertFalse(r.toLowerCase(Locale.ROOT).contains("run as root"), r);
                }
            }
        }
    }

    @Test
    void groupBusyAndDeviceGoneSayWhatHappened() {
        assertTrue(Remedies.remedy("VFIO_GROUP_SET_CONTAINER", "vfio/7", Errno.EBUSY.number(), 7)
                .contains("IOMMU group 7 is busy"));
        assertTrue(Remedies.remedy("VFIO_DEVICE_GET_REGION_INFO", "0000:00:04.0", Errno.ENODEV.number(), 7)
                .startsWith("The device is gone"));
    }

    /** What the harness's iommufd kernel answered (kernel-lab open-unwind), each with its own remedy. */
    @Test
    void cdevAndGroupRefusalsOfTheRealKernelSayWhy() {
        assertTrue(Remedies.remedy("VFIO_DEVICE_BIND_IOMMUFD", "vfio/devices/vfio0", Errno.EPERM.number(), 7)
                .contains("iommufd.allow_unsafe_interrupts=1"));
        assertTrue(Remedies.remedy("VFIO_GROUP_GET_DEVICE_FD", "vfio/7", Errno.ENODEV.number(), 7)
                .startsWith("IOMMU group 7 has no device of that name"));
        assertTrue(Remedies.remedy("VFIO_DEVICE_BIND_IOMMUFD", "vfio/devices/vfio0", Errno.EBUSY.number(), 7)
                .contains("IOMMU group 7 is busy"));
    }

    @Test
    void aKernelWithoutTheDmaBufFeatureSaysWhichKernelHasIt() throws Exception {
        ScriptedKernel k = new ScriptedKernel();
        try (DeviceSession s = DeviceSession.open(k, NVME, OpenPath.LEGACY)) {
            k.failAt = k.steps + 1;
            k.failErrno = Errno.ENOTTY.number();
            KernelException e = assertThrows(KernelException.class, () -> s.exportDmaBuf(0,
                    List.of(new VfioDmaBuf.Range(0, 4096)), 2, null));
            KernelException named = Remedies.attach(e, 7);
            assertEquals("ENOTTY", named.errnoName());
            assertTrue(named.remedy().orElseThrow().contains("Linux 6.19"), named.remedy().toString());
        }
    }

    @Test
    void tracefsMissingSaysWhatToMountAndThatTheRestWorks(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
        org.vfioinspector.bridge.kernel.KernelEvents.Availability a =
                org.vfioinspector.bridge.kernel.trace.TraceFsEvents.check(tmp.resolve("sys/kernel/tracing"));
        assertFalse(a.available());
        assertTrue(a.missing().get(0).startsWith("tracefs is not mounted at "), a.missing().toString());
        assertTrue(a.remedy().contains("mount -t tracefs nodev"), a.remedy());
        assertTrue(a.remedy().contains("everything else works without") || a.remedy().contains("Everything else"),
                a.remedy());
        assertFalse(a.remedy().toLowerCase(Locale.ROOT).contains("as root"), a.remedy());
    }
}
