package org.vfioinspector.bridge.sysfs;

import java.io.IOException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host's architecture (uname -m spelling), a fact the kernel's s390-only PCI fixups depend on. Read from
 * {@code proc/sys/kernel/arch} (the sysctl kernel.arch, which the lab tree also writes); else from the release's
 * distribution suffix ("7.2.13+deb14-amd64", "6.12.0-s390x"); else unknown.
 *
 * @param arch   "x86_64", "s390x", ...
 * @param source where it was read, for the output ("proc/sys/kernel/arch")
 */
public record HostArch(String arch, String source) {
    private static final Pattern SUFFIX = Pattern.compile("-(amd64|x86_64|arm64|aarch64|s390x|ppc64el|ppc64le|riscv64)$");

    /** The architecture of the host under {@code paths}, given its release (may be "unknown"). */
    public static Optional<HostArch> read(HostPaths paths, String release) throws IOException {
        Optional<String> text = SysfsFiles.read(paths.proc("sys/kernel/arch"));
        if (text.isPresent()) {
            String v = SysfsValues.value(text.get());
            if (v.matches("[A-Za-z0-9_]{1,32}")) {
                return Optional.of(new HostArch(v, "proc/sys/kernel/arch"));
            }
            throw new SysfsFormatException("proc/sys/kernel/arch", text.get(), "one word such as x86_64 or s390x");
        }
        Matcher m = SUFFIX.matcher(release == null ? "" : release.trim());
        if (m.find()) {
            return Optional.of(new HostArch(unameSpelling(m.group(1)), "the release suffix -" + m.group(1)));
        }
        return Optional.empty();
    }

    /** The architecture this JVM runs on, in uname -m spelling: for the local host when procfs does not say. */
    public static HostArch ofThisMachine() {
        return new HostArch(unameSpelling(System.getProperty("os.arch", "unknown")), "the JVM's os.arch");
    }

    /** Debian and JVM names to uname -m's. */
    static String unameSpelling(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "amd64":
                return "x86_64";
            case "arm64":
                return "aarch64";
            case "ppc64el":
                return "ppc64le";
            default:
                return name.toLowerCase(Locale.ROOT);
        }
    }
}
