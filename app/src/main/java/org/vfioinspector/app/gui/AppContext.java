package org.vfioinspector.app.gui;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.vfioinspector.app.gui.common.AppPrefs;
import org.vfioinspector.app.gui.host.HostLoader;
import org.vfioinspector.bridge.journal.ActivityLog;
import org.vfioinspector.bridge.pciids.PciIds;

/**
 * The composition root: the executors (created here, once, and nowhere else), the preferences, the host loader.
 * <ul>
 *   <li>{@link #vfioIo()}: one thread that owns every kernel call, so fds, mmaps and ioctls are ordered;</li>
 *   <li>{@link #background()}: a small pool for sysfs scans and file writes.</li>
 * </ul>
 * Both use named daemon threads; {@link #close()} (from {@code Application.stop()}) shuts them down.
 */
public final class AppContext implements AutoCloseable {
    private static final Logger LOG = System.getLogger(AppContext.class.getName());

    private final ExecutorService vfioIo;
    private final ExecutorService background;
    private final AppPrefs prefs;
    private final HostLoader hostLoader;
    private final ActivityLog activity = new ActivityLog(java.time.Clock.systemUTC());
    private volatile PciIds ids;

    public AppContext(AppPrefs prefs) {
        this.prefs = prefs;
        this.vfioIo = Executors.newSingleThreadExecutor(threads("vfio-io"));
        this.background = Executors.newFixedThreadPool(2, threads("app-background"));
        this.hostLoader = new HostLoader(this::pciIds, org.vfioinspector.bridge.kernel.jna.JnaKernel::new);
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            t.setUncaughtExceptionHandler((th, e) -> LOG.log(Level.ERROR, "Uncaught in " + th.getName(), e));
            return t;
        };
    }

    /** The single thread that owns all kernel calls. */
    public ExecutorService vfioIo() {
        return vfioIo;
    }

    /** Scans and file writes. */
    public ExecutorService background() {
        return background;
    }

    public AppPrefs prefs() {
        return prefs;
    }

    /** The session's record of hosts opened, actions with the kernel's answers, and kernel events. */
    public ActivityLog activity() {
        return activity;
    }

    public HostLoader hostLoader() {
        return hostLoader;
    }

    /** pci.ids, loaded on first use (from a background thread: it reads a 1 MiB file). */
    private PciIds pciIds() {
        PciIds p = ids;
        if (p == null) {
            synchronized (this) {
                if (ids == null) {
                    ids = PciIds.loadDefault();
                }
                p = ids;
            }
        }
        return p;
    }

    @Override
    public void close() {
        vfioIo.shutdown();
        background.shutdownNow();
        try {
            if (!vfioIo.awaitTermination(2, TimeUnit.SECONDS)) {
                vfioIo.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        prefs.flush();
    }
}
