package org.vfioinspector.app.gui.device;

import java.util.List;
import java.util.Optional;
import org.vfioinspector.app.gui.dmabuf.RangeCheck;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.model.PciDevice;
import org.vfioinspector.bridge.revocation.RevocationTracker;
import org.vfioinspector.bridge.rules.HostTopology;
import org.vfioinspector.bridge.rules.ImporterRules;
import org.vfioinspector.bridge.rules.KernelProfile;
import org.vfioinspector.bridge.session.OpenPath;
import org.vfioinspector.bridge.witness.WitnessRules;

/**
 * What the kernel will answer to each try-it action before it is pressed, from the same rules the verdicts come from
 * (the BAR's mmap and export verdicts, the device's reset verdict, the importer rules and the p2pdma distance, the
 * revocation and witness rules) and from what the app holds now ({@link Held}). Pure: no kernel call, FX thread.
 */
public final class TryItPredictions {
    /**
     * An importer the panel offers.
     *
     * @param name      its name in the panel and the journal
     * @param device    the device that does the DMA (an in-kernel importer's, or the engine attached to the IOAS),
     *                  or null
     * @param iommufd   iommufd (IOMMU_IOAS_MAP_FILE) rather than an in-kernel importer
     * @param ioasOf    iommufd into the IOAS of this device (its cdev session); null: the exporter's own
     * @param peer2peer an in-kernel importer sets allow_peer2peer (null: unknown)
     * @param revocable an in-kernel importer handles revocation (null: unknown)
     */
    public record ImporterOption(String name, PciAddress device, boolean iommufd, PciAddress ioasOf,
                                 Boolean peer2peer, Boolean revocable) {
    }

    /** Answers for hosts without a kernel or a rules module: every action unknown. */
    public static final TryItPredictions NONE = new TryItPredictions(VerdictSource.NONE, null, false, null,
            List.of());

    private final VerdictSource verdicts;
    private final HostTopology topology;
    private final boolean realHost;
    private final Held held;
    private final List<ImporterOption> importers;

    /**
     * @param verdicts  the host's rules (reset verdicts, the kernel profile)
     * @param topology  the host's PCI tree for the p2pdma distance, or null
     * @param realHost  a real kernel (the app does not write an unbind while it holds the device: it would sleep)
     * @param held      what the app holds, or null (nothing)
     * @param importers the importers offered
     */
    public TryItPredictions(VerdictSource verdicts, HostTopology topology, boolean realHost, Held held,
                            List<ImporterOption> importers) {
        this.verdicts = verdicts;
        this.topology = topology;
        this.realHost = realHost;
        this.held = held;
        this.importers = List.copyOf(importers);
    }

    public List<ImporterOption> importers() {
        return importers;
    }

    public Optional<ImporterOption> importer(String name) {
        return importers.stream().filter(i -> i.name().equals(name)).findFirst();
    }

    /** What the kernel will answer to {@code a} with the panel's inputs {@code r}. */
    public Prediction predict(TryItPanel.Action a, TryItPanel.Request r) {
        if (r.device() == null) {
            return Prediction.none("Select a device.");
        }
        if (a.needsBar() && r.row() == null) {
            return Prediction.none("Select a BAR in the table or the layout strip.");
        }
        PciAddress d = r.device().address();
        if (held().unbound(d) && a != TryItPanel.Action.DMA_READ) {
            return Prediction.unknown("not in VFIO", d + " was unbound from vfio-pci: VFIO no longer has the device, "
                    + "so opening it fails (bind it to vfio-pci again to use it)");
        }
        return switch (a) {
            case MMAP -> mmap(r);
            case EXPORT -> export(r);
            case ATTACH -> attach(r);
            case MAP_ATTACHMENT -> mapAgain(r);
            case DETACH -> held().lastAttachment(d, r.row().region().index()).isPresent()
                    ? Prediction.ok("ok", "IOMMU_IOAS_UNMAP of the area / dma_buf_detach: the importer lets go")
                    : Prediction.none("Nothing is attached to this BAR's dma-buf.");
            case MAP_TYPE1 -> type1(r);
            case RESET -> reset(r.device());
            case MEMORY_OFF -> held().memoryOff(d)
                    ? Prediction.ok("ok, nothing changes", "memory decoding of " + d + " is already off: "
                    + "vfio_basic_config_write zaps and revokes again, but its mmaps are zapped and its dma-bufs "
                    + "revoked already")
                    : Prediction.caught("ok, revokes", "vfio_basic_config_write: clearing PCI_COMMAND."
                    + "MEMORY zaps the BAR mmaps (reads then SIGBUS) and revokes every dma-buf (move(revoked=1)); "
                    + "importers unmap");
            case MEMORY_ON -> held().memoryOff(d)
                    ? Prediction.ok("ok, restores", "vfio_basic_config_write: setting PCI_COMMAND.MEMORY "
                    + "again restores the dma-bufs (move(revoked=0), the flag only): importers must map again")
                    : Prediction.ok("ok, nothing changes", "memory decoding of " + d + " is already on: "
                    + "vfio_basic_config_write's move(revoked=0) finds no dma-buf revoked to restore");
            case CLOSE -> held().openPath(d).isEmpty()
                    ? Prediction.none("The app holds no session of " + d + ": nothing to close.")
                    : Prediction.caught("ok, revokes for good", "vfio_pci_core_close_device → "
                    + "vfio_pci_dma_buf_cleanup: the last user is gone, every dma-buf of the device is revoked for "
                    + "good; its mmaps are unmapped first");
            case UNBIND -> unbind(d);
            case DMA_READ -> dma(r);
        };
    }

