package org.vfioinspector.bridge.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vfioinspector.bridge.kernel.Errno;
import org.vfioinspector.bridge.kernel.KernelException;
import org.vfioinspector.bridge.kernel.jna.JnaKernel;
import org.vfioinspector.bridge.sysfs.HostPaths;

/** Opening, unwinding and the state-change guard, on a scripted kernel and (for ENOENT) on the real one. */
class DeviceSessionTest {
    private static final DeviceTarget NVME = new DeviceTarget(ScriptedKernel.BDF, 7, null, "vfio-pci");

    @Test
    void legacyOpenSequenceAndReverseClose() throws Exception {
        ScriptedKernel k = new ScriptedKernel();
        try (DeviceSession s = DeviceSession.open(k, NVME, OpenPath.AUTO)) {
            assertEquals(OpenPath.LEGACY, s.openPath());
            assertEquals(List.of("open vfio/vfio", "VFIO_GET_API_VERSION", "VFIO_CHECK_EXTENSION", "open vfio/7",
                    "VFIO_GROUP_GET_STATUS", "VFIO_GROUP_SET_CONTAINER", "VFIO_SET_IOMMU", "VFIO_GROUP_GET_DEVICE_FD"),
                    k.calls);
            RegionInfo bar0 = s.regionInfo(0);
            assertEquals(List.of("MSIX_MAPPABLE"), bar0.capNames(), "re-queried with the larger argsz");
            assertEquals(List.of("READ", "WRITE", "MMAP", "CAPS"), bar0.flagNames());
            assertEquals("EINVAL", s.regionInfoOutcome(8).result());
            assertEquals(ScriptedKernel.BAR0_VALUE, s.mmapProbe(bar0).value());
            s.exportDmaBuf(0, List.of(new org.vfioinspector.bridge.uapi.VfioDmaBuf.Range(0, 0x4000)), 0, null);
            k.calls.clear();
        }
        assertEquals(List.of("close dmabuf", "close device", "close vfio/7", "close vfio/vfio"), k.calls);
        assertTrue(k.open.isEmpty(), "nothing left open: " + k.open);
    }

    @Test
    void everyFailingStepUnwindsEverything() {
        for (int k = 1; k <= 8; k++) {
            ScriptedKernel kernel = new ScriptedKernel();
            kernel.failAt = k;
            kernel.failErrno = Errno.EBUSY.number();
            KernelException e = assertThrows(KernelException.class,
                    () -> DeviceSession.open(kernel, NVME, OpenPath.LEGACY), "step " + k);
            assertEquals("EBUSY", e.errnoName());
            assertTrue(kernel.open.isEmpty(), "step " + k + " leaked " + kernel.open);
            assertTrue(e.remedy().orElse("").contains("busy"), e.remedy().toString());
        }
    }

    @Test
    void notViableNamesTheFix() {
        ScriptedKernel k = new ScriptedKernel();
        k.viable = false;
        KernelException e = assertThrows(KernelException.class, () -> DeviceSession.open(k, NVME, OpenPath.LEGACY));
        assertTrue(e.getMessage().contains("not viable"));
        assertTrue(e.remedy().orElseThrow().contains("iommu_groups/7/devices"));
        assertTrue(k.open.isEmpty());
    }

    @Test
    void stateChangesOnlyOnVfioPci() throws Exception {
        ScriptedKernel k = new ScriptedKernel();
        DeviceTarget other = new DeviceTarget(ScriptedKernel.BDF, 7, null, "nvgrace-gpu-vfio-pci");
        try (DeviceSession s = DeviceSession.open(k, other, OpenPath.LEGACY)) {
            KernelException e = assertThrows(KernelException.class, s::reset);
            assertTrue(e.getMessage().contains("not vfio-pci"));
            assertThrows(KernelException.class, () -> s.setMemoryEnabled(false));
            assertTrue(s.memoryEnabled(), "inspecting still works");
        }
    }

    @Test
    void memoryEnableBitThroughConfigSpace() throws Exception {
        ScriptedKernel k = new ScriptedKernel();
        try (DeviceSession s = DeviceSession.open(k, NVME, OpenPath.LEGACY)) {
            s.setMemoryEnabled(false);
            assertFalse(k.memOn);
            assertEquals("EIO", s.preadProbe(s.regionInfo(0)).result());
            assertEquals("SIGBUS", s.mmapProbe(s.regionInfo(0)).result());
            s.setMemoryEnabled(true);
            assertTrue(s.memoryEnabled());
        }
    }

    @Test
    void missingContainerOnTheRealKernelIsEnoentWithARemedy(@TempDir Path tmp) {
        try (JnaKernel real = new JnaKernel(HostPaths.under(tmp))) {
            KernelException e = assertThrows(KernelException.class, () -> DeviceSession.open(real, NVME, OpenPath.AUTO));
            assertEquals("ENOENT", e.errnoName());
            assertEquals("vfio/vfio", e.target());
            assertTrue(e.remedy().orElseThrow().contains("modprobe vfio-pci"));
        }
    }
}
