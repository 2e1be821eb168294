package org.vfioinspector.bridge.journal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.vfioinspector.bridge.kernel.KernelEvent;
import org.vfioinspector.bridge.model.PciAddress;

/**
 * The session's record of what happened, in order. Whoever acts records here, on the thread where the kernel
 * answered and before the answer is shown; listeners (the journal file, the exercise checks) are called at once, on
 * that thread, one record at a time in sequence order, so a listener that writes and flushes has the record on disk
 * before anything on screen shows it. Listeners must be quick and must hop threads themselves (e.g. to FX).
 */
public final class ActivityLog {
    private static final System.Logger LOG = System.getLogger(ActivityLog.class.getName());

    private final Clock clock;
    private final List<Activity> entries = new ArrayList<>();
    private final List<Consumer<Activity>> listeners = new CopyOnWriteArrayList<>();

    public ActivityLog(Clock clock) {
        this.clock = clock;
    }

    public void subscribe(Consumer<Activity> listener) {
        listeners.add(listener);
    }

    public void unsubscribe(Consumer<Activity> listener) {
        listeners.remove(listener);
    }

    /** A host was opened: {@code label} as the user chose it; facts such as "key", "profile", "kernel". */
    public Activity host(String label, Map<String, String> facts) {
        return record(Activity.Type.HOST, "open", null, -1, "ok", label, facts);
    }

    /** The user acted and the kernel answered {@code result} ("ok", an errno name, "SIGBUS", ...). */
    public Activity action(String operation, PciAddress device, int region, String result, String detail,
                           Map<String, String> facts) {
        return record(Activity.Type.ACTION, operation, device, region, result, detail, facts);
    }

    /** The kernel reported {@code e}. */
    public Activity event(KernelEvent e) {
        Map<String, String> facts = e.dmaBufInode() >= 0 ? Map.of("inode", Long.toString(e.dmaBufInode()),
                "kernelTimeNanos", Long.toString(e.timestampNanos())) : Map.of("kernelTimeNanos",
                Long.toString(e.timestampNanos()));
        return record(Activity.Type.EVENT, e.kind().name().toLowerCase(Locale.ROOT), e.device(), -1, e.function(),
                e.detail(), facts);
    }

    /** Everything recorded so far in this session, oldest first. */
    public synchronized List<Activity> entries() {
        return List.copyOf(entries);
    }

    private synchronized Activity record(Activity.Type type, String operation, PciAddress device, int region,
                                         String result, String detail, Map<String, String> facts) {
        Activity a = new Activity(entries.size() + 1L, clock.instant(), type, operation, device, region, result,
                detail, facts);
        entries.add(a);
        for (Consumer<Activity> l : listeners) {
            try {
                l.accept(a);
            } catch (RuntimeException ex) {
                // one broken listener must not lose the record for the others
                LOG.log(System.Logger.Level.WARNING, "Activity listener failed on #" + a.seq(), ex);
            }
        }
        return a;
    }
}
