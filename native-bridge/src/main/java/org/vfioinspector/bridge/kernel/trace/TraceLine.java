package org.vfioinspector.bridge.kernel.trace;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vfioinspector.bridge.kernel.KernelEvent;
import org.vfioinspector.bridge.model.PciAddress;

/**
 * One line of a tracefs {@code trace_pipe}, parsed. Pure: no I/O, table-tested. The default ftrace output is
 * <pre>  java-1234    [001] d..1.  5678.123456: dmabuf_move: (vfio_pci_dma_buf_move+0x4/0x1a0 [vfio_pci_core]) vdev=0xffff888103a8c000 revoked=1</pre>
 * (task-pid, optional tgid column, [cpu], optional irq-info flags, seconds.fraction, event name, then the probe's
 * output: the probed ip as {@code (func+off/size [module])} and the fetched arguments {@code name=value}; string
 * values are double-quoted).
 *
 * @param task           the task's comm (may contain spaces or dashes)
 * @param pid            the task's pid
 * @param cpu            the cpu the event was recorded on
 * @param timestampNanos the trace clock, in nanoseconds
 * @param event          the event name (without group)
 * @param function       the probed function, from the {@code (func+off/size)} part, or null when absent
 * @param args           fetched arguments in order, values unquoted
 */
public record TraceLine(String task, int pid, int cpu, long timestampNanos, String event, String function,
                        Map<String, String> args) {
    private static final Pattern LINE = Pattern.compile(
            "^\\s*(.*?)-(\\d+)\\s+(?:\\(\\s*[\\d-]+\\)\\s+)?\\[(\\d+)\\]\\s+(?:\\S+\\s+)?(\\d+)\\.(\\d+):\\s+([\\w.-]+):\\s?(.*)$");
    private static final Pattern IP = Pattern.compile("^\\(([\\w.]+)(?:\\+0x[0-9a-f]+/0x[0-9a-f]+)?(?:\\s+\\[[\\w-]+\\])?\\)\\s*(.*)$");
    private static final Pattern ARG = Pattern.compile("\\G\\s*([\\w.]+)=(\"(?:[^\"\\\\]|\\\\.)*\"|\\S*)");

    public TraceLine {
        args = Map.copyOf(args);
    }

    /** Parses a trace_pipe line; empty for lines that are not events (blank, comments, "CPU:5 [LOST 3 EVENTS]"). */
    public static Optional<TraceLine> parse(String line) {
        if (line == null || line.isBlank() || line.stripLeading().startsWith("#")) {
            return Optional.empty();
        }
        Matcher m = LINE.matcher(line);
        if (!m.matches()) {
            return Optional.empty();
        }
        String frac = m.group(5);
        long nanos;
        int pid;
        int cpu;
        try {
            long sec = Long.parseLong(m.group(4));
            String f9 = (frac + "000000000").substring(0, 9);
            nanos = Math.addExact(Math.multiplyExact(sec, 1_000_000_000L), Long.parseLong(f9));
            pid = Integer.parseInt(m.group(2));
            cpu = Integer.parseInt(m.group(3));
        } catch (NumberFormatException | ArithmeticException e) {
            // numbers no kernel prints (found by fuzzing): not an event line
            return Optional.empty();
        }
        String rest = m.group(7);
        String function = null;
        Matcher ip = IP.matcher(rest);
        if (ip.matches()) {
            function = ip.group(1);
            rest = ip.group(2);
        }
        Map<String, String> args = new LinkedHashMap<>();
        Matcher a = ARG.matcher(rest);
        while (a.find()) {
            String v = a.group(2);
            if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                v = v.substring(1, v.length() - 1);
            }
            args.put(a.group(1), v);
        }
        return Optional.of(new TraceLine(m.group(1).trim(), pid, cpu, nanos, m.group(6), function, args));
    }

    /** An argument as a number (decimal, or hex with 0x), or empty when absent or not a number. */
    public Optional<Long> number(String name) {
        String v = args.get(name);
        if (v == null || v.isEmpty()) {
            return Optional.empty();
        }
        try {
            if (v.startsWith("0x") || v.startsWith("0X")) {
                return Optional.of(Long.parseUnsignedLong(v.substring(2), 16));
            }
            return Optional.of(Long.parseLong(v));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * The event as the inspector's {@link KernelEvent}, or empty for an event that is not one of the revocation
     * probes. The function is taken from the probed ip where printed, otherwise from the event name this project
     * gives its probes ({@link TraceProbe}).
     */
    public Optional<KernelEvent> toKernelEvent() {
        String fn = function != null ? function : TraceProbe.functionOfEvent(event).orElse(null);
        if (fn == null) {
            return Optional.empty();
        }
        KernelEvent.Kind kind;
        switch (fn) {
            case "vfio_pci_dma_buf_move":
                kind = number("revoked").orElse(1L) != 0 ? KernelEvent.Kind.REVOKE : KernelEvent.Kind.RESTORE;
                break;
            case "vfio_pci_dma_buf_cleanup":
                kind = KernelEvent.Kind.PERMANENT;
                break;
            case "dma_buf_invalidate_mappings":
            case "dma_buf_move_notify":
                kind = KernelEvent.Kind.INVALIDATE;
                break;
            case "vfio_pci_zap_and_down_write_memory_lock":
                kind = KernelEvent.Kind.ZAP;
                break;
            case "vfio_pci_dma_buf_release":
                kind = KernelEvent.Kind.RELEASE;
                break;
            default:
                return Optional.empty();
        }
        PciAddress device = null;
        String bdf = args.get("bdf");
        if (bdf != null && PciAddress.isValid(bdf)) {
            device = PciAddress.parse(bdf);
        }
        long ino = number("ino").orElse(-1L);
        return Optional.of(new KernelEvent(timestampNanos, kind, fn, device, ino, toString()));
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        b.append(task).append('-').append(pid).append(" [").append(cpu).append("] ")
                .append(String.format("%d.%06d", timestampNanos / 1_000_000_000L, (timestampNanos % 1_000_000_000L) / 1000))
                .append(": ").append(event).append(':');
        if (function != null) {
            b.append(" (").append(function).append(')');
        }
        args.forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
        return b.toString();
    }
}
