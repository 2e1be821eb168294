package org.vfioinspector.bench.gui;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javafx.animation.AnimationTimer;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.concurrent.Task;
import javafx.scene.Scene;
import javafx.scene.control.TreeView;
import javafx.stage.Stage;
import org.vfioinspector.app.gui.AppContext;
import org.vfioinspector.app.gui.MainWindow;
import org.vfioinspector.app.gui.common.AppPrefs;
import org.vfioinspector.app.gui.dmabuf.RevocationModel;
import org.vfioinspector.app.gui.dmabuf.TrackState;
import org.vfioinspector.app.gui.dmabuf.Tracked;
import org.vfioinspector.app.gui.groups.DeviceMarks;
import org.vfioinspector.app.gui.host.HostChoice;
import org.vfioinspector.app.gui.host.LoadedHost;
import org.vfioinspector.bridge.kernel.KernelEvent;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.revocation.RevocationTracker;

/**
 * GUI measurements on the real main window with a big lab host (a scenario file):
 * <ul>
 *   <li>full refresh: {@link MainWindow#open} of the host, R times; the longest gap between two FX pulses (an
 *   {@link AnimationTimer} keeps them coming every frame) from the open until the tree shows every group and one
 *   more second has passed; and the same from the moment the loaded host is handed to the FX thread
 *   ({@code apply-stall-ms}: FX-thread work, without the background load competing for the cores);</li>
 *   <li>revocation latency: dma-bufs tracked in the revocation view, then REVOKE/RESTORE kernel events delivered
 *   from a non-FX thread exactly as the kernel's event stream does; latency = from delivery to the end of the first
 *   pulse whose layout follows the row's state change (that pulse renders it);</li>
 *   <li>resident memory (VmRSS) with the host loaded, before and after a full GC, and after the window has idled
 *   {@code -Dbench.idleMs} (12 s) more ({@code rss-idle-mb}).</li>
 * </ul>
 * Results go to stdout as one line of {@code key=value} pairs (and to {@code -Dbench.out=FILE}).
 * Properties: {@code bench.scenario} (required), {@code bench.refreshes} (3), {@code bench.events} (200),
 * {@code bench.unfolded} (false: the revocation area folded, as the window starts), {@code bench.start} (false: no
 * host before the first open; true: the window's start-up hosts first, see {@link #startAsTheAppDoes()}).
 */
public final class GuiBench extends Application {
    private static final long NO_CHANGE = Long.MIN_VALUE;

    private MainWindow window;
    private AppContext ctx;
    private Scene scene;
    private final AtomicLong lastBeat = new AtomicLong();
    private final AtomicLong maxGap = new AtomicLong();
    /** The longest gap since the loaded host was handed to the FX thread (apply, tree, first layout). */
    private final AtomicLong maxGapApply = new AtomicLong();
    private volatile long changedAt = NO_CHANGE;
    private volatile CountDownLatch shown;
    private volatile long shownAt;
    /** bench.unfolded=true: the revocation area open, so each event also appends the timeline picture's column. */
    private final boolean unfolded = Boolean.getBoolean("bench.unfolded");
    /** bench.start=true: the window starts as the app's does ({@link MainWindow#start()}) before the first open. */
    private final boolean started = Boolean.getBoolean("bench.start");

    @Override
    public void start(Stage stage) {
        String scenario = System.getProperty("bench.scenario");
        if (scenario == null || !Files.isRegularFile(Path.of(scenario))) {
            System.err.println("gui-bench: -Dbench.scenario=FILE must name a scenario file, got " + scenario);
            Platform.exit();
            return;
        }
        // Settings that are never written, so the user's window bounds and last host neither steer nor suffer the run.
        ctx = new AppContext(AppPrefs.inMemory());
        window = new MainWindow(ctx, stage);
        scene = window.show();
        new AnimationTimer() {
            @Override
            public void handle(long now) {
                long t = System.nanoTime();
                long last = lastBeat.getAndSet(t);
                if (last != 0) {
                    maxGap.accumulateAndGet(t - last, Math::max);
                    maxGapApply.accumulateAndGet(t - last, Math::max);
                }
            }
        }.start();
        scene.addPostLayoutPulseListener(() -> {
            if (changedAt != NO_CHANGE && shown != null) {
                shownAt = System.nanoTime();
                changedAt = NO_CHANGE;
                shown.countDown();
            }
        });
        Thread driver = new Thread(() -> {
            int code = 0;
            try {
                run(Path.of(scenario), Integer.getInteger("bench.refreshes", 3),
                        Integer.getInteger("bench.events", 200));
            } catch (Throwable e) {
                System.err.println("gui-bench: " + e);
                e.printStackTrace();
                code = 1;
            }
            int exit = code;
            Platform.runLater(() -> {
                window.stop();
                ctx.close();
                Platform.exit();
                System.exit(exit);
            });
        }, "gui-bench-driver");
        driver.setDaemon(true);
        driver.start();
    }

