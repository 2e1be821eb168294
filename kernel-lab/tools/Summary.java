// Prints the kernel-lab summary table from the result directories written by run.sh.
// Single-file program (java Summary.java ...), no dependencies: it carries a minimal JSON reader.
//
// Usage: java Summary.java TOTAL_SECS FETCH_SECS INITRD_SECS RESULT_DIR...

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public class Summary {

    public static void main(String[] args) throws IOException {
        String total = args[0], fetch = args[1], initrd = args[2];
        StringBuilder out = new StringBuilder();
        out.append("\n==================== VFIO Inspector kernel lab ====================\n");
        out.append(String.format("fetch kernel %ss, initramfs %ss, whole run %ss%n", fetch, initrd, total));
        for (int i = 3; i < args.length; i++) {
            Path dir = Path.of(args[i]);
            Path results = dir.resolve("results.json");
            out.append("\n");
            if (!Files.exists(results)) {
                out.append(String.format("%s/%s: no results.json%n", dir.getParent().getFileName(), dir.getFileName()));
                continue;
            }
            Map<?, ?> r = (Map<?, ?>) Json.parse(Files.readString(results));
            out.append(String.format("%s/%-7s status %s, kernel %s, %s IOMMU, boot %ss (guest READY at %ss uptime), set %ss, attempts %s%n",
                    r.get("kernel"), r.get("set"), r.get("status"), r.get("kernelVersion"), r.get("viommu"),
                    num(r.get("bootSeconds")), num(r.get("guestReadyUptime")), num(r.get("setSeconds")), num(r.get("attempts"))));
            if (r.get("error") != null) {
                out.append("  ERROR: ").append(r.get("error")).append('\n');
            }
            out.append(String.format("  %-14s %-6s %9s  %s%n", "command", "exit", "seconds", "note"));
            for (Object o : (List<?>) r.get("commands")) {
                Map<?, ?> c = (Map<?, ?>) o;
                String note = Boolean.TRUE.equals(c.get("timedOut")) ? "TIMED OUT"
                        : Boolean.FALSE.equals(c.get("ran")) ? "did not run" : firstLine(dir.resolve(c.get("stderr").toString()));
                out.append(String.format("  %-14s %-6s %9s  %s%n", c.get("name"), num(c.get("exitCode")), num(c.get("seconds")), note));
            }
            for (String probe : new String[] {"probe", "probe-revoke"}) {
                barTable(out, dir.resolve(probe + ".stdout"), probe);
            }
        }
        out.append("====================================================================\n");
        System.out.print(out);
    }

    /** The per-BAR table of a probe --json output: every devices[].(regions|bars)[] object, its scalar fields. */
    static void barTable(StringBuilder out, Path file, String name) {
        Object doc;
        try {
            String text = Files.readString(file).strip();
            if (text.isEmpty()) {
                return;
            }
            doc = Json.parse(text);
        } catch (IOException | RuntimeException e) {
            return; // not (yet) JSON: the exit code above says what happened
        }
        if (!(doc instanceof Map<?, ?> m) || !(m.get("devices") instanceof List<?> devices)) {
            return;
        }
        out.append("  ").append(name).append(" --json, per BAR:\n");
        for (Object d : devices) {
            if (!(d instanceof Map<?, ?> dev)) {
                continue;
            }
            Object bars = dev.get("regions") != null ? dev.get("regions") : dev.get("bars");
            if (!(bars instanceof List<?> list)) {
                continue;
            }
            for (Object b : list) {
                if (!(b instanceof Map<?, ?> bar)) {
                    continue;
                }
                StringBuilder row = new StringBuilder();
                for (Map.Entry<?, ?> e : bar.entrySet()) {
                    Object v = e.getValue();
                    if (v instanceof Map<?, ?> sub) {
                        // one level of nesting, e.g. {"mmap": {"outcome": "OK"}}
                        for (Map.Entry<?, ?> s : sub.entrySet()) {
                            if (!(s.getValue() instanceof Map) && !(s.getValue() instanceof List)) {
                                row.append(' ').append(e.getKey()).append('.').append(s.getKey()).append('=').append(num(s.getValue()));
                            }
                        }
                    } else if (!(v instanceof List)) {
                        row.append(' ').append(e.getKey()).append('=').append(num(v));
                    }
                }
                out.append(String.format("    %-13s%s%n", dev.get("bdf"), row));
            }
        }
    }

    static String num(Object o) {
        if (o == null) {
            return "-";
        }
        if (o instanceof Double d && d == Math.rint(d) && !String.valueOf(o).contains("E")) {
            return String.valueOf(d.longValue());
        }
        return String.valueOf(o);
    }

    static String firstLine(Path p) {
        try {
            for (String l : Files.readAllLines(p)) {
                if (!l.isBlank()) {
                    return l.length() > 70 ? l.substring(0, 70) + "..." : l;
                }
            }
        } catch (IOException e) {
            return "";
        }
        return "";
    }

    /** Minimal JSON reader: objects (LinkedHashMap), arrays, strings, numbers (Double), booleans, null. */
    static final class Json {
        private final String s;
        private int i;

        private Json(String s) {
            this.s = s;
        }

        static Object parse(String text) {
            Json j = new Json(text);
            Object v = j.value();
            j.ws();
            if (j.i != j.s.length()) {
                throw new IllegalArgumentException("trailing data at " + j.i);
            }
            return v;
        }

        private void ws() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private Object value() {
            ws();
            if (i >= s.length()) {
                throw new IllegalArgumentException("unexpected end");
            }
            char c = s.charAt(i);
            switch (c) {
                case '{': {
                    i++;
                    Map<String, Object> m = new LinkedHashMap<>();
                    ws();
                    if (s.charAt(i) == '}') {
                        i++;
                        return m;
                    }
                    while (true) {
                        ws();
                        String k = string();
                        ws();
                        expect(':');
                        m.put(k, value());
                        ws();
                        if (s.charAt(i) == ',') {
                            i++;
                        } else {
                            expect('}');
                            return m;
                        }
                    }
                }
                case '[': {
                    i++;
                    List<Object> l = new ArrayList<>();
                    ws();
                    if (s.charAt(i) == ']') {
                        i++;
                        return l;
                    }
                    while (true) {
                        l.add(value());
                        ws();
                        if (s.charAt(i) == ',') {
                            i++;
                        } else {
                            expect(']');
                            return l;
                        }
                    }
                }
                case '"':
                    return string();
                case 't':
                    i += 4;
                    return Boolean.TRUE;
                case 'f':
                    i += 5;
                    return Boolean.FALSE;
                case 'n':
                    i += 4;
                    return null;
                default: {
                    int st = i;
                    while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                        i++;
                    }
                    if (st == i) {
                        throw new IllegalArgumentException("unexpected '" + c + "' at " + i);
                    }
                    return Double.valueOf(s.substring(st, i));
                }
            }
        }

        private void expect(char c) {
            if (i >= s.length() || s.charAt(i) != c) {
                throw new IllegalArgumentException("expected '" + c + "' at " + i);
            }
            i++;
        }

        private String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (true) {
                char c = s.charAt(i++);
                if (c == '"') {
                    return b.toString();
                }
                if (c == '\\') {
                    char e = s.charAt(i++);
                    switch (e) {
                        case 'n' -> b.append('\n');
                        case 't' -> b.append('\t');
                        case 'r' -> b.append('\r');
                        case 'b' -> b.append('\b');
                        case 'f' -> b.append('\f');
                        case 'u' -> {
                            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                            i += 4;
                        }
                        default -> b.append(e);
                    }
                } else {
                    b.append(c);
                }
            }
        }
    }
}
