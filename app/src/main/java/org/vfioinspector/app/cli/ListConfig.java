package org.vfioinspector.app.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.vfioinspector.bridge.config.Capability;
import org.vfioinspector.bridge.config.Capability.Detail;
import org.vfioinspector.bridge.text.CapabilityText;
import org.vfioinspector.bridge.config.ConfigSpace;
import org.vfioinspector.bridge.model.HostInventory;
import org.vfioinspector.bridge.model.IommuGroup;
import org.vfioinspector.bridge.model.PciDevice;
import org.vfioinspector.bridge.model.Region;
import org.vfioinspector.bridge.rules.GroupWhy;
import org.vfioinspector.bridge.rules.HostTopology;
import org.vfioinspector.bridge.rules.Verdict;

/** What {@code list} says about config space, group shape and P2P (README "## `list`": capabilities, why, p2p). */
final class ListConfig {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    /** More exporter/importer pairs than this are left out of --json (a 10,000-function host has 10^8). */
    static final int MAX_P2P_PAIRS = 4096;

    private ListConfig() {
    }

    // ---------------------------------------------------------------- text

    static void text(StringBuilder out, PciDevice d, String indent) {
        if (d.config().isEmpty()) {
            return;
        }
        ConfigSpace c = d.config().get();
        out.append(indent).append("    config: ").append(c.part()).append('\n');
        for (Capability cap : c.capabilities()) {
            out.append(indent).append("      ").append(CapabilityText.line(cap)).append('\n');
        }
        for (ConfigSpace.Problem p : c.problems()) {
            out.append(indent).append("      config problem: ").append(p).append('\n');
        }
    }

    static void text(StringBuilder out, IommuGroup g, HostInventory host) {
        if (g.devices().size() < 2) {
            return;
        }
        GroupWhy w = GroupWhy.explain(g, host);
        out.append("  why (").append(w.cause()).append("): ").append(w.text()).append('\n');
        out.append("  to split it: ").append(w.split()).append('\n');
    }

    // ---------------------------------------------------------------- JSON

    static void json(ObjectNode n, PciDevice d) {
        if (d.config().isEmpty()) {
            n.putNull("configReadable");
            n.putArray("capabilities");
            n.putArray("configProblems");
            return;
        }
        ConfigSpace c = d.config().get();
        n.put("configReadable", c.readable());
        if (c.command() >= 0) {
            n.put("command", c.command());
        } else {
            n.putNull("command");
        }
        n.put("multifunction", c.multifunction());
        ArrayNode caps = n.putArray("capabilities");
        for (Capability cap : c.capabilities()) {
            caps.add(capability(cap));
        }
        ArrayNode problems = n.putArray("configProblems");
        for (ConfigSpace.Problem p : c.problems()) {
            ObjectNode pn = problems.addObject();
            pn.put("file", p.file());
            pn.put("offset", p.offset());
            pn.put("message", p.message());
        }
    }

