package org.vfioinspector.app.kernellab;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The capability blocks of {@code lspci -D -nn -vv} (pciutils 3.9) and their comparison with {@code list --json}'s
 * {@code capabilities}: names and offsets in chain order, MSI-X table and PBA (BAR, offset), ACS capability and
 * control bits, PCIe link (current and max), PM state. Used on the snapshot in unit tests and in the guest.
 */
public final class LspciCapabilities {
    /** One capability as lspci shows it; {@code fields} holds what the comparison checks. */
    public record Cap(int offset, boolean extended, String id, Map<String, String> fields) {
    }

    private static final Pattern DEVICE = Pattern.compile("^([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]) .*");
    private static final Pattern CAP = Pattern.compile("^\\tCapabilities: \\[([0-9a-f]+)(?: v(\\d+))?\\] (.*)$");
    private static final Pattern BAR_OFF = Pattern.compile("BAR=(\\d+) offset=([0-9a-f]+)");
    private static final Pattern SPEED = Pattern.compile("Speed ([0-9.]+GT/s|unknown)[^,]*, Width x(\\d+)");
    private static final List<String[]> ACS = List.of(new String[] {"SrcValid", "SV"}, new String[] {"TransBlk", "TB"},
            new String[] {"ReqRedir", "RR"}, new String[] {"CmpltRedir", "CR"}, new String[] {"UpstreamFwd", "UF"},
            new String[] {"EgressCtrl", "EC"}, new String[] {"DirectTrans", "DT"});
    /** lspci's capability titles (prefixes) → the ids of {@code list --json}. */
    private static final List<String[]> NAMES = List.of(
            new String[] {"Power Management", "PM"}, new String[] {"MSI-X:", "MSI-X"}, new String[] {"MSI:", "MSI"},
            new String[] {"Express", "PCIe"}, new String[] {"Vendor Specific Information", "Vendor-specific"},
            new String[] {"Subsystem:", "Subsystem"}, new String[] {"SATA HBA", "SATA"},
            new String[] {"Advanced Error Reporting", "AER"}, new String[] {"Access Control Services", "ACS"},
            new String[] {"Device Serial Number", "DSN"}, new String[] {"Address Translation Service", "ATS"},
            new String[] {"Page Request Interface", "PRI"}, new String[] {"Process Address Space ID", "PASID"},
            new String[] {"Single Root I/O Virtualization", "SR-IOV"}, new String[] {"Physical Resizable BAR", "ReBAR"},
            new String[] {"Alternative Routing-ID Interpretation", "ARI"},
            new String[] {"Latency Tolerance Reporting", "LTR"}, new String[] {"L1 PM Substates", "L1 PM substates"},
            new String[] {"Secondary PCI Express", "Secondary PCIe"}, new String[] {"Virtual Channel", "VC"},
            new String[] {"Downstream Port Containment", "DPC"}, new String[] {"Precision Time Measurement", "PTM"},
            new String[] {"Designated Vendor-Specific", "DVSEC"}, new String[] {"Power Budgeting", "Power budgeting"},
            new String[] {"Transaction Processing Hints", "TPH"}, new String[] {"Data Link Feature", "Data link feature"},
            new String[] {"Physical Layer 16.0 GT/s", "16 GT/s"}, new String[] {"Physical Layer 32.0 GT/s", "32 GT/s"},
            new String[] {"Lane Margining at the Receiver", "Lane margining"}, new String[] {"Multicast", "Multicast"},
            new String[] {"PCI Advanced Features", "AF"}, new String[] {"Debug port", "Debug port"},
            new String[] {"PCI-X", "PCI-X"}, new String[] {"AGP", "AGP"}, new String[] {"Vital Product Data", "VPD"},
            new String[] {"Slot ID", "Slot ID"}, new String[] {"HyperTransport", "HyperTransport"},
            new String[] {"Null", "Null"});

    private LspciCapabilities() {
    }

    /** Every device's capabilities, keyed by BDF, in lspci's (chain) order. */
    public static Map<String, List<Cap>> parse(String text) {
        Map<String, List<Cap>> out = new LinkedHashMap<>();
        List<Cap> caps = null;
        Map<String, String> f = null;
        String id = null;
        for (String line : text.split("\n", -1)) {
            Matcher m;
            if ((m = DEVICE.matcher(line)).matches()) {
                caps = new ArrayList<>();
                out.put(m.group(1), caps);
                id = null;
            } else if (caps != null && (m = CAP.matcher(line)).matches()) {
                id = idOf(m.group(3));
                f = new TreeMap<>();
                caps.add(new Cap(Integer.parseInt(m.group(1), 16), m.group(2) != null, id, f));
                if (id.equals("PCIe")) {
                    f.put("portType", portType(m.group(3)));
                }
            } else if (id != null && line.startsWith("\t\t")) {
                String l = line.trim();
                if (id.equals("MSI-X") && (m = BAR_OFF.matcher(l)).find()) {
                    String which = l.startsWith("Vector table") ? "table" : l.startsWith("PBA") ? "pba" : null;
                    if (which != null) {
                        f.put(which, "BAR" + m.group(1) + "+0x" + Long.toHexString(Long.parseLong(m.group(2), 16)));
                    }
                } else if (id.equals("PCIe") && (l.startsWith("LnkCap:") || l.startsWith("LnkSta:"))
                        && (m = SPEED.matcher(l)).find()) {
                    String pre = l.startsWith("LnkCap:") ? "max" : "";
                    f.put(pre + "link", m.group(1) + " x" + m.group(2));
                } else if (id.equals("ACS") && (l.startsWith("ACSCap:") || l.startsWith("ACSCtl:"))) {
                    List<String> bits = new ArrayList<>();
                    for (String[] b : ACS) {
                        if (l.contains(b[0] + "+")) {
                            bits.add(b[1]);
                        }
                    }
                    f.put(l.startsWith("ACSCap:") ? "acsCapability" : "acsControl", String.join(" ", bits));
                } else if (id.equals("PM") && l.startsWith("Status: D")) {
                    String st = l.substring("Status: ".length()).split(" ")[0];
                    f.put("powerState", st.equals("D3") ? "D3hot" : st);
                }
            } else if (!line.startsWith("\t\t")) {
                id = null;
            }
        }
        return out;
    }

