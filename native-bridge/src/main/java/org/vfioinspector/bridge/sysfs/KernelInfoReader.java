package org.vfioinspector.bridge.sysfs;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.vfioinspector.bridge.model.KernelInfo;

/** Reads {@link KernelInfo} from the procfs, sysfs and device roots of a {@link HostPaths}. */
public final class KernelInfoReader {
    private static final Pattern NUMBER = Pattern.compile("[0-9]+");
    private static final Pattern VFIO_CDEV = Pattern.compile("vfio[0-9]+");

    private final HostPaths paths;

    public KernelInfoReader(HostPaths paths) {
        this.paths = paths;
    }

    /**
     * @throws SysfsFormatException osrelease is not one line
     * @throws IOException          a file or directory exists but cannot be read
     */
    public KernelInfo read() throws IOException {
        String release = SysfsFiles.read(paths.proc("sys/kernel/osrelease"))
                .map(t -> SysfsValues.osRelease("proc/sys/kernel/osrelease", t))
                .orElse(KernelInfo.UNKNOWN_RELEASE);
        boolean iommu = !SysfsFiles.list(paths.sys("class/iommu")).isEmpty()
                || !SysfsFiles.list(paths.sys("kernel/iommu_groups")).isEmpty();
        List<Integer> groupNodes = new ArrayList<>();
        for (String n : SysfsFiles.list(paths.dev("vfio"))) {
            if (NUMBER.matcher(n).matches()) {
                groupNodes.add(Integer.parseInt(n));
            }
        }
        groupNodes.sort(null);
        List<String> cdevs = SysfsFiles.list(paths.dev("vfio/devices")).stream()
                .filter(n -> VFIO_CDEV.matcher(n).matches())
                .sorted((a, b) -> Integer.compare(Integer.parseInt(a.substring(4)), Integer.parseInt(b.substring(4))))
                .toList();
        return new KernelInfo(release, iommu,
                Files.isDirectory(paths.sys("module/vfio")),
                Files.isDirectory(paths.sys("module/vfio_pci")),
                Files.isDirectory(paths.sys("module/iommufd")),
                groupNodes,
                Files.exists(paths.dev("vfio/vfio")),
                cdevs,
                Files.exists(paths.dev("iommu")));
    }
}
