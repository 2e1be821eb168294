package org.vfioinspector.bridge.lab.scenario;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.vfioinspector.bridge.input.InputFiles;
import org.vfioinspector.bridge.input.IoMessages;
import org.vfioinspector.bridge.input.Names;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.model.RegionKind;
import org.vfioinspector.bridge.rules.KernelProfile;
import org.vfioinspector.bridge.rules.KernelProfiles;

/** Reads scenario YAML (format 1) into a validated {@link LabScenario}; every error names FILE:LINE:COLUMN. */
public final class ScenarioLoader {
    /** The scenarios shipped as resources. */
    public static final List<String> BUILT_IN = List.of("qemu-q35", "qemu-q35-host-drivers", "gpu-server",
            "s390-ism", "s390-ism-fixed", "type1-p2p-hazard");
    public static final int FORMAT = 1;

    /**
     * SnakeYAML stops at 3 MiB by default; a generated data-centre host (10,000 functions, the benchmarks) is
     * about 4 MiB, so scenario files may be up to 64 MiB.
     */
    static final int MAX_CODE_POINTS = 64 << 20;

    /**
     * The longest line: SnakeYAML's time grows with the square of one token's length (a 1 MiB one-line string takes
     * seconds, 100 MB never ends), so a longer line is refused before the parser runs. Multi-line strings are linear.
     */
    static final int MAX_LINE = 64 << 10;

    /**
     * The YAML mapper, made when the first scenario is read: {@link #BUILT_IN} is asked by every {@code --host}
     * (the CLI's help text), and making the mapper cost a {@code list} of a snapshot about 0.1 s.
     */
    private static final class Yaml {
        static final ObjectMapper MAPPER = new ObjectMapper(yamlFactory())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                // "[~]" or an empty "- " in a list is an entry with nothing in it: refused here, with its line
                .setDefaultSetterInfo(com.fasterxml.jackson.annotation.JsonSetter.Value.forContentNulls(
                        com.fasterxml.jackson.annotation.Nulls.FAIL));
    }

    private ScenarioLoader() {
    }

    /** A YAML factory that reads scenario files up to {@link #MAX_CODE_POINTS}. */
    static YAMLFactory yamlFactory() {
        org.yaml.snakeyaml.LoaderOptions options = new org.yaml.snakeyaml.LoaderOptions();
        options.setCodePointLimit(MAX_CODE_POINTS);
        options.setMaxAliasesForCollections(50); // "billion laughs": aliases do not multiply the document
        options.setAllowDuplicateKeys(false);
        return YAMLFactory.builder().loaderOptions(options)
                // a second "devices:" silently replaced the first list; a repeated key is an error with its line
                .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    }

    /** A built-in scenario by name ("qemu-q35"). */
    public static LabScenario builtIn(String name) throws ScenarioException {
        String res = "/org/vfioinspector/bridge/lab/scenarios/" + name + ".yaml";
        try (InputStream in = ScenarioLoader.class.getResourceAsStream(res)) {
            if (in == null) {
                throw new ScenarioException(name, 0, 0, "no built-in scenario '" + name + "'; built in: " + BUILT_IN,
                        null);
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "builtin:" + name + ".yaml");
        } catch (IOException e) {
            throw new ScenarioException(name, 0, 0, "cannot read built-in scenario: " + e.getMessage(), e);
        }
    }

    /** "qemu-q35" (built in) or a path to a YAML file. */
    public static LabScenario load(String nameOrFile) throws ScenarioException {
        if (BUILT_IN.contains(nameOrFile)) {
            return builtIn(nameOrFile);
        }
        return load(Path.of(nameOrFile));
    }

    public static LabScenario load(Path file) throws ScenarioException {
        String text;
        try {
            // the size is checked before a byte is read: a 3 GB file is refused, not loaded into memory
            text = InputFiles.readUtf8(file, MAX_CODE_POINTS);
        } catch (IOException e) {
            throw new ScenarioException(file.toString(), 0, 0, "cannot read: " + IoMessages.problem(e)
                    + "; expected a scenario YAML file (docs/scenario-format.md)", e);
        }
        return parse(text, file.toString());
    }

