package org.vfioinspector.bridge.revocation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.vfioinspector.bridge.kernel.KernelEvent;
import org.vfioinspector.bridge.model.PciAddress;

/**
 * Turns the kernel's revocation events into per-dma-buf state transitions: ACTIVE → REVOKED → ACTIVE, and → DEAD
 * when the device is closed for good (vfio_pci_dma_buf_cleanup), → RELEASED when the buffer's last reference goes.
 * The same tracker serves the probe and the GUI. Plain Java, thread-safe: events may arrive on a kernel-side
 * thread; listeners are called on that thread, outside the tracker's lock, in event order.
 *
 * <p>Device-wide events (move, cleanup) apply to the tracked buffers of that device, or to every tracked buffer
 * when the event cannot tell the device. A move(revoked=0) finds nothing to restore on a DEAD buffer: after
 * cleanup the kernel's list is empty, and no "restore" is reported.
 */
public final class RevocationTracker implements Consumer<KernelEvent> {
    /** A dma-buf's state as the kernel sees it. */
    public enum State {
        ACTIVE, REVOKED, DEAD, RELEASED
    }

    /**
     * One change of one buffer.
     *
     * @param key    the tracker's key of the buffer (its inode where known)
     * @param device its device
     * @param from   state before
     * @param to     state after
     * @param cause  the kernel event that caused it
     */
    public record Transition(long key, PciAddress device, State from, State to, KernelEvent cause) {
        /** "revoke", "restore", "permanent" or "release": the probe's names. */
        public String label() {
            if (to == State.DEAD) {
                return "permanent";
            }
            if (to == State.RELEASED) {
                return "release";
            }
            return to == State.REVOKED ? "revoke" : "restore";
        }
    }

    private static final class Tracked {
        final long key;
        final PciAddress device;
        State state;

        Tracked(long key, PciAddress device, State state) {
            this.key = key;
            this.device = device;
            this.state = state;
        }
    }

    private final Map<Long, Tracked> buffers = new LinkedHashMap<>();
    private final List<Consumer<Transition>> listeners = new CopyOnWriteArrayList<>();
    private long nextSyntheticKey = -2;

    /**
     * Starts tracking a buffer.
     *
     * @param inode   its inode (fdinfo "ino"), or -1 when unknown (a synthetic key is used; inode-specific events
     *                then cannot reach it, device-wide ones can)
     * @param device  the exporting device
     * @param initial ACTIVE, or REVOKED for a buffer exported while memory was disabled
     * @return the key of the buffer
     */
    public synchronized long track(long inode, PciAddress device, State initial) {
        long key = inode >= 0 ? inode : nextSyntheticKey--;
        buffers.put(key, new Tracked(key, device, initial));
        return key;
    }

    /** Stops tracking a buffer (e.g. its fd was closed by the app) without a transition. */
    public synchronized void forget(long key) {
        buffers.remove(key);
    }

    public synchronized State state(long key) {
        Tracked t = buffers.get(key);
        return t == null ? null : t.state;
    }

    public void addListener(Consumer<Transition> l) {
        listeners.add(l);
    }

    public void removeListener(Consumer<Transition> l) {
        listeners.remove(l);
    }

    @Override
    public void accept(KernelEvent e) {
        List<Transition> out = new ArrayList<>();
        synchronized (this) {
            switch (e.kind()) {
                case REVOKE:
                    move(e, out, State.ACTIVE, State.REVOKED);
                    break;
                case RESTORE:
                    move(e, out, State.REVOKED, State.ACTIVE);
                    break;
                case PERMANENT:
                    for (Tracked t : matching(e)) {
                        if (t.state == State.ACTIVE || t.state == State.REVOKED) {
                            out.add(new Transition(t.key, t.device, t.state, State.DEAD, e));
                            t.state = State.DEAD;
                        }
                    }
                    break;
                case RELEASE:
                    Tracked t = e.dmaBufInode() >= 0 ? buffers.get(e.dmaBufInode()) : null;
                    if (t != null && t.state != State.RELEASED) {
                        out.add(new Transition(t.key, t.device, t.state, State.RELEASED, e));
                        t.state = State.RELEASED;
                    }
                    break;
                default:
                    break;
            }
        }
        for (Transition t : out) {
            for (Consumer<Transition> l : listeners) {
                l.accept(t);
            }
        }
    }

    private void move(KernelEvent e, List<Transition> out, State from, State to) {
        for (Tracked t : matching(e)) {
            if (t.state == from) {
                out.add(new Transition(t.key, t.device, from, to, e));
                t.state = to;
            }
        }
    }

    private List<Tracked> matching(KernelEvent e) {
        List<Tracked> out = new ArrayList<>();
        for (Tracked t : buffers.values()) {
            if (e.device() == null || e.device().equals(t.device)) {
                out.add(t);
            }
        }
        return out;
    }
}
