package org.vfioinspector.app.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.util.Optional;
import org.vfioinspector.bridge.model.Blocker;
import org.vfioinspector.bridge.host.Host;
import org.vfioinspector.bridge.host.HostVerdicts;
import org.vfioinspector.bridge.model.HostInventory;
import org.vfioinspector.bridge.model.IommuGroup;
import org.vfioinspector.bridge.model.KernelInfo;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.model.PciDevice;
import org.vfioinspector.bridge.model.ReadFailure;
import org.vfioinspector.bridge.model.Region;
import org.vfioinspector.bridge.model.ReservedRegion;
import org.vfioinspector.bridge.rules.DerivedFacts;
import org.vfioinspector.bridge.rules.HostPredictions;
import org.vfioinspector.bridge.rules.HostTopology;
import org.vfioinspector.bridge.rules.KernelProfile;
import org.vfioinspector.bridge.rules.Verdict;

/** The {@code list --json} document (README "## `list`" documents every field). */
final class ListJson {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ListJson() {
    }

    /**
     * Writes the document to {@code out} (left open), one group and one device at a time: the whole tree of a
     * 10,000-function host held at once, then copied into one string, cost a quarter of the command's time and
     * hundreds of MB.
     */
    static void write(Writer out, Host spec, HostInventory host, HostVerdicts verdicts) throws IOException {
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.setPrettyPrinter(new DefaultPrettyPrinter());
            g.writeStartObject();
            g.writeFieldName("host");
            MAPPER.writeTree(g, hostNode(spec, host, verdicts));
            g.writeArrayFieldStart("groups");
            for (IommuGroup group : host.groups()) {
                MAPPER.writeTree(g, group(group).set("why", ListConfig.why(group, host)));
            }
            g.writeEndArray();
            g.writeArrayFieldStart("devices");
            for (PciDevice d : host.devices()) {
                ObjectNode dn = device(d, verdicts.predictions().device(d));
                ListConfig.json(dn, d);
                MAPPER.writeTree(g, dn);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("ungrouped");
            for (PciDevice d : host.ungrouped()) {
                g.writeString(d.address().toString());
            }
            g.writeEndArray();
            g.writeArrayFieldStart("errors");
            for (ReadFailure f : host.failed()) {
                MAPPER.writeTree(g, error(f));
            }
            g.writeEndArray();
            ObjectNode p2p = F.objectNode();
            ListConfig.p2p(p2p, host, HostTopology.of(host, spec.paths()));
            for (java.util.Map.Entry<String, JsonNode> field : p2p.properties()) {
                g.writeFieldName(field.getKey());
                MAPPER.writeTree(g, field.getValue());
            }
            g.writeEndObject();
        }
    }

    private static ObjectNode hostNode(Host spec, HostInventory host, HostVerdicts verdicts) {
        ObjectNode h = F.objectNode();
        h.put("kind", spec.kind().label());
        h.put("name", spec.name());
        h.put("sys", spec.paths().sys().toString());
        spec.scenario().ifPresent(s -> {
            ObjectNode lab = h.putObject("lab");
            lab.put("scenario", s.name());
            lab.put("profile", s.profile().name());
            lab.put("source", s.source());
        });
        h.set("kernel", kernel(host.kernel()));
        ObjectNode profile = h.putObject("profile");
        KernelProfile kp = verdicts.profile().profile();
        profile.put("name", kp.name());
        profile.put("kind", kp.kind());
        profile.put("reason", verdicts.profile().reason());
        ArrayNode commits = profile.putArray("commits");
        kp.commits().forEach(commits::add);
        if (verdicts.arch().isPresent()) {
            ObjectNode arch = h.putObject("arch");
            arch.put("name", verdicts.arch().get().arch());
            arch.put("source", verdicts.arch().get().source());
        } else {
            h.putNull("arch");
        }
        return h;
    }

    private static ObjectNode kernel(KernelInfo k) {
        ObjectNode n = F.objectNode();
        n.put("release", k.release());
        n.put("iommuActive", k.iommuActive());
        ObjectNode modules = n.putObject("modules");
        modules.put("vfio", k.vfioModule());
        modules.put("vfio_pci", k.vfioPciModule());
        modules.put("iommufd", k.iommufdModule());
        ArrayNode nodes = n.putArray("vfioGroupNodes");
        k.vfioGroupNodes().forEach(nodes::add);
        n.put("vfioContainer", k.vfioContainer());
        ArrayNode cdevs = n.putArray("vfioDeviceNodes");
        k.vfioDeviceNodes().forEach(cdevs::add);
        n.put("iommufd", k.iommufdNode());
        return n;
    }

    private static ObjectNode group(IommuGroup g) {
        ObjectNode n = F.objectNode();
        n.put("id", g.number());
        putOptional(n, "type", g.type());
        ArrayNode devices = n.putArray("devices");
        g.devices().forEach(a -> devices.add(a.toString()));
        n.put("viable", g.viability().viable());
        ArrayNode blockers = n.putArray("blockers");
        ArrayNode drivers = n.putArray("blockerDrivers");
        for (Blocker b : g.viability().blockers()) {
            blockers.add(b.address().toString());
            ObjectNode bd = drivers.addObject();
            bd.put("bdf", b.address().toString());
            bd.put("driver", b.driver());
        }
        ArrayNode reserved = n.putArray("reservedRegions");
        for (ReservedRegion r : g.reservedRegions()) {
            ObjectNode rn = reserved.addObject();
            rn.set("start", unsigned(r.start()));
            rn.set("end", unsigned(r.end()));
            rn.put("kind", r.kind());
        }
        return n;
    }

