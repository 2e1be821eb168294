package org.vfioinspector.bridge.pciids;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.vfioinspector.bridge.model.PciNames;

/**
 * The PCI ID database in hwdata's {@code pci.ids} format: vendors ({@code VVVV  name}), their devices
 * ({@code TAB DDDD  name}) and subsystems ({@code TAB TAB SSSS SSSS  name}), and classes ({@code C BB  name}),
 * subclasses ({@code TAB SS  name}) and programming interfaces ({@code TAB TAB PP  name}). Lines it cannot
 * read are skipped: the database only adds names, it never decides anything.
 */
public final class PciIds {
    /** Where distributions install pci.ids, searched in this order. */
    public static final List<Path> DEFAULT_LOCATIONS = List.of(Path.of("/usr/share/misc/pci.ids"),
            Path.of("/usr/share/hwdata/pci.ids"));

    private static final PciIds EMPTY = new PciIds(Map.of(), Map.of(), Map.of(), Map.of(), Optional.empty());

    private final Map<Integer, String> vendors;
    private final Map<Long, String> devices;      // vendor << 16 | device
    private final Map<Long, String> subsystems;   // vendor << 48 | device << 32 | subvendor << 16 | subdevice
    private final Map<Integer, String> classes;   // 0xBB0000 class, 0xBBSS00 | 0x1000000 subclass, 0xBBSSPP | 0x2000000 prog-if
    private final Optional<Path> source;
    /**
     * A file's vendor blocks, by vendor ID, parsed on first use: the database has ~2,500 vendors and ~40,000 lines,
     * a host names a handful, and the CLI's start-up should not pay for the rest. Null when parsed eagerly.
     */
    private final Map<Integer, String> vendorBlocks;
    private final Map<Integer, PciIds> parsedVendors = new ConcurrentHashMap<>();

    private PciIds(Map<Integer, String> vendors, Map<Long, String> devices, Map<Long, String> subsystems,
                   Map<Integer, String> classes, Optional<Path> source) {
        this.vendors = vendors;
        this.devices = devices;
        this.subsystems = subsystems;
        this.classes = classes;
        this.source = source;
        this.vendorBlocks = null;
    }

    private PciIds(Map<Integer, String> vendorBlocks, Map<Integer, String> classes, Optional<Path> source) {
        this.vendors = Map.of();
        this.devices = Map.of();
        this.subsystems = Map.of();
        this.classes = classes;
        this.source = source;
        this.vendorBlocks = vendorBlocks;
    }

    /** No database: every name is absent. */
    public static PciIds empty() {
        return EMPTY;
    }

    /** The first of {@code locations} that exists, or {@link #empty()} when none does. */
    public static PciIds loadFirst(List<Path> locations) {
        for (Path p : locations) {
            if (Files.isRegularFile(p)) {
                return load(p);
            }
        }
        return EMPTY;
    }

    /** The machine's database from {@link #DEFAULT_LOCATIONS}, or {@link #empty()}. */
    public static PciIds loadDefault() {
        return loadFirst(DEFAULT_LOCATIONS);
    }

