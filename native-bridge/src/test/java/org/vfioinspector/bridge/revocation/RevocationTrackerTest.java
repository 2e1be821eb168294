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
        t.addListener(tr -> seen.add(tr.object().inode() + ":" + tr.label()));
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
        seen.clear();
        t.accept(ev(KernelEvent.Kind.RELEASE, null, 100));
        assertEquals(RevocationTracker.State.DEAD, t.state(a));
        assertEquals(List.of(), seen, "a buffer revoked for good stays dead when released");
        t.accept(ev(KernelEvent.Kind.RELEASE, null, 200));
        assertEquals(List.of("200:release"), seen, "a live buffer released is dead too");
        seen.clear();
        long c = t.track(300, B, RevocationTracker.State.ACTIVE);
        t.accept(ev(KernelEvent.Kind.REVOKE, null, -1));
        assertEquals(List.of("300:revoke"), seen, "an event without a device reaches every tracked buffer");
        assertEquals(RevocationTracker.State.REVOKED, t.state(c));
    }

    @Test
    void bornRevokedAndUnknownInodes() {
        RevocationTracker t = new RevocationTracker();
        long k1 = t.track(-1, A, RevocationTracker.State.REVOKED);
        long k2 = t.track(-1, A, RevocationTracker.State.ACTIVE);
        assertEquals(true, k1 != k2);
        List<String> seen = new ArrayList<>();
        t.addListener(tr -> seen.add(tr.label()));
        t.accept(ev(KernelEvent.Kind.RESTORE, A, -1));
        assertEquals(List.of("restore"), seen);
        assertEquals(RevocationTracker.State.RESTORED, t.state(k1));
        assertEquals(RevocationTracker.State.ACTIVE, t.state(k2), "a restore leaves what was never revoked alone");
        t.forget(k1);
        assertEquals(null, t.state(k1));
    }

    /** Mappings move on the zap, dma-bufs and attachments on the move; the app letting go is DEAD without an event. */
    @Test
    void mappingsDmaBufsAndAttachments() {
        RevocationTracker t = new RevocationTracker();
        long m = t.track(RevocationTracker.Kind.MAPPING, A, 0, -1, "BAR0", RevocationTracker.State.ACTIVE);
        long b = t.track(RevocationTracker.Kind.DMABUF, A, 0, 7, "BAR0 dma-buf", RevocationTracker.State.ACTIVE);
        long at = t.track(RevocationTracker.Kind.ATTACHMENT, A, 0, 7, "iommufd", RevocationTracker.State.ACTIVE);
        RevocationTracker.Effect zap = t.apply(ev(KernelEvent.Kind.ZAP, A, -1));
        assertEquals("1 mmap → revoked", zap.summary());
        assertEquals(RevocationTracker.State.ACTIVE, t.state(b), "the zap is the mappings' revoke only");
        RevocationTracker.Effect rev = t.apply(ev(KernelEvent.Kind.REVOKE, A, -1));
        assertEquals("1 dma-buf, 1 attachment → revoked", rev.summary());
        assertEquals("importers told to drop their mappings", t.apply(ev(KernelEvent.Kind.INVALIDATE, A, 7)).summary());
        assertEquals(3, t.apply(ev(KernelEvent.Kind.RESTORE, A, -1)).transitions().size());
        assertEquals(RevocationTracker.State.RESTORED, t.state(at));
        assertEquals(1, t.letGo(RevocationTracker.Kind.MAPPING, A).size());
        assertEquals(RevocationTracker.State.DEAD, t.state(m));
        RevocationTracker.Effect perm = t.apply(ev(KernelEvent.Kind.PERMANENT, A, -1));
        assertEquals(List.of("permanent", "permanent"), perm.transitions().stream().map(RevocationTracker.Transition::label)
                .toList());
        assertEquals("no tracked object changed", t.apply(ev(KernelEvent.Kind.RESTORE, A, -1)).summary());
    }

    @Test
    void aType1MappingOutlivesEveryEventOfItsPeer() {
        RevocationTracker t = new RevocationTracker();
        long type1 = t.track(RevocationTracker.Kind.TYPE1, A, 2, -1, "BAR2 in B's container", RevocationTracker.State.ACTIVE);
        long buf = t.track(RevocationTracker.Kind.DMABUF, A, 2, 100, "BAR2 dma-buf", RevocationTracker.State.ACTIVE);
        for (KernelEvent.Kind k : KernelEvent.Kind.values()) {
            t.accept(ev(k, A, -1));
            t.accept(ev(k, A, 100));
        }
        assertEquals(RevocationTracker.State.ACTIVE, t.state(type1), "nothing the exporter does reaches type1");
        assertEquals(RevocationTracker.State.DEAD, t.state(buf));
        assertEquals(1, t.letGo(type1).size(), "the app closed the container");
        assertEquals(RevocationTracker.State.DEAD, t.state(type1));
        assertEquals(0, t.letGo(type1).size(), "dead once");
    }

    @Test
    void anAttachmentMappedAgainAfterARestoreIsActive() {
        RevocationTracker t = new RevocationTracker();
        long att = t.track(RevocationTracker.Kind.ATTACHMENT, A, 0, 100, "iommufd", RevocationTracker.State.ACTIVE);
        assertEquals(0, t.mapped(att).size(), "already active");
        t.accept(ev(KernelEvent.Kind.REVOKE, A, -1));
        t.accept(ev(KernelEvent.Kind.RESTORE, A, -1));
        assertEquals(RevocationTracker.State.RESTORED, t.state(att));
        List<RevocationTracker.Transition> m = t.mapped(att);
        assertEquals(1, m.size());
        assertEquals(RevocationTracker.State.RESTORED, m.get(0).from());
        assertEquals(RevocationTracker.State.ACTIVE, t.state(att));
        t.accept(ev(KernelEvent.Kind.PERMANENT, A, -1));
        assertEquals(0, t.mapped(att).size(), "a dead attachment does not come back");
        assertEquals(RevocationTracker.State.DEAD, t.state(att));
    }
}
