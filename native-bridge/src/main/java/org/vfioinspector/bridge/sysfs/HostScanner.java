package org.vfioinspector.bridge.sysfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.vfioinspector.bridge.input.IoMessages;
import org.vfioinspector.bridge.model.Blocker;
import org.vfioinspector.bridge.model.HostInventory;
import org.vfioinspector.bridge.model.IommuGroup;
import org.vfioinspector.bridge.model.KernelInfo;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.model.PciDevice;
import org.vfioinspector.bridge.model.ReadFailure;
import org.vfioinspector.bridge.model.ReservedRegion;
import org.vfioinspector.bridge.model.Viability;
import org.vfioinspector.bridge.pciids.PciIds;

/**
 * Walks one host's sysfs ({@code bus/pci/devices}, {@code kernel/iommu_groups}) and builds a
 * {@link HostInventory}. A device whose files are malformed or unreadable is reported as a {@link ReadFailure}
 * and the rest of the host is still listed.
 */
public final class HostScanner {
    /** Drivers that leave a group usable by VFIO (besides no driver at all). */
    public static final Set<String> VFIO_FRIENDLY_DRIVERS = Set.of("vfio-pci", "pci-stub");

    private final HostPaths paths;
    private final PciIds ids;

    public HostScanner(HostPaths paths, PciIds ids) {
        this.paths = paths;
        this.ids = ids;
    }

    /**
     * Scans the host.
     *
     * @throws HostUnreadableException {@code bus/pci/devices} is missing or cannot be listed (everything else
     *                                 that cannot be read is a {@link ReadFailure} of the inventory)
     */
    public HostInventory scan() throws HostUnreadableException {
        Path pciDevices = paths.sys(PciDeviceReader.PCI_DEVICES);
        if (!Files.isDirectory(pciDevices)) {
            throw new HostUnreadableException("no PCI devices directory " + pciDevices
                    + ": this is not a Linux sysfs tree (or sysfs is not mounted)");
        }
        List<String> names;
        try {
            names = SysfsFiles.list(pciDevices);
        } catch (IOException e) {
            throw new HostUnreadableException("cannot list " + IoMessages.describe(e), e);
        }
        List<ReadFailure> failures = new ArrayList<>();
        // The kernel facts are optional: what cannot be read is a failure of subject "kernel", not the end.
        KernelInfo kernel = new KernelInfoReader(paths).read(failures);

        // The groups' listing first: a device whose iommu_group link names a listed group needs no stat to know the
        // link does not dangle.
        List<String> groupEntries;
        IOException groupsUnreadable = null;
        try {
            groupEntries = SysfsFiles.list(paths.sys("kernel/iommu_groups"));
        } catch (IOException e) {
            groupEntries = null;
            groupsUnreadable = e;
        }
        Set<Integer> listedGroups = null;
        if (groupEntries != null) {
            listedGroups = new HashSet<>();
            for (String g : groupEntries) {
                try {
                    listedGroups.add(SysfsValues.groupNumber("kernel/iommu_groups/" + g, g));
                } catch (SysfsFormatException e) {
                    // reported by scanGroup
                }
            }
        }

        List<PciDevice> devices = new ArrayList<>();
        // distinct values: about an address and a chain per device, a config space per model
        Canonical canonical = new Canonical(2 * names.size());
        PciDeviceReader reader = new PciDeviceReader(paths, ids, listedGroups, canonical);
        // Devices are independent: read them in parallel (a big host has thousands; each is a dozen small files).
        // Results keep the listing's order, so failures are reported as a sequential scan would.
        List<Object> read = names.parallelStream().map(name -> {
            try {
                return (Object) reader.read(name);
            } catch (SysfsFormatException e) {
                return new ReadFailure(name, e.file(), Optional.of(e.text()), e.getMessage());
            } catch (IOException e) {
                return new ReadFailure(name, fileOf(e, name), Optional.empty(), gone(name)
                        ? GONE + " (" + describe(e) + ")" : describe(e));
            } catch (RuntimeException e) {
                // One device's surprise is that device's failure: every healthy device is still listed.
                return new ReadFailure(name, PciDeviceReader.PCI_DEVICES + "/" + name, Optional.empty(),
                        "could not be read: " + (e.getMessage() == null ? e.getClass().getSimpleName()
                        : e.getMessage()));
            }
        }).toList();
        for (Object r : read) {
            if (r instanceof PciDevice d) {
                devices.add(d);
            } else {
                failures.add((ReadFailure) r);
            }
        }
        List<IommuGroup> groups = scanGroups(devices, groupEntries, groupsUnreadable, failures, canonical);
        return new HostInventory(kernel, groups, devices, failures);
    }