    private Held held() {
        return held == null ? EMPTY : held;
    }

    private Prediction mmap(TryItPanel.Request r) {
        Verdict v = r.row().predicted().mmap();
        return switch (v.status()) {
            case YES -> held().memoryOff(r.device().address())
                    ? Prediction.caught("ok, reads SIGBUS", "vfio_pci_core_mmap allows it; memory decoding is off, so "
                    + "vfio_pci_mmap_huge_fault answers the first read with VM_FAULT_SIGBUS")
                    : Prediction.ok("ok", v.rule());
            case NO -> Prediction.refused(v.errno() == null ? "refused" : v.errno(), v.rule());
            case UNKNOWN -> Prediction.unknown("unknown", v.rule());
        };
    }

    private Prediction export(TryItPanel.Request r) {
        Optional<RangeCheck.Problem> p = RangeCheck.check(r.row().region(), r.offset(), r.length(),
                TryItPanel.PAGE);
        if (p.isPresent()) {
            return Prediction.refused(p.get().errno(), p.get().kernelCheck() + ": " + p.get().meaning());
        }
        Verdict v = r.row().predicted().export();
        return switch (v.status()) {
            case YES -> held().memoryOff(r.device().address())
                    ? Prediction.caught("ok, born revoked", "vfio_pci_core_feature_dma_buf exports while memory is "
                    + "off, but the buffer is revoked until memory is on again (facts §9)")
                    : Prediction.ok("ok", v.rule());
            case NO -> Prediction.refused(v.errno() == null ? "refused" : v.errno(), v.rule());
            case UNKNOWN -> Prediction.unknown("unknown", v.rule());
        };
    }

    private Prediction attach(TryItPanel.Request r) {
        Optional<ImporterOption> imp = r.importer() == null ? Optional.empty() : importer(r.importer());
        if (imp.isEmpty()) {
            return Prediction.none(importers.isEmpty() ? "This host offers no importer." : "Choose an importer.");
        }
        PciAddress d = r.device().address();
        int index = r.row().region().index();
        Optional<RevocationTracker.State> buf = held().lastBuf(d, index);
        if (buf.isEmpty()) {
            return Prediction.none("Export a dma-buf of this BAR first: the importer attaches to the last one "
                    + "exported.");
        }
        ImporterRules.BufState state = bufState(buf.get());
        ImporterOption i = imp.get();
        if (i.iommufd()) {
            if (i.ioasOf() != null && held().openPath(i.ioasOf()).filter(p -> p == OpenPath.LEGACY).isPresent()) {
                return Prediction.caught("close " + short4(i.ioasOf()) + " first", i.ioasOf() + " is open through "
                        + "its group and a type1 container; its IOAS needs the cdev path: close it, and attaching "
                        + "opens it through iommufd");
            }
            if (state.revoked()) {
                return Prediction.refused("ENODEV", "vfio_pci_dma_buf_iommufd_map: priv->revoked"
                        + (state.cleanedUp() ? " (the device was closed: revoked for good)" : ""));
            }
            return Prediction.ok("ok", "IOMMU_IOAS_MAP_FILE: iopt_map_file_pages attaches iommufd "
                    + "(dma_buf_dynamic_attach, allow_peer2peer) and maps the buffer's range"
                    + (i.ioasOf() == null ? "" : " into the IOAS " + i.ioasOf() + " is attached to"));
        }
        Optional<KernelProfile> profile = verdicts.profile();
        if (profile.isEmpty() || i.peer2peer() == null || i.revocable() == null) {
            return Prediction.unknown("unknown", "the importer's flags or the kernel profile are not known here");
        }
        org.vfioinspector.bridge.rules.Verdict att = ImporterRules.attach(profile.get(), rulesImporter(i), state);
        if (!att.allowed()) {
            return Prediction.refused(att.result(), att.rule().describe());
        }
        Prediction map = mapVerdict(i, state, r);
        return map.tone() == org.vfioinspector.app.gui.common.Badge.Tone.GREEN
                ? Prediction.ok("ok", att.rule().describe() + "; then " + map.why())
                : Prediction.caught("attached, map " + map.answer(), att.rule().describe() + "; but the map: "
                + map.why());
    }

