package org.vfioinspector.app.gui.host;

import java.util.Optional;
import org.vfioinspector.bridge.kernel.Kernel;
import org.vfioinspector.bridge.kernel.KernelEvents;
import org.vfioinspector.bridge.host.Host;
import org.vfioinspector.bridge.host.HostVerdicts;
import org.vfioinspector.bridge.model.HostInventory;
import org.vfioinspector.bridge.rules.HostTopology;
import org.vfioinspector.bridge.rules.KernelProfile;

/**
 * A host after loading: what was chosen, its scan, its diagnosis, and the kernel behind it when this build has
 * one for it (the lab kernel for a lab scenario, the JNA kernel on a live host).
 *
 * @param choice    what the user picked
 * @param hostname  the host's name
 * @param release   kernel release (from procfs, or the snapshot's uname-r.txt), or "unknown"
 * @param inventory the sysfs scan
 * @param diagnosis usable or not, and why
 * @param kernel    the kernel backend, or empty with {@code noKernelWhy} saying why
 * @param noKernelWhy why there is no kernel backend (empty when there is one)
 * @param profile   the kernel profile whose rules predict verdicts, when one fits
 * @param profileWhy how the profile was chosen
 * @param handle    the bridge's host (owns a lab's temporary tree and kernel); closed when another host opens
 * @param verdicts  every BAR's predicted verdicts under {@code profile} (computed off the FX thread), when a
 *                  profile fits
 * @param kernelDescription the kernel's own one-line description, "" without a kernel
 * @param tracing   revocation tracing: available, or why not
 * @param topology  the PCI tree and CPU as pci_p2pdma_distance sees them (cpuinfo read by the loader, off the FX
 *                  thread): the same facts {@code list} decides its p2p verdicts by
 */
public record LoadedHost(HostChoice choice, String hostname, String release, HostInventory inventory,
                         Diagnosis diagnosis, Optional<Kernel> kernel, String noKernelWhy,
                         Optional<KernelProfile> profile, String profileWhy, Optional<Host> handle,
                         Optional<HostVerdicts> verdicts, String kernelDescription,
                         KernelEvents.Availability tracing, HostTopology topology) {
    /**
     * Asks the kernel for its description and its event source's availability now, so that nothing asks again on
     * the FX thread (a real kernel's describe() reads procfs, availability() looks at tracefs). Call it where the
     * host is loaded, off the FX thread.
     */
    public LoadedHost(HostChoice choice, String hostname, String release, HostInventory inventory,
                      Diagnosis diagnosis, Optional<Kernel> kernel, String noKernelWhy,
                      Optional<KernelProfile> profile, String profileWhy, Optional<Host> handle,
                      Optional<HostVerdicts> verdicts, HostTopology topology) {
        this(choice, hostname, release, inventory, diagnosis, kernel, noKernelWhy, profile, profileWhy, handle,
                verdicts, kernel.map(Kernel::describe).orElse(""), kernel.map(k -> k.events().availability())
                        .orElseGet(() -> new KernelEvents.Availability(false, java.util.List.of(noKernelWhy), "")),
                topology);
    }

    public boolean isLab() {
        return choice.isLab() || kernel.map(Kernel::isLab).orElse(false);
    }
}
