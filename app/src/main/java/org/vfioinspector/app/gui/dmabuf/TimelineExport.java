package org.vfioinspector.app.gui.dmabuf;

import static org.vfioinspector.bridge.journal.JournalExport.esc;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.vfioinspector.bridge.kernel.KernelEvent;
import org.vfioinspector.bridge.model.Region;

/**
 * The timeline as a file: JSON for tools, HTML for people. Pure: takes snapshots of the data, returns text;
 * the caller writes it off the FX thread.
 */
public final class TimelineExport {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());

    /**
     * A tracked object as it stood when saved.
     *
     * @param witness the last DMA read of the witness that concerned it ("use-after-free", "IOMMU fault", ...), or
     *                null
     */
    public record ObjectRow(String kind, String device, int region, long inode, String description, String state,
                            String witness) {
        public ObjectRow(String kind, String device, int region, long inode, String description, String state) {
            this(kind, device, region, inode, description, state, null);
        }
    }

    private TimelineExport() {
    }

    public static List<ObjectRow> snapshot(List<Tracked> tracked) {
        return tracked.stream().map(t -> new ObjectRow(t.kind().label(), t.device().toString(), t.region(),
                t.inode(), t.description(), t.state().getValue().label(), t.witness().get() == null ? null
                : t.witness().get().verdict())).toList();
    }

    public static String json(String host, List<ObjectRow> objects, List<TimelineEntry> timeline) {
        StringBuilder sb = new StringBuilder(256 + 200 * timeline.size());
        sb.append("{\n  \"host\": ").append(str(host)).append(",\n  \"objects\": [");
        for (int i = 0; i < objects.size(); i++) {
            ObjectRow o = objects.get(i);
            sb.append(i == 0 ? "\n" : ",\n").append("    {\"kind\": ").append(str(o.kind()))
                    .append(", \"device\": ").append(str(o.device())).append(", \"region\": ").append(o.region())
                    .append(", \"inode\": ").append(o.inode()).append(", \"description\": ")
                    .append(str(o.description())).append(", \"state\": ").append(str(o.state()))
                    .append(o.witness() == null ? "" : ", \"dmaWitness\": " + str(o.witness())).append('}');
        }
        sb.append(objects.isEmpty() ? "]" : "\n  ]").append(",\n  \"events\": [");
        for (int i = 0; i < timeline.size(); i++) {
            TimelineEntry t = timeline.get(i);
            KernelEvent e = t.event();
            sb.append(i == 0 ? "\n" : ",\n").append("    {\"received\": ").append(str(t.received().toString()))
                    .append(", \"timestampNanos\": ").append(e.timestampNanos())
                    .append(", \"kind\": ").append(str(e.kind().name().toLowerCase(java.util.Locale.ROOT)))
                    .append(", \"function\": ").append(str(e.function()))
                    .append(", \"device\": ").append(e.device() == null ? "null" : str(e.device().toString()))
                    .append(", \"dmaBufInode\": ").append(e.dmaBufInode())
                    .append(", \"effect\": ").append(str(t.effect()))
                    .append(", \"detail\": ").append(str(e.detail())).append('}');
        }
        sb.append(timeline.isEmpty() ? "]" : "\n  ]").append("\n}\n");
        return sb.toString();
    }

    public static String html(String host, List<ObjectRow> objects, List<TimelineEntry> timeline) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>VFIO revocation timeline — ")
                .append(esc(host)).append("</title>\n<style>body{font:14px system-ui,sans-serif;margin:2em;color:#1d2430}"
                        + "table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccd3de;padding:4px 10px;"
                        + "text-align:left}th{background:#eef2f7}code{font-family:monospace}"
                        + ".active{color:#177a3c}.revoked{color:#b42318}.restored{color:#1f5fbf}.dead{color:#667085}"
                        + "</style></head><body>\n<h1>Revocation timeline</h1>\n<p>Host: <b>").append(esc(host))
                .append("</b></p>\n<h2>Objects</h2>\n<table><tr><th>Kind</th><th>Device</th><th>Region</th>"
                        + "<th>dma-buf inode</th><th>What</th><th>State</th><th>DMA witness</th></tr>\n");
        for (ObjectRow o : objects) {
            sb.append("<tr><td>").append(esc(o.kind())).append("</td><td><code>").append(esc(o.device()))
                    .append("</code></td><td>").append(Region.nameOf(o.region()))
                    .append("</td><td>").append(o.inode() < 0 ? "" : o.inode()).append("</td><td>")
                    .append(esc(o.description())).append("</td><td class=\"").append(esc(o.state())).append("\">")
                    .append(esc(o.state())).append("</td><td>").append(o.witness() == null ? "" : esc(o.witness()))
                    .append("</td></tr>\n");
        }
        sb.append("</table>\n<h2>Events</h2>\n<table><tr><th>Received</th><th>Kernel time (ns)</th><th>Event</th>"
                + "<th>Kernel function</th><th>Device</th><th>dma-buf inode</th><th>Effect</th></tr>\n");
        for (TimelineEntry t : timeline) {
            KernelEvent e = t.event();
            sb.append("<tr><td>").append(TIME.format(t.received())).append("</td><td>").append(e.timestampNanos())
                    .append("</td><td>").append(esc(e.kind().name().toLowerCase(java.util.Locale.ROOT)))
                    .append("</td><td><code>").append(esc(e.function())).append("</code></td><td><code>")
                    .append(e.device() == null ? "" : esc(e.device().toString())).append("</code></td><td>")
                    .append(e.dmaBufInode() < 0 ? "" : e.dmaBufInode()).append("</td><td>").append(esc(t.effect()))
                    .append("</td></tr>\n");
        }
        return sb.append("</table>\n</body></html>\n").toString();
    }

    static String str(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
