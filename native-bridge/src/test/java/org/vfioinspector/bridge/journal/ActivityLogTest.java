package org.vfioinspector.bridge.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vfioinspector.bridge.kernel.KernelEvent;
import org.vfioinspector.bridge.model.PciAddress;

class ActivityLogTest {
    private final ActivityLog log = new ActivityLog(Clock.fixed(Instant.parse("2026-11-21T10:00:00Z"),
            ZoneOffset.UTC));

    @Test
    void recordsInOrderAndTellsListenersAtOnce() {
        List<Activity> seen = new ArrayList<>();
        log.subscribe(seen::add);
        PciAddress nvme = PciAddress.parse("0000:00:04.0");
        log.host("lab qemu-q35", Map.of("profile", "linux-7.2"));
        log.action("export", nvme, 0, "ok", "dma-buf", Map.of("inode", "42"));
        log.event(new KernelEvent(5, KernelEvent.Kind.REVOKE, "vfio_pci_dma_buf_move", nvme, 42, "revoked=1"));

        assertEquals(log.entries(), seen);
        assertEquals(List.of(1L, 2L, 3L), seen.stream().map(Activity::seq).toList());
        Activity event = seen.get(2);
        assertEquals(Activity.Type.EVENT, event.type());
        assertEquals("revoke", event.operation());
        assertEquals("vfio_pci_dma_buf_move", event.result());
        assertEquals("42", event.fact("inode").orElseThrow());
        assertEquals("linux-7.2", seen.get(0).fact("profile").orElseThrow());
    }

    @Test
    void aFailingListenerLosesNothingForTheOthers() {
        List<Activity> seen = new ArrayList<>();
        log.subscribe(a -> {
            throw new IllegalStateException("disk full");
        });
        log.subscribe(seen::add);
        log.action("reset", PciAddress.parse("0000:00:04.0"), -1, "EINVAL", "no reset", null);
        assertEquals(1, seen.size());
        assertEquals(1, log.entries().size());
        assertEquals(Map.of(), seen.get(0).facts());
    }

    @Test
    void anActivityNeedsItsTypeOperationAndResult() {
        assertThrows(NullPointerException.class, () -> new Activity(1, Instant.EPOCH, Activity.Type.ACTION, null,
                null, -1, "ok", "", Map.of()));
    }
}
