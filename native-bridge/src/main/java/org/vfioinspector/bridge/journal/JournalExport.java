package org.vfioinspector.bridge.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import org.vfioinspector.bridge.model.Region;

/** A journal as a file to share: JSON for tools (the records as written), HTML for people. Pure: text in, text out. */
public final class JournalExport {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());

    private JournalExport() {
    }

    public static String json(JournalReader.Journal j) {
        ObjectNode root = SessionJournal.JSON.createObjectNode();
        root.put("source", j.source());
        root.put("started", j.started().map(Object::toString).orElse(null));
        ArrayNode notes = root.putArray("notes");
        j.notes().forEach(notes::add);
        ArrayNode entries = root.putArray("entries");
        j.entries().forEach(a -> entries.add(SessionJournal.toJson(a)));
        try {
            return SessionJournal.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("A journal tree cannot fail to serialise", e);
        }
    }

    public static String html(JournalReader.Journal j) {
        StringBuilder sb = new StringBuilder(1024 + 200 * j.entries().size());
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>VFIO Inspector session — ")
                .append(esc(j.source())).append("</title>\n<style>body{font:14px system-ui,sans-serif;margin:2em;"
                        + "color:#1d2430}table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccd3de;"
                        + "padding:4px 10px;text-align:left}th{background:#eef2f7}code{font-family:monospace}"
                        + ".fail{color:#b42318}.note{color:#9a6700}</style></head><body>\n<h1>Session journal</h1>\n"
                        + "<p>File: <code>").append(esc(j.source())).append("</code>")
                .append(j.started().map(s -> ", started " + TIME.format(s)).orElse("")).append("</p>\n");
        for (String n : j.notes()) {
            sb.append("<p class=\"note\">").append(esc(n)).append("</p>\n");
        }
        sb.append("<table><tr><th>#</th><th>Time</th><th>Kind</th><th>What</th><th>Device</th><th>Region</th>"
                + "<th>Result</th><th>Detail</th></tr>\n");
        for (Activity a : j.entries()) {
            boolean fail = a.type() == Activity.Type.ACTION && !a.isOk();
            sb.append("<tr><td>").append(a.seq()).append("</td><td>").append(TIME.format(a.at())).append("</td><td>")
                    .append(a.type().name().toLowerCase(java.util.Locale.ROOT)).append("</td><td>")
                    .append(esc(a.operation())).append("</td><td><code>")
                    .append(a.device() == null ? "" : a.device().toString()).append("</code></td><td>")
                    .append(Region.nameOf(a.region())).append("</td><td")
                    .append(fail ? " class=\"fail\">" : ">").append(esc(a.result())).append("</td><td>")
                    .append(esc(a.detail()));
            for (Map.Entry<String, String> f : new java.util.TreeMap<>(a.facts()).entrySet()) {
                sb.append("<br><small>").append(esc(f.getKey())).append(" = ").append(esc(f.getValue()))
                        .append("</small>");
            }
            sb.append("</td></tr>\n");
        }
        return sb.append("</table>\n</body></html>\n").toString();
    }

    /** HTML-escapes text for an element or a quoted attribute; null is empty. */
    public static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
