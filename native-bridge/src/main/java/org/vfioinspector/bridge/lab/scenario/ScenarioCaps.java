package org.vfioinspector.bridge.lab.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.vfioinspector.bridge.config.ConfigSpaceParser;

/** Validates a device's {@code capabilities:} and applies the defaults (docs/scenario-format.md, "Capabilities"). */
final class ScenarioCaps {
    /** Port types by the names the scenario (and list --json) use. */
    static final Map<String, Integer> PORT_TYPES = Map.of("endpoint", 0, "legacy-endpoint", 1, "root-port", 4,
            "switch-upstream", 5, "switch-downstream", 6, "pcie-to-pci-bridge", 7, "pci-to-pcie-bridge", 8,
            "rc-integrated-endpoint", 9, "rc-event-collector", 10);
    static final List<String> SPEEDS = List.of("2.5GT/s", "5GT/s", "8GT/s", "16GT/s", "32GT/s", "64GT/s");

    @FunctionalInterface
    interface Err {
        ScenarioException at(String path, String problem);
    }

    private ScenarioCaps() {
    }

    static LabScenario.Caps caps(Scenario.Capabilities c, String p, int configSize, Scenario.Bridge bridge,
                                 List<LabScenario.Bar> bars, Err err) throws ScenarioException {
        if (c == null) {
            c = new Scenario.Capabilities(null, null, null, null, null, null, null, null, null, null, null);
        }
        int pm = 0;
        if (c.pm() != null) {
            pm = switch (c.pm()) {
                case "D0" -> 0;
                case "D1" -> 1;
                case "D2" -> 2;
                case "D3hot" -> 3;
                default -> throw err.at(p + ".pm", "'" + c.pm() + "'; expected D0, D1, D2 or D3hot");
            };
        }
        boolean pcieSpace = configSize > 256;
        int portType = -1;
        if (pcieSpace || c.pcie() != null) {
            String kind = bridge == null ? "endpoint" : bridge.kind();
            portType = switch (kind == null ? "" : kind) {
                case "root-port" -> 4;
                case "switch-upstream" -> 5;
                case "switch-downstream" -> 6;
                case "pci-bridge" -> 7;
                default -> 0;
            };
        }
        int speed = 3;
        int width = 16;
        int maxSpeed = -1;
        int maxWidth = -1;
        if (c.pcie() != null) {
            Scenario.Pcie x = c.pcie();
            if (x.portType() != null) {
                Integer t = PORT_TYPES.get(x.portType());
                if (t == null) {
                    throw err.at(p + ".pcie.portType", "'" + x.portType() + "'; expected one of "
                            + PORT_TYPES.keySet().stream().sorted().toList());
                }
                portType = t;
            }
            speed = x.linkSpeed() == null ? speed : speed(x.linkSpeed(), p + ".pcie.linkSpeed", err);
            width = x.linkWidth() == null ? width : width(x.linkWidth(), p + ".pcie.linkWidth", err);
            maxSpeed = x.maxLinkSpeed() == null ? -1 : speed(x.maxLinkSpeed(), p + ".pcie.maxLinkSpeed", err);
            maxWidth = x.maxLinkWidth() == null ? -1 : width(x.maxLinkWidth(), p + ".pcie.maxLinkWidth", err);
        }
        maxSpeed = maxSpeed < 0 ? speed : maxSpeed;
        maxWidth = maxWidth < 0 ? width : maxWidth;
        int acsCap = -1;
        int acsCtl = 0;
        if (c.acs() != null) {
            if (!pcieSpace) {
                throw err.at(p + ".acs", "ACS is an extended capability: the device needs configSize: 4096");
            }
            acsCap = acsBits(c.acs().capability(), p + ".acs.capability", err);
            acsCtl = acsBits(c.acs().control(), p + ".acs.control", err);
            if ((acsCtl & ~acsCap) != 0) {
                throw err.at(p + ".acs.control", "control bits " + ConfigSpaceParser.acsNames(acsCtl & ~acsCap)
                        + " are not in the capability " + ConfigSpaceParser.acsNames(acsCap));
            }
        } else if (bridge != null && Boolean.TRUE.equals(bridge.acsRedirect()) && pcieSpace) {
            acsCap = 0x5f; // SV TB RR CR UF DT, as QEMU's root ports
            acsCtl = 0x1d; // SV RR CR UF
        }
        List<LabScenario.RebarBar> rebar = new ArrayList<>();
        List<Scenario.Rebar> rb = c.rebar() == null ? List.of() : c.rebar();
        if (!rb.isEmpty() && !pcieSpace) {
            throw err.at(p + ".rebar", "Resizable BAR is an extended capability: the device needs configSize: 4096");
        }
        if (rb.size() > 6) {
            throw err.at(p + ".rebar", rb.size() + " resizable BARs; expected at most 6");
        }
        for (int i = 0; i < rb.size(); i++) {
            String rp = p + ".rebar[" + i + "]";
            Scenario.Rebar r = rb.get(i);
            if (r.bar() == null || bars.stream().noneMatch(b -> b.index() == r.bar())) {
                throw err.at(rp + ".bar", "expected the index of a listed BAR");
            }
            LabScenario.Bar bar = bars.stream().filter(b -> b.index() == r.bar()).findFirst().orElseThrow();
            long current = r.current() == null ? bar.size() : r.current().value();
            List<Long> sizes = new ArrayList<>();
            for (Num n : r.sizes() == null ? List.of(new Num(current)) : r.sizes()) {
                sizes.add(rebarSize(n.value(), rp + ".sizes", err));
            }
            rebarSize(current, rp + ".current", err);
            if (!sizes.contains(current)) {
                throw err.at(rp + ".current", "current size " + current + " is not among the supported sizes");
            }
            rebar.add(new LabScenario.RebarBar(r.bar(), current, sizes.stream().sorted().distinct().toList()));
        }
        int vs = c.vendorSpecific() == null ? 0 : c.vendorSpecific();
        if (vs < 0 || vs > 2) {
            throw err.at(p + ".vendorSpecific", vs + " vendor-specific capabilities; the lab writes 0 to 2");
        }
        for (String ext : List.of("ats", "pri", "pasid")) {
            Boolean v = ext.equals("ats") ? c.ats() : ext.equals("pri") ? c.pri() : c.pasid();
            if (Boolean.TRUE.equals(v) && !pcieSpace) {
                throw err.at(p + "." + ext, ext.toUpperCase(java.util.Locale.ROOT)
                        + " is an extended capability: the device needs configSize: 4096");
            }
        }
        boolean aer = c.aer() != null ? c.aer() : pcieSpace;
        return new LabScenario.Caps(pm, Boolean.TRUE.equals(c.msi()), portType, speed, width, maxSpeed, maxWidth,
                acsCap, acsCtl, rebar, aer && pcieSpace, Boolean.TRUE.equals(c.ats()), Boolean.TRUE.equals(c.pri()),
                Boolean.TRUE.equals(c.pasid()), vs, c.multifunction());
    }

