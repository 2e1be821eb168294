package org.vfioinspector.app.kernellab;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compares {@code vfio-inspector list --json} with {@code lspci -D -nn -vv} of the same machine:
 * devices (BDF, vendor:device, class), every BAR/ROM (index, kind, prefetchable, start, size) and
 * every IOMMU group. Returns human-readable differences; empty means they agree.
 */
public final class ListVsLspci {

    private ListVsLspci() {
    }

    public static List<String> compare(JsonNode list, Map<String, LspciParser.Device> lspci) {
        List<String> diffs = new ArrayList<>();
        JsonNode devices = list.path("devices");
        if (!devices.isArray()) {
            diffs.add("list --json has no \"devices\" array");
            return diffs;
        }
        Map<String, JsonNode> listed = new TreeMap<>();
        for (JsonNode d : devices) {
            listed.put(text(d.path("bdf")), d);
        }
        TreeSet<String> onlyList = new TreeSet<>(listed.keySet());
        onlyList.removeAll(lspci.keySet());
        TreeSet<String> onlyLspci = new TreeSet<>(lspci.keySet());
        onlyLspci.removeAll(listed.keySet());
        onlyList.forEach(b -> diffs.add(b + ": in list --json, not in lspci"));
        onlyLspci.forEach(b -> diffs.add(b + ": in lspci, not in list --json"));

        for (LspciParser.Device ref : lspci.values()) {
            JsonNode d = listed.get(ref.bdf());
            if (d == null) {
                continue;
            }
            String b = ref.bdf();
            same(diffs, b + " vendor", ref.vendor(), hex(d.path("vendor"), 4));
            same(diffs, b + " device", ref.device(), hex(d.path("device"), 4));
            same(diffs, b + " class", ref.classCode(), hex(d.path("class"), 6));
            same(diffs, b + " driver", ref.driver(), text(d.path("driver")));
            same(diffs, b + " iommuGroup", ref.iommuGroup() == null ? null : String.valueOf(ref.iommuGroup()),
                    d.path("iommuGroup").isMissingNode() || d.path("iommuGroup").isNull() ? null : text(d.path("iommuGroup")));

            Map<Integer, LspciParser.Region> refRegions = new TreeMap<>();
            ref.regions().forEach(r -> refRegions.put(r.index(), r));
            Map<Integer, JsonNode> listRegions = new TreeMap<>();
            for (JsonNode r : d.path("regions")) {
                listRegions.put(r.path("index").asInt(-1), r);
            }
            for (Integer i : union(refRegions.keySet(), listRegions.keySet())) {
                LspciParser.Region r = refRegions.get(i);
                JsonNode j = listRegions.get(i);
                String where = b + " " + (i == 6 ? "ROM" : "BAR" + i);
                if (r == null) {
                    diffs.add(where + ": in list --json (" + j + "), not in lspci");
                    continue;
                }
                if (j == null) {
                    diffs.add(where + ": in lspci (" + r + "), not in list --json");
                    continue;
                }
                same(diffs, where + " kind", r.kind(), text(j.path("kind")));
                if (!"rom".equals(r.kind())) { // lspci prints no prefetch bit for the ROM
                    same(diffs, where + " prefetchable", String.valueOf(r.prefetchable()),
                            String.valueOf(j.path("prefetchable").asBoolean()));
                }
                same(diffs, where + " start", r.start() == null ? null : "0x" + Long.toHexString(r.start()),
                        number(j.path("start")));
                same(diffs, where + " size", "0x" + Long.toHexString(r.size()), number(j.path("size")));
            }
        }

        // IOMMU groups: the same partition of devices, by group id
        Map<String, TreeSet<String>> refGroups = new TreeMap<>();
        for (LspciParser.Device dev : lspci.values()) {
            if (dev.iommuGroup() != null) {
                refGroups.computeIfAbsent(String.valueOf(dev.iommuGroup()), k -> new TreeSet<>()).add(dev.bdf());
            }
        }
        Map<String, TreeSet<String>> listGroups = new TreeMap<>();
        JsonNode groups = list.path("groups");
        if (!groups.isArray()) {
            diffs.add("list --json has no \"groups\" array");
        } else {
            for (JsonNode g : groups) {
                TreeSet<String> members = new TreeSet<>();
                g.path("devices").forEach(x -> members.add(text(x)));
                listGroups.put(text(g.path("id")), members);
            }
        }
        for (String id : union(refGroups.keySet(), listGroups.keySet())) {
            same(diffs, "IOMMU group " + id + " devices",
                    refGroups.containsKey(id) ? refGroups.get(id).toString() : null,
                    listGroups.containsKey(id) ? listGroups.get(id).toString() : null);
        }
        return diffs;
    }

    private static <T extends Comparable<T>> TreeSet<T> union(java.util.Set<T> a, java.util.Set<T> b) {
        TreeSet<T> u = new TreeSet<>(a);
        u.addAll(b);
        return u;
    }

    private static void same(List<String> diffs, String what, String lspci, String list) {
        if (!Objects.equals(lspci, list)) {
            diffs.add(what + ": lspci " + lspci + ", list --json " + list);
        }
    }

    private static String text(JsonNode n) {
        return n.isMissingNode() || n.isNull() ? null : n.asText();
    }

    /** "0x10d3", "10d3" or 4307 as n lower-case hex digits. */
    static String hex(JsonNode n, int digits) {
        if (n.isMissingNode() || n.isNull()) {
            return null;
        }
        long v = n.isNumber() ? n.asLong() : Long.parseLong(n.asText().toLowerCase(Locale.ROOT).replaceFirst("^0x", ""), 16);
        return String.format("%0" + digits + "x", v);
    }

    /** A JSON number, or a string in hex ("0xfea00000") or decimal, as "0x..." for comparison. */
    static String number(JsonNode n) {
        if (n.isMissingNode() || n.isNull()) {
            return null;
        }
        if (n.isNumber()) {
            return "0x" + Long.toHexString(n.asLong());
        }
        String s = n.asText().trim().toLowerCase(Locale.ROOT);
        long v = s.startsWith("0x") ? Long.parseUnsignedLong(s.substring(2), 16) : Long.parseLong(s);
        return "0x" + Long.toHexString(v);
    }
}