    private List<IommuGroup> scanGroups(List<PciDevice> devices, List<String> listing, IOException unreadable,
                                        List<ReadFailure> failures, Canonical canonical) {
        Map<PciAddress, PciDevice> byAddress = new HashMap<>();
        devices.forEach(d -> byAddress.put(d.address(), d));
        List<String> entries = listing;
        boolean listed = true;
        if (unreadable != null) {
            // Optional for the listing: the groups are rebuilt from the devices' iommu_group links, none viable.
            failures.add(new ReadFailure("iommu groups", "kernel/iommu_groups", Optional.empty(), describe(unreadable)
                    + ": the groups below come from the devices' iommu_group links and none is called viable"));
            entries = List.of();
            listed = false;
        }
        // Groups are independent too; each result carries its own failures, collected in listing order.
        record Scanned(IommuGroup group, List<ReadFailure> failures) {
        }
        List<Scanned> scanned = entries.parallelStream().map(entry -> {
            List<ReadFailure> own = new ArrayList<>();
            return new Scanned(scanGroup(entry, byAddress, own, canonical), own);
        }).toList();
        Map<Integer, IommuGroup> groups = new TreeMap<>();
        for (Scanned sc : scanned) {
            failures.addAll(sc.failures());
            if (sc.group() != null) {
                groups.put(sc.group().number(), sc.group());
            }
        }
        // Every device that names a group is shown in it: one its group does not list (or a group that could not
        // be listed) makes the group's membership unknown, so the group is not viable.
        Map<Integer, List<PciAddress>> claimed = new TreeMap<>();
        for (PciDevice d : devices) {
            d.iommuGroup().ifPresent(n -> claimed.computeIfAbsent(n, k -> new ArrayList<>()).add(d.address()));
        }
        for (Map.Entry<Integer, List<PciAddress>> c : claimed.entrySet()) {
            int n = c.getKey();
            IommuGroup g = groups.get(n);
            List<PciAddress> members = new ArrayList<>(g == null ? List.of() : g.devices());
            List<String> unknown = new ArrayList<>();
            for (PciAddress a : c.getValue()) {
                if (!members.contains(a)) {
                    members.add(a);
                    String why = g == null
                            ? a + "'s iommu_group link names group " + n + ", which kernel/iommu_groups "
                            + (listed ? "does not list" : "could not be read to confirm")
                            : a + "'s iommu_group link names group " + n + ", but kernel/iommu_groups/" + n
                            + "/devices does not list it";
                    unknown.add(why);
                    if (listed) {
                        failures.add(new ReadFailure("iommu group " + n, "kernel/iommu_groups/" + n + "/devices",
                                Optional.empty(), why + ": its membership is unknown, so it is not viable"));
                    }
                }
            }
            if (!unknown.isEmpty()) {
                members.sort(null);
                Viability v = viability(n, members, byAddress, g == null ? List.of() : g.viability().unknown());
                List<String> all = new ArrayList<>(v.unknown());
                all.addAll(unknown);
                groups.put(n, new IommuGroup(n, g == null ? Optional.empty() : g.type(),
                        g == null ? List.of() : g.reservedRegions(), members, new Viability(v.blockers(), List.copyOf(new LinkedHashSet<>(all)))));
            }
        }
        return new ArrayList<>(groups.values()); // HostInventory sorts devices and groups
    }

