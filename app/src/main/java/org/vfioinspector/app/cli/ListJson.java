package org.vfioinspector.app.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
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
import org.vfioinspector.bridge.text.Hex;

/**
 * The {@code list --json} document (README "## `list`" documents every field), written field by field into a UTF-8
 * byte generator: a tree of nodes per device and Jackson's char generator behind an encoder cost a third of the
 * command's main thread on a 10,000-function host (28 MB of JSON).
 */
final class ListJson {
    private static final JsonFactory FACTORY = new JsonFactory();

    private ListJson() {
    }

    /** Writes the document to {@code out} (flushed, left open). */
    static void write(OutputStream out, Host spec, HostInventory host, HostVerdicts verdicts) throws IOException {
        try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.setPrettyPrinter(new DefaultPrettyPrinter());
            g.writeStartObject();
            g.writeFieldName("host");
            hostNode(g, spec, host, verdicts);
            g.writeArrayFieldStart("groups");
            for (IommuGroup group : host.groups()) {
                group(g, group, host);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("devices");
            for (PciDevice d : host.devices()) {
                device(g, d, verdicts.predictions().device(d));
            }
            g.writeEndArray();
            g.writeArrayFieldStart("ungrouped");
            for (PciDevice d : host.ungrouped()) {
                g.writeString(d.address().toString());
            }
            g.writeEndArray();
            g.writeArrayFieldStart("errors");
            for (ReadFailure f : host.failed()) {
                error(g, f);
            }
            g.writeEndArray();
            ListConfig.p2p(g, host, HostTopology.of(host, spec.paths()));
            g.writeEndObject();
        }
    }

    private static void hostNode(JsonGenerator g, Host spec, HostInventory host, HostVerdicts verdicts)
            throws IOException {
        g.writeStartObject();
        g.writeStringField("kind", spec.kind().label());
        g.writeStringField("name", spec.name());
        g.writeStringField("sys", spec.paths().sys().toString());
        if (spec.scenario().isPresent()) {
            var s = spec.scenario().get();
            g.writeObjectFieldStart("lab");
            g.writeStringField("scenario", s.name());
            g.writeStringField("profile", s.profile().name());
            g.writeStringField("source", s.source());
            g.writeEndObject();
        }
        g.writeFieldName("kernel");
        kernel(g, host.kernel());
        g.writeObjectFieldStart("profile");
        KernelProfile kp = verdicts.profile().profile();
        g.writeStringField("name", kp.name());
        g.writeStringField("kind", kp.kind());
        g.writeStringField("reason", verdicts.profile().reason());
        strings(g, "commits", kp.commits());
        g.writeEndObject();
        if (verdicts.arch().isPresent()) {
            g.writeObjectFieldStart("arch");
            g.writeStringField("name", verdicts.arch().get().arch());
            g.writeStringField("source", verdicts.arch().get().source());
            g.writeEndObject();
        } else {
            g.writeNullField("arch");
        }
        g.writeEndObject();
    }

    private static void kernel(JsonGenerator g, KernelInfo k) throws IOException {
        g.writeStartObject();
        g.writeStringField("release", k.release());
        g.writeBooleanField("iommuActive", k.iommuActive());
        g.writeObjectFieldStart("modules");
        g.writeBooleanField("vfio", k.vfioModule());
        g.writeBooleanField("vfio_pci", k.vfioPciModule());
        g.writeBooleanField("iommufd", k.iommufdModule());
        g.writeEndObject();
        g.writeArrayFieldStart("vfioGroupNodes");
        for (int n : k.vfioGroupNodes()) {
            g.writeNumber(n);
        }
        g.writeEndArray();
        g.writeBooleanField("vfioContainer", k.vfioContainer());
        strings(g, "vfioDeviceNodes", k.vfioDeviceNodes());
        g.writeBooleanField("iommufd", k.iommufdNode());
        g.writeEndObject();
    }

