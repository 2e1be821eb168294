package org.vfioinspector.bridge.lab.scenario;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A lab host: kernel profile, PCI devices (bridges included), IOMMU groups and in-kernel dma-buf importers. The
 * format is documented in docs/scenario-format.md; {@link ScenarioLoader} reads and validates it. Optional fields
 * are null here and get their defaults from the accessors of {@link ValidScenario}.
 */
public record Scenario(Integer format, String name, String description, String profile, Map<String, Boolean> switches,
                       String release, String arch, HostBridge hostBridge, List<Group> groups, List<Device> devices,
                       List<Importer> importers) {

    /** The host bridge above bus 0 and whether the p2pdma whitelist has it. */
    public record HostBridge(String bdf, String id, Boolean p2pWhitelisted) {
    }

    /** An IOMMU group: number, default domain type, member BDFs, reserved regions ("START END TYPE"). */
    public record Group(Integer id, String type, List<String> devices, List<String> reservedRegions) {
    }

    /** One PCI function. */
    public record Device(String bdf, String name, String vendor, String device, String subsystemVendor,
                         String subsystemDevice, @JsonProperty("class") String pciClass, Num revision, String driver,
                         List<String> resetMethods, Boolean vfioReset, List<String> quirks, Integer configSize,
                         Integer numaNode, Bridge bridge, Sriov sriov, String physfn, List<Bar> bars, Rom rom,
                         Msix msix, Num command, Capabilities capabilities, String dmaEngine) {
    }

    /**
     * What the device's config space shows besides the header: written into the lab's {@code config} files and read
     * back by the same parser as a real host's. Absent fields take defaults from the rest of the device.
     */
    public record Capabilities(String pm, Boolean msi, Pcie pcie, Acs acs, List<Rebar> rebar, Boolean aer,
                               Boolean ats, Boolean pri, Boolean pasid, Integer vendorSpecific,
                               Boolean multifunction) {
    }

    /** The PCIe capability: device/port type and link (speeds as "2.5GT/s" ... "64GT/s"). */
    public record Pcie(String portType, String linkSpeed, Integer linkWidth, String maxLinkSpeed,
                       Integer maxLinkWidth) {
    }

    /** ACS capability and control bits by name (SV TB RR CR UF EC DT). */
    public record Acs(List<String> capability, List<String> control) {
    }

    /** One resizable BAR: index, current size, supported sizes (powers of two from 1M). */
    public record Rebar(Integer bar, Num current, List<Num> sizes) {
    }

    /** A bridge: root port, switch port or PCI bridge, the bus below it and ACS P2P redirect. */
    public record Bridge(String kind, Integer secondaryBus, Integer subordinateBus, Boolean acsRedirect) {
    }

    /** SR-IOV capability of a PF: total VFs and the VF BDFs that exist (each also listed as a device). */
    public record Sriov(Integer totalVfs, List<String> vfs) {
    }

    /** A BAR: index, bus address, size, kind (mem32/mem64/io), first dword seen by mmap/pread. */
    public record Bar(Integer index, Num address, Num size, String kind, Boolean prefetchable, Num value,
                      Boolean restOfPageFree) {
    }

    /** The expansion ROM: address, size, first dword (0xaa55 signature). */
    public record Rom(Num address, Num size, Num value) {
    }

    /** MSI-X: the BAR holding the table, its offset and entries (table reads 0 through mmap, 0xffffffff through pread). */
    public record Msix(Integer bar, Num tableOffset, Integer entries) {
    }

    /**
     * An in-kernel dma-buf importer (an RDMA NIC, a GPU driver): the PCI device it DMAs from, allow_peer2peer,
     * revocable (dynamic, handles invalidate_mappings) or pinned, and whether its callback unmaps.
     */
    public record Importer(String name, String device, Boolean peer2peer, Boolean revocable, Boolean unmapsInCallback) {
    }
}
