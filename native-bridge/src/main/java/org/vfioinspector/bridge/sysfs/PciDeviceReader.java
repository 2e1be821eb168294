package org.vfioinspector.bridge.sysfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vfioinspector.bridge.config.ConfigSpace;
import org.vfioinspector.bridge.config.ConfigSpaceParser;
import org.vfioinspector.bridge.input.Numbers;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.model.PciDevice;
import org.vfioinspector.bridge.model.PciNames;
import org.vfioinspector.bridge.model.Region;
import org.vfioinspector.bridge.model.Sriov;
import org.vfioinspector.bridge.pciids.PciIds;

/**
 * Reads one PCI device from {@code bus/pci/devices/BDF} under a {@link HostPaths} sysfs root. Files that may be
 * missing ({@code driver}, {@code reset_method}, {@code sriov_*}, ...) become absent values; {@code class} is
 * required, and {@code vendor} and {@code device} where the {@code config} header cannot give the IDs.
 */
public final class PciDeviceReader {
    private static final Pattern VIRTFN = Pattern.compile("virtfn([0-9]+)");
    private static final Pattern VFIO_CDEV = Pattern.compile("vfio[0-9]+");
    /** The most VFs a PF can have: TotalVFs in the SR-IOV capability is 16 bits. */
    private static final int MAX_VFS = 0xffff;

    private final HostPaths paths;
    private final PciIds ids;
    /** The IOMMU groups kernel/iommu_groups lists, or null when not known: a link to one of them cannot dangle. */
    private final Set<Integer> groups;
    /**
     * What this host's VFIO devices showed of vfio-dev/vfioN so far. A kernel registers the cdev for every VFIO device
     * (CONFIG_VFIO_DEVICE_CDEV) or for none, so once a VFIO device is seen without one and none with one, the others
     * are not asked (on a 10,000-function host without cdevs each ask was a failed open and an exception). The
     * nodes in dev/vfio/devices cannot decide it: Debian's 7.2.13 kernel listed vfio-dev/vfio0 in sysfs with no
     * node in the harness's guest.
     */
    private final AtomicInteger cdevs = new AtomicInteger(CDEVS_UNKNOWN);
    private static final int CDEVS_UNKNOWN = 0;
    private static final int CDEVS_SEEN = 1;
    private static final int CDEVS_NONE = 2;

    /** Equal values of the devices this reader reads, held once (the scanner's, for its groups too). */
    private final Canonical canonical;
    /** The upstream chain of the devices below each parent path read so far. */
    private final Map<String, List<PciAddress>> chains = new ConcurrentHashMap<>();

    public PciDeviceReader(HostPaths paths, PciIds ids) {
        this(paths, ids, null, new Canonical());
    }

    /**
     * @param groups    the groups the scanner found in kernel/iommu_groups (a device's link to one needs no stat)
     * @param canonical where equal values of this scan are made one
     */
    PciDeviceReader(HostPaths paths, PciIds ids, Set<Integer> groups, Canonical canonical) {
        this.paths = paths;
        this.ids = ids;
        this.groups = groups;
        this.canonical = canonical;
    }

    /** {@code bus/pci/devices} relative to the sysfs root. */
    public static final String PCI_DEVICES = "bus/pci/devices";