    private static ObjectNode device(PciDevice d, HostPredictions.DevicePrediction dp) {
        ObjectNode n = F.objectNode();
        n.put("bdf", d.address().toString());
        n.put("vendor", String.format("%04x", d.vendorId()));
        n.put("device", String.format("%04x", d.deviceId()));
        putOptional(n, "subsystemVendor", d.subsystemVendor().map(v -> String.format("%04x", v)));
        putOptional(n, "subsystemDevice", d.subsystemDevice().map(v -> String.format("%04x", v)));
        putOptional(n, "revision", d.revision().map(v -> String.format("%02x", v)));
        n.put("class", String.format("%06x", d.classCode()));
        ObjectNode names = n.putObject("names");
        putOptional(names, "vendor", d.names().vendor());
        putOptional(names, "device", d.names().device());
        putOptional(names, "subsystem", d.names().subsystem());
        putOptional(names, "class", d.names().className());
        putOptional(names, "progIf", d.names().progIf());
        putOptional(n, "driver", d.driver());
        putOptional(n, "driverOverride", d.driverOverride());
        if (d.iommuGroup().isPresent()) {
            n.put("iommuGroup", d.iommuGroup().get());
        } else {
            n.putNull("iommuGroup");
        }
        if (d.numaNode().isPresent()) {
            n.put("numaNode", d.numaNode().get());
        } else {
            n.putNull("numaNode");
        }
        if (d.resetMethods().isPresent()) {
            ArrayNode reset = n.putArray("resetMethods");
            d.resetMethods().get().forEach(reset::add);
        } else {
            n.putNull("resetMethods");
        }
        putOptional(n, "vfioDevice", d.vfioDevice());
        n.put("bridge", d.isBridge());
        ArrayNode upstream = n.putArray("upstream");
        d.upstream().forEach(a -> upstream.add(a.toString()));
        if (d.sriov().isPresent()) {
            ObjectNode s = n.putObject("sriov");
            s.put("totalVfs", d.sriov().get().totalVfs());
            s.put("numVfs", d.sriov().get().numVfs());
            ArrayNode vfs = s.putArray("virtfns");
            d.sriov().get().virtfns().forEach(a -> vfs.add(a.toString()));
        } else {
            n.putNull("sriov");
        }
        putOptional(n, "physfn", d.physfn().map(PciAddress::toString));
        n.set("vfioReset", derived(dp.reset()));
        n.set("nonMappableBars", derived(dp.nonMappableBars()));
        ArrayNode regions = n.putArray("regions");
        for (HostPredictions.RegionPrediction rp : dp.regions()) {
            Region r = rp.region();
            ObjectNode rn = regions.addObject();
            rn.put("index", r.index());
            rn.put("name", r.name());
            rn.put("kind", r.kind().label());
            rn.put("prefetchable", r.prefetchable());
            rn.put("readOnly", r.readOnly());
            rn.set("start", unsigned(r.start()));
            rn.set("end", unsigned(r.end()));
            rn.set("size", unsigned(r.size()));
            rn.set("flags", unsigned(r.flags()));
            rn.set("mmap", verdict(rp.verdicts().mmap()));
            rn.set("dmabuf", verdict(rp.verdicts().dmaBuf()));
            rn.put("disagree", rp.verdicts().disagree());
            if (rp.verdicts().disagree()) {
                rn.put("disagreement", rp.verdicts().disagreement());
            } else {
                rn.putNull("disagreement");
            }
            if (rp.restOfPageFree() != null) {
                rn.set("restOfPageFree", derived(rp.restOfPageFree()));
            } else {
                rn.putNull("restOfPageFree");
            }
        }
        return n;
    }

    /** {"verdict": "yes"|"no"|"unknown", "errno": "EINVAL"|null, "rule": "function: condition"}. */
    private static ObjectNode verdict(Verdict v) {
        ObjectNode n = F.objectNode();
        n.put("verdict", v.outcome().name().toLowerCase(java.util.Locale.ROOT));
        if (v.refused() && v.errno().isPresent()) {
            n.put("errno", v.errno().get().name());
        } else {
            n.putNull("errno");
        }
        n.put("rule", v.rule().function() + ": " + v.rule().condition());
        return n;
    }

    /** {"value": true|false|null, "rule": "..."}: a fact the kernel derives, null when a fact it needs is unreadable. */
    private static ObjectNode derived(DerivedFacts.Derived d) {
        ObjectNode n = F.objectNode();
        if (d.value() == null) {
            n.putNull("value");
        } else {
            n.put("value", d.value());
        }
        n.put("rule", d.rule());
        return n;
    }

    private static ObjectNode error(ReadFailure f) {
        ObjectNode n = F.objectNode();
        n.put("subject", f.subject());
        n.put("file", f.file());
        putOptional(n, "text", f.text());
        n.put("message", f.message());
        return n;
    }

    private static void putOptional(ObjectNode n, String field, Optional<String> value) {
        if (value.isPresent()) {
            n.put(field, value.get());
        } else {
            n.putNull(field);
        }
    }

    /** A 64-bit value as an unsigned JSON integer. */
    private static JsonNode unsigned(long v) {
        return v >= 0 ? F.numberNode(v) : F.numberNode(new BigInteger(Long.toUnsignedString(v)));
    }
}