    private static void group(JsonGenerator g, IommuGroup group, HostInventory host) throws IOException {
        g.writeStartObject();
        g.writeNumberField("id", group.number());
        stringOrNull(g, "type", group.type());
        g.writeArrayFieldStart("devices");
        for (PciAddress a : group.devices()) {
            g.writeString(a.toString());
        }
        g.writeEndArray();
        g.writeBooleanField("viable", group.viability().viable());
        g.writeArrayFieldStart("blockers");
        for (Blocker b : group.viability().blockers()) {
            g.writeString(b.address().toString());
        }
        g.writeEndArray();
        g.writeArrayFieldStart("blockerDrivers");
        for (Blocker b : group.viability().blockers()) {
            g.writeStartObject();
            g.writeStringField("bdf", b.address().toString());
            g.writeStringField("driver", b.driver());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("reservedRegions");
        for (ReservedRegion r : group.reservedRegions()) {
            g.writeStartObject();
            unsigned(g, "start", r.start());
            unsigned(g, "end", r.end());
            g.writeStringField("kind", r.kind());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeFieldName("why");
        ListConfig.why(g, group, host);
        g.writeEndObject();
    }

    private static void device(JsonGenerator g, PciDevice d, HostPredictions.DevicePrediction dp) throws IOException {
        g.writeStartObject();
        g.writeStringField("bdf", d.address().toString());
        g.writeStringField("vendor", Hex.padded(d.vendorId(), 4));
        g.writeStringField("device", Hex.padded(d.deviceId(), 4));
        stringOrNull(g, "subsystemVendor", d.subsystemVendor().map(v -> Hex.padded(v, 4)));
        stringOrNull(g, "subsystemDevice", d.subsystemDevice().map(v -> Hex.padded(v, 4)));
        stringOrNull(g, "revision", d.revision().map(v -> Hex.padded(v, 2)));
        g.writeStringField("class", Hex.padded(d.classCode(), 6));
        g.writeObjectFieldStart("names");
        stringOrNull(g, "vendor", d.names().vendor());
        stringOrNull(g, "device", d.names().device());
        stringOrNull(g, "subsystem", d.names().subsystem());
        stringOrNull(g, "class", d.names().className());
        stringOrNull(g, "progIf", d.names().progIf());
        g.writeEndObject();
        stringOrNull(g, "driver", d.driver());
        stringOrNull(g, "driverOverride", d.driverOverride());
        g.writeFieldName("iommuGroup");
        if (d.iommuGroup().isPresent()) {
            g.writeNumber(d.iommuGroup().get());
        } else {
            g.writeNull();
        }
        g.writeFieldName("numaNode");
        if (d.numaNode().isPresent()) {
            g.writeNumber(d.numaNode().get());
        } else {
            g.writeNull();
        }
        if (d.resetMethods().isPresent()) {
            strings(g, "resetMethods", d.resetMethods().get());
        } else {
            g.writeNullField("resetMethods");
        }
        stringOrNull(g, "vfioDevice", d.vfioDevice());
        g.writeBooleanField("bridge", d.isBridge());
        addresses(g, "upstream", d.upstream());
        if (d.sriov().isPresent()) {
            g.writeObjectFieldStart("sriov");
            g.writeNumberField("totalVfs", d.sriov().get().totalVfs());
            g.writeNumberField("numVfs", d.sriov().get().numVfs());
            addresses(g, "virtfns", d.sriov().get().virtfns());
            g.writeEndObject();
        } else {
            g.writeNullField("sriov");
        }
        stringOrNull(g, "physfn", d.physfn().map(PciAddress::toString));
        g.writeFieldName("vfioReset");
        derived(g, dp.reset());
        g.writeFieldName("nonMappableBars");
        derived(g, dp.nonMappableBars());
        g.writeArrayFieldStart("regions");
        for (HostPredictions.RegionPrediction rp : dp.regions()) {
            region(g, rp);
        }
        g.writeEndArray();
        ListConfig.json(g, d);
        g.writeEndObject();
    }

    private static void region(JsonGenerator g, HostPredictions.RegionPrediction rp) throws IOException {
        Region r = rp.region();
        g.writeStartObject();
        g.writeNumberField("index", r.index());
        g.writeStringField("name", r.name());
        g.writeStringField("kind", r.kind().label());
        g.writeBooleanField("prefetchable", r.prefetchable());
        g.writeBooleanField("readOnly", r.readOnly());
        unsigned(g, "start", r.start());
        unsigned(g, "end", r.end());
        unsigned(g, "size", r.size());
        unsigned(g, "flags", r.flags());
        g.writeFieldName("mmap");
        verdict(g, rp.verdicts().mmap());
        g.writeFieldName("dmabuf");
        verdict(g, rp.verdicts().dmaBuf());
        g.writeBooleanField("disagree", rp.verdicts().disagree());
        if (rp.verdicts().disagree()) {
            g.writeStringField("disagreement", rp.verdicts().disagreement());
        } else {
            g.writeNullField("disagreement");
        }
        if (rp.restOfPageFree() != null) {
            g.writeFieldName("restOfPageFree");
            derived(g, rp.restOfPageFree());
        } else {
            g.writeNullField("restOfPageFree");
        }
        g.writeEndObject();
    }

    /** {"verdict": "yes"|"no"|"unknown", "errno": "EINVAL"|null, "rule": "function: condition"}. */
    private static void verdict(JsonGenerator g, Verdict v) throws IOException {
        g.writeStartObject();
        g.writeStringField("verdict", v.outcome().name().toLowerCase(Locale.ROOT));
        if (v.refused() && v.errno().isPresent()) {
            g.writeStringField("errno", v.errno().get().name());
        } else {
            g.writeNullField("errno");
        }
        g.writeStringField("rule", v.rule().function() + ": " + v.rule().condition());
        g.writeEndObject();
    }

    /** {"value": true|false|null, "rule": "..."}: a fact the kernel derives, null when a fact it needs is unreadable. */
    private static void derived(JsonGenerator g, DerivedFacts.Derived d) throws IOException {
        g.writeStartObject();
        if (d.value() == null) {
            g.writeNullField("value");
        } else {
            g.writeBooleanField("value", d.value());
        }
        g.writeStringField("rule", d.rule());
        g.writeEndObject();
    }

    private static void error(JsonGenerator g, ReadFailure f) throws IOException {
        g.writeStartObject();
        g.writeStringField("subject", f.subject());
        g.writeStringField("file", f.file());
        stringOrNull(g, "text", f.text());
        g.writeStringField("message", f.message());
        g.writeEndObject();
    }

    static void stringOrNull(JsonGenerator g, String field, Optional<String> value) throws IOException {
        if (value.isPresent()) {
            g.writeStringField(field, value.get());
        } else {
            g.writeNullField(field);
        }
    }

    static void strings(JsonGenerator g, String field, List<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    private static void addresses(JsonGenerator g, String field, List<PciAddress> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (PciAddress a : values) {
            g.writeString(a.toString());
        }
        g.writeEndArray();
    }

    /** A 64-bit value as an unsigned JSON integer. */
    private static void unsigned(JsonGenerator g, String field, long v) throws IOException {
        g.writeFieldName(field);
        if (v >= 0) {
            g.writeNumber(v);
        } else {
            g.writeNumber(new BigInteger(Long.toUnsignedString(v)));
        }
    }
}
