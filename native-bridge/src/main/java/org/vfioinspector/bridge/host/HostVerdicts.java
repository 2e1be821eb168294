package org.vfioinspector.bridge.host;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Optional;

import org.vfioinspector.bridge.lab.scenario.LabScenario;
import org.vfioinspector.bridge.lab.scenario.ScenarioFacts;
import org.vfioinspector.bridge.model.HostInventory;
import org.vfioinspector.bridge.model.KernelInfo;
import org.vfioinspector.bridge.rules.HostPredictions;
import org.vfioinspector.bridge.rules.KernelProfile;
import org.vfioinspector.bridge.rules.KernelProfiles;
import org.vfioinspector.bridge.sysfs.HostArch;
import org.vfioinspector.bridge.sysfs.HostPaths;

/**
 * The per-BAR verdicts of a host, as the CLI and the GUI show them: the kernel profile and why it was chosen, the
 * host's architecture and where it was read, and the {@link HostPredictions} over its inventory.
 *
 * @param profile the profile and the reason
 * @param arch    the architecture, empty when it cannot be read
 */
public record HostVerdicts(KernelProfiles.Choice profile, Optional<HostArch> arch, HostPredictions predictions) {

    /**
     * The verdicts for a host read from sysfs ({@code local} or a snapshot) or a lab host (whose profile is the
     * scenario's and whose explicit overrides are honoured; everything else is read from its tree like a real host).
     *
     * @param labProfile a lab host's profile when the user switched it, else empty (the scenario's)
     * @throws IOException proc/sys/kernel/arch exists but cannot be read
     */
    public static HostVerdicts of(HostPaths paths, boolean local, Optional<LabScenario> scenario,
                                  Optional<KernelProfile> labProfile, HostInventory inv, String release)
            throws IOException {
        Optional<HostArch> arch = HostArch.read(paths, release);
        if (arch.isEmpty() && local) {
            arch = Optional.of(HostArch.ofThisMachine());
        }
        KernelProfiles.Choice choice;
        HostPredictions.Overrides overrides = HostPredictions.Overrides.NONE;
        if (scenario.isPresent()) {
            KernelProfile p = labProfile.orElse(scenario.get().profile());
            choice = new KernelProfiles.Choice(p, labProfile.isPresent() ? "chosen for this lab host"
                    : "the lab scenario's profile");
            overrides = new ScenarioFacts(scenario.get()).overrides();
        } else {
            choice = KernelProfiles.forHost(release, iommufdSeen(paths, inv.kernel()));
        }
        return new HostVerdicts(choice, arch,
                new HostPredictions(choice.profile(), inv, arch.map(HostArch::arch).orElse(null), overrides));
    }

    /** For a {@link Host}: its paths, scenario and release. */
    public static HostVerdicts of(Host h, HostInventory inv) throws IOException {
        return of(h.paths(), h.kind() == Host.Kind.LOCAL, h.scenario(), Optional.empty(), inv, inv.kernel().release());
    }

    /** /dev/iommu or the iommufd module seen: true; neither, with the module list readable: false; else unknown. */
    static Boolean iommufdSeen(HostPaths paths, KernelInfo k) {
        if (k.iommufdNode() || k.iommufdModule()) {
            return Boolean.TRUE;
        }
        return Files.isDirectory(paths.sys("module")) ? Boolean.FALSE : null;
    }

    /** One line: "linux-7.2 (the lab scenario's profile); arch s390x (proc/sys/kernel/arch)". */
    public String describe() {
        return profile.profile().name() + " (" + profile.reason() + "); arch "
                + arch.map(a -> a.arch() + " (from " + a.source() + ")").orElse("unknown");
    }
}