    /**
     * Reads the device named {@code name} under {@code bus/pci/devices}.
     *
     * @throws SysfsFormatException a file is malformed (or the name is not a BDF); the exception names it
     * @throws IOException          a file exists but cannot be read, or a required file is missing
     */
    public PciDevice read(String name) throws IOException {
        String dirLabel = PCI_DEVICES + "/" + name;
        PciAddress address;
        try {
            address = canonical.of(PciAddress.parse(name));
        } catch (IllegalArgumentException e) {
            throw new SysfsFormatException(dirLabel, name, "a directory named by its PCI address, DDDD:BB:DD.F");
        }
        if (!SysfsNames.isCanonicalBdf(name)) {
            // " 0000:00:02.0" would be listed twice (once as 0000:00:02.0), "0000:00:0A.0" as a phantom
            throw new SysfsFormatException(dirLabel, name, "a directory named by its PCI address as the kernel "
                    + "writes it, DDDD:BB:DD.F in lower-case hex with nothing around it");
        }
        Path dir = paths.sys(dirLabel);
        // A known set of opens, no directory listing: the attributes every PCI device has are opened directly, and
        // the rarer ones only where the facts read so far say they exist (or cannot say).
        Attrs at = new Attrs(dir, name);

        // config first: its header carries vendor, device, revision and (type 0) subsystem IDs, one read for five
        // files. Unprivileged readers still get 64 or 256 bytes, the header included.
        byte[] header = null;
        Optional<ConfigSpace> config;
        try {
            Optional<byte[]> bytes = SysfsFiles.readBytes(dir.resolve("config"), ConfigSpace.EXTENDED);
            config = bytes.map(b -> ConfigSpaceParser.parse(label(name, "config"), b));
            header = bytes.orElse(null);
        } catch (IOException e) {
            // it is 0644, but a locked-down kernel may refuse it: a config space of 0 readable bytes, with why
            config = Optional.of(new ConfigSpace(0, -1, -1, -1, false, List.of(), List.of(new ConfigSpace.Problem(
                    label(name, "config"), 0, "cannot be read (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")"))));
        }
        int vendor;
        int device;
        Optional<Integer> subVendor;
        Optional<Integer> subDevice;
        Optional<Integer> revision;
        if (idsInHeader(header)) {
            vendor = le16(header, 0x00);
            device = le16(header, 0x02);
            revision = Optional.of(header[0x08] & 0xff);
            if ((header[0x0e] & 0x7f) == 0) {
                subVendor = Optional.of(le16(header, 0x2c));
                subDevice = Optional.of(le16(header, 0x2e));
            } else {
                // a bridge's subsystem IDs are in its SSVID capability, which the kernel reads: take its files
                subVendor = at.optional("subsystem_vendor").map(t -> SysfsValues.id16(label(name,
                        "subsystem_vendor"), t));
                subDevice = at.optional("subsystem_device").map(t -> SysfsValues.id16(label(name,
                        "subsystem_device"), t));
            }
        } else {
            // no header (absent, unreadable, truncated), or an SR-IOV VF's, whose IDs read as ffff: the kernel's files
            vendor = SysfsValues.id16(label(name, "vendor"), at.required("vendor"));
            device = SysfsValues.id16(label(name, "device"), at.required("device"));
            subVendor = at.optional("subsystem_vendor").map(t -> SysfsValues.id16(label(name, "subsystem_vendor"), t));
            subDevice = at.optional("subsystem_device").map(t -> SysfsValues.id16(label(name, "subsystem_device"), t));
            revision = at.optional("revision").map(t -> SysfsValues.revision(label(name, "revision"), t));
        }
        // the class as the kernel keeps it (a quirk may have changed it; lspci shows this one too)
        int classCode = SysfsValues.classCode(label(name, "class"), at.required("class"));
        Optional<Integer> numa = at.optional("numa_node")
                .map(t -> SysfsValues.numaNode(label(name, "numa_node"), t));
        Optional<List<String>> reset = at.optional("reset_method")
                .map(t -> SysfsValues.resetMethods(label(name, "reset_method"), t));
        Optional<String> override = at.optional("driver_override")
                .flatMap(t -> SysfsValues.driverOverride(label(name, "driver_override"), t));
        List<Region> regions = at.optional("resource")
                .map(t -> ResourceFile.regions(label(name, "resource"), t)).orElse(List.of());

        Optional<String> driver = at.linkName("driver");
        Optional<Integer> group = at.linkName("iommu_group")
                .map(t -> SysfsValues.groupNumber(label(name, "iommu_group"), t));
        if (group.isPresent() && (groups == null || !groups.contains(group.get()))) {
            // not in the scanner's listing of kernel/iommu_groups (or there is none): ask the link itself
            try {
                Files.readAttributes(dir.resolve("iommu_group"), BasicFileAttributes.class);
            } catch (NoSuchFileException dangling) {
                // the device names a group the kernel does not have
                throw new SysfsFormatException(label(name, "iommu_group"), Integer.toString(group.get()),
                        "a link to an existing IOMMU group, but kernel/iommu_groups/" + group.get()
                        + " does not exist");
            } catch (IOException unreadable) {
                // kernel/iommu_groups cannot be searched: the scanner reports it and trusts the link's number
            }
        }
        // vfio-dev/vfioN: only a VFIO driver (vfio-pci or a variant, e.g. mlx5_vfio_pci) registers a cdev, and only
        // on a kernel with VFIO cdevs
        Optional<String> vfioDev = Optional.empty();
        if (driver.isPresent() && driver.get().contains("vfio") && cdevs.get() != CDEVS_NONE) {
            vfioDev = SysfsFiles.list(dir.resolve("vfio-dev")).stream()
                    .filter(n -> VFIO_CDEV.matcher(n).matches()).findFirst();
            if (vfioDev.isPresent()) {
                cdevs.set(CDEVS_SEEN);
            } else {
                cdevs.compareAndSet(CDEVS_UNKNOWN, CDEVS_NONE);
            }
        }

        // An SR-IOV VF has physfn; a PF has sriov_totalvfs and virtfnN. The extended config space (root) tells
        // whether there is an SR-IOV capability; without it (a non-root reader) the files are asked.
        Optional<PciAddress> physfn = at.linkName("physfn").map(t -> bdf(label(name, "physfn"), t));
        Optional<Sriov> sriov = Optional.empty();
        boolean noSriovCap = config.isPresent() && config.get().readable() >= ConfigSpace.EXTENDED
                && config.get().problems().isEmpty() && config.get().find("SR-IOV").isEmpty();
        Optional<String> total = physfn.isPresent() || noSriovCap ? Optional.empty() : at.optional("sriov_totalvfs");
        if (total.isPresent()) {
            int totalVfs = SysfsValues.count(label(name, "sriov_totalvfs"), total.get());
            int numVfs = at.optional("sriov_numvfs")
                    .map(t -> SysfsValues.count(label(name, "sriov_numvfs"), t)).orElse(0);
            sriov = Optional.of(new Sriov(totalVfs, numVfs, virtfns(dir, name, SysfsFiles.names(dir))));
        }

        PciNames names = canonical.of(ids.names(vendor, device, subVendor, subDevice, classCode));
        Canonical c = canonical;
        return new PciDevice(address, vendor, device, c.of(subVendor), c.of(subDevice), c.of(revision), classCode,
                names, c.of(driver), c.of(override), group, c.of(numa), c.of(reset.map(List::copyOf)), c.of(vfioDev),
                upstream(dir, name, address), sriov, physfn.map(c::of), regions, config.map(c::of));
    }

    /** Whether the config header can stand for the ID files: 64 bytes read, and not an SR-IOV VF's ffff. */
    private static boolean idsInHeader(byte[] header) {
        return header != null && header.length >= ConfigSpace.HEADER && le16(header, 0x00) != 0xffff
                && le16(header, 0x02) != 0xffff;
    }

    private static int le16(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }

    private List<PciAddress> virtfns(Path dir, String name, Set<String> entries) throws IOException {
        record Vf(int n, PciAddress address) {
        }
        List<Vf> vfs = new ArrayList<>();
        for (String entry : entries) {
            Matcher m = VIRTFN.matcher(entry);
            if (m.matches()) {
                Optional<String> target = SysfsFiles.linkTargetName(dir.resolve(entry));
                if (target.isPresent()) {
                    int n;
                    try {
                        n = Numbers.decimalInt(m.group(1), 0, MAX_VFS);
                    } catch (Numbers.OutOfRange e) {
                        throw new SysfsFormatException(label(name, entry), entry, "a link virtfnN with N from 0 to "
                                + MAX_VFS + " (TotalVFs is 16 bits)");
                    }
                    vfs.add(new Vf(n, canonical.of(bdf(label(name, entry), target.get()))));
                }
            }
        }
        vfs.sort(Comparator.comparingInt(Vf::n));
        return vfs.stream().map(Vf::address).toList();
    }

    /**
     * The BDF components of the device's real path below {@code devices/}, without the device itself.
     *
     * @param name {@code dir}'s name, the device's BDF as the kernel writes it
     */
    private List<PciAddress> upstream(Path dir, String name, PciAddress self) throws IOException {
        Path devices = paths.sys().resolve("devices");
        Path real = null;
        // bus/pci/devices/BDF is a relative link into devices/: its text is the real path (one readlink instead
        // of a realpath's lstat and readlink of every component).
        Path link;
        try {
            link = Files.readSymbolicLink(dir);
        } catch (NotLinkException e) {
            link = null; // a copied tree: a plain directory
        }
        if (link != null) {
            String text = link.toString();
            List<String> parts = kernelLink(text);
            if (parts != null && parts.size() > 1 && parts.get(parts.size() - 1).equals(name)) {
                // the devices below one bridge have one chain: made once, from the text before the device's name
                return chains.computeIfAbsent(text.substring(KERNEL_LINK.length(), text.lastIndexOf('/')),
                        k -> List.copyOf(chain(parts.subList(0, parts.size() - 1), null)));
            }
            if (parts != null) {
                return chain(parts, self);
            }
        }
        if (link != null && !link.isAbsolute()) {
            Path lexical = dir.getParent().resolve(link).normalize();
            if (lexical.startsWith(devices.normalize())) {
                real = lexical;
                devices = devices.normalize();
            }
        }
        if (real == null) {
            real = dir.toRealPath();
            devices = paths.sys().toRealPath().resolve("devices");
        }
        if (!real.startsWith(devices)) {
            return List.of();
        }
        List<String> parts = new ArrayList<>();
        for (Path part : devices.relativize(real)) {
            parts.add(part.toString());
        }
        return chain(parts, self);
    }

    /** The BDFs among the parts of a path below {@code devices/}, without the device itself. */
    private List<PciAddress> chain(List<String> parts, PciAddress self) {
        List<PciAddress> chain = new ArrayList<>();
        for (String part : parts) {
            if (PciAddress.isValid(part)) {
                chain.add(canonical.of(PciAddress.parse(part)));
            }
        }
        if (!chain.isEmpty() && chain.get(chain.size() - 1).equals(self)) {
            chain.remove(chain.size() - 1);
        }
        return chain;
    }

    /** The link the kernel writes for bus/pci/devices/BDF: "../../../devices/" and the device's path below it. */
    private static final String KERNEL_LINK = "../../../devices/";

    /**
     * The parts of the device's path below devices/ when the link is the kernel's own (relative to
     * bus/pci/devices, into devices/, no "." or ".." or empty part after it), read as text; null for any other
     * link, which the Path walk of {@link #upstream} reads (what its relativize and normalize cost a big host was a
     * twentieth of a scan).
     */
    private static List<String> kernelLink(String link) {
        if (!link.startsWith(KERNEL_LINK)) {
            return null;
        }
        List<String> parts = List.of(link.substring(KERNEL_LINK.length()).split("/", -1));
        for (String part : parts) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                return null;
            }
        }
        return parts;
    }

    private static PciAddress bdf(String file, String text) {
        if (!SysfsNames.isCanonicalBdf(text)) {
            throw new SysfsFormatException(file, text, "a link to a PCI device named DDDD:BB:DD.F (lower-case hex)");
        }
        return PciAddress.parse(text);
    }

    private static String label(String name, String file) {
        return PCI_DEVICES + "/" + name + "/" + file;
    }

    /** A device directory's attributes: absent is empty, opened without asking the directory first. */
    private record Attrs(Path dir, String name) {
        Optional<String> optional(String file) throws IOException {
            return SysfsFiles.read(dir.resolve(file));
        }

        String required(String file) throws IOException {
            return optional(file).orElseThrow(() -> new NoSuchFileException(label(name, file), null,
                    "required attribute is missing"));
        }

        Optional<String> linkName(String file) throws IOException {
            return SysfsFiles.linkTargetName(dir.resolve(file));
        }
    }
}