    private Prediction mapAgain(TryItPanel.Request r) {
        PciAddress d = r.device().address();
        int index = r.row().region().index();
        Optional<Held.Attached> at = held().lastAttachment(d, index);
        if (at.isEmpty()) {
            return Prediction.none("Attach an importer first.");
        }
        Optional<ImporterOption> i = importer(at.get().importer());
        RevocationTracker.State s = held().lastBuf(d, index).orElse(RevocationTracker.State.DEAD);
        ImporterRules.BufState state = bufState(s);
        if (i.isEmpty() || i.get().iommufd()) {
            return state.revoked() ? Prediction.refused("ENODEV", "IOMMU_IOAS_MAP_FILE: the dma-buf is revoked"
                    + (state.cleanedUp() ? " for good" : "") + " (vfio_pci_dma_buf_iommufd_map)")
                    : Prediction.ok("ok", "IOMMU_IOAS_UNMAP of the area, then MAP_FILE at the same IOVA: what a VMM "
                    + "must do after a restore");
        }
        return mapVerdict(i.get(), state, r);
    }

    private Prediction mapVerdict(ImporterOption i, ImporterRules.BufState state, TryItPanel.Request r) {
        if (state.revoked()) {
            return Prediction.refused("ENODEV", "vfio_pci_dma_buf_map: priv->revoked"
                    + (state.cleanedUp() ? " (device closed: revoked for good)" : ": wait for the restore"));
        }
        if (i.device() == null || topology == null) {
            return Prediction.ok("ok", "an importer without a PCI device maps the physical ranges");
        }
        org.vfioinspector.bridge.rules.Verdict p2p = topology.p2p(r.device(), r.row().region(), i.device());
        if (p2p.refused()) {
            return Prediction.refused("EINVAL", "vfio_pci_dma_buf_map → " + p2p.rule().describe());
        }
        return p2p.allowed() ? Prediction.ok("ok", p2p.rule().describe())
                : Prediction.unknown("unknown", p2p.rule().describe());
    }

    private Prediction type1(TryItPanel.Request r) {
        if (r.into() == null) {
            return Prediction.none("No other vfio-pci device in another IOMMU group to map into.");
        }
        Verdict mmap = r.row().predicted().mmap();
        if (mmap.status() == Verdict.Status.NO) {
            return Prediction.refused(mmap.errno() == null ? "refused" : mmap.errno(), "the BAR's mmap is refused "
                    + "first: " + mmap.rule());
        }
        if (held().openPath(r.into()).filter(p -> p == OpenPath.CDEV).isPresent()) {
            return Prediction.caught("close " + short4(r.into()) + " first", r.into() + " is open through iommufd "
                    + "(cdev path), not a type1 container: close it, and mapping opens it through its group");
        }
        if (held().memoryOff(r.device().address())) {
            return Prediction.refused("EFAULT", "memory decoding of " + r.device().address() + " is off, so its "
                    + "BAR mmap is zapped: vaddr_get_pfns must fault the PFN in (follow_fault_pfn → "
                    + "fixup_user_fault), vfio-pci's fault handler answers VM_FAULT_SIGBUS, and MAP_DMA fails with "
                    + "EFAULT (conformance case type1-map-dma-memory-off); memory on, it maps");
        }
        return Prediction.caught("ok, no reference", "VFIO_IOMMU_MAP_DMA: vaddr_get_pfns finds a VM_PFNMAP vma and "
                + "reads the BAR's PFN (follow_pfnmap); type1 keeps no reference on " + r.device().address()
                + " (facts §7)");
    }