    private void run(Path scenario, int refreshes, int events) throws Exception {
        String startedWith = started ? startAsTheAppDoes() : "none";
        HostChoice choice = new HostChoice.Lab(scenario.toString());
        List<Double> stalls = new ArrayList<>();
        List<Double> applyStalls = new ArrayList<>();
        List<Double> marks = new ArrayList<>();
        List<Double> settledStalls = new ArrayList<>();
        List<Double> loads = new ArrayList<>();
        int groups = -1;
        for (int r = 0; r < refreshes; r++) {
            Thread.sleep(500);
            long t0 = System.nanoTime();
            // when the whole marks reach the groups pane, taken on the FX thread as they arrive (no polling there)
            AtomicLong marksAt = new AtomicLong();
            javafx.beans.value.ChangeListener<DeviceMarks> marksDone = (o, a, m) -> {
                if (m.completeFor(window.groups().inventoryProperty().get())) {
                    marksAt.compareAndSet(0, System.nanoTime());
                }
            };
            Task<LoadedHost> task = onFx(() -> {
                maxGap.set(0);
                lastBeat.set(0);
                window.groups().marksProperty().addListener(marksDone);
                return window.open(choice);
            });
            LoadedHost host = task.get(10, TimeUnit.MINUTES);
            // from here the FX thread applies the host; a gap from now on is FX-thread work (or GC), not the
            // background load competing for the cores
            maxGapApply.set(0);
            // wall-clock marks for a profile of the same run (JFR samples carry wall-clock times)
            System.err.println("gui-bench: refresh " + (r + 1) + " loaded-at-ms=" + System.currentTimeMillis()
                    + " after " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            groups = host.inventory().groups().size();
            int expected = groups;
            // wait until the tree shows every group (the FX thread has applied the host)
            while (onFx(() -> treeGroups()) != expected) {
                Thread.sleep(5);
                if (System.nanoTime() - t0 > TimeUnit.MINUTES.toNanos(5)) {
                    throw new IllegalStateException("the groups tree never showed " + expected + " groups");
                }
            }
            long shownNs = System.nanoTime();
            loads.add((shownNs - t0) / 1e6);
            System.err.println("gui-bench: refresh " + (r + 1) + " shown-at-ms=" + System.currentTimeMillis());
            // one second on: the longest gap so far. The disagreement marks are worked out after the host is shown
            // and drawn on its rows when done: when that is, and the longest gap until one second after it.
            long marksNs = 0;
            boolean stallTaken = false;
            while (true) {
                long now = System.nanoTime();
                marksNs = marksAt.get();
                if (!stallTaken && now - shownNs >= TimeUnit.SECONDS.toNanos(1)) {
                    stalls.add(onFx(() -> maxGap.get()) / 1e6);
                    applyStalls.add(onFx(() -> maxGapApply.get()) / 1e6);
                    stallTaken = true;
                }
                if (stallTaken && marksNs != 0 && now - marksNs >= TimeUnit.SECONDS.toNanos(1)) {
                    break;
                }
                if (now - t0 > TimeUnit.MINUTES.toNanos(5)) {
                    throw new IllegalStateException("the groups tree's marks were never worked out");
                }
                Thread.sleep(5);
            }
            marks.add((marksNs - t0) / 1e6);
            settledStalls.add(onFx(() -> maxGap.get()) / 1e6);
            onFx(() -> {
                window.groups().marksProperty().removeListener(marksDone);
                return null;
            });
        }
        long rss = rssKb();
        System.gc();
        long rssAfterGc = settledRssKb();
        // what stays once the window has idled a while: G1's periodic collection and, where the launcher asks for
        // it, the JVM's native heap trim (both on 5 s intervals) have had their turn
        Thread.sleep(Long.getLong("bench.idleMs", 12_000));
        long rssIdle = rssKb();

        long gcCount0 = gcCount();
        long gcTime0 = gcTimeMs();
        List<Double> withGc = new ArrayList<>();
        List<Double> latencies = revocations(events, withGc);
        List<Double> floor = pulseFloor(events);
        List<Double> withoutGc = new ArrayList<>(latencies);
        withGc.forEach(withoutGc::remove);
        String line = String.format(Locale.ROOT, "groups=%d refreshes=%d load-ms=%s longest-stall-ms=%s "
                        + "apply-stall-ms=%s marks-ms=%s settled-stall-ms=%s rss-mb=%.1f "
                        + "rss-after-gc-mb=%.1f rss-idle-mb=%.1f heap-used-mb=%.1f events=%d "
                        + "revocation-median-ms=%.2f "
                        + "revocation-p99-ms=%.2f revocation-max-ms=%.2f revocation-events-with-gc=%d "
                        + "revocation-p99-without-gc-ms=%.2f revocation-max-with-gc-ms=%.2f gc-during-events=%d "
                        + "gc-ms-during-events=%d revocation-area=%s pulse-floor-median-ms=%.2f "
                        + "pulse-floor-p99-ms=%.2f started=%s",
                groups, refreshes, join(loads), join(stalls), join(applyStalls), join(marks), join(settledStalls), rss / 1024.0, rssAfterGc / 1024.0,
                rssIdle / 1024.0,
                (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / 1048576.0,
                latencies.size(), percentile(latencies, 50), percentile(latencies, 99),
                percentile(latencies, 100), withGc.size(), percentile(withoutGc, 99),
                withGc.isEmpty() ? 0.0 : percentile(withGc, 100), gcCount() - gcCount0, gcTimeMs() - gcTime0,
                unfolded ? "unfolded" : "folded", percentile(floor, 50),
                percentile(floor, 99), startedWith);
        System.out.println("gui-bench: " + line);
        String out = System.getProperty("bench.out");
        if (out != null) {
            Files.writeString(Path.of(out), line + "\n");
        }
    }

    /** Collections so far, every collector (java.management only: the installed runtime has no jdk.management). */
    private static long gcCount() {
        long n = 0;
        for (java.lang.management.GarbageCollectorMXBean gc
                : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }

    private static long gcTimeMs() {
        long ms = 0;
        for (java.lang.management.GarbageCollectorMXBean gc
                : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            ms += Math.max(0, gc.getCollectionTime());
        }
        return ms;
    }

    /**
     * REVOKE/RESTORE events for tracked dma-bufs of 8 devices; the latency of each to its row's repaint. The
     * latencies of events during which a collection ran (its count moved) are also added to {@code withGc}.
     */
    private List<Double> revocations(int events, List<Double> withGc) throws Exception {
        RevocationModel model = window.revocations();
        onFx(() -> {
            window.setRevocationFolded(!unfolded);
            return null;
        });
        List<Tracked> tracked = onFx(() -> {
            List<Tracked> ts = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Tracked t = Tracked.active(RevocationTracker.Kind.DMABUF, new PciAddress(0x7fff, i, 0, 0), 1, 1000 + i,
                        "bench dma-buf " + i);
                model.track(t);
                ts.add(t);
                t.state().addListener((o, a, b) -> changedAt = System.nanoTime());
            }
            return ts;
        });
        Thread.sleep(300);
        List<Double> latencies = new ArrayList<>();
        java.util.Random random = new java.util.Random(42);
        for (int e = 0; e < events; e++) {
            Tracked t = tracked.get(e % tracked.size());
            boolean revoke = t.state().getValue() != TrackState.REVOKED;
            long gcBefore = gcCount();
            double ms = toNextPulse(emitted -> model.accept(new KernelEvent(emitted, revoke ? KernelEvent.Kind.REVOKE
                    : KernelEvent.Kind.RESTORE, "vfio_pci_dma_buf_move", t.device(), t.inode(), "bench")),
                    "event " + e + " never reached the revocation view");
            latencies.add(ms);
            if (gcCount() != gcBefore) {
                withGc.add(ms);
            }
            // off the frame rhythm, like real events
            Thread.sleep(5 + random.nextInt(20));
        }
        return latencies;
    }

    /**
     * The same delivery with nothing to do: a runnable posted from this thread that only marks a change, measured to
     * the end of the next pulse's layout like an event. The pulses come every 16.7 ms (the stall timer animates), so
     * this is the wait for the next one: what no work on the event path can take away.
     */
    private List<Double> pulseFloor(int events) throws Exception {
        List<Double> latencies = new ArrayList<>();
        java.util.Random random = new java.util.Random(42);
        for (int e = 0; e < events; e++) {
            latencies.add(toNextPulse(emitted -> Platform.runLater(() -> changedAt = System.nanoTime()),
                    "no pulse followed posted runnable " + e));
            Thread.sleep(5 + random.nextInt(20));
        }
        return latencies;
    }

    /**
     * Delivers one change ({@code deliver} gets the time it is sent at) and waits for the end of the layout of the
     * first pulse after it: the milliseconds between.
     */
    private double toNextPulse(java.util.function.LongConsumer deliver, String never) throws InterruptedException {
        CountDownLatch latch = new CountDownLatch(1);
        shown = latch;
        long emitted = System.nanoTime();
        deliver.accept(emitted);
        if (!latch.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException(never);
        }
        return (shownAt - emitted) / 1e6;
    }

    /**
     * {@link MainWindow#start()}, as the app starts: this machine, then (where it cannot use VFIO) the remembered host
     * or qemu-q35; returns once the host shown has not changed for 2 s. The first big open after it is the one a
     * user meets; without it the first open is also the window's first host of all.
     */
    private String startAsTheAppDoes() throws Exception {
        onFx(() -> {
            window.start();
            return null;
        });
        long t0 = System.nanoTime();
        LoadedHost seen = null;
        for (int stable = 0; stable < 20; ) {
            Thread.sleep(100);
            LoadedHost now = onFx(() -> window.hostProperty().get());
            stable = now != null && now == seen ? stable + 1 : 0;
            seen = now;
            if (System.nanoTime() - t0 > TimeUnit.MINUTES.toNanos(2)) {
                throw new IllegalStateException("the window's start never settled on a host");
            }
        }
        return seen.choice().key();
    }

    private int treeGroups() {
        TreeView<?> tree = (TreeView<?>) scene.lookup("#groupsTree");
        return tree == null || tree.getRoot() == null ? -1 : tree.getRoot().getChildren().size();
    }

    /** Runs {@code s} on the FX thread and waits for its value (up to 5 minutes: a 10,000-row tree is slow cold). */
    public static <T> T onFx(Supplier<T> s) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                f.complete(s.get());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        return f.get(5, TimeUnit.MINUTES);
    }

    /**
     * VmRSS once it stops falling after a full GC: G1 (JDK 17+) gives the shrunk heap back concurrently, so a
     * reading right after System.gc() still counts regions it is about to uncommit. Up to 10 s, in 250 ms steps,
     * until a second passes without a drop of more than 1 MB.
     */
    static long settledRssKb() throws IOException, InterruptedException {
        long last = rssKb();
        long stableSince = System.nanoTime();
        long deadline = stableSince + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            Thread.sleep(250);
            long now = rssKb();
            if (last - now > 1024) {
                stableSince = System.nanoTime();
            }
            last = now;
            if (System.nanoTime() - stableSince >= TimeUnit.SECONDS.toNanos(1)) {
                break;
            }
        }
        return last;
    }

    static long rssKb() throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("/proc/self/status has no VmRSS line");
    }

    static double percentile(List<Double> xs, int p) {
        if (xs.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        int i = (int) Math.ceil(p / 100.0 * s.size()) - 1;
        return s.get(Math.max(0, Math.min(s.size() - 1, i)));
    }

    private static String join(List<Double> xs) {
        List<String> parts = new ArrayList<>();
        xs.forEach(x -> parts.add(String.format(Locale.ROOT, "%.1f", x)));
        return String.join(",", parts);
    }

    /** Launcher: JavaFX on the class path needs a main class that is not the Application. */
    public static final class Main {
        private Main() {
        }

        public static void main(String[] args) {
            Application.launch(GuiBench.class, args);
        }
    }
}
