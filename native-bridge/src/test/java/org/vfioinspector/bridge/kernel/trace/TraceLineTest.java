package org.vfioinspector.bridge.kernel.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vfioinspector.bridge.kernel.KernelEvent;
import org.vfioinspector.bridge.kernel.KernelEvents;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.sysfs.HostPaths;

/** trace_pipe lines → KernelEvent, table-tested on realistic lines; tracefs availability and stale cleanup. */
class TraceLineTest {
    private static KernelEvent event(String line) {
        return TraceLine.parse(line).flatMap(TraceLine::toKernelEvent).orElseThrow(() -> new AssertionError(line));
    }

    @Test
    void revokeAndRestore() {
        KernelEvent e = event("  java-123  [001] .....  1234.567890: dmabuf_move: (vfio_pci_dma_buf_move+0x4/0x1a0 "
                + "[vfio_pci_core]) vdev=0xffff888103a8c000 revoked=1");
        assertEquals(KernelEvent.Kind.REVOKE, e.kind());
        assertEquals("vfio_pci_dma_buf_move", e.function());
        assertEquals(1234_567_890_000L, e.timestampNanos());
        assertNull(e.device());
        assertEquals(-1, e.dmaBufInode());
        KernelEvent r = event("<...>-4711 [000] d..1. 99.000001: dmabuf_move: (vfio_pci_dma_buf_move+0x0/0x1a0) "
                + "vdev=0xffff888103a8c000 revoked=0x0 bdf=\"0000:00:07.0\"");
        assertEquals(KernelEvent.Kind.RESTORE, r.kind());
        assertEquals(PciAddress.parse("0000:00:07.0"), r.device());
        assertEquals(99_000_001_000L, r.timestampNanos());
    }

    @Test
    void everyProbedFunction() {
        String[][] table = {
            {"kworker/u8:2-77 [003] ..... 5.5: dmabuf_inval: (dma_buf_invalidate_mappings+0x4/0x90) ino=4242 size=16384",
                "INVALIDATE", "4242"},
            {"java-9 [000] ..... 5.5: dmabuf_inval: (dma_buf_move_notify+0x4/0x90) ino=0x10 size=4096", "INVALIDATE", "16"},
            {"java-9 [000] ..... 5.5: dmabuf_cleanup: (vfio_pci_dma_buf_cleanup+0x4/0x100 [vfio_pci_core]) vdev=0xffff1",
                "PERMANENT", "-1"},
            {"java-9 [000] ..... 5.5: dmabuf_release: (vfio_pci_dma_buf_release+0x4/0x80 [vfio_pci_core]) ino=77",
                "RELEASE", "77"},
            {"Java Thread-12 [001] ..... 5.5: zap: (vfio_pci_zap_and_down_write_memory_lock+0x4/0x60 [vfio_pci_core]) "
                + "vdev=0xffff1", "ZAP", "-1"},
            {"java-9 (    9) [000] ..... 5.5: dmabuf_move: (vfio_pci_dma_buf_move+0x4/0x1a0) vdev=0x1 revoked=1",
                "REVOKE", "-1"},
            {"java-9 [000] 5.5: dmabuf_cleanup: vdev=0x1", "PERMANENT", "-1"},
        };
        for (String[] row : table) {
            KernelEvent e = event(row[0]);
            assertEquals(KernelEvent.Kind.valueOf(row[1]), e.kind(), row[0]);
            assertEquals(Long.parseLong(row[2]), e.dmaBufInode(), row[0]);
        }
        assertEquals("Java Thread", TraceLine.parse(table[4][0]).orElseThrow().task());
    }

    @Test
    void linesThatAreNotEvents() {
        for (String s : List.of("", "# tracer: nop", "CPU:1 [LOST 12 EVENTS]", "garbage",
                "java-1 [000] ..... 1.0: tracing_mark_write: vfioinsp-sync-3",
                "java-1 [000] ..... 1.0: sched_switch: prev_comm=java")) {
            assertTrue(TraceLine.parse(s).flatMap(TraceLine::toKernelEvent).isEmpty(), s);
        }
    }

    @Test
    void availabilitySaysWhatIsMissing(@TempDir Path tmp) throws Exception {
        HostPaths p = HostPaths.under(tmp);
        KernelEvents.Availability a = new TraceFsEvents(p).availability();
        assertEquals(false, a.available());
        assertTrue(a.missing().get(0).contains("tracefs is not mounted"), a.toString());
        assertTrue(a.remedy().contains("mount -t tracefs"));

        Path t = Files.createDirectories(p.sys("kernel/tracing"));
        assertTrue(TraceFsEvents.check(t).missing().get(0).contains("dynamic_events"));
        Files.writeString(t.resolve("dynamic_events"), "");
        Files.writeString(t.resolve("available_filter_functions"),
                "vfio_pci_dma_buf_move [vfio_pci_core]\nvfio_pci_dma_buf_cleanup [vfio_pci_core]\n"
                        + "dma_buf_invalidate_mappings\n");
        KernelEvents.Availability partial = TraceFsEvents.check(t);
        assertTrue(partial.available(), "the required functions are there");
        assertEquals(List.of("vfio_pci_dma_buf_release is not in " + t.resolve("available_filter_functions"),
                "vfio_pci_zap_and_down_write_memory_lock is not in " + t.resolve("available_filter_functions")),
                partial.missing());
        Files.writeString(t.resolve("available_filter_functions"), "dma_buf_invalidate_mappings\n");
        KernelEvents.Availability none = TraceFsEvents.check(t);
        assertEquals(false, none.available());
        assertTrue(none.remedy().contains("6.19"));
    }

    @Test
    void staleGroupsOfDeadProcessesOnlyAreRemoved(@TempDir Path tmp) throws Exception {
        HostPaths p = HostPaths.under(tmp);
        Path t = Files.createDirectories(p.sys("kernel/tracing"));
        Files.createDirectories(p.proc("555"));
        Files.writeString(t.resolve("dynamic_events"),
                "f:vfioinsp_555_1/dmabuf_move vfio_pci_dma_buf_move vdev=vdev revoked=revoked\n"
                        + "f:vfioinsp_999_2/dmabuf_move vfio_pci_dma_buf_move vdev=vdev revoked=revoked\n"
                        + "f:other/dmabuf_move vfio_pci_dma_buf_move\n");
        Files.createDirectories(t.resolve("instances/vfioinsp_999_2"));
        assertEquals(List.of("vfioinsp_999_2"), TraceFsEvents.removeStale(t, p));
        assertTrue(Files.readString(t.resolve("dynamic_events")).endsWith("-:vfioinsp_999_2/dmabuf_move\n"),
                "removal is appended, never truncating: " + Files.readString(t.resolve("dynamic_events")));
        assertTrue(Files.notExists(t.resolve("instances/vfioinsp_999_2")));
    }
}
