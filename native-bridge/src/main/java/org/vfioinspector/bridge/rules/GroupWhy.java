package org.vfioinspector.bridge.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import org.vfioinspector.bridge.config.Capability;
import org.vfioinspector.bridge.config.ConfigSpace;
import org.vfioinspector.bridge.model.HostInventory;
import org.vfioinspector.bridge.model.IommuGroup;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.model.PciDevice;

/**
 * Why an IOMMU group holds the devices it holds, derived the way the kernel's pci_device_group() decides: DMA
 * aliases first (a conventional PCI or PCIe-to-PCI bridge takes over its devices' requester IDs; quirked functions
 * DMA as another function), then pci_acs_path_enabled() on the bridges above (a port without ACS SV/RR/CR/UF puts
 * everything below it in its group), then the functions of a multifunction device without ACS.
 *
 * @param cause "single", "no-acs-upstream", "multifunction-no-acs", "pci-bridge-alias", "dma-alias" or "other"
 * @param text  one sentence for a person
 * @param port  the bridge responsible, when there is one
 * @param split what would give the devices their own groups
 */
public record GroupWhy(String cause, String text, Optional<PciAddress> port, String split) {
    /** REQ_ACS_FLAGS of drivers/iommu/iommu.c: SV, RR, CR, UF. */
    public static final int REQ_ACS_FLAGS = 0x01 | 0x04 | 0x08 | 0x10;
    private static final int ACS_EC = 0x20;

    static final String OVERRIDE = " The pcie_acs_override patch only pretends isolation: it tells the kernel the "
            + "ports have ACS, but the hardware still routes peer-to-peer traffic between the devices without the "
            + "IOMMU seeing it.";

    /** The explanation for {@code g}, from the devices and config spaces in {@code inv}. */
    public static GroupWhy explain(IommuGroup g, HostInventory inv) {
        if (g.devices().size() <= 1) {
            return new GroupWhy("single", "one device: the group is as small as a group can be", Optional.empty(),
                    "nothing to split");
        }
        List<PciDevice> members = new ArrayList<>();
        List<PciAddress> unknown = new ArrayList<>();
        for (PciAddress a : g.devices()) {
            Optional<PciDevice> d = inv.device(a);
            if (d.isPresent()) {
                members.add(d.get());
            } else {
                unknown.add(a);
            }
        }
        // 1. pci_for_each_dma_alias: a bridge that is not PCIe, or a PCIe-to-PCI bridge, owns its devices' DMA.
        for (PciDevice d : members) {
            List<PciAddress> up = new ArrayList<>(d.upstream());
            java.util.Collections.reverse(up); // nearest first, as the alias walk goes up
            for (PciAddress b : up) {
                Optional<PciDevice> bd = inv.device(b);
                if (bd.isEmpty() || !HostTopology.configKnown(bd.get())) {
                    continue;
                }
                Optional<Capability.Detail.Pcie> pcie = HostTopology.pcie(bd.get());
                if (pcie.isEmpty() || pcie.get().portTypeCode() == 7) {
                    String kind = pcie.isPresent() ? "PCIe-to-PCI bridge" : hidesPcie(bd.get(), inv)
                            ? "PCIe-to-PCI bridge (one that hides its PCIe capability: quirk_use_pcie_bridge_dma_alias)"
                            : "conventional PCI bridge";
                    return new GroupWhy("pci-bridge-alias", "behind the " + kind + " " + b + ": requester IDs are "
                            + "aliased (the bridge issues its devices' DMA with its own ID), so the IOMMU cannot tell "
                            + "the devices behind it apart", Optional.of(b), "move the device to a PCIe slot that is "
                            + "not behind a PCI bridge: no setting of this host can split it." + OVERRIDE);
                }
            }
        }
        // 2. pci_acs_path_enabled on the bridges above: the topmost bridge that fails REQ_ACS_FLAGS. A PCIe
        // bridge whose extended space was not readable (not root: 256 of 4096 bytes) has unknown ACS: skipped.
        boolean acsUnknown = false;
        for (PciDevice d : members) {
            PciAddress lacking = null;
            String how = null;
            for (PciAddress b : d.upstream()) { // outermost first: the topmost lacking bridge decides the extent
                Optional<PciDevice> bd = inv.device(b);
                if (bd.isEmpty() || !HostTopology.configKnown(bd.get())) {
                    continue;
                }
                Optional<String> missing = acsMissing(bd.get());
                if (missing == null) {
                    acsUnknown = true;
                    continue;
                }
                if (missing.isPresent()) {
                    lacking = b;
                    how = missing.get();
                    break;
                }
            }
            if (lacking != null) {
                String kind = inv.device(lacking).flatMap(HostTopology::pcie)
                        .map(p -> p.portType().replace('-', ' ')).orElse("bridge");
                return new GroupWhy("no-acs-upstream", kind + " " + lacking + " " + how + ": every function below "
                        + "it shares its group (peer-to-peer traffic below it can bypass the IOMMU)",
                        Optional.of(lacking), "put the device in a slot below a root port or switch downstream port "
                        + "with ACS (SV, RR, CR and UF enabled), or use a platform whose ports have ACS or a "
                        + "kernel ACS quirk." + OVERRIDE);
            }
        }
        // 3. A multifunction device whose functions lack ACS: its functions share one group.
        for (PciDevice d : members) {
            boolean mf = d.config().map(ConfigSpace::multifunction).orElse(false);
            List<PciAddress> siblings = members.stream().map(PciDevice::address).filter(a -> a.domain()
                    == d.address().domain() && a.bus() == d.address().bus() && a.device() == d.address().device())
                    .toList();
            Optional<String> missing = HostTopology.configKnown(d) ? acsMissing(d) : null;
            if (mf && siblings.size() > 1 && missing != null && missing.isPresent()) {
                return new GroupWhy("multifunction-no-acs", "multifunction device " + slot(d.address())
                        + " without ACS: its functions " + siblings.stream().map(a -> "." + a.function())
                        .collect(Collectors.joining(" ")) + " share a group (a function can reach its siblings "
                        + "without the IOMMU)", Optional.empty(), "nothing on this host: pass all its functions "
                        + "together; a device whose functions implement ACS, or a kernel ACS quirk for it, gets a "
                        + "group per function." + OVERRIDE);
            }
        }
        // 4. DMA alias quirks (pci_add_dma_alias in drivers/pci/quirks.c): a member DMAs as another member.
        for (PciDevice d : members) {
            Optional<PciQuirks.DmaAlias> alias = PciQuirks.dmaAlias(d);
            if (alias.isEmpty()) {
                continue;
            }
            List<PciAddress> aliased = members.stream().map(PciDevice::address).filter(a -> !a.equals(d.address())
                    && a.domain() == d.address().domain() && a.bus() == d.address().bus()
                    && alias.get().mayAlias(a.device() << 3 | a.function())).toList();
            if (!aliased.isEmpty()) {
                String id = String.format("%04x:%04x", d.vendorId(), d.deviceId());
                return new GroupWhy("dma-alias", d.address() + " (" + id + ") " + alias.get().what() + " ("
                        + alias.get().fixup() + " in drivers/pci/quirks.c), so the IOMMU cannot tell it from "
                        + aliased.stream().map(PciAddress::toString).collect(Collectors.joining(", "))
                        + ": they share a group", Optional.of(d.address()), "nothing: the alias is the hardware's; "
                        + "pass the aliased functions together." + OVERRIDE);
            }
        }
        String why = !unknown.isEmpty() ? "members " + unknown + " could not be read"
                : acsUnknown || members.stream().anyMatch(m -> !extendedKnown(m))
                ? "ACS lives in the extended config space, which only root can read: run as root"
                : members.stream().anyMatch(m -> !HostTopology.configKnown(m))
                ? "the config space of some members is not readable" : "topology and ACS do not explain it";
        return new GroupWhy("other", "the kernel grouped these devices for a reason this host's sysfs does not show "
                + "(" + why + "): an ACS or DMA alias quirk, or an IOMMU driver that groups by its own rules",
                Optional.empty(), "unknown." + OVERRIDE);
    }

