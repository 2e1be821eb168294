package org.vfioinspector.app.kernellab;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The promise of {@code list --json}'s p2p verdicts: for every exporter BAR the kernel exported and every PCI device
 * an in-kernel importer attached as ({@code p2p-import --json}), the map answer is the verdict's result, and a
 * "bus-address" verdict's map gave the BAR's own address (PCI_P2PDMA_MAP_BUS_ADDR: no IOMMU, no offset on x86).
 * The attach itself must succeed (a dynamic, peer2peer, revocable importer). Used on the lab in unit tests and on
 * the real iommufd kernel in the guest.
 */
public final class P2pVsImport {
    /**
     * @param compared pairs whose verdict was compared
     * @param ok       of those, the kernel mapped
     * @param refused  of those, the kernel refused (the errno in the verdict)
     * @param unknown  pairs whose verdict was unknown (compared to nothing)
     * @param exports  BARs exported
     */
    public record Result(List<String> diffs, int compared, int ok, int refused, int unknown, int exports,
                         List<String> okPairs) {
    }

    private P2pVsImport() {
    }

    public static Result compare(JsonNode list, JsonNode sweep) {
        List<String> diffs = new ArrayList<>();
        List<String> okPairs = new ArrayList<>();
        int compared = 0;
        int ok = 0;
        int refused = 0;
        int unknown = 0;
        int exports = 0;
        Set<String> devices = new HashSet<>();
        list.path("devices").forEach(d -> devices.add(d.path("bdf").asText()));
        for (JsonNode e : sweep.path("exports")) {
            if (!"ok".equals(e.path("export").asText())) {
                continue;
            }
            exports++;
            String exporter = e.path("exporter").asText();
            int bar = e.path("bar").asInt();
            Set<String> asked = new HashSet<>();
            for (JsonNode p : sweep.path("pairs")) {
                if (!exporter.equals(p.path("exporter").asText()) || p.path("bar").asInt() != bar) {
                    continue;
                }
                String importer = p.path("importer").asText();
                asked.add(importer);
                String what = exporter + " BAR" + bar + " as " + importer;
                if (!"ok".equals(p.path("attach").asText())) {
                    diffs.add(what + ": attach " + p.path("attach").asText() + " (" + p.path("detail").asText()
                            + "), but a dynamic peer2peer importer attaches");
                    continue;
                }
                JsonNode v = verdict(list, exporter, importer);
                if (v == null) {
                    diffs.add(what + ": list --json has no p2p verdict for the pair");
                    continue;
                }
                String want = v.path("result").asText();
                if (want.equals("unknown")) {
                    unknown++;
                    continue;
                }
                compared++;
                String got = p.path("map").asText();
                if (!want.equals(got)) {
                    diffs.add(what + ": list predicted " + want + " (" + v.path("map").asText() + "), the kernel's map "
                            + "answered " + got + " [" + p.path("detail").asText() + "] [rule: "
                            + v.path("rule").asText() + "]");
                    continue;
                }
                if (got.equals("ok")) {
                    ok++;
                    okPairs.add(exporter + " BAR" + bar + " <- " + importer + " (" + v.path("map").asText() + ")");
                    long start = barStart(list, exporter, bar);
                    if (v.path("map").asText().equals("bus-address") && p.path("dmaAddress").asLong(-1) != start) {
                        diffs.add(what + ": a bus-address map should give the BAR's address 0x"
                                + Long.toHexString(start) + ", the kernel gave 0x"
                                + Long.toHexString(p.path("dmaAddress").asLong(-1)));
                    }
                } else {
                    refused++;
                }
            }
            for (String d : devices) {
                if (!asked.contains(d)) {
                    diffs.add(exporter + " BAR" + bar + ": the kernel was never asked as " + d);
                }
            }
        }
        return new Result(diffs, compared, ok, refused, unknown, exports, okPairs);
    }

    private static JsonNode verdict(JsonNode list, String exporter, String importer) {
        for (JsonNode v : list.path("p2p")) {
            if (exporter.equals(v.path("exporter").asText()) && importer.equals(v.path("importer").asText())) {
                return v;
            }
        }
        return null;
    }

    private static long barStart(JsonNode list, String bdf, int bar) {
        for (JsonNode d : list.path("devices")) {
            if (bdf.equals(d.path("bdf").asText())) {
                for (JsonNode r : d.path("regions")) {
                    if (r.path("index").asInt() == bar) {
                        return r.path("start").asLong();
                    }
                }
            }
        }
        return -1;
    }
}
