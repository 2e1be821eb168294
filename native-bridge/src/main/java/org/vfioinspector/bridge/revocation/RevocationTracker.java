package org.vfioinspector.bridge.revocation;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.vfioinspector.bridge.kernel.KernelEvent;
import org.vfioinspector.bridge.model.PciAddress;

/**
 * The one model of what the kernel's revocation does to what a user holds: BAR mappings, dma-bufs and importers'
 * attachments (and, for contrast, a BAR mapped into another device's type1 container, which nothing revokes), each ACTIVE → REVOKED (temporarily: reset, memory decoding off, D3) → RESTORED (usable again; an
 * importer must map again, the kernel does not do it for it) and → DEAD for good (the device was closed:
 * vfio_pci_dma_buf_cleanup; the buffer was released; the app unmapped or closed it). The probe and the GUI (through
 * a thin FX adapter) both use it. Plain Java, thread-safe: events may arrive on a kernel-side thread; listeners are
 * called on that thread, outside the lock, in event order.
 *
 * <p>How an event moves the objects (facts §4): REVOKE (vfio_pci_dma_buf_move revoked=1) → the device's dma-bufs
 * (the one inode, when the event names one) and their attachments; ZAP (vfio_pci_zap_and_down_write_memory_lock)
 * → the device's mappings; RESTORE (move revoked=0) → what is revoked of the device; PERMANENT → the device's
 * dma-bufs and attachments, for good; RELEASE → that buffer and its attachments. An event without a device reaches
 * every object. A move(revoked=0) finds nothing to restore on a DEAD object: after cleanup the kernel's list is
 * empty, and no "restore" is reported.
 */
public final class RevocationTracker implements Consumer<KernelEvent> {
    /** What is tracked. */
    public enum Kind {
        MAPPING("mmap"), DMABUF("dma-buf"), ATTACHMENT("attachment"),
        /**
         * A peer's BAR mapped into another device's type1 container (VFIO_IOMMU_MAP_DMA of its mmap): no event of
         * the peer's ever moves it, which is the point (facts §7); it dies when the app closes the container.
         */
        TYPE1("type1 map");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** An object's state as the kernel left it. */
    public enum State {
        /** Usable. */
        ACTIVE,
        /** Revoked by the kernel (reset, memory decoding off, low power); may come back. */
        REVOKED,
        /** Usable again after a revoke; importers must map again (the kernel does not tell them). */
        RESTORED,
        /** Gone for good: the device was closed (dma-buf cleanup), the buffer released, or the app let it go. */
        DEAD;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        boolean usable() {
            return this == ACTIVE || this == RESTORED;
        }
    }

    /**
     * One tracked object.
     *
     * @param key         the tracker's key
     * @param kind        mapping, dma-buf or attachment
     * @param device      the exporting device (whose events move it)
     * @param region      the region index (BAR), or -1
     * @param inode       the dma-buf inode (a dma-buf and its attachments), or -1 when unknown
     * @param description "BAR2 [0, 8M)", "importer iommufd"
     */
    public record Tracked(long key, Kind kind, PciAddress device, int region, long inode, String description) {
    }

    /**
     * One change of one object.
     *
     * @param cause the kernel event that caused it, or null when the app itself let the object go
     */
    public record Transition(Tracked object, State from, State to, KernelEvent cause) {
        public long key() {
            return object.key();
        }

        public Kind kind() {
            return object.kind();
        }

        public PciAddress device() {
            return object.device();
        }

        /** "revoke", "restore", "permanent" or "release": the probe's names. */
        public String label() {
            if (to == State.DEAD) {
                return cause != null && cause.kind() == KernelEvent.Kind.RELEASE ? "release" : "permanent";
            }
            return to == State.REVOKED ? "revoke" : to == State.RESTORED ? "restore" : "active";
        }
    }

    /** What one event did: its transitions, and the timeline's words for them. */
    public record Effect(KernelEvent event, List<Transition> transitions) {
        /** "2 dma-bufs, 1 attachment → revoked", or what the event meant when it moved nothing. */
        public String summary() {
            if (transitions.isEmpty()) {
                return event != null && event.kind() == KernelEvent.Kind.INVALIDATE
                        ? "importers told to drop their mappings" : "no tracked object changed";
            }
            Map<Kind, Integer> moved = new EnumMap<>(Kind.class);
            transitions.forEach(t -> moved.merge(t.kind(), 1, Integer::sum));
            State to = transitions.get(transitions.size() - 1).to();
            return moved.entrySet().stream().map(m -> m.getValue() + " " + m.getKey().label()
                    + (m.getValue() == 1 ? "" : "s")).collect(Collectors.joining(", ")) + " → " + to.label();
        }
    }

    private static final class Entry {
        final Tracked object;
        State state;

        Entry(Tracked object, State state) {
            this.object = object;
            this.state = state;
        }
    }

