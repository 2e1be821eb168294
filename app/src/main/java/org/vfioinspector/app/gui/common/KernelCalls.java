package org.vfioinspector.app.gui.common;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The vfio-io thread, replaceable. One thread runs every kernel call, so fds, mmaps and ioctls stay ordered. A call
 * can block in the kernel for good (an unbind write waits until the device is released; an ioctl on a wedged
 * device), and a thread in a syscall cannot be interrupted: so a {@link Call} that has not answered after the grace
 * period reports that it waits, and the user may {@link Call#abandon abandon} it. The stuck thread is then left
 * behind, a fresh thread takes the work queued behind it and every later call, and the call's answer, if it ever
 * comes, is late: {@link Call#guard} hands it to the caller's late handler instead of returning it as current.
 * Callers must ask {@link #executor()} each time they submit, never keep it.
 */
public final class KernelCalls implements AutoCloseable {
    private static final Logger LOG = System.getLogger(KernelCalls.class.getName());
    /** How often a waiting call reports again. */
    private static final long TICK_MS = 1000;

    private final ThreadFactory threads;
    private final Duration grace;
    private final Executor ui;
    private final ScheduledExecutorService watch;
    private final List<ThreadPoolExecutor> abandoned = new ArrayList<>();
    private ThreadPoolExecutor current;

    /**
     * @param threads makes the vfio-io threads (a fresh one after each abandon)
     * @param grace   how long a call may take before it is reported as waiting for the kernel
     * @param ui      where the waiting reports run (the FX thread in the app)
     */
    public KernelCalls(ThreadFactory threads, Duration grace, Executor ui) {
        this.threads = Objects.requireNonNull(threads, "threads");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("grace must not be negative: " + grace);
        }
        this.grace = grace;
        this.ui = Objects.requireNonNull(ui, "ui");
        ScheduledThreadPoolExecutor w = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "vfio-io-watch");
            t.setDaemon(true);
            return t;
        });
        w.setRemoveOnCancelPolicy(true);
        this.watch = w;
        this.current = newThread();
    }

    private ThreadPoolExecutor newThread() {
        return new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), threads);
    }

    /** The executor of the current vfio-io thread. Ask each time: an abandon replaces it. */
    public synchronized ExecutorService executor() {
        return current;
    }

    /** How many threads were left behind in a call that never answered (or answered late). */
    public synchronized int abandonedThreads() {
        return abandoned.size();
    }

    /** A call not yet started: wrap its work with {@link Call#guard}, then {@link Call#start} it. */
    public Call newCall() {
        return new Call();
    }

    /** Shuts the current thread down (its queued work still runs); abandoned threads are daemons and are left. */
    @Override
    public void close() {
        ExecutorService e = executor();
        e.shutdown();
        watch.shutdownNow();
        try {
            if (!e.awaitTermination(2, TimeUnit.SECONDS)) {
                e.shutdownNow();
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    private enum State { NEW, RUNNING, DONE, ABANDONED }

    /** One kernel call: started on the current thread, watched, abandonable until it answers. */
    public final class Call {
        private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
        private volatile ThreadPoolExecutor lane;
        private volatile ScheduledFuture<?> ticks;
        private final long startedNanos = System.nanoTime();

        private Call() {
        }

        /**
         * Wraps the work: when it returns or throws after the call was abandoned, its answer goes to {@code late}
         * (on the thread that was stuck) and the wrapped callable returns null; otherwise the answer is current.
         */
        public <T> Callable<T> guard(Callable<T> work, Consumer<LateAnswer<T>> late) {
            Objects.requireNonNull(late, "late");
            return () -> {
                T value;
                try {
                    value = work.call();
                } catch (Exception e) {
                    if (finish()) {
                        throw e;
                    }
                    late.accept(new LateAnswer<>(null, e, elapsed()));
                    return null;
                }
                if (finish()) {
                    return value;
                }
                late.accept(new LateAnswer<>(value, null, elapsed()));
                return null;
            };
        }

        /**
         * Runs {@code task} (built around a {@link #guard guarded} callable) on the current vfio-io thread; when
         * it has not answered after the grace period, {@code waiting} hears how long it has waited, on the ui
         * executor, every second until it answers or is abandoned.
         */
        public void start(Runnable task, Consumer<Duration> waiting) {
            if (!state.compareAndSet(State.NEW, State.RUNNING)) {
                throw new IllegalStateException("a call starts once");
            }
            synchronized (KernelCalls.this) {
                lane = current;
                current.execute(task);
            }
            ticks = watch.scheduleAtFixedRate(() -> {
                if (state.get() == State.RUNNING) {
                    ui.execute(() -> {
                        // checked again where it shows: the answer may have come in between
                        if (state.get() == State.RUNNING) {
                            waiting.accept(elapsed());
                        }
                    });
                }
            }, grace.toMillis(), TICK_MS, TimeUnit.MILLISECONDS);
            if (state.get() != State.RUNNING) {
                stopTicks(); // answered before the ticks were set
            }
        }

        /** Whether the call was abandoned: its answer, if any, is late and must not be shown as current. */
        public boolean isAbandoned() {
            return state.get() == State.ABANDONED;
        }

        public Duration elapsed() {
            return Duration.ofNanos(System.nanoTime() - startedNanos);
        }

        /**
         * Gives up waiting. The thread running the call is left behind (it is shut down once the call returns, if
         * ever); {@code atOnce} runs here, right after the call is marked abandoned; then a fresh thread runs
         * {@code first} (the caller's hand-over of state), the work that was queued behind the call, and everything
         * submitted later. False when the call had already answered (its answer is on its way; nothing runs).
         */
        public boolean abandon(Runnable atOnce, Runnable first) {
            if (!state.compareAndSet(State.RUNNING, State.ABANDONED)) {
                return false;
            }
            stopTicks();
            atOnce.run();
            synchronized (KernelCalls.this) {
                if (lane != current) {
                    // an earlier abandon already replaced this call's thread
                    current.execute(first);
                    return true;
                }
                ThreadPoolExecutor stuck = current;
                List<Runnable> queued = new ArrayList<>();
                stuck.getQueue().drainTo(queued);
                stuck.shutdown(); // not shutdownNow: an interrupt does not reach a syscall, and the thread exits after
                abandoned.add(stuck);
                current = newThread();
                current.execute(first);
                queued.forEach(current::execute);
                LOG.log(Level.WARNING, "Abandoned a kernel call after " + elapsed().toMillis() + " ms; "
                        + queued.size() + " queued task(s) moved to a fresh vfio-io thread");
            }
            return true;
        }

        /** Marks the call answered; false when it was abandoned first. */
        private boolean finish() {
            boolean done = state.compareAndSet(State.RUNNING, State.DONE);
            stopTicks();
            return done;
        }

        private void stopTicks() {
            ScheduledFuture<?> t = ticks;
            if (t != null) {
                t.cancel(false);
            }
        }
    }

    /**
     * The answer of an abandoned call that came after all.
     *
     * @param value   what the work returned (null when it threw)
     * @param error   what it threw, or null
     * @param elapsed how long after the start it answered
     */
    public record LateAnswer<T>(T value, Exception error, Duration elapsed) {
        public boolean isOk() {
            return error == null;
        }
    }

    /** A thread factory for named daemon threads ({@code prefix-1}, {@code prefix-2}, ...). */
    public static ThreadFactory daemonThreads(String prefix, Thread.UncaughtExceptionHandler handler) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            t.setUncaughtExceptionHandler(handler);
            return t;
        };
    }
}
