package org.vfioinspector.bridge.kernel.trace;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.vfioinspector.bridge.kernel.KernelEvent;
import org.vfioinspector.bridge.kernel.KernelEvents;
import org.vfioinspector.bridge.sysfs.HostPaths;

/**
 * Live revocation events from the kernel's own function-entry probes (fprobe dynamic events) through tracefs at
 * {@code sys/kernel/tracing}. The probes are installed under the app's own event group {@code vfioinsp_<pid>_<n>},
 * recorded into the app's own trace instance of the same name (so other tracers neither see nor steal them), read
 * from that instance's {@code trace_pipe} on a daemon thread, parsed ({@link TraceLine}) and delivered to
 * listeners. {@link #close()} disables and removes them. Groups and instances left behind by a process that no
 * longer exists (a crashed earlier run) are removed before installing; groups of live processes are never touched.
 *
 * <p>Nothing is installed until the first {@link #subscribe}. Where tracing is impossible, {@link #availability()}
 * says exactly what is missing and what the user can do, and subscribing installs nothing.
 */
public final class TraceFsEvents implements KernelEvents {
    private static final Logger LOG = Logger.getLogger(TraceFsEvents.class.getName());
    /** Every group and instance this project creates starts with this. */
    public static final String GROUP_PREFIX = "vfioinsp_";
    private static final Pattern OURS = Pattern.compile(GROUP_PREFIX + "(\\d+)(?:_\\d+)?");
    private static final Pattern DYN_LINE = Pattern.compile("^[a-zA-Z]:(" + GROUP_PREFIX + "[\\w]+)/(\\w+)\\s.*$");
    private static final Pattern MARK = Pattern.compile("vfioinsp-sync-(\\d+)");
    private static final AtomicInteger SEQ = new AtomicInteger();

    private final HostPaths paths;
    private final Path root;
    private final String group;
    private final List<Consumer<KernelEvent>> listeners = new CopyOnWriteArrayList<>();
    /** The wanted functions the availability check found in available_filter_functions (read once). */
    private Set<String> functions;
    private Availability availability;
    private Path instance;
    private Thread reader;
    private InputStream pipe;
    private volatile boolean stopping;
    private boolean started;
    private long markSent;
    private long markSeen;

    public TraceFsEvents(HostPaths paths) {
        this.paths = paths;
        this.root = paths.sys("kernel/tracing");
        this.group = GROUP_PREFIX + ProcessHandle.current().pid() + "_" + SEQ.incrementAndGet();
    }

    @Override
    public synchronized Availability availability() {
        if (availability == null) {
            Set<String> found = new HashSet<>();
            availability = check(root, found);
            functions = found;
        }
        return availability;
    }

    /** Checks what live revocation tracing needs under a tracefs root. Pure filesystem reads; installs nothing. */
    public static Availability check(Path root) {
        return check(root, new HashSet<>());
    }