    private final Map<Long, Entry> objects = new LinkedHashMap<>();
    private final List<Consumer<Transition>> listeners = new CopyOnWriteArrayList<>();
    private long nextKey = 1;

    /**
     * Starts tracking an object.
     *
     * @param initial ACTIVE, or REVOKED for a dma-buf exported while memory was disabled (born revoked)
     * @return the object's key
     */
    public synchronized long track(Kind kind, PciAddress device, int region, long inode, String description,
                                   State initial) {
        long key = nextKey++;
        objects.put(key, new Entry(new Tracked(key, kind, device, region, inode, description), initial));
        return key;
    }

    /** Starts tracking a dma-buf (the probe's use): by inode, -1 when unknown (device-wide events still reach it). */
    public long track(long inode, PciAddress device, State initial) {
        return track(Kind.DMABUF, device, -1, inode, "dma-buf ino " + inode, initial);
    }

    /** Stops tracking an object without a transition. */
    public synchronized void forget(long key) {
        objects.remove(key);
    }

    /** Forgets everything (a different host). */
    public synchronized void clear() {
        objects.clear();
    }

    /** The object's state, or null when it is not tracked. */
    public synchronized State state(long key) {
        Entry e = objects.get(key);
        return e == null ? null : e.state;
    }

    public synchronized Optional<Tracked> object(long key) {
        return Optional.ofNullable(objects.get(key)).map(e -> e.object);
    }

    /**
     * The app let objects go without the kernel saying so (it unmapped its mappings, closed the device): they are
     * DEAD. Returns the transitions, also told to the listeners.
     */
    public List<Transition> letGo(Kind kind, PciAddress device) {
        List<Transition> out = new ArrayList<>();
        synchronized (this) {
            for (Entry e : objects.values()) {
                if (e.object.kind() == kind && e.object.device().equals(device) && e.state != State.DEAD) {
                    out.add(new Transition(e.object, e.state, State.DEAD, null));
                    e.state = State.DEAD;
                }
            }
        }
        tell(out);
        return out;
    }

    /** The app let one object go (it detached an attachment, closed a container): DEAD. */
    public List<Transition> letGo(long key) {
        return move(key, State.DEAD, e -> e.state != State.DEAD);
    }

    /**
     * The app mapped an attachment again and the kernel accepted it: ACTIVE (a restore alone leaves importers
     * unmapped, facts §4.1; their own map makes them usable).
     */
    public List<Transition> mapped(long key) {
        return move(key, State.ACTIVE, e -> e.state != State.DEAD && e.state != State.ACTIVE);
    }

    private List<Transition> move(long key, State to, java.util.function.Predicate<Entry> when) {
        List<Transition> out = new ArrayList<>();
        synchronized (this) {
            Entry e = objects.get(key);
            if (e != null && when.test(e)) {
                out.add(new Transition(e.object, e.state, to, null));
                e.state = to;
            }
        }
        tell(out);
        return out;
    }

    public void addListener(Consumer<Transition> l) {
        listeners.add(l);
    }

    public void removeListener(Consumer<Transition> l) {
        listeners.remove(l);
    }

    @Override
    public void accept(KernelEvent e) {
        apply(e);
    }

    /** Applies one kernel event; returns what it did (also told to the listeners). */
    public Effect apply(KernelEvent e) {
        List<Transition> out = new ArrayList<>();
        synchronized (this) {
            for (Entry t : objects.values()) {
                if (e.device() != null && !e.device().equals(t.object.device())) {
                    continue;
                }
                State next = next(e, t.object, t.state);
                if (next != null) {
                    out.add(new Transition(t.object, t.state, next, e));
                    t.state = next;
                }
            }
        }
        tell(out);
        return new Effect(e, List.copyOf(out));
    }

    private void tell(List<Transition> out) {
        for (Transition t : out) {
            for (Consumer<Transition> l : listeners) {
                l.accept(t);
            }
        }
    }

    private static State next(KernelEvent e, Tracked t, State now) {
        if (t.kind() == Kind.TYPE1) {
            return null; // type1 holds a PFN, not a reference: nothing the exporter does reaches it
        }
        boolean mapping = t.kind() == Kind.MAPPING;
        boolean inodeMatches = e.dmaBufInode() < 0 || t.inode() == e.dmaBufInode();
        return switch (e.kind()) {
            case REVOKE -> !mapping && inodeMatches && now.usable() ? State.REVOKED : null;
            case ZAP -> mapping && now.usable() ? State.REVOKED : null;
            case RESTORE -> now == State.REVOKED && (mapping || inodeMatches) ? State.RESTORED : null;
            case PERMANENT -> !mapping && inodeMatches && now != State.DEAD ? State.DEAD : null;
            case RELEASE -> !mapping && e.dmaBufInode() >= 0 && t.inode() == e.dmaBufInode() && now != State.DEAD
                    ? State.DEAD : null;
            case INVALIDATE -> null;
        };
    }
}