    /** One {@code kernel/iommu_groups/N}; null when its name is not a group number (reported in failures). */
    private IommuGroup scanGroup(String entry, Map<PciAddress, PciDevice> byAddress, List<ReadFailure> failures,
                                 Canonical canonical) {
        String dirLabel = "kernel/iommu_groups/" + entry;
        String subject = "iommu group " + entry;
        int number;
        try {
            number = SysfsValues.groupNumber(dirLabel, entry);
        } catch (SysfsFormatException e) {
            failures.add(new ReadFailure(subject, e.file(), Optional.of(e.text()), e.getMessage()));
            return null;
        }
        Path dir = paths.sys(dirLabel);
        Optional<String> type = Optional.empty();
        List<ReservedRegion> reserved = List.of();
        List<PciAddress> members = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        try {
            type = SysfsFiles.read(dir.resolve("type")).map(t -> SysfsValues.groupType(dirLabel + "/type", t));
        } catch (SysfsFormatException e) {
            failures.add(new ReadFailure(subject, e.file(), Optional.of(e.text()), e.getMessage()));
        } catch (IOException e) {
            failures.add(new ReadFailure(subject, dirLabel + "/type", Optional.empty(), describe(e)));
        }
        try {
            reserved = SysfsFiles.read(dir.resolve("reserved_regions"))
                    .map(t -> ReservedRegionsFile.parse(dirLabel + "/reserved_regions", t)).orElse(List.of());
        } catch (SysfsFormatException e) {
            failures.add(new ReadFailure(subject, e.file(), Optional.of(e.text()), e.getMessage()));
        } catch (IOException e) {
            failures.add(new ReadFailure(subject, dirLabel + "/reserved_regions", Optional.empty(),
                    describe(e)));
        }
        try {
            for (String member : SysfsFiles.list(dir.resolve("devices"))) {
                // Non-PCI members (platform devices on some SoCs) are not listed here.
                if (PciAddress.isValid(member)) {
                    if (SysfsNames.isCanonicalBdf(member)) {
                        members.add(canonical.of(PciAddress.parse(member)));
                    } else {
                        // " 0000:00:02.0" or upper-case hex: not a name the kernel writes; refused by name
                        failures.add(new ReadFailure(subject, dirLabel + "/devices/" + member, Optional.of(member),
                                dirLabel + "/devices: '" + member + "' " + SysfsNames.NOT_CANONICAL));
                        unknown.add("its devices/ lists '" + member + "', " + SysfsNames.NOT_CANONICAL);
                    }
                }
            }
        } catch (IOException e) {
            failures.add(new ReadFailure(subject, dirLabel + "/devices", Optional.empty(), describe(e)));
            unknown.add(dirLabel + "/devices could not be read (" + IoMessages.problem(e) + ")");
        }
        members.sort(null);
        return new IommuGroup(number, canonical.of(type), canonical.of(List.copyOf(reserved)), members,
                viability(number, members, byAddress, unknown));
    }

    /**
     * VFIO viability: every member bound to vfio-pci, pci-stub or nothing; bridges may keep any driver. A member
     * that could not be read is judged by its {@code driver} link alone, and when its {@code iommu_group} link does
     * not name this group the membership is unknown.
     */
    private Viability viability(int number, List<PciAddress> members, Map<PciAddress, PciDevice> byAddress,
                                List<String> unknown) {
        List<Blocker> blockers = new ArrayList<>();
        List<String> doubts = new ArrayList<>(unknown);
        for (PciAddress a : members) {
            PciDevice d = byAddress.get(a);
            Optional<String> driver;
            boolean bridge;
            if (d != null) {
                driver = d.driver();
                bridge = d.isBridge();
            } else {
                Path dev = paths.sys(PciDeviceReader.PCI_DEVICES + "/" + a);
                try {
                    driver = SysfsFiles.linkTargetName(dev.resolve("driver"));
                } catch (IOException e) {
                    driver = Optional.of("(unreadable)");
                }
                bridge = false;
                Optional<String> own;
                try {
                    own = Files.isDirectory(dev.resolve("iommu_group"))
                            ? SysfsFiles.linkTargetName(dev.resolve("iommu_group")) : Optional.empty();
                } catch (IOException e) {
                    own = Optional.empty();
                }
                if (own.isEmpty() || !own.get().equals(Integer.toString(number))) {
                    doubts.add(a + " is listed here but its iommu_group link "
                            + own.map(o -> "names group " + o).orElse("does not lead to an existing group"));
                }
            }
            if (driver.isPresent() && !bridge && !VFIO_FRIENDLY_DRIVERS.contains(driver.get())) {
                blockers.add(new Blocker(a, driver.get()));
            }
        }
        return new Viability(blockers, doubts);
    }

    /** What a failure says when the device vanished between the listing and the reads. */
    public static final String GONE = "the device is gone: it was removed (hot-unplug, SR-IOV VFs disabled) while it "
            + "was being read";

    /** Whether the device's directory no longer exists (its bus/pci/devices link dangles or is gone). */
    private boolean gone(String name) {
        return !Files.isDirectory(paths.sys(PciDeviceReader.PCI_DEVICES + "/" + name));
    }

    private String fileOf(IOException e, String name) {
        if (e instanceof java.nio.file.FileSystemException fse && fse.getFile() != null) {
            Path f = paths.sys().getFileSystem().getPath(fse.getFile());
            return f.isAbsolute() && f.startsWith(paths.sys()) ? paths.sys().relativize(f).toString() : fse.getFile();
        }
        return PciDeviceReader.PCI_DEVICES + "/" + name;
    }

    private static String describe(IOException e) {
        return IoMessages.describe(e);
    }
}
