package org.vfioinspector.bridge.exercise;

import java.time.Instant;
import java.util.List;
import org.vfioinspector.bridge.journal.Activity;

/**
 * A student's session as one self-contained HTML page: the exercise, each step with its check (passed when, by
 * which records, or not yet) and the timeline of everything recorded since the exercise started.
 */
public final class ExerciseReport {
    private ExerciseReport() {
    }

    public static String html(Exercise ex, Progress progress, List<Activity> timeline, String host, Instant now) {
        StringBuilder h = new StringBuilder(8192);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(esc(ex.title())).append(" — exercise report</title>\n<style>")
                .append("body{font-family:sans-serif;margin:2em;max-width:70em}")
                .append("table{border-collapse:collapse;width:100%}td,th{border:1px solid #bbb;padding:4px 6px;")
                .append("text-align:left;vertical-align:top}th{background:#eee}")
                .append(".passed{color:#15692b;font-weight:bold}.open{color:#9a5b00;font-weight:bold}")
                .append("code,.mono{font-family:monospace}</style></head><body>\n");
        long passed = ex.steps().stream().filter(s -> progress.passed(ex.steps().indexOf(s))).count();
        h.append("<h1>").append(esc(ex.title())).append("</h1>\n<p>").append(esc(ex.intro())).append("</p>\n");
        h.append("<p>Scenario <code>").append(esc(ex.scenario())).append("</code> · host ").append(esc(host))
                .append(" · report written ").append(esc(now.toString())).append(" · <b>").append(passed)
                .append(" of ").append(ex.steps().size()).append(" steps passed</b></p>\n");
        h.append("<h2>Steps</h2>\n<table><tr><th>#</th><th>Step</th><th>Check</th><th>Result</th>"
                + "<th>Evidence (what was done, what the kernel answered)</th></tr>\n");
        for (int i = 0; i < ex.steps().size(); i++) {
            Exercise.Step s = ex.steps().get(i);
            h.append("<tr><td>").append(i + 1).append("</td><td><b>").append(esc(s.title())).append("</b><br>")
                    .append(esc(s.instructions())).append("</td><td class=\"mono\">");
            s.check().expects().forEach(e -> h.append(esc(e.describe())).append("<br>"));
            h.append("</td>");
            Progress.StepPass p = progress.pass(i).orElse(null);
            if (p == null) {
                h.append("<td class=\"open\">not yet</td><td></td></tr>\n");
            } else {
                h.append("<td class=\"passed\">passed ").append(esc(p.at())).append("</td><td class=\"mono\">");
                p.evidence().forEach(e -> h.append(esc(e)).append("<br>"));
                h.append("</td></tr>\n");
            }
        }
        h.append("</table>\n<h2>Timeline</h2>\n<table><tr><th>#</th><th>Time</th><th>Kind</th><th>What</th>"
                + "<th>Device</th><th>Answer</th><th>Detail</th></tr>\n");
        for (Activity a : timeline) {
            h.append("<tr><td>").append(a.seq()).append("</td><td>").append(esc(a.at().toString()))
                    .append("</td><td>").append(a.type()).append("</td><td>").append(esc(a.operation()))
                    .append("</td><td class=\"mono\">").append(a.device() == null ? "" : esc(a.device().toString())
                    + (a.region() < 0 ? "" : a.region() == 6 ? " ROM" : " BAR" + a.region()))
                    .append("</td><td class=\"mono\">").append(esc(a.result())).append("</td><td>")
                    .append(esc(a.detail())).append("</td></tr>\n");
        }
        h.append("</table>\n</body></html>\n");
        return h.toString();
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\n' -> b.append(' ');
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
