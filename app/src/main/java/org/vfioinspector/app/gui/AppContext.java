package org.vfioinspector.app.gui;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.function.UnaryOperator;
import javafx.application.Platform;
import org.vfioinspector.app.gui.common.AppPrefs;
import org.vfioinspector.app.gui.common.KernelCalls;
import org.vfioinspector.app.gui.host.HostLoader;
import org.vfioinspector.bridge.journal.ActivityLog;
import org.vfioinspector.bridge.journal.Journals;
import org.vfioinspector.bridge.journal.SessionJournal;
import org.vfioinspector.bridge.journal.StateDir;
import org.vfioinspector.bridge.kernel.Kernel;
import org.vfioinspector.bridge.pciids.PciIds;

/**
 * The composition root: the executors (created here, once, and nowhere else), the preferences, the host loader.
 * <ul>
 *   <li>{@link #vfioIo()}: one thread that owns every kernel call, so fds, mmaps and ioctls are ordered; replaced by
 *   a fresh one when the user abandons a call stuck in the kernel ({@link #kernelCalls()}), so ask for it each
 *   time;</li>
 *   <li>{@link #background()}: a small pool for sysfs scans and file writes.</li>
 * </ul>
 * Both use named daemon threads; {@link #close()} (from {@code Application.stop()}) shuts them down.
 */
public final class AppContext implements AutoCloseable {
    private static final Logger LOG = System.getLogger(AppContext.class.getName());

    /** How long a kernel call may take before the try-it panel says it waits for the kernel. */
    public static final Duration GRACE = Duration.ofMillis(1500);

    private final KernelCalls vfioIo;
    private final ExecutorService background;
    private final AppPrefs prefs;
    private final HostLoader hostLoader;
    private final ActivityLog activity = new ActivityLog(java.time.Clock.systemUTC());
    private final Optional<Path> stateDir;
    private final Optional<SessionJournal> journal;
    private volatile PciIds ids;

    /** A context whose activity is kept in memory only (tests). */
    public AppContext(AppPrefs prefs) {
        this(prefs, Optional.empty());
    }

    /**
     * A context whose activity is also written to a session journal under {@code stateDir}'s {@code journal/}
     * (the app: {@link StateDir#current()}); exercise progress is kept there too. The journal file is created on a background thread; records that come
     * first wait for it in memory.
     */
    public AppContext(AppPrefs prefs, Optional<Path> stateDir) {
        this(prefs, stateDir, GRACE, UnaryOperator.identity());
    }

    /**
     * @param grace      how long a kernel call may take before it is reported as waiting (with Abandon)
     * @param labKernels wraps each lab host's kernel (identity in the app; tests make calls block)
     */
    public AppContext(AppPrefs prefs, Optional<Path> stateDir, Duration grace, UnaryOperator<Kernel> labKernels) {
        this.prefs = prefs;
        this.stateDir = stateDir;
        this.vfioIo = new KernelCalls(threads("vfio-io"), grace, Platform::runLater);
        this.background = Executors.newFixedThreadPool(2, threads("app-background"));
        this.hostLoader = new HostLoader(this::pciIds, org.vfioinspector.bridge.kernel.jna.JnaKernel::new,
                labKernels);
        this.journal = stateDir.map(d -> SessionJournal.create(Journals.dir(d), java.time.Clock.systemUTC(),
                Journals.DEFAULT_KEEP, false));
        journal.ifPresent(j -> {
            activity.subscribe(j);
            background.execute(() -> {
                try {
                    j.open();
                } catch (java.io.IOException e) {
                    // one line that names the file and what is wrong, no stack trace: the app runs on without it
                    LOG.log(Level.WARNING, "No session journal (the app runs without one): "
                            + org.vfioinspector.bridge.input.IoMessages.describe(e));
                }
            });
        });
    }

    private static ThreadFactory threads(String prefix) {
        return KernelCalls.daemonThreads(prefix, (th, e) -> LOG.log(Level.ERROR, "Uncaught in " + th.getName(), e));
    }

    /** The current thread that owns all kernel calls: ask each time, an abandoned call replaces it. */
    public ExecutorService vfioIo() {
        return vfioIo.executor();
    }

    /** The vfio-io thread's calls: watched for a grace period, abandonable when stuck in the kernel. */
    public KernelCalls kernelCalls() {
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

    /** Where the journal and exercise progress are kept; empty for an in-memory context. */
    public Optional<Path> stateDir() {
        return stateDir;
    }

    /** This session's journal file, when the session has one. */
    public Optional<SessionJournal> journal() {
        return journal;
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
        background.shutdownNow();
        vfioIo.close();
        prefs.flush();
        journal.ifPresent(SessionJournal::close);
    }
}