    private static int speed(String s, String p, Err err) throws ScenarioException {
        int i = SPEEDS.indexOf(s);
        if (i < 0) {
            throw err.at(p, "'" + s + "'; expected one of " + SPEEDS);
        }
        return i + 1;
    }

    private static int width(int w, String p, Err err) throws ScenarioException {
        if (w < 1 || w > 32) {
            throw err.at(p, "link width x" + w + "; expected 1-32 lanes");
        }
        return w;
    }

    private static long rebarSize(long size, String p, Err err) throws ScenarioException {
        if (size < (1L << 20) || Long.bitCount(size) != 1 || size > (1L << 47)) {
            throw err.at(p, "size " + size + "; expected a power of two from 1M to 128T");
        }
        return size;
    }

    private static int acsBits(List<String> names, String p, Err err) throws ScenarioException {
        int bits = 0;
        List<String> list = names == null ? List.of() : names;
        for (int i = 0; i < list.size(); i++) {
            int b = ConfigSpaceParser.ACS_BITS.indexOf(list.get(i));
            if (b < 0) {
                throw err.at(p + "[" + i + "]", "'" + list.get(i) + "'; expected one of " + ConfigSpaceParser.ACS_BITS);
            }
            bits |= 1 << b;
        }
        return bits;
    }
}
