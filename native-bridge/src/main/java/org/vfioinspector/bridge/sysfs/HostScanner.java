package org.vfioinspector.bridge.sysfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
     * @throws HostUnreadableException {@code bus/pci/devices} is missing or cannot be listed, or the kernel facts
     *                                 cannot be read
     */
    public HostInventory scan() throws HostUnreadableException {
        Path pciDevices = paths.sys(PciDeviceReader.PCI_DEVICES);
        if (!Files.isDirectory(pciDevices)) {
            throw new HostUnreadableException("no PCI devices directory " + pciDevices
                    + ": this is not a Linux sysfs tree (or sysfs is not mounted)");
        }
        List<String> names;
        KernelInfo kernel;
        try {
            names = SysfsFiles.list(pciDevices);
            kernel = new KernelInfoReader(paths).read();
        } catch (IOException | SysfsFormatException e) {
            throw new HostUnreadableException("cannot read " + paths.sys() + ": " + e.getMessage(), e);
        }

        List<ReadFailure> failures = new ArrayList<>();
        List<PciDevice> devices = new ArrayList<>();
        PciDeviceReader reader = new PciDeviceReader(paths, ids);
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
            }
        }).toList();
        for (Object r : read) {
            if (r instanceof PciDevice d) {
                devices.add(d);
            } else {
                failures.add((ReadFailure) r);
            }
        }
        List<IommuGroup> groups = scanGroups(devices, failures);
        return new HostInventory(kernel, groups, devices, failures);
    }

    private List<IommuGroup> scanGroups(List<PciDevice> devices, List<ReadFailure> failures)
            throws HostUnreadableException {
        Map<PciAddress, PciDevice> byAddress = new HashMap<>();
        devices.forEach(d -> byAddress.put(d.address(), d));
        List<String> entries;
        try {
            entries = SysfsFiles.list(paths.sys("kernel/iommu_groups"));
        } catch (IOException e) {
            throw new HostUnreadableException("cannot list " + paths.sys("kernel/iommu_groups") + ": "
                    + describe(e), e);
        }
        // Groups are independent too; each result carries its own failures, collected in listing order.
        record Scanned(IommuGroup group, List<ReadFailure> failures) {
        }
        List<Scanned> scanned = entries.parallelStream().map(entry -> {
            List<ReadFailure> own = new ArrayList<>();
            return new Scanned(scanGroup(entry, byAddress, own), own);
        }).toList();
        List<IommuGroup> groups = new ArrayList<>();
        for (Scanned sc : scanned) {
            failures.addAll(sc.failures());
            if (sc.group() != null) {
                groups.add(sc.group());
            }
        }
        return groups; // HostInventory sorts devices and groups
    }

    /** One {@code kernel/iommu_groups/N}; null when its name is not a group number (reported in failures). */
    private IommuGroup scanGroup(String entry, Map<PciAddress, PciDevice> byAddress, List<ReadFailure> failures) {
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
                    members.add(PciAddress.parse(member));
                }
            }
        } catch (IOException e) {
            failures.add(new ReadFailure(subject, dirLabel + "/devices", Optional.empty(), describe(e)));
        }
        members.sort(null);
        return new IommuGroup(number, type, reserved, members, viability(members, byAddress));
    }

    /**
     * VFIO viability: every member bound to vfio-pci, pci-stub or nothing; bridges may keep any driver. A member
     * that could not be read is judged by its {@code driver} link alone.
     */
    private Viability viability(List<PciAddress> members, Map<PciAddress, PciDevice> byAddress) {
        List<Blocker> blockers = new ArrayList<>();
        for (PciAddress a : members) {
            PciDevice d = byAddress.get(a);
            Optional<String> driver;
            boolean bridge;
            if (d != null) {
                driver = d.driver();
                bridge = d.isBridge();
            } else {
                try {
                    driver = SysfsFiles.linkTargetName(paths.sys(PciDeviceReader.PCI_DEVICES + "/" + a + "/driver"));
                } catch (IOException e) {
                    driver = Optional.of("(unreadable)");
                }
                bridge = false;
            }
            if (driver.isPresent() && !bridge && !VFIO_FRIENDLY_DRIVERS.contains(driver.get())) {
                blockers.add(new Blocker(a, driver.get()));
            }
        }
        return new Viability(blockers);
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
            Path f = Path.of(fse.getFile());
            return f.isAbsolute() && f.startsWith(paths.sys()) ? paths.sys().relativize(f).toString() : fse.getFile();
        }
        return PciDeviceReader.PCI_DEVICES + "/" + name;
    }

    private static String describe(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException nsf) {
            return nsf.getFile() + ": " + (nsf.getReason() != null ? nsf.getReason() : "missing");
        }
        if (e instanceof java.nio.file.AccessDeniedException ade) {
            return ade.getFile() + ": permission denied";
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
