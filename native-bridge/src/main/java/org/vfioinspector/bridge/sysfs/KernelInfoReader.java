package org.vfioinspector.bridge.sysfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.vfioinspector.bridge.input.IoMessages;
import org.vfioinspector.bridge.input.Numbers;
import org.vfioinspector.bridge.model.KernelInfo;
import org.vfioinspector.bridge.model.ReadFailure;

/**
 * Reads {@link KernelInfo} from the procfs, sysfs and device roots of a {@link HostPaths}. Every fact is optional:
 * one that cannot be read (a directory at mode 000, a two-line {@code osrelease}, a node named with 11 digits) is
 * shown as unknown or absent and reported as a {@link ReadFailure} of subject {@link #SUBJECT}, never the end of
 * the scan.
 */
public final class KernelInfoReader {
    /** The subject of the failures this reader reports. */
    public static final String SUBJECT = "kernel";

    private static final Pattern NUMBER = Pattern.compile("[0-9]+");
    private static final Pattern VFIO_CDEV = Pattern.compile("vfio([0-9]+)");

    private final HostPaths paths;

    public KernelInfoReader(HostPaths paths) {
        this.paths = paths;
    }

    /** The facts that can be read; what cannot is added to {@code problems} and left unknown or absent. */
    public KernelInfo read(List<ReadFailure> problems) {
        String release = KernelInfo.UNKNOWN_RELEASE;
        String osrelease = "proc/sys/kernel/osrelease";
        try {
            release = SysfsFiles.read(paths.proc("sys/kernel/osrelease"))
                    .map(t -> SysfsValues.osRelease(osrelease, t)).orElse(KernelInfo.UNKNOWN_RELEASE);
        } catch (SysfsFormatException e) {
            problems.add(new ReadFailure(SUBJECT, e.file(), Optional.of(e.text()), e.getMessage()));
        } catch (IOException e) {
            problems.add(new ReadFailure(SUBJECT, osrelease, Optional.empty(), IoMessages.describe(e)));
        }
        // kernel/iommu_groups is the scanner's to report when it cannot be listed
        // whether either has an entry: the first one says it (a 10,000-group listing, sorted, said it before)
        boolean iommu = any("class/iommu", problems) || any("kernel/iommu_groups", new ArrayList<>());
        List<Integer> groupNodes = new ArrayList<>();
        for (String n : list("dev", "vfio", problems)) {
            if (NUMBER.matcher(n).matches()) {
                number("dev/vfio/" + n, n, problems).ifPresent(groupNodes::add);
            }
        }
        groupNodes.sort(null);
        record Cdev(String name, int n) {
        }
        List<Cdev> cdevs = new ArrayList<>();
        for (String n : list("dev", "vfio/devices", problems)) {
            var m = VFIO_CDEV.matcher(n);
            if (m.matches()) {
                number("dev/vfio/devices/" + n, m.group(1), problems).ifPresent(v -> cdevs.add(new Cdev(n, v)));
            }
        }
        cdevs.sort(Comparator.comparingInt(Cdev::n));
        return new KernelInfo(release, iommu,
                Files.isDirectory(paths.sys("module/vfio")),
                Files.isDirectory(paths.sys("module/vfio_pci")),
                Files.isDirectory(paths.sys("module/iommufd")),
                groupNodes,
                Files.exists(paths.dev("vfio/vfio")),
                cdevs.stream().map(Cdev::name).toList(),
                Files.exists(paths.dev("iommu")));
    }

    /** A node's number: the kernel numbers groups and cdevs with an int. */
    private static Optional<Integer> number(String file, String digits, List<ReadFailure> problems) {
        try {
            return Optional.of(Numbers.decimalInt(digits, 0, Integer.MAX_VALUE));
        } catch (Numbers.OutOfRange e) {
            problems.add(new ReadFailure(SUBJECT, file, Optional.of(digits), file + ": " + e.getMessage()
                    + " (a node number): left out"));
            return Optional.empty();
        }
    }

    private boolean any(String dir, List<ReadFailure> problems) {
        Path p = paths.sys(dir);
        try {
            return SysfsFiles.any(p);
        } catch (IOException e) {
            problems.add(leftOut("sys/" + dir, p, e));
            return false;
        }
    }

    private List<String> list(String root, String dir, List<ReadFailure> problems) {
        Path p = root.equals("sys") ? paths.sys(dir) : paths.dev(dir);
        try {
            return SysfsFiles.list(p);
        } catch (IOException e) {
            problems.add(leftOut(root + "/" + dir, p, e));
            return List.of();
        }
    }

    /** A directory the facts could not read: what failed, and that the facts go on without it. */
    private static ReadFailure leftOut(String file, Path p, IOException e) {
        return new ReadFailure(SUBJECT, file, Optional.empty(), p + ": " + IoMessages.problem(e)
                + ": left out of the kernel facts");
    }
}
