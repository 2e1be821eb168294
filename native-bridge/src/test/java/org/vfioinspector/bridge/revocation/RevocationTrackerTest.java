package org.vfioinspector.bridge.revocation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vfioinspector.bridge.kernel.KernelEvent;
import org.vfioinspector.bridge.model.PciAddress;

/** Kernel events → per-buffer transitions, in the orders a real 7.2 kernel emits them (facts §9). */
class RevocationTrackerTest {
    private static final PciAddress A = PciAddress.parse("0000:00:07.0");
    private static final PciAddress B = PciAddress.parse("0000:01:00.0");

    private static KernelEvent ev(KernelEvent.Kind k, PciAddress d, long ino) {
        return new KernelEvent(0, k, "f", d, ino, "");
    }

    @Test
    void lifecycle() {
        RevocationTracker t = new RevocationTracker();
        List<String> seen = new ArrayList<>();
        t.addListener(tr -> seen.add(tr.key() + ":" + tr.label()));
        long a = t.track(100, A, RevocationTracker.State.ACTIVE);
        long b = t.track(200, B, RevocationTracker.State.ACTIVE);
        t.accept(ev(KernelEvent.Kind.ZAP, A, -1));
        t.accept(ev(KernelEvent.Kind.REVOKE, A, -1));
        t.accept(ev(KernelEvent.Kind.INVALIDATE, null, 100));
        t.accept(ev(KernelEvent.Kind.REVOKE, A, -1));
        t.accept(ev(KernelEvent.Kind.RESTORE, A, -1));
        assertEquals(List.of("100:revoke", "100:restore"), seen, "a repeated revoke is no new transition; B untouched");
        seen.clear();
        t.accept(ev(KernelEvent.Kind.PERMANENT, A, -1));
        t.accept(ev(KernelEvent.Kind.REVOKE, A, -1));
        t.accept(ev(KernelEvent.Kind.RESTORE, A, -1));
        assertEquals(List.of("100:permanent"), seen, "the empty move(0) after cleanup is no restore");
        assertEquals(RevocationTracker.State.DEAD, t.state(a));
        assertEquals(RevocationTracker.State.ACTIVE, t.state(b));
        t.accept(ev(KernelEvent.Kind.RELEASE, null, 100));
        assertEquals(RevocationTracker.State.RELEASED, t.state(a));
        seen.clear();
        t.accept(ev(KernelEvent.Kind.REVOKE, null, -1));
        assertEquals(List.of("200:revoke"), seen, "an event without a device reaches every tracked buffer");
    }

    @Test
    void bornRevokedAndUnknownInodes() {
        RevocationTracker t = new RevocationTracker();
        long k1 = t.track(-1, A, RevocationTracker.State.REVOKED);
        long k2 = t.track(-1, A, RevocationTracker.State.ACTIVE);
        assertEquals(true, k1 != k2 && k1 < -1 && k2 < -1);
        List<String> seen = new ArrayList<>();
        t.addListener(tr -> seen.add(tr.label()));
        t.accept(ev(KernelEvent.Kind.RESTORE, A, -1));
        assertEquals(List.of("restore"), seen);
        t.forget(k1);
        assertEquals(null, t.state(k1));
    }
}