    /** {@link #check(Path)}, also handing over the wanted functions found ({@code functionsFound}). */
    private static Availability check(Path root, Set<String> functionsFound) {
        List<String> missing = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return new Availability(false, List.of("tracefs is not mounted at " + root),
                    "An administrator mounts it once: mount -t tracefs nodev " + root + "; live events also need read "
                            + "and write access to it for your user (or CAP_SYS_ADMIN). Everything else works without.");
        }
        if (!Files.isReadable(root)) {
            return new Availability(false, List.of("no read access to " + root),
                    "Live events need read access to tracefs for your user (mount it with gid=GROUP,mode=0750 and join "
                            + "GROUP) or CAP_SYS_ADMIN; everything else works without.");
        }
        Path dyn = root.resolve("dynamic_events");
        if (!Files.exists(dyn)) {
            return new Availability(false, List.of(dyn + " does not exist: this kernel has no dynamic events"),
                    "Use a kernel built with CONFIG_FPROBE_EVENTS and CONFIG_DEBUG_INFO_BTF (Debian's are).");
        }
        if (!Files.isWritable(dyn)) {
            return new Availability(false, List.of("no write access to " + dyn),
                    "Live events need write access to dynamic_events (tracefs mounted with gid=GROUP,mode=0770 for "
                            + "your group) or CAP_SYS_ADMIN; everything else works without.");
        }
        Set<String> functions = availableFunctions(root, missing);
        if (functions == null) {
            return new Availability(false, missing, "Live events need read access to tracefs's "
                    + "available_filter_functions (tracefs group access or CAP_SYS_ADMIN).");
        }
        functionsFound.addAll(functions);
        boolean ok = true;
        for (TraceProbe p : TraceProbe.ALL) {
            if (p.functions().stream().noneMatch(functions::contains)) {
                missing.add(p.functions().get(0) + " is not in " + root.resolve("available_filter_functions"));
                ok &= !p.required();
            }
        }
        String remedy = missing.isEmpty() ? ""
                : "Load vfio-pci (modprobe vfio-pci): the dma-buf functions live in vfio_pci_core and exist from "
                + "Linux 6.19 on (CONFIG_VFIO_PCI_DMABUF). Without them only the results of the inspector's own "
                + "operations are shown.";
        return new Availability(ok, List.copyOf(missing), remedy);
    }

    private static Set<String> availableFunctions(Path root, List<String> missing) {
        Path f = root.resolve("available_filter_functions");
        Set<String> wanted = new HashSet<>();
        TraceProbe.ALL.forEach(p -> wanted.addAll(p.functions()));
        Set<String> found = new HashSet<>();
        try (Stream<String> lines = Files.lines(f, StandardCharsets.UTF_8)) {
            lines.forEach(l -> {
                int sp = l.indexOf(' ');
                String name = sp < 0 ? l.trim() : l.substring(0, sp);
                if (wanted.contains(name)) {
                    found.add(name);
                }
            });
            return found;
        } catch (IOException | UncheckedIOException e) {
            missing.add("cannot read " + f + ": " + e.getMessage());
            return null;
        }
    }

    @Override
    public void subscribe(Consumer<KernelEvent> listener) {
        listeners.add(listener);
        synchronized (this) {
            if (!started && availability().available()) {
                started = true;
                try {
                    start();
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "tracefs: could not install the revocation probes", e);
                    availability = new Availability(false, List.of("installing probes failed: " + e.getMessage()),
                            "Installing probes needs write access to tracefs (or CAP_SYS_ADMIN); check dmesg for the "
                            + "trace_probe error.");
                    teardown();
                }
            }
        }
    }

    @Override
    public void unsubscribe(Consumer<KernelEvent> listener) {
        listeners.remove(listener);
    }

    private void start() throws IOException {
        removeStale(root, paths); // (the function list was read by availability(), which said yes)
        for (TraceProbe p : TraceProbe.ALL) {
            String fn = p.functions().stream().filter(functions::contains).findFirst().orElse(null);
            if (fn == null) {
                continue;
            }
            IOException last = null;
            boolean done = false;
            for (String fetch : p.fetches()) {
                String def = p.definition(group, fn, fetch);
                try {
                    append(root.resolve("dynamic_events"), def);
                    done = true;
                    break;
                } catch (IOException e) {
                    last = e; // the next fetch variant may be accepted
                }
            }
            if (!done && p.required()) {
                throw last != null ? last : new IOException("could not install " + p.event());
            }
        }
        Path eventsBase = root;
        Path inst = root.resolve("instances").resolve(group);
        try {
            Files.createDirectory(inst);
            instance = inst;
            eventsBase = inst;
        } catch (IOException e) {
            // no private trace instance: the global trace buffer serves
        }
        write(eventsBase.resolve("events").resolve(group).resolve("enable"), "1");
        Path pipePath = eventsBase.resolve("trace_pipe");
        pipe = Files.newInputStream(pipePath);
        Thread t = new Thread(this::readLoop, "tracefs-" + group);
        t.setDaemon(true);
        reader = t;
        t.start();
    }

    private void readLoop() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(pipe, StandardCharsets.UTF_8))) {
            String line;
            while (!stopping && (line = r.readLine()) != null) {
                Matcher m = MARK.matcher(line);
                if (m.find() && line.contains("tracing_mark_write")) {
                    synchronized (this) {
                        markSeen = Math.max(markSeen, Long.parseLong(m.group(1)));
                        notifyAll();
                    }
                    continue;
                }
                TraceLine.parse(line).flatMap(TraceLine::toKernelEvent).ifPresent(this::deliver);
            }
        } catch (IOException e) {
            if (!stopping) {
                LOG.log(Level.WARNING, "tracefs: reading trace_pipe failed", e);
            }
        }
    }

    private void deliver(KernelEvent e) {
        for (Consumer<KernelEvent> l : listeners) {
            try {
                l.accept(e);
            } catch (RuntimeException ex) {
                LOG.log(Level.WARNING, "revocation listener failed", ex);
            }
        }
    }

    @Override
    public boolean sync(long timeoutMillis) {
        long want;
        Path marker;
        synchronized (this) {
            if (reader == null || !reader.isAlive()) {
                return false;
            }
            want = ++markSent;
            marker = (instance != null ? instance : root).resolve("trace_marker");
        }
        try {
            write(marker, "vfioinsp-sync-" + want);
        } catch (IOException e) {
            return false;
        }
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        synchronized (this) {
            while (markSeen < want) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    return false;
                }
                try {
                    wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    @Override
    public synchronized void close() {
        teardown();
        listeners.clear();
    }

    private void teardown() {
        stopping = true;
        Path base = instance != null ? instance : root;
        tryWrite(base.resolve("events").resolve(group).resolve("enable"), "0");
        if (reader != null) {
            tryWrite(base.resolve("trace_marker"), "vfioinsp-stop");
            try {
                pipe.close();
            } catch (IOException ignored) {
                // closing a pipe we are done with
            }
            try {
                reader.join(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            reader = null;
        }
        if (instance != null) {
            try {
                Files.deleteIfExists(instance);
            } catch (IOException e) {
                LOG.log(Level.WARNING, "tracefs: could not remove instance " + instance, e);
            }
            instance = null;
        }
        removeGroup(root, group);
    }

    /**
     * Removes every {@code vfioinsp_<pid>...} group and instance whose process no longer exists under the procfs
     * root. Groups of running processes (this one included) are left alone.
     *
     * @return the groups removed
     */
    public static List<String> removeStale(Path tracingRoot, HostPaths paths) {
        Set<String> groups = new LinkedHashSet<>();
        for (String line : readLines(tracingRoot.resolve("dynamic_events"))) {
            Matcher m = DYN_LINE.matcher(line);
            if (m.matches()) {
                groups.add(m.group(1));
            }
        }
        try (Stream<Path> s = Files.list(tracingRoot.resolve("instances"))) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(GROUP_PREFIX)).forEach(groups::add);
        } catch (IOException | UncheckedIOException e) {
            // no instances directory: nothing stale there
        }
        List<String> removed = new ArrayList<>();
        for (String g : groups) {
            Matcher m = OURS.matcher(g);
            if (m.matches() && !Files.exists(paths.proc(m.group(1)))) {
                Path inst = tracingRoot.resolve("instances").resolve(g);
                if (Files.isDirectory(inst)) {
                    tryWrite(inst.resolve("events").resolve(g).resolve("enable"), "0");
                    try {
                        Files.deleteIfExists(inst);
                    } catch (IOException e) {
                        LOG.log(Level.WARNING, "tracefs: could not remove stale instance " + inst, e);
                    }
                }
                removeGroup(tracingRoot, g);
                removed.add(g);
            }
        }
        return removed;
    }

    private static void removeGroup(Path tracingRoot, String g) {
        tryWrite(tracingRoot.resolve("events").resolve(g).resolve("enable"), "0");
        for (String line : readLines(tracingRoot.resolve("dynamic_events"))) {
            Matcher m = DYN_LINE.matcher(line);
            if (m.matches() && m.group(1).equals(g)) {
                try {
                    append(tracingRoot.resolve("dynamic_events"), "-:" + g + "/" + m.group(2));
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "tracefs: could not remove " + g + "/" + m.group(2), e);
                }
            }
        }
    }

    private static List<String> readLines(Path p) {
        try {
            return Files.readAllLines(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return List.of();
        }
    }

    private static void append(Path file, String line) throws IOException {
        Files.writeString(file, line + "\n", StandardCharsets.US_ASCII, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
    }

    private static void write(Path file, String value) throws IOException {
        Files.writeString(file, value + "\n", StandardCharsets.US_ASCII, StandardOpenOption.WRITE);
    }

    private static void tryWrite(Path file, String value) {
        try {
            if (Files.exists(file)) {
                write(file, value);
            }
        } catch (IOException ignored) {
            // best effort during teardown
        }
    }
}
