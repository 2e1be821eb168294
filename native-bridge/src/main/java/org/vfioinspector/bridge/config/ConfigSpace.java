package org.vfioinspector.bridge.config;

import java.util.List;
import java.util.Optional;

/**
 * A device's {@code config} file as far as it could be read and decoded. sysfs hands 64 bytes of header to anyone
 * on some kernels, 256 to anyone on most, and the full 4096 (PCIe) only to root: {@link #readable} says how much
 * this read saw, {@link #part} names it.
 *
 * @param readable     bytes read
 * @param command      PCI_COMMAND (0x04), -1 when fewer than 6 bytes were readable
 * @param status       PCI_STATUS (0x06), -1 when unreadable
 * @param headerType   PCI_HEADER_TYPE bits 6:0 (0 endpoint, 1 PCI-to-PCI bridge, 2 CardBus), -1 when unreadable
 * @param multifunction PCI_HEADER_TYPE bit 7
 * @param capabilities both lists in chain order, standard first
 * @param problems     broken chains: each names the offset and what was expected there
 */
public record ConfigSpace(int readable, int command, int status, int headerType, boolean multifunction,
                          List<Capability> capabilities, List<Problem> problems) {
    /** The 64-byte standard header. */
    public static final int HEADER = 64;
    /** Conventional PCI config space. */
    public static final int CONVENTIONAL = 256;
    /** PCI Express extended config space. */
    public static final int EXTENDED = 4096;

    public ConfigSpace {
        capabilities = List.copyOf(capabilities);
        problems = List.copyOf(problems);
    }

    /**
     * A broken chain or a short read.
     *
     * @param file     the file it was read from
     * @param offset   the config-space offset of the bad pointer or register
     * @param message  what was found and what was expected
     */
    public record Problem(String file, int offset, String message) {
        @Override
        public String toString() {
            return file + String.format(" at 0x%03x: ", offset) + message;
        }
    }

    /** "header only (64 bytes)", "conventional (256 bytes)", "full (4096 bytes)", ... */
    public String part() {
        if (readable >= EXTENDED) {
            return "full extended config space (4096 bytes)";
        }
        if (readable >= CONVENTIONAL) {
            // a PCIe device has 4096 bytes: seeing 256 means the reader was not root
            return "conventional config space (" + readable + " bytes" + (pcie().isPresent()
                    ? "; the PCIe extended space needs root)" : ")");
        }
        if (readable >= HEADER) {
            return "header only (" + readable + " bytes)";
        }
        return "truncated (" + readable + " bytes: not even the 64-byte header)";
    }

    /** The first capability with this id. */
    public Optional<Capability> find(String id) {
        return capabilities.stream().filter(c -> c.id().equals(id)).findFirst();
    }

    /** The first capability whose detail is of this type. */
    public <T extends Capability.Detail> Optional<T> detail(Class<T> type) {
        return capabilities.stream().map(Capability::detail).filter(type::isInstance).map(type::cast).findFirst();
    }

    /** The PCIe capability, when the device has one (a conventional PCI device has none). */
    public Optional<Capability.Detail.Pcie> pcie() {
        return detail(Capability.Detail.Pcie.class);
    }

    public Optional<Capability.Detail.Acs> acs() {
        return detail(Capability.Detail.Acs.class);
    }

    public Optional<Capability.Detail.Msix> msix() {
        return detail(Capability.Detail.Msix.class);
    }

    public Optional<Capability.Detail.Pm> pm() {
        return detail(Capability.Detail.Pm.class);
    }

    public Optional<Capability.Detail.Rebar> rebar() {
        return detail(Capability.Detail.Rebar.class);
    }

    /** The device is in D3hot: vfio-pci refuses mmap faults and dma-buf export, and revokes what exists. */
    public boolean d3hot() {
        return pm().map(p -> p.powerState() == 3).orElse(false);
    }
}