    /** A conventional device has no extended space; a PCIe one needs all 4096 bytes read to show its ACS. */
    static boolean extendedKnown(PciDevice d) {
        return HostTopology.pcie(d).isEmpty()
                || d.config().map(c -> c.readable() >= ConfigSpace.EXTENDED).orElse(false);
    }

    /**
     * pci_acs_enabled(dev, REQ_ACS_FLAGS): empty when it passes, else how it fails ("has no ACS", "has ACS without
     * RR CR enabled"), null when it cannot be told (the ACS capability lies in extended config space that was not
     * readable). A device quirk (pci_dev_specific_acs_enabled, {@link PciQuirks#acs}) answers first; then
     * conventional PCI and PCIe-to-PCI bridges never pass, root and downstream ports need the flags, other
     * single-function PCIe types pass, multifunction ones need the flags.
     */
    static Optional<String> acsMissing(PciDevice d) {
        Optional<PciQuirks.AcsQuirk> quirk = PciQuirks.acs(d, REQ_ACS_FLAGS);
        if (quirk.isPresent()) {
            return quirk.get().enabled() ? Optional.empty() : Optional.of("fails its ACS quirk "
                    + quirk.get().function() + " (" + quirk.get().note() + ")");
        }
        Optional<Capability.Detail.Pcie> pcie = HostTopology.pcie(d);
        if (pcie.isEmpty()) {
            return Optional.of("is conventional PCI (no ACS)");
        }
        boolean mf = d.config().map(ConfigSpace::multifunction).orElse(false);
        switch (pcie.get().portTypeCode()) {
            case 7, 8, 10:
                return Optional.of("is a " + pcie.get().portType() + " (never ACS)");
            case 4, 6:
                break;
            case 0, 1, 5, 9:
                if (!mf) {
                    return Optional.empty();
                }
                break;
            default:
                return Optional.empty();
        }
        if (!extendedKnown(d)) {
            return null;
        }
        Optional<Capability.Detail.Acs> acs = d.config().flatMap(ConfigSpace::acs);
        if (acs.isEmpty()) {
            return Optional.of("has no ACS");
        }
        int flags = REQ_ACS_FLAGS & (acs.get().capabilityBits() | ACS_EC);
        int missing = flags & ~acs.get().controlBits();
        if (missing == 0) {
            return Optional.empty();
        }
        return Optional.of("has ACS without " + String.join(" ",
                org.vfioinspector.bridge.config.ConfigSpaceParser.acsNames(missing)) + " enabled");
    }

    /**
     * quirk_use_pcie_bridge_dma_alias: a bridge the quirk names, without a PCIe capability, not on a root bus, below
     * a PCIe port that is not itself a PCIe-to-PCI bridge, is a PCIe-to-PCI bridge in disguise.
     */
    private static boolean hidesPcie(PciDevice bridge, HostInventory inv) {
        if (!PciQuirks.pcieBridgeAlias(bridge) || bridge.upstream().isEmpty()) {
            return false;
        }
        PciAddress parent = bridge.upstream().get(bridge.upstream().size() - 1);
        return inv.device(parent).flatMap(HostTopology::pcie).map(p -> p.portTypeCode() != 7).orElse(false);
    }

    private static String slot(PciAddress a) {
        return String.format("%04x:%02x:%02x", a.domain(), a.bus(), a.device());
    }
}
