package org.vfioinspector.app.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;
import org.vfioinspector.bridge.config.Capability;
import org.vfioinspector.bridge.config.Capability.Detail;
import org.vfioinspector.bridge.text.CapabilityText;
import org.vfioinspector.bridge.text.Hex;
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

    static void json(JsonGenerator g, PciDevice d) throws IOException {
        if (d.config().isEmpty()) {
            g.writeNullField("configReadable");
            g.writeArrayFieldStart("capabilities");
            g.writeEndArray();
            g.writeArrayFieldStart("configProblems");
            g.writeEndArray();
            return;
        }
        ConfigSpace c = d.config().get();
        g.writeNumberField("configReadable", c.readable());
        if (c.command() >= 0) {
            g.writeNumberField("command", c.command());
        } else {
            g.writeNullField("command");
        }
        g.writeBooleanField("multifunction", c.multifunction());
        g.writeArrayFieldStart("capabilities");
        for (Capability cap : c.capabilities()) {
            capability(g, cap);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("configProblems");
        for (ConfigSpace.Problem p : c.problems()) {
            g.writeStartObject();
            g.writeStringField("file", p.file());
            g.writeNumberField("offset", p.offset());
            g.writeStringField("message", p.message());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** One capability; "version" once (the extended header's, or the PM and PCIe capabilities' own). */
    static void capability(JsonGenerator g, Capability cap) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", cap.id());
        g.writeNumberField("capId", cap.rawId());
        g.writeNumberField("offset", cap.offset());
        g.writeBooleanField("extended", cap.extended());
        Detail d = cap.detail();
        if (cap.extended()) {
            g.writeNumberField("version", cap.version());
        } else if (d instanceof Detail.Pm pm) {
            g.writeNumberField("version", pm.version());
        } else if (d instanceof Detail.Pcie p) {
            g.writeNumberField("version", p.version());
        }
        if (d instanceof Detail.Pm pm) {
            g.writeStringField("powerState", pm.stateName());
        } else if (d instanceof Detail.Msi m) {
            g.writeBooleanField("enabled", m.enabled());
            g.writeNumberField("vectors", m.vectorsCapable());
            g.writeNumberField("vectorsEnabled", m.vectorsEnabled());
            g.writeBooleanField("addr64", m.addr64());
            g.writeBooleanField("maskable", m.maskable());
        } else if (d instanceof Detail.Msix m) {
            g.writeBooleanField("enabled", m.enabled());
            g.writeBooleanField("masked", m.masked());
            g.writeNumberField("tableSize", m.tableSize());
            g.writeObjectFieldStart("table");
            g.writeNumberField("bar", m.tableBar());
            g.writeNumberField("offset", m.tableOffset());
            g.writeEndObject();
            g.writeObjectFieldStart("pba");
            g.writeNumberField("bar", m.pbaBar());
            g.writeNumberField("offset", m.pbaOffset());
            g.writeEndObject();
        } else if (d instanceof Detail.Pcie p) {
            g.writeStringField("portType", p.portType());
            g.writeBooleanField("slot", p.slot());
            if (p.link().isPresent()) {
                Detail.Link l = p.link().get();
                g.writeStringField("linkSpeed", l.speed());
                g.writeNumberField("linkWidth", l.width());
                g.writeStringField("maxLinkSpeed", l.maxSpeed());
                g.writeNumberField("maxLinkWidth", l.maxWidth());
            } else {
                g.writeNullField("linkSpeed");
                g.writeNullField("linkWidth");
            }
        } else if (d instanceof Detail.Acs a) {
            ListJson.strings(g, "acsCapability", a.capability());
            ListJson.strings(g, "acsControl", a.control());
        } else if (d instanceof Detail.Rebar r) {
            g.writeArrayFieldStart("bars");
            for (Detail.RebarEntry e : r.bars()) {
                g.writeStartObject();
                g.writeNumberField("bar", e.bar());
                g.writeNumberField("currentSize", e.currentSize());
                g.writeArrayFieldStart("supportedSizes");
                for (long size : e.supportedSizes()) {
                    g.writeNumber(size);
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
        } else if (d instanceof Detail.Sriov s) {
            g.writeBooleanField("vfEnabled", s.vfEnabled());
            g.writeNumberField("initialVfs", s.initialVfs());
            g.writeNumberField("totalVfs", s.totalVfs());
            g.writeNumberField("numVfs", s.numVfs());
            g.writeNumberField("vfOffset", s.vfOffset());
            g.writeNumberField("vfStride", s.vfStride());
            g.writeStringField("vfDevice", Hex.padded(s.vfDeviceId(), 4));
            g.writeArrayFieldStart("vfBars");
            for (long bar : s.vfBars()) {
                g.writeNumber(bar);
            }
            g.writeEndArray();
        } else if (d instanceof Detail.Truncated t) {
            g.writeBooleanField("truncated", true);
            g.writeNumberField("bytesNeeded", t.needed());
        }
        g.writeEndObject();
    }

    static void why(JsonGenerator g, IommuGroup group, HostInventory host) throws IOException {
        GroupWhy w = GroupWhy.explain(group, host);
        g.writeStartObject();
        g.writeStringField("cause", w.cause());
        g.writeStringField("text", w.text());
        ListJson.stringOrNull(g, "port", w.port().map(Object::toString));
        g.writeStringField("split", w.split());
        g.writeEndObject();
    }

    /**
     * Every (exporter, importer) pair: exporters are the vfio-pci devices with a memory BAR (what can be exported),
     * importers every PCI device of the host — the exporter itself and bridges too, as the kernel answers for each
     * (the real-kernel harness asks it for every pair); the verdict is the same for every memory BAR of a device.
     * Writes the fields "p2p" and, when there are too many pairs to list, "p2pOmitted".
     */
    static void p2p(JsonGenerator g, HostInventory host, HostTopology topo) throws IOException {
        List<PciDevice> exporters = host.devices().stream().filter(d -> d.driver().filter("vfio-pci"::equals)
                .isPresent() && d.regions().stream().anyMatch(r -> r.index() <= 5 && r.kind().isMemory())).toList();
        List<PciDevice> importers = host.devices();
        long pairs = (long) exporters.size() * importers.size();
        g.writeArrayFieldStart("p2p");
        if (pairs > MAX_P2P_PAIRS) {
            g.writeEndArray();
            g.writeStringField("p2pOmitted", pairs + " exporter/importer pairs (more than " + MAX_P2P_PAIRS
                    + "): list a smaller host or ask per pair in the GUI");
            return;
        }
        for (PciDevice e : exporters) {
            Region bar = e.regions().stream().filter(r -> r.index() <= 5 && r.kind().isMemory()).findFirst()
                    .orElseThrow();
            for (PciDevice i : importers) {
                Verdict v = topo.p2p(e, bar, i.address());
                g.writeStartObject();
                g.writeStringField("exporter", e.address().toString());
                g.writeStringField("importer", i.address().toString());
                g.writeStringField("result", v.result());
                g.writeStringField("map", mapType(v));
                g.writeStringField("rule", v.rule().describe());
                g.writeEndObject();
            }
        }
        g.writeEndArray();
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