    /**
     * Reads {@code file} (UTF-8; invalid bytes are replaced).
     *
     * @throws UncheckedIOException when the file exists but cannot be read
     */
    public static PciIds load(Path file) {
        try {
            // bounded like every outside file (the real pci.ids is about 1.4 MB); a FIFO is refused unread
            return indexed(new String(org.vfioinspector.bridge.input.InputFiles.read(file, 64 << 20),
                    StandardCharsets.UTF_8), Optional.of(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + org.vfioinspector.bridge.input.IoMessages.describe(e), e);
        }
    }

    /** Parses the lines of a pci.ids text. */
    public static PciIds parse(List<String> lines) {
        return parse(lines, Optional.empty());
    }

    /**
     * Splits the text into vendor blocks (a vendor line up to the next top-level line), kept as text and parsed on
     * first use, and parses the (small) class sections at once. Names are the same as {@link #parse(List)}'s.
     */
    private static PciIds indexed(String text, Optional<Path> source) {
        Map<Integer, String> blocks = new HashMap<>();
        StringBuilder classText = new StringBuilder();
        int blockStart = -1;
        int blockVendor = -1;
        boolean inClasses = false;
        int at = 0;
        int n = text.length();
        while (at <= n) {
            int eol = text.indexOf('\n', at);
            if (eol < 0) {
                eol = n;
            }
            if (at < eol) {
                char c = text.charAt(at);
                if (c != '\t' && c != '#') {
                    // a top-level line ends the block before it
                    if (blockStart >= 0) {
                        blocks.put(blockVendor, text.substring(blockStart, at));
                        blockStart = -1;
                    }
                    inClasses = false;
                    if (c == 'C' && text.startsWith("C ", at)) {
                        inClasses = true;
                    } else {
                        Entry e = entry(text.substring(at, eol), 4);
                        if (e != null) {
                            blockStart = at;
                            blockVendor = e.id;
                        }
                    }
                }
                if (inClasses) {
                    classText.append(text, at, eol).append('\n');
                }
            }
            at = eol + 1;
        }
        if (blockStart >= 0) {
            blocks.put(blockVendor, text.substring(blockStart));
        }
        PciIds classes = parse(classText.toString().lines().toList(), source);
        return new PciIds(Map.copyOf(blocks), classes.classes, source);
    }

    /** The names of one vendor's block (its name, devices and subsystems). */
    private PciIds vendorIds(int vendorId) {
        if (vendorBlocks == null) {
            return this;
        }
        String block = vendorBlocks.get(vendorId);
        if (block == null) {
            return EMPTY;
        }
        return parsedVendors.computeIfAbsent(vendorId, v -> parse(block.lines().toList(), source));
    }

    private static PciIds parse(List<String> lines, Optional<Path> source) {
        Map<Integer, String> vendors = new HashMap<>();
        Map<Long, String> devices = new HashMap<>();
        Map<Long, String> subsystems = new HashMap<>();
        Map<Integer, String> classes = new HashMap<>();
        int vendor = -1;
        int device = -1;
        int baseClass = -1;
        int subClass = -1;
        for (String line : lines) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("C ")) {
                vendor = -1;
                Entry e = entry(line.substring(2), 2);
                baseClass = e == null ? -1 : e.id;
                subClass = -1;
                if (e != null) {
                    classes.put(baseClass << 16, e.name);
                }
            } else if (line.startsWith("\t\t")) {
                String body = line.substring(2);
                if (vendor >= 0 && device >= 0) {
                    Entry sv = entry(body, 4, ' ');
                    Entry sd = sv == null ? null : entry(sv.name, 4);
                    if (sd != null) {
                        subsystems.put(((long) vendor << 48) | ((long) device << 32) | ((long) sv.id << 16) | sd.id,
                                sd.name);
                    }
                } else if (baseClass >= 0 && subClass >= 0) {
                    Entry e = entry(body, 2);
                    if (e != null) {
                        classes.put(0x2000000 | (baseClass << 16) | (subClass << 8) | e.id, e.name);
                    }
                }
            } else if (line.startsWith("\t")) {
                String body = line.substring(1);
                if (vendor >= 0) {
                    Entry e = entry(body, 4);
                    device = e == null ? -1 : e.id;
                    if (e != null) {
                        devices.put(((long) vendor << 16) | e.id, e.name);
                    }
                } else if (baseClass >= 0) {
                    Entry e = entry(body, 2);
                    subClass = e == null ? -1 : e.id;
                    if (e != null) {
                        classes.put(0x1000000 | (baseClass << 16) | (subClass << 8), e.name);
                    }
                }
            } else {
                Entry e = entry(line, 4);
                vendor = e == null ? -1 : e.id;
                device = -1;
                baseClass = -1;
                subClass = -1;
                if (e != null) {
                    vendors.put(vendor, e.name);
                }
            }
        }
        return new PciIds(Map.copyOf(vendors), Map.copyOf(devices), Map.copyOf(subsystems), Map.copyOf(classes),
                source);
    }

    private record Entry(int id, String name) {
    }

    /** "HHHH  name" with {@code digits} hex digits, then two spaces (or the given separator). */
    private static Entry entry(String body, int digits) {
        Entry e = entry(body, digits, ' ');
        return e == null || e.name.isEmpty() ? null : new Entry(e.id, e.name.strip());
    }

    private static Entry entry(String body, int digits, char separator) {
        if (body.length() <= digits || body.charAt(digits) != separator) {
            return null;
        }
        try {
            int id = Integer.parseInt(body.substring(0, digits), 16);
            return new Entry(id, body.substring(digits + 1));
        } catch (NumberFormatException ex) {
            return null;
        }
    }

    /** The file this database was read from; empty for a parsed text or {@link #empty()}. */
    public Optional<Path> source() {
        return source;
    }

    public boolean isEmpty() {
        return (vendorBlocks == null ? vendors.isEmpty() : vendorBlocks.isEmpty()) && classes.isEmpty();
    }

    public Optional<String> vendor(int vendorId) {
        return Optional.ofNullable(vendorIds(vendorId).vendors.get(vendorId));
    }

    public Optional<String> device(int vendorId, int deviceId) {
        return Optional.ofNullable(vendorIds(vendorId).devices.get(((long) vendorId << 16) | deviceId));
    }

    public Optional<String> subsystem(int vendorId, int deviceId, int subVendor, int subDevice) {
        return Optional.ofNullable(vendorIds(vendorId).subsystems.get(((long) vendorId << 48)
                | ((long) deviceId << 32) | ((long) subVendor << 16) | subDevice));
    }

    /** The subclass name for 0xBBSSPP, else the base class name (lspci's choice). */
    public Optional<String> className(int classCode) {
        String sub = classes.get(0x1000000 | (classCode & 0xffff00));
        return Optional.ofNullable(sub != null ? sub : classes.get(classCode & 0xff0000));
    }

    /** The programming interface name for 0xBBSSPP. */
    public Optional<String> progIf(int classCode) {
        return Optional.ofNullable(classes.get(0x2000000 | (classCode & 0xffffff)));
    }

    /** All names for one device; subsystem only when both subsystem IDs are known. */
    public PciNames names(int vendorId, int deviceId, Optional<Integer> subVendor, Optional<Integer> subDevice,
                          int classCode) {
        Optional<String> subsystem = subVendor.isPresent() && subDevice.isPresent()
                ? subsystem(vendorId, deviceId, subVendor.get(), subDevice.get()) : Optional.empty();
        return new PciNames(vendor(vendorId), device(vendorId, deviceId), subsystem, className(classCode),
                progIf(classCode));
    }
}
