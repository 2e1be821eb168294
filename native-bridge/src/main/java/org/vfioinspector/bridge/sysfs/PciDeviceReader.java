package org.vfioinspector.bridge.sysfs;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.model.PciDevice;
import org.vfioinspector.bridge.model.PciNames;
import org.vfioinspector.bridge.model.Region;
import org.vfioinspector.bridge.model.Sriov;
import org.vfioinspector.bridge.pciids.PciIds;

/**
 * Reads one PCI device from {@code bus/pci/devices/BDF} under a {@link HostPaths} sysfs root. Files that may be
 * missing ({@code driver}, {@code reset_method}, {@code sriov_*}, ...) become absent values; {@code vendor},
 * {@code device} and {@code class} are required.
 */
public final class PciDeviceReader {
    private static final Pattern VIRTFN = Pattern.compile("virtfn([0-9]+)");
    private static final Pattern VFIO_CDEV = Pattern.compile("vfio[0-9]+");

    private final HostPaths paths;
    private final PciIds ids;

    public PciDeviceReader(HostPaths paths, PciIds ids) {
        this.paths = paths;
        this.ids = ids;
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
            address = PciAddress.parse(name);
        } catch (IllegalArgumentException e) {
            throw new SysfsFormatException(dirLabel, name, "a directory named by its PCI address, DDDD:BB:DD.F");
        }
        Path dir = paths.sys(dirLabel);

        int vendor = SysfsValues.id16(label(name, "vendor"), required(dir, name, "vendor"));
        int device = SysfsValues.id16(label(name, "device"), required(dir, name, "device"));
        int classCode = SysfsValues.classCode(label(name, "class"), required(dir, name, "class"));
        Optional<Integer> subVendor = optional(dir, "subsystem_vendor")
                .map(t -> SysfsValues.id16(label(name, "subsystem_vendor"), t));
        Optional<Integer> subDevice = optional(dir, "subsystem_device")
                .map(t -> SysfsValues.id16(label(name, "subsystem_device"), t));
        Optional<Integer> revision = optional(dir, "revision")
                .map(t -> SysfsValues.revision(label(name, "revision"), t));
        Optional<Integer> numa = optional(dir, "numa_node")
                .map(t -> SysfsValues.numaNode(label(name, "numa_node"), t));
        Optional<List<String>> reset = optional(dir, "reset_method")
                .map(t -> SysfsValues.resetMethods(label(name, "reset_method"), t));
        Optional<String> override = optional(dir, "driver_override")
                .flatMap(t -> SysfsValues.driverOverride(label(name, "driver_override"), t));
        List<Region> regions = optional(dir, "resource")
                .map(t -> ResourceFile.regions(label(name, "resource"), t)).orElse(List.of());

        Optional<String> driver = SysfsFiles.linkTargetName(dir.resolve("driver"));
        Optional<Integer> group = SysfsFiles.linkTargetName(dir.resolve("iommu_group"))
                .map(t -> SysfsValues.groupNumber(label(name, "iommu_group"), t));
        Optional<String> vfioDev = SysfsFiles.list(dir.resolve("vfio-dev")).stream()
                .filter(n -> VFIO_CDEV.matcher(n).matches()).findFirst();

        Optional<Sriov> sriov = Optional.empty();
        Optional<String> total = optional(dir, "sriov_totalvfs");
        if (total.isPresent()) {
            int totalVfs = SysfsValues.count(label(name, "sriov_totalvfs"), total.get());
            int numVfs = optional(dir, "sriov_numvfs")
                    .map(t -> SysfsValues.count(label(name, "sriov_numvfs"), t)).orElse(0);
            sriov = Optional.of(new Sriov(totalVfs, numVfs, virtfns(dir, name)));
        }
        Optional<PciAddress> physfn = SysfsFiles.linkTargetName(dir.resolve("physfn"))
                .map(t -> bdf(label(name, "physfn"), t));

        PciNames names = ids.names(vendor, device, subVendor, subDevice, classCode);
        return new PciDevice(address, vendor, device, subVendor, subDevice, revision, classCode, names, driver,
                override, group, numa, reset, vfioDev, upstream(dir, address), sriov, physfn, regions);
    }

    private List<PciAddress> virtfns(Path dir, String name) throws IOException {
        record Vf(int n, PciAddress address) {
        }
        List<Vf> vfs = new ArrayList<>();
        for (String entry : SysfsFiles.list(dir)) {
            Matcher m = VIRTFN.matcher(entry);
            if (m.matches()) {
                Optional<String> target = SysfsFiles.linkTargetName(dir.resolve(entry));
                if (target.isPresent()) {
                    vfs.add(new Vf(Integer.parseInt(m.group(1)), bdf(label(name, entry), target.get())));
                }
            }
        }
        vfs.sort(Comparator.comparingInt(Vf::n));
        return vfs.stream().map(Vf::address).toList();
    }

    /** The BDF components of the device's real path below {@code devices/}, without the device itself. */
    private List<PciAddress> upstream(Path dir, PciAddress self) throws IOException {
        Path real = dir.toRealPath();
        Path devices = paths.sys().toRealPath().resolve("devices");
        if (!real.startsWith(devices)) {
            return List.of();
        }
        List<PciAddress> chain = new ArrayList<>();
        for (Path part : devices.relativize(real)) {
            String s = part.toString();
            if (PciAddress.isValid(s)) {
                chain.add(PciAddress.parse(s));
            }
        }
        if (!chain.isEmpty() && chain.get(chain.size() - 1).equals(self)) {
            chain.remove(chain.size() - 1);
        }
        return chain;
    }

    private static PciAddress bdf(String file, String text) {
        try {
            return PciAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw new SysfsFormatException(file, text, "a link to a PCI device named DDDD:BB:DD.F");
        }
    }

    private static String label(String name, String file) {
        return PCI_DEVICES + "/" + name + "/" + file;
    }

    private static Optional<String> optional(Path dir, String file) throws IOException {
        return SysfsFiles.read(dir.resolve(file));
    }

    private static String required(Path dir, String name, String file) throws IOException {
        Path p = dir.resolve(file);
        return SysfsFiles.read(p).orElseThrow(() -> new NoSuchFileException(label(name, file), null,
                "required attribute is missing"));
    }
}