    static ObjectNode capability(Capability cap) {
        ObjectNode n = F.objectNode();
        n.put("id", cap.id());
        n.put("capId", cap.rawId());
        n.put("offset", cap.offset());
        n.put("extended", cap.extended());
        if (cap.extended()) {
            n.put("version", cap.version());
        }
        Detail d = cap.detail();
        if (d instanceof Detail.Pm pm) {
            n.put("version", pm.version());
            n.put("powerState", pm.stateName());
        } else if (d instanceof Detail.Msi m) {
            n.put("enabled", m.enabled());
            n.put("vectors", m.vectorsCapable());
            n.put("vectorsEnabled", m.vectorsEnabled());
            n.put("addr64", m.addr64());
            n.put("maskable", m.maskable());
        } else if (d instanceof Detail.Msix m) {
            n.put("enabled", m.enabled());
            n.put("masked", m.masked());
            n.put("tableSize", m.tableSize());
            ObjectNode t = n.putObject("table");
            t.put("bar", m.tableBar());
            t.put("offset", m.tableOffset());
            ObjectNode p = n.putObject("pba");
            p.put("bar", m.pbaBar());
            p.put("offset", m.pbaOffset());
        } else if (d instanceof Detail.Pcie p) {
            n.put("version", p.version());
            n.put("portType", p.portType());
            n.put("slot", p.slot());
            if (p.link().isPresent()) {
                Detail.Link l = p.link().get();
                n.put("linkSpeed", l.speed());
                n.put("linkWidth", l.width());
                n.put("maxLinkSpeed", l.maxSpeed());
                n.put("maxLinkWidth", l.maxWidth());
            } else {
                n.putNull("linkSpeed");
                n.putNull("linkWidth");
            }
        } else if (d instanceof Detail.Acs a) {
            strings(n.putArray("acsCapability"), a.capability());
            strings(n.putArray("acsControl"), a.control());
        } else if (d instanceof Detail.Rebar r) {
            ArrayNode bars = n.putArray("bars");
            for (Detail.RebarEntry e : r.bars()) {
                ObjectNode b = bars.addObject();
                b.put("bar", e.bar());
                b.put("currentSize", e.currentSize());
                ArrayNode sizes = b.putArray("supportedSizes");
                e.supportedSizes().forEach(sizes::add);
            }
        } else if (d instanceof Detail.Sriov s) {
            n.put("vfEnabled", s.vfEnabled());
            n.put("initialVfs", s.initialVfs());
            n.put("totalVfs", s.totalVfs());
            n.put("numVfs", s.numVfs());
            n.put("vfOffset", s.vfOffset());
            n.put("vfStride", s.vfStride());
            n.put("vfDevice", String.format("%04x", s.vfDeviceId()));
            ArrayNode bars = n.putArray("vfBars");
            s.vfBars().forEach(bars::add);
        } else if (d instanceof Detail.Truncated t) {
            n.put("truncated", true);
            n.put("bytesNeeded", t.needed());
        }
        return n;
    }

    private static void strings(ArrayNode a, List<String> values) {
        values.forEach(a::add);
    }

    static ObjectNode why(IommuGroup g, HostInventory host) {
        GroupWhy w = GroupWhy.explain(g, host);
        ObjectNode n = F.objectNode();
        n.put("cause", w.cause());
        n.put("text", w.text());
        if (w.port().isPresent()) {
            n.put("port", w.port().get().toString());
        } else {
            n.putNull("port");
        }
        n.put("split", w.split());
        return n;
    }

    /**
     * Every (exporter, importer) pair: exporters are the vfio-pci devices with a memory BAR (what can be exported),
     * importers every PCI device of the host — the exporter itself and bridges too, as the kernel answers for each
     * (the real-kernel harness asks it for every pair); the verdict is the same for every memory BAR of a device.
     */
    static void p2p(ObjectNode root, HostInventory host, HostTopology topo) {
        List<PciDevice> exporters = host.devices().stream().filter(d -> d.driver().filter("vfio-pci"::equals)
                .isPresent() && d.regions().stream().anyMatch(r -> r.index() <= 5 && r.kind().isMemory())).toList();
        List<PciDevice> importers = host.devices();
        long pairs = (long) exporters.size() * importers.size();
        ArrayNode out = root.putArray("p2p");
        if (pairs > MAX_P2P_PAIRS) {
            root.put("p2pOmitted", pairs + " exporter/importer pairs (more than " + MAX_P2P_PAIRS
                    + "): list a smaller host or ask per pair in the GUI");
            return;
        }
        for (PciDevice e : exporters) {
            Region bar = e.regions().stream().filter(r -> r.index() <= 5 && r.kind().isMemory()).findFirst()
                    .orElseThrow();
            for (PciDevice i : importers) {
                Verdict v = topo.p2p(e, bar, i.address());
                ObjectNode n = out.addObject();
                n.put("exporter", e.address().toString());
                n.put("importer", i.address().toString());
                n.put("result", v.result());
                n.put("map", mapType(v));
                n.put("rule", v.rule().describe());
            }
        }
    }

    /** "bus-address", "thru-host-bridge" or "not-supported", as pci_p2pdma_map_type names them. */
    static String mapType(Verdict v) {
        if (v.outcome() == Verdict.Outcome.UNKNOWN) {
            return "unknown";
        }
        String c = v.rule().condition();
        return c.contains("MAP_BUS_ADDR") ? "bus-address" : c.contains("THRU_HOST_BRIDGE") ? "thru-host-bridge"
                : "not-supported";
    }
}
