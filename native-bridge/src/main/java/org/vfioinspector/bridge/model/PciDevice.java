package org.vfioinspector.bridge.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.vfioinspector.bridge.config.ConfigSpace;

/**
 * One PCI function as sysfs describes it ({@code bus/pci/devices/BDF}).
 *
 * @param address         the BDF
 * @param vendorId        {@code vendor}
 * @param deviceId        {@code device}
 * @param subsystemVendor {@code subsystem_vendor}, absent when the file is missing
 * @param subsystemDevice {@code subsystem_device}, absent when the file is missing
 * @param revision        {@code revision}, absent when the file is missing
 * @param classCode       {@code class}: base class, subclass, prog-if (0xBBSSPP)
 * @param names           human names from pci.ids
 * @param driver          the name the {@code driver} link points to; absent when unbound
 * @param driverOverride  {@code driver_override}; absent when the file is missing or reads "(null)" (unset)
 * @param iommuGroup      the number the {@code iommu_group} link points to; absent without an IOMMU
 * @param numaNode        {@code numa_node} as the kernel prints it (-1: no affinity); absent when missing
 * @param resetMethods    {@code reset_method} split on spaces; absent when the file is missing (the device
 *                        has no reset), present and empty when reset is disabled
 * @param vfioDevice      the cdev name under {@code vfio-dev/} (e.g. vfio0 = vfio/devices/vfio0), if any
 * @param upstream        the bridges above the device, outermost first (from its real sysfs path)
 * @param sriov           the PF side of SR-IOV, when {@code sriov_totalvfs} exists
 * @param physfn          the PF of a virtual function (the {@code physfn} link)
 * @param regions         the implemented BARs and ROM, by index
 * @param config          the decoded {@code config} file; absent when the file is missing
 */
public record PciDevice(PciAddress address, int vendorId, int deviceId, Optional<Integer> subsystemVendor,
                        Optional<Integer> subsystemDevice, Optional<Integer> revision, int classCode,
                        PciNames names, Optional<String> driver, Optional<String> driverOverride,
                        Optional<Integer> iommuGroup, Optional<Integer> numaNode,
                        Optional<List<String>> resetMethods, Optional<String> vfioDevice,
                        List<PciAddress> upstream, Optional<Sriov> sriov, Optional<PciAddress> physfn,
                        List<Region> regions, Optional<ConfigSpace> config) {
    /** PCI class 0x0604: PCI-to-PCI bridge (root ports and switch ports included). */
    public static final int CLASS_PCI_BRIDGE = 0x0604;

    public PciDevice {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(subsystemVendor, "subsystemVendor");
        Objects.requireNonNull(subsystemDevice, "subsystemDevice");
        Objects.requireNonNull(revision, "revision");
        Objects.requireNonNull(names, "names");
        Objects.requireNonNull(driver, "driver");
        Objects.requireNonNull(driverOverride, "driverOverride");
        Objects.requireNonNull(iommuGroup, "iommuGroup");
        Objects.requireNonNull(numaNode, "numaNode");
        Objects.requireNonNull(resetMethods, "resetMethods");
        Objects.requireNonNull(vfioDevice, "vfioDevice");
        Objects.requireNonNull(sriov, "sriov");
        Objects.requireNonNull(physfn, "physfn");
        Objects.requireNonNull(config, "config");
        if (resetMethods.isPresent() && List.copyOf(resetMethods.get()) != resetMethods.get()) {
            // copied only when not already immutable: the scanner gives one Optional to every device with that list
            resetMethods = Optional.of(List.copyOf(resetMethods.get()));
        }
        upstream = List.copyOf(upstream);
        regions = List.copyOf(regions);
    }

    /** A device without a decoded config space (callers that predate it). */
    public PciDevice(PciAddress address, int vendorId, int deviceId, Optional<Integer> subsystemVendor,
                     Optional<Integer> subsystemDevice, Optional<Integer> revision, int classCode, PciNames names,
                     Optional<String> driver, Optional<String> driverOverride, Optional<Integer> iommuGroup,
                     Optional<Integer> numaNode, Optional<List<String>> resetMethods, Optional<String> vfioDevice,
                     List<PciAddress> upstream, Optional<Sriov> sriov, Optional<PciAddress> physfn,
                     List<Region> regions) {
        this(address, vendorId, deviceId, subsystemVendor, subsystemDevice, revision, classCode, names, driver,
                driverOverride, iommuGroup, numaNode, resetMethods, vfioDevice, upstream, sriov, physfn, regions,
                Optional.empty());
    }

    /** True for a PCI-to-PCI bridge (class 0x0604xx). */
    public boolean isBridge() {
        return isBridgeClass(classCode);
    }

    public static boolean isBridgeClass(int classCode) {
        return (classCode >>> 8) == CLASS_PCI_BRIDGE;
    }
}