    public static LabScenario parse(String text, String file) throws ScenarioException {
        int[] tooLong = YamlLimits.check(text, MAX_CODE_POINTS, MAX_LINE);
        if (tooLong != null) {
            throw new ScenarioException(file, tooLong[0], tooLong[1], YamlLimits.describe(tooLong, MAX_CODE_POINTS,
                    MAX_LINE), null);
        }
        Scenario s;
        try {
            s = Yaml.MAPPER.readValue(text, Scenario.class);
        } catch (JsonProcessingException e) {
            throw fromJackson(file, text, e);
        }
        if (s == null) {
            throw new ScenarioException(file, 1, 1, "empty document; expected a mapping starting with 'format: 1'", null);
        }
        return new Validator(file, new LocationIndex(text)).validate(s);
    }

    private static ScenarioException fromJackson(String file, String text, JsonProcessingException e) {
        YamlProblem p = YamlProblem.of(text, e, ScenarioLoader::describe);
        return new ScenarioException(file, p.line(), p.column(), p.what(), e);
    }

    private static String describe(Class<?> t) {
        if (List.class.isAssignableFrom(t)) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(t) || t.isRecord()) {
            return t == Num.class ? "a number" : "a mapping (" + t.getSimpleName() + ")";
        }
        if (t == Integer.class || t == int.class || t == Long.class) {
            return "an integer";
        }
        if (t == Boolean.class || t == boolean.class) {
            return "true or false";
        }
        return "a " + t.getSimpleName().toLowerCase(Locale.ROOT);
    }

    /** The semantic checks, each naming the offending node's line. */
    private static final class Validator {
        private final String file;
        private final LocationIndex where;

        Validator(String file, LocationIndex where) {
            this.file = file;
            this.where = where;
        }

        private ScenarioException error(String path, String problem) {
            int[] lc = where.at(path);
            return new ScenarioException(file, lc[0], lc[1], (path.isEmpty() ? "" : path + ": ") + problem, null);
        }

        private <T> T need(T v, String path, String expected) throws ScenarioException {
            if (v == null) {
                throw error(path, "missing; expected " + expected);
            }
            return v;
        }

        private PciAddress bdf(String text, String path) throws ScenarioException {
            need(text, path, "a PCI address DDDD:BB:DD.F");
            try {
                return PciAddress.parse(text);
            } catch (IllegalArgumentException e) {
                throw error(path, e.getMessage());
            }
        }

        /** A BAR's or ROM's first dword: 32 bits (a larger number was cut silently). */
        private int dword(Num v, int absent, String path) throws ScenarioException {
            if (v == null) {
                return absent;
            }
            if (v.value() < Integer.MIN_VALUE || v.value() > 0xffffffffL) {
                throw error(path, "0x" + Long.toHexString(v.value()) + "; expected a 32-bit value (0 to 0xffffffff)");
            }
            return (int) v.value();
        }

        private int hex16(String text, String path) throws ScenarioException {
            need(text, path, "a 4-digit hex ID such as \"8086\"");
            String t = text.startsWith("0x") ? text.substring(2) : text;
            if (!t.matches("[0-9a-fA-F]{4}")) {
                throw error(path, "'" + text + "' is not a 4-digit hex ID such as \"8086\"");
            }
            return Integer.parseInt(t, 16);
        }

        LabScenario validate(Scenario s) throws ScenarioException {
            Integer format = need(s.format(), "format", "format: 1");
            if (format != FORMAT) {
                throw error("format", "format " + format + " is not supported; this inspector reads format " + FORMAT);
            }
            String name = need(s.name(), "name", "a scenario name");
            String profileName = need(s.profile(), "profile", "a kernel profile, one of " + KernelProfiles.NAMES);
            KernelProfile profile = KernelProfiles.byName(profileName).orElseThrow(() -> error("profile",
                    "unknown profile '" + profileName + "'; expected one of " + KernelProfiles.NAMES));
            if (s.switches() != null) {
                for (String k : s.switches().keySet()) {
                    if (!KernelProfile.SWITCHES.contains(k)) {
                        throw error("switches." + k, "unknown profile switch '" + k + "'; expected one of "
                                + KernelProfile.SWITCHES.stream().sorted().toList());
                    }
                }
                profile = profile.with(s.switches());
            }
            Scenario.HostBridge hb = s.hostBridge();
            LabScenario.HostBridge hostBridge = new LabScenario.HostBridge(
                    hb == null || hb.bdf() == null ? PciAddress.parse("0000:00:00.0") : bdf(hb.bdf(), "hostBridge.bdf"),
                    hb == null || hb.id() == null ? "unknown" : hb.id(),
                    hb != null && Boolean.TRUE.equals(hb.p2pWhitelisted()));

            List<Scenario.Device> rawDevices = need(s.devices(), "devices", "a list of devices");
            if (rawDevices.isEmpty()) {
                throw error("devices", "an empty list; expected at least one device (a host has a host bridge)");
            }
            Map<PciAddress, Integer> seen = new HashMap<>();
            List<LabScenario.Device> devices = new ArrayList<>();
            for (int i = 0; i < rawDevices.size(); i++) {
                String p = "devices[" + i + "]";
                LabScenario.Device d = device(rawDevices.get(i), p);
                Integer prev = seen.put(d.bdf(), i);
                if (prev != null) {
                    throw error(p + ".bdf", "duplicate BDF " + d.bdf() + " (first at devices[" + prev + "])");
                }
                devices.add(d);
            }
            checkOverlaps(devices);
            // Every device on a non-zero bus needs a bridge above it.
            Set<Integer> busesBelowBridges = new HashSet<>();
            for (LabScenario.Device d : devices) {
                if (d.bridge() != null) {
                    busesBelowBridges.add(d.bridge().secondaryBus());
                }
            }
            for (int i = 0; i < devices.size(); i++) {
                LabScenario.Device d = devices.get(i);
                if (d.bdf().bus() != 0 && !busesBelowBridges.contains(d.bdf().bus())) {
                    throw error("devices[" + i + "].bdf", d.bdf() + " sits on bus " + String.format("%02x",
                            d.bdf().bus()) + " but no bridge has that secondaryBus");
                }
                if (d.physfn() != null && !seen.containsKey(d.physfn())) {
                    throw error("devices[" + i + "].physfn", "physfn " + d.physfn() + " is not a device of this scenario");
                }
            }
            List<Scenario.Group> rawGroups = need(s.groups(), "groups", "a list of IOMMU groups");
            List<LabScenario.Group> groups = new ArrayList<>();
            Map<PciAddress, Integer> grouped = new HashMap<>();
            Set<Integer> ids = new HashSet<>();
            for (int i = 0; i < rawGroups.size(); i++) {
                String p = "groups[" + i + "]";
                Scenario.Group g = rawGroups.get(i);
                int id = need(g.id(), p + ".id", "the group number");
                if (id < 0) {
                    throw error(p + ".id", "group " + id + "; expected a group number from 0 to "
                            + Integer.MAX_VALUE);
                }
                if (!ids.add(id)) {
                    throw error(p + ".id", "duplicate IOMMU group " + id);
                }
                List<String> members = need(g.devices(), p + ".devices", "a list of BDFs");
                List<PciAddress> ms = new ArrayList<>();
                for (int j = 0; j < members.size(); j++) {
                    PciAddress a = bdf(members.get(j), p + ".devices[" + j + "]");
                    if (!seen.containsKey(a)) {
                        throw error(p + ".devices[" + j + "]", "group " + id + " names " + a
                                + ", which is not a device of this scenario");
                    }
                    if (grouped.put(a, id) != null) {
                        throw error(p + ".devices[" + j + "]", a + " is already in group " + grouped.get(a));
                    }
                    ms.add(a);
                }
                String type = g.type() == null ? "DMA" : g.type();
                if (!Set.of("DMA", "DMA-FQ", "identity", "blocked", "unmanaged", "unknown").contains(type)) {
                    throw error(p + ".type", "'" + type + "' is not a default domain type; expected DMA, DMA-FQ, "
                            + "identity, blocked, unmanaged or unknown");
                }
                List<String> rr = g.reservedRegions() == null
                        ? List.of("0x00000000fee00000 0x00000000feefffff msi") : g.reservedRegions();
                groups.add(new LabScenario.Group(id, type, ms, rr));
            }
            for (int i = 0; i < devices.size(); i++) {
                if (devices.get(i).vfioBound() && !grouped.containsKey(devices.get(i).bdf())) {
                    throw error("devices[" + i + "].driver", devices.get(i).bdf()
                            + " is bound to vfio-pci but in no IOMMU group");
                }
            }
            List<LabScenario.Importer> importers = new ArrayList<>();
            List<Scenario.Importer> rawImp = s.importers() == null ? List.of() : s.importers();
            Set<String> names = new HashSet<>();
            for (int i = 0; i < rawImp.size(); i++) {
                String p = "importers[" + i + "]";
                Scenario.Importer im = rawImp.get(i);
                String n = need(im.name(), p + ".name", "an importer name");
                if (!names.add(n)) {
                    throw error(p + ".name", "duplicate importer name '" + n + "'");
                }
                PciAddress dev = bdf(im.device(), p + ".device");
                if (!seen.containsKey(dev)) {
                    throw error(p + ".device", "importer " + n + " sits on " + dev + ", which is not a device of this "
                            + "scenario");
                }
                importers.add(new LabScenario.Importer(n, dev, !Boolean.FALSE.equals(im.peer2peer()),
                        !Boolean.FALSE.equals(im.revocable()), !Boolean.FALSE.equals(im.unmapsInCallback())));
            }
            String release = s.release() == null ? profile.release()
                    + (profile.release().split("\\.").length < 3 ? ".0" : "") + "-lab" : s.release();
            String arch = s.arch() == null ? "x86_64" : s.arch();
            if (!arch.matches("[a-z0-9_]{1,32}")) {
                throw error("arch", "'" + org.vfioinspector.bridge.input.TextEscape.escape(arch) + "' is not an architecture as uname -m prints it (x86_64, aarch64, "
                        + "s390x, ppc64le, ...)");
            }
            if (!release.matches("[\\x21-\\x7e]{1,64}")) {
                // it becomes proc/sys/kernel/osrelease: one line, as uname -r prints (UTS release is 64 bytes)
                throw error("release", "'" + org.vfioinspector.bridge.input.TextEscape.escape(release)
                        + "'; expected a kernel release of 1 to 64 printable characters without spaces, "
                        + "e.g. 7.2.13-lab");
            }
            return new LabScenario(name, s.description() == null ? "" : s.description(), file, profile, release, arch,
                    hostBridge, groups, devices, importers);
        }

        private LabScenario.Device device(Scenario.Device d, String p) throws ScenarioException {
            PciAddress bdf = bdf(d.bdf(), p + ".bdf");
            int vendor = hex16(d.vendor(), p + ".vendor");
            int device = hex16(d.device(), p + ".device");
            int sv = d.subsystemVendor() == null ? vendor : hex16(d.subsystemVendor(), p + ".subsystemVendor");
            int sd = d.subsystemDevice() == null ? 0 : hex16(d.subsystemDevice(), p + ".subsystemDevice");
            String cls = need(d.pciClass(), p + ".class", "a class code such as \"0x020000\"");
            if (!cls.matches("(0x)?[0-9a-fA-F]{6}")) {
                throw error(p + ".class", "'" + cls + "' is not a 24-bit class code such as \"0x020000\"");
            }
            int pciClass = Integer.parseInt(cls.replace("0x", ""), 16);
            List<String> resets = d.resetMethods() == null ? List.of() : d.resetMethods();
            Set<String> knownResets = Set.of("device_specific", "acpi", "flr", "af_flr", "pm", "bus", "cxl_bus");
            for (int j = 0; j < resets.size(); j++) {
                if (!knownResets.contains(resets.get(j))) {
                    throw error(p + ".resetMethods[" + j + "]", "'" + resets.get(j) + "' is not a reset method; "
                            + "expected one of " + knownResets.stream().sorted().toList());
                }
            }
            List<String> quirks = d.quirks() == null ? List.of() : d.quirks();
            for (int j = 0; j < quirks.size(); j++) {
                if (!quirks.get(j).equals("non_mappable_bars")) {
                    throw error(p + ".quirks[" + j + "]", "unknown quirk '" + quirks.get(j)
                            + "'; expected non_mappable_bars");
                }
            }
            int config = d.configSize() == null ? 256 : d.configSize();
            if (config != 256 && config != 4096) {
                throw error(p + ".configSize", "config size " + config + "; expected 256 or 4096");
            }
            LabScenario.Bridge bridge = null;
            if (d.bridge() != null) {
                Scenario.Bridge b = d.bridge();
                String kind = need(b.kind(), p + ".bridge.kind", "root-port, switch-upstream, switch-downstream or "
                        + "pci-bridge");
                if (!Set.of("root-port", "switch-upstream", "switch-downstream", "pci-bridge").contains(kind)) {
                    throw error(p + ".bridge.kind", "'" + kind + "'; expected root-port, switch-upstream, "
                            + "switch-downstream or pci-bridge");
                }
                int sec = need(b.secondaryBus(), p + ".bridge.secondaryBus", "the bus number below the bridge");
                int sub = b.subordinateBus() == null ? sec : b.subordinateBus();
                if (sec < 1 || sec > 0xff) {
                    throw error(p + ".bridge.secondaryBus", "bus " + sec + "; expected a bus number from 1 to 255");
                }
                if (sub < sec || sub > 0xff) {
                    throw error(p + ".bridge.subordinateBus", "bus " + sub + "; expected a bus number from the "
                            + "secondary bus " + sec + " to 255");
                }
                bridge = new LabScenario.Bridge(kind, sec, sub, Boolean.TRUE.equals(b.acsRedirect()));
            }
            List<LabScenario.Bar> bars = new ArrayList<>();
            List<Scenario.Bar> rawBars = d.bars() == null ? List.of() : d.bars();
            Set<Integer> idx = new HashSet<>();
            for (int j = 0; j < rawBars.size(); j++) {
                String bp = p + ".bars[" + j + "]";
                Scenario.Bar b = rawBars.get(j);
                int index = need(b.index(), bp + ".index", "the BAR index 0-5");
                if (index < 0 || index > 5) {
                    throw error(bp + ".index", "BAR index " + index + "; expected 0-5");
                }
                if (!idx.add(index)) {
                    throw error(bp + ".index", "BAR" + index + " is listed twice");
                }
                String kindText = need(b.kind(), bp + ".kind", "mem32, mem64 or io");
                RegionKind kind;
                switch (kindText) {
                    case "mem32": kind = RegionKind.MEM32; break;
                    case "mem64": kind = RegionKind.MEM64; break;
                    case "io": kind = RegionKind.IO; break;
                    default: throw error(bp + ".kind", "'" + kindText + "'; expected mem32, mem64 or io");
                }
                long size = need(b.size(), bp + ".size", "the BAR size").value();
                if (size <= 0 || Long.bitCount(size) != 1) {
                    throw error(bp + ".size", "BAR size " + size + " is not a power of two");
                }
                long addr = need(b.address(), bp + ".address", "the BAR address").value();
                if (addr % size != 0 && size >= 16) {
                    throw error(bp + ".address", "address 0x" + Long.toHexString(addr) + " is not aligned to the BAR "
                            + "size 0x" + Long.toHexString(size));
                }
                bars.add(new LabScenario.Bar(index, kind, addr, size, Boolean.TRUE.equals(b.prefetchable()),
                        dword(b.value(), 0, bp + ".value"), b.restOfPageFree()));
            }
            LabScenario.Rom rom = null;
            if (d.rom() != null) {
                long romAddr = need(d.rom().address(), p + ".rom.address", "the ROM address").value();
                long romSize = need(d.rom().size(), p + ".rom.size", "the ROM size").value();
                // the expansion ROM BAR is 32 bits, its size a power of two from 2K (bits 31:11 hold the address)
                if (romSize < 2048 || romSize > 1L << 31 || Long.bitCount(romSize) != 1) {
                    throw error(p + ".rom.size", "ROM size " + romSize + "; expected a power of two from 2K to 2G");
                }
                if (romAddr < 0 || romAddr > 0xffffffffL || romAddr % romSize != 0) {
                    throw error(p + ".rom.address", "ROM address 0x" + Long.toHexString(romAddr) + "; expected a "
                            + "32-bit address aligned to the ROM size 0x" + Long.toHexString(romSize));
                }
                rom = new LabScenario.Rom(romAddr, romSize, dword(d.rom().value(), 0xffffffff, p + ".rom.value"));
            }
            LabScenario.Msix msix = null;
            if (d.msix() != null) {
                int mb = need(d.msix().bar(), p + ".msix.bar", "the BAR holding the MSI-X table");
                if (bars.stream().noneMatch(b -> b.index() == mb)) {
                    throw error(p + ".msix.bar", "the MSI-X table is in BAR" + mb + ", which is not listed");
                }
                int entries = d.msix().entries() == null ? 1 : d.msix().entries();
                if (entries < 1 || entries > 2048) {
                    throw error(p + ".msix.entries", entries + " entries; expected 1 to 2048 (the MSI-X table size)");
                }
                msix = new LabScenario.Msix(mb, d.msix().tableOffset() == null ? 0 : d.msix().tableOffset().value(),
                        entries);
            }
            List<PciAddress> vfs = new ArrayList<>();
            int totalVfs = 0;
            if (d.sriov() != null) {
                totalVfs = need(d.sriov().totalVfs(), p + ".sriov.totalVfs", "the number of VFs supported");
                if (totalVfs < 0 || totalVfs > 0xffff) {
                    throw error(p + ".sriov.totalVfs", totalVfs + " VFs; expected 0 to 65535 (TotalVFs is 16 bits)");
                }
                List<String> v = d.sriov().vfs() == null ? List.of() : d.sriov().vfs();
                for (int j = 0; j < v.size(); j++) {
                    vfs.add(bdf(v.get(j), p + ".sriov.vfs[" + j + "]"));
                }
            }
            if (d.dmaEngine() != null) {
                if (!d.dmaEngine().equals(LabScenario.Device.EDU)) {
                    throw error(p + ".dmaEngine", "'" + d.dmaEngine() + "'; expected edu (QEMU's edu DMA engine)");
                }
                if (bars.stream().noneMatch(b -> b.index() == 0 && b.kind() != RegionKind.IO && b.size() >= 4096)) {
                    throw error(p + ".dmaEngine", "edu's registers are in BAR0: list a memory BAR0 of at least 4K "
                            + "(edu's is 1M)");
                }
            }
            String driver = d.driver() == null || d.driver().isEmpty() ? null : d.driver();
            if (driver != null && !Names.isName(driver)) {
                // the driver becomes bus/pci/drivers/NAME in the lab's tree: a path would write outside it
                throw error(p + ".driver", "'" + org.vfioinspector.bridge.input.TextEscape.escape(driver)
                        + "' is not a driver name; expected " + Names.EXPECTED);
            }
            int numa = d.numaNode() == null ? -1 : d.numaNode();
            if (numa < -1) {
                throw error(p + ".numaNode", "NUMA node " + numa + "; expected -1 (no affinity) or a node number");
            }
            long revision = d.revision() == null ? 0 : d.revision().value();
            if (revision < 0 || revision > 0xff) {
                throw error(p + ".revision", "revision 0x" + Long.toHexString(revision)
                        + "; expected 8 bits, 0x00 to 0xff");
            }
            Boolean vfioReset = d.vfioReset(); // null: pci_probe_reset_function decides (ScenarioFacts)
            int command = -1;
            if (d.command() != null) {
                long c = d.command().value();
                if (c < 0 || c > 0xffff) {
                    throw error(p + ".command", "PCI_COMMAND 0x" + Long.toHexString(c) + "; expected 16 bits");
                }
                command = (int) c;
            }
            LabScenario.Caps caps = ScenarioCaps.caps(d.capabilities(), p + ".capabilities", config, d.bridge(),
                    bars, this::error);
            if (bridge != null && caps.acsCapability() >= 0) {
                boolean redirect = (caps.acsControl() & (0x04 | 0x08 | 0x20)) != 0;
                if (d.bridge().acsRedirect() != null && d.bridge().acsRedirect() != redirect) {
                    throw error(p + ".bridge.acsRedirect", "acsRedirect " + d.bridge().acsRedirect() + " but the "
                            + "ACS control bits " + caps.acsControl() + " say " + redirect + "; give one of them");
                }
                bridge = new LabScenario.Bridge(bridge.kind(), bridge.secondaryBus(), bridge.subordinateBus(), redirect);
            }
            return new LabScenario.Device(bdf, d.name() == null ? "" : d.name(), vendor, device, sv, sd, pciClass,
                    (int) revision, driver, resets, vfioReset,
                    quirks.contains("non_mappable_bars"), config, numa, bridge,
                    totalVfs, vfs, d.physfn() == null ? null : bdf(d.physfn(), p + ".physfn"), bars, rom, msix,
                    command, caps, d.dmaEngine());
        }

        private void checkOverlaps(List<LabScenario.Device> devices) throws ScenarioException {
            record Span(long start, long end, String path, String what) {
            }
            List<Span> mem = new ArrayList<>();
            List<Span> io = new ArrayList<>();
            for (int i = 0; i < devices.size(); i++) {
                LabScenario.Device d = devices.get(i);
                for (int j = 0; j < d.bars().size(); j++) {
                    LabScenario.Bar b = d.bars().get(j);
                    Span s = new Span(b.address(), b.address() + b.size() - 1, "devices[" + i + "].bars[" + j + "]",
                            d.bdf() + " BAR" + b.index());
                    (b.kind() == RegionKind.IO ? io : mem).add(s);
                }
                if (d.rom() != null) {
                    mem.add(new Span(d.rom().address(), d.rom().address() + d.rom().size() - 1, "devices[" + i + "].rom",
                            d.bdf() + " ROM"));
                }
            }
            for (List<Span> spans : List.of(mem, io)) {
                // In address order an overlap is one span starting at or before the end of one before it: n log n
                // for a host of thousands of BARs. Only when there is one, the pairwise search below names the first
                // pair in the scenario's own order.
                List<Span> sorted = new ArrayList<>(spans);
                sorted.sort((x, y) -> Long.compareUnsigned(x.start(), y.start()));
                // (a span that wraps past 2^64 is not an interval: the pairwise search judges it)
                boolean overlap = sorted.stream().anyMatch(x -> Long.compareUnsigned(x.end(), x.start()) < 0);
                long maxEnd = sorted.isEmpty() ? 0 : sorted.get(0).end();
                for (int k = 1; k < sorted.size() && !overlap; k++) {
                    overlap = Long.compareUnsigned(sorted.get(k).start(), maxEnd) <= 0;
                    maxEnd = Long.compareUnsigned(sorted.get(k).end(), maxEnd) > 0 ? sorted.get(k).end() : maxEnd;
                }
                if (!overlap) {
                    continue;
                }
                for (int a = 0; a < spans.size(); a++) {
                    for (int b = 0; b < a; b++) {
                        Span x = spans.get(a);
                        Span y = spans.get(b);
                        if (Long.compareUnsigned(x.start(), y.end()) <= 0 && Long.compareUnsigned(y.start(), x.end()) <= 0) {
                            throw error(x.path(), x.what() + " [0x" + Long.toHexString(x.start()) + "-0x"
                                    + Long.toHexString(x.end()) + "] overlaps " + y.what() + " [0x"
                                    + Long.toHexString(y.start()) + "-0x" + Long.toHexString(y.end()) + "]");
                        }
                    }
                }
            }
        }
    }
}
