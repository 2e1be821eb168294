package org.vfioinspector.app.kernellab;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The promise of the verdict columns: what {@code list --json} predicts for every region (mmap, dma-buf export)
 * equals what the kernel then answers to {@code probe --json} on the same host. A verdict of "unknown" promises
 * nothing and is counted, not compared. Used on the lab in unit tests and on both real kernels in the guest.
 */
public final class VerdictsVsProbe {
    /** The differences, and how many verdicts were compared and how many were unknown. */
    public record Result(List<String> diffs, int compared, int unknown) {
    }

    private VerdictsVsProbe() {
    }

    public static Result compare(JsonNode list, JsonNode probe) {
        List<String> diffs = new ArrayList<>();
        int compared = 0;
        int unknown = 0;
        for (JsonNode p : probe.path("devices")) {
            String bdf = p.path("bdf").asText();
            if (!"ok".equals(p.path("open").asText())) {
                continue;
            }
            JsonNode d = device(list, bdf);
            if (d == null) {
                diffs.add(bdf + ": probed, but list --json has no such device");
                continue;
            }
            for (JsonNode r : d.path("regions")) {
                int index = r.path("index").asInt();
                JsonNode answered = region(p, index);
                if (answered == null) {
                    diffs.add(bdf + " " + r.path("name").asText() + ": listed, but the probe has no region " + index);
                    continue;
                }
                for (String[] op : new String[][] {{"mmap", "mmap"}, {"dmabuf", "dmabuf"}}) {
                    JsonNode v = r.path(op[0]);
                    String got = answered.path(op[1]).isNull() ? null : answered.path(op[1]).asText(null);
                    if (got == null) {
                        continue; // not tried (size 0, region info failed)
                    }
                    String verdict = v.path("verdict").asText();
                    if (verdict.equals("unknown")) {
                        unknown++;
                        continue;
                    }
                    String want = verdict.equals("yes") ? "ok" : v.path("errno").asText("no");
                    compared++;
                    if (!want.equals(got)) {
                        diffs.add(bdf + " " + r.path("name").asText() + " " + op[0] + ": list predicted " + verdict
                                + (verdict.equals("no") ? " (" + want + ")" : "") + ", the kernel answered " + got
                                + " [rule: " + v.path("rule").asText() + "]");
                    }
                }
            }
        }
        return new Result(diffs, compared, unknown);
    }

    private static JsonNode device(JsonNode list, String bdf) {
        for (JsonNode d : list.path("devices")) {
            if (bdf.equals(d.path("bdf").asText())) {
                return d;
            }
        }
        return null;
    }

    private static JsonNode region(JsonNode probe, int index) {
        for (JsonNode r : probe.path("regions")) {
            if (r.path("index").asInt() == index) {
                return r;
            }
        }
        return null;
    }
}
