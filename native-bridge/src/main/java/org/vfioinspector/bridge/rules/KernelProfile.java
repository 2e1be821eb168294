package org.vfioinspector.bridge.rules;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What one kernel release does, as data (resources {@code profiles/linux-*.yaml}): which features exist and which
 * upstream fixes it carries. Every switch names the commit it stands for.
 *
 * @param name                          "linux-7.2"
 * @param release                       "7.2": the lowest release this profile describes
 * @param description                   one line for the UI
 * @param dmaBuf                        VFIO_DEVICE_FEATURE_DMA_BUF exists (5d74781ebc86, 6.19); without it → -ENOTTY
 * @param pinnedImporters               how importers that cannot take revocation are refused: "attach" (61ceaf236115,
 *                                      7.x: vfio_pci_dma_buf_attach → -EOPNOTSUPP), "pin" (6.19: the .pin op
 *                                      returns -EOPNOTSUPP), or "none"
 * @param barResourceCheckBeforeExport  702809dabdec: export calls vfio_pci_core_setup_barmap (-ENODEV for BARs
 *                                      that cannot be set up, e.g. unimplemented ones)
 * @param exporterWaitsForInvalidation  1a8a5227f229: revocation waits until every importer unmapped
 * @param barsMappedAtEnable            05f2a68b407a: BARs requested and iomapped once at enable (7.1)
 * @param notifyImportersOnRestore      move(revoked=0) also calls dma_buf_invalidate_mappings (measured on 7.2)
 * @param p2pdmaRefusesNonMappableBars  951ebc18d181: no p2pdma provider for non_mappable_bars → export -EINVAL
 * @param exportChecksBarMmapSupported  Matt Evans, Apr 2026 (not merged): export refuses !bar_mmap_supported
 * @param iommufd                       /dev/iommu exists
 * @param iommufdDmaBuf                 IOMMU_IOAS_MAP_FILE accepts a dma-buf fd (44ebaa1744fd, 6.19)
 * @param cdev                          CONFIG_VFIO_DEVICE_CDEV (/dev/vfio/devices/vfioN)
 * @param commits                       the commits this profile carries, for the UI
 * @param kind                          "release" (chosen by a host's release), "variant" (a release as a
 *                                      distribution builds it, e.g. without IOMMUFD) or "proposal" (an unmerged
 *                                      patch: never chosen for a release, only by name)
 * @param basedOn                       for a variant or proposal, the release profile it changes; null otherwise
 */
public record KernelProfile(String name, String release, String description, boolean dmaBuf, String pinnedImporters,
                            boolean barResourceCheckBeforeExport, boolean exporterWaitsForInvalidation,
                            boolean barsMappedAtEnable, boolean notifyImportersOnRestore,
                            boolean p2pdmaRefusesNonMappableBars, boolean exportChecksBarMmapSupported,
                            boolean iommufd, boolean iommufdDmaBuf, boolean cdev, List<String> commits, String kind,
                            String basedOn) {
    /** The switches a scenario may override. */
    public static final Set<String> SWITCHES = Set.of("p2pdmaRefusesNonMappableBars", "exportChecksBarMmapSupported",
            "barResourceCheckBeforeExport", "exporterWaitsForInvalidation", "notifyImportersOnRestore", "cdev",
            "iommufd");

    public KernelProfile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(release, "release");
        description = description == null ? "" : description;
        pinnedImporters = pinnedImporters == null ? "none" : pinnedImporters;
        if (!Set.of("attach", "pin", "none").contains(pinnedImporters)) {
            throw new IllegalArgumentException("pinnedImporters must be attach, pin or none, not " + pinnedImporters);
        }
        commits = commits == null ? List.of() : List.copyOf(commits);
        kind = kind == null ? "release" : kind;
        if (!Set.of("release", "variant", "proposal").contains(kind)) {
            throw new IllegalArgumentException("kind must be release, variant or proposal, not " + kind);
        }
        if (!kind.equals("release") && basedOn == null) {
            throw new IllegalArgumentException("a " + kind + " profile names the release it is basedOn");
        }
    }

    /** An unmerged patch, modelled so that its effect can be seen: never what a release runs. */
    public boolean proposal() {
        return kind.equals("proposal");
    }

    /** This profile with switches overridden (keys from {@link #SWITCHES}); the name gets a "+" suffix listing them. */
    public KernelProfile with(Map<String, Boolean> overrides) {
        if (overrides == null || overrides.isEmpty()) {
            return this;
        }
        for (String k : overrides.keySet()) {
            if (!SWITCHES.contains(k)) {
                throw new IllegalArgumentException("unknown profile switch '" + k + "'; known: "
                        + SWITCHES.stream().sorted().toList());
            }
        }
        StringBuilder n = new StringBuilder(name);
        overrides.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> n.append(e.getValue() ? " +" : " -").append(e.getKey()));
        return new KernelProfile(n.toString(), release, description, dmaBuf, pinnedImporters,
                overrides.getOrDefault("barResourceCheckBeforeExport", barResourceCheckBeforeExport),
                overrides.getOrDefault("exporterWaitsForInvalidation", exporterWaitsForInvalidation),
                barsMappedAtEnable,
                overrides.getOrDefault("notifyImportersOnRestore", notifyImportersOnRestore),
                overrides.getOrDefault("p2pdmaRefusesNonMappableBars", p2pdmaRefusesNonMappableBars),
                overrides.getOrDefault("exportChecksBarMmapSupported", exportChecksBarMmapSupported),
                overrides.getOrDefault("iommufd", iommufd), iommufdDmaBuf,
                overrides.getOrDefault("cdev", cdev), commits, kind, basedOn);
    }
}