    private Prediction reset(PciDevice device) {
        Verdict v = verdicts.reset(device);
        return switch (v.status()) {
            case YES -> Prediction.caught("ok, revokes, restores", v.rule() + "; vfio_pci_ioctl_reset: zap, "
                    + "move(revoked=1), pci_try_reset_function, move(revoked=0): importers must map again");
            case NO -> Prediction.refused(v.errno() == null ? "EINVAL" : v.errno(), v.rule());
            case UNKNOWN -> Prediction.unknown("unknown", v.rule());
        };
    }

    private Prediction unbind(PciAddress d) {
        if (held().unbound(d)) {
            return Prediction.none(d + " is not bound to vfio-pci any more.");
        }
        Optional<OpenPath> open = held().openPath(d);
        if (open.isPresent() && realHost) {
            return Prediction.caught("close first", "vfio_unregister_group_dev would wait while this app holds "
                    + d + " open (the write would sleep): the app refuses to write; close the device first");
        }
        if (open.isPresent()) {
            return Prediction.caught("waits", org.vfioinspector.bridge.rules.RevocationRules.unbind(1, 0, 0).rule()
                    .describe() + ": completes when the app closes the device");
        }
        return Prediction.ok("ok", org.vfioinspector.bridge.rules.RevocationRules.unbind(0, 0, 0).rule()
                .describe());
    }

    private Prediction dma(TryItPanel.Request r) {
        if (r.engine() == null) {
            return Prediction.none("This host has no device with a DMA engine the inspector can drive (QEMU's edu).");
        }
        if (r.iova() == null) {
            return Prediction.none("Write the IOVA (0x100000) or pick one the app mapped.");
        }
        long iova = r.iova();
        Optional<Held.DomainEntry> e = held().domain(r.engine()).stream().filter(x -> x.contains(iova)).findFirst();
        org.vfioinspector.bridge.rules.Verdict v = e.isEmpty()
                ? WitnessRules.dma(WitnessRules.Mapped.NOTHING, false, null)
                : WitnessRules.dma(e.get().how(), held().unbound(e.get().peer()), e.get().state());
        String why = v.rule().describe();
        if (v.refused()) {
            return new Prediction("IOMMU fault", org.vfioinspector.app.gui.common.Badge.Tone.INFO, why);
        }
        String bar = org.vfioinspector.bridge.model.Region.nameOf(e.get().region());
        if (e.get().how() == WitnessRules.Mapped.TYPE1 && held().unbound(e.get().peer())) {
            return Prediction.refused("reaches: use-after-free", why);
        }
        return Prediction.ok("reaches " + bar, why);
    }

    private static ImporterRules.BufState bufState(RevocationTracker.State s) {
        return new ImporterRules.BufState(s == RevocationTracker.State.REVOKED || s == RevocationTracker.State.DEAD,
                s == RevocationTracker.State.DEAD);
    }

    private static ImporterRules.Importer rulesImporter(ImporterOption i) {
        return new ImporterRules.Importer(i.name(), i.device(), i.peer2peer(), i.revocable());
    }

    /** "03.0" of 0000:00:03.0: short enough for a badge. */
    private static String short4(PciAddress a) {
        String s = a.toString();
        return s.substring(s.length() - 4);
    }

    private static final Held EMPTY = new Held() {
        @Override
        public Optional<OpenPath> openPath(PciAddress device) {
            return Optional.empty();
        }

        @Override
        public boolean memoryOff(PciAddress device) {
            return false;
        }

        @Override
        public boolean unbound(PciAddress device) {
            return false;
        }

        @Override
        public Optional<RevocationTracker.State> lastBuf(PciAddress device, int region) {
            return Optional.empty();
        }

        @Override
        public Optional<Attached> lastAttachment(PciAddress device, int region) {
            return Optional.empty();
        }

        @Override
        public List<DomainEntry> domain(PciAddress engine) {
            return List.of();
        }
    };
}