    static String idOf(String title) {
        for (String[] n : NAMES) {
            if (title.startsWith(n[0])) {
                return n[1];
            }
        }
        return "lspci:" + title;
    }

    /** "Express (v2) Root Port (Slot+), MSI 00" → "root-port", as list --json names port types. */
    static String portType(String title) {
        String t = title.replaceFirst("^Express \\(v\\d+\\) ", "");
        String[][] types = {{"Root Complex Integrated Endpoint", "rc-integrated-endpoint"},
                {"Root Complex Event Collector", "rc-event-collector"}, {"Legacy Endpoint", "legacy-endpoint"},
                {"Endpoint", "endpoint"}, {"Root Port", "root-port"}, {"Upstream Port", "switch-upstream"},
                {"Downstream Port", "switch-downstream"}, {"PCI-Express to PCI/PCI-X Bridge", "pcie-to-pci-bridge"},
                {"PCI/PCI-X to PCI-Express Bridge", "pci-to-pcie-bridge"}};
        for (String[] x : types) {
            if (t.startsWith(x[0])) {
                return x[1];
            }
        }
        return "lspci:" + t;
    }

    /** Differences between lspci's capabilities and list --json's; empty when they agree on every device. */
    public static List<String> compare(JsonNode list, Map<String, List<Cap>> lspci) {
        List<String> diffs = new ArrayList<>();
        Map<String, JsonNode> listed = new TreeMap<>();
        for (JsonNode d : list.path("devices")) {
            listed.put(d.path("bdf").asText(), d);
        }
        for (Map.Entry<String, List<Cap>> e : lspci.entrySet()) {
            JsonNode d = listed.get(e.getKey());
            if (d == null) {
                continue; // ListVsLspci reports missing devices
            }
            List<String> want = new ArrayList<>();
            e.getValue().forEach(c -> want.add(head(c.offset(), c.extended(), c.id())));
            List<String> got = new ArrayList<>();
            d.path("capabilities").forEach(c -> got.add(head(c.path("offset").asInt(), c.path("extended").asBoolean(),
                    c.path("id").asText())));
            if (!want.equals(got)) {
                diffs.add(e.getKey() + " capabilities: lspci " + want + ", list --json " + got);
                continue;
            }
            for (int i = 0; i < want.size(); i++) {
                Cap c = e.getValue().get(i);
                JsonNode j = d.path("capabilities").get(i);
                for (Map.Entry<String, String> fe : c.fields().entrySet()) {
                    String mine = field(j, fe.getKey());
                    if (!Objects.equals(fe.getValue(), mine)) {
                        diffs.add(e.getKey() + " " + want.get(i) + " " + fe.getKey() + ": lspci " + fe.getValue()
                                + ", list --json " + mine);
                    }
                }
            }
        }
        return diffs;
    }

    private static String head(int offset, boolean extended, String id) {
        return String.format("[%x%s] %s", offset, extended ? " ext" : "", id);
    }

    private static String field(JsonNode j, String key) {
        switch (key) {
            case "table":
            case "pba":
                JsonNode t = j.path(key);
                return t.isMissingNode() ? null : "BAR" + t.path("bar").asInt() + "+0x" + Long.toHexString(t.path("offset")
                        .asLong());
            case "link":
                return j.path("linkSpeed").isTextual() ? j.path("linkSpeed").asText() + " x" + j.path("linkWidth").asInt()
                        : null;
            case "maxlink":
                return j.path("maxLinkSpeed").isTextual() ? j.path("maxLinkSpeed").asText() + " x"
                        + j.path("maxLinkWidth").asInt() : null;
            case "acsCapability":
            case "acsControl":
                List<String> bits = new ArrayList<>();
                j.path(key).forEach(b -> bits.add(b.asText()));
                return j.path(key).isMissingNode() ? null : String.join(" ", bits);
            default:
                return j.path(key).isMissingNode() ? null : j.path(key).asText();
        }
    }
}
