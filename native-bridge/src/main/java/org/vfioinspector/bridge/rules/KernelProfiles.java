package org.vfioinspector.bridge.rules;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/** The known kernel profiles (YAML resources) and the choice of a profile for a real host's release. */
public final class KernelProfiles {
    /** Every profile shipped: releases oldest first, then distribution variants, then proposals. */
    public static final List<String> NAMES = List.of("linux-6.1", "linux-6.19", "linux-7.0", "linux-7.0.11", "linux-7.1",
            "linux-7.2", "linux-7.3", "linux-7.2-noiommufd", "linux-7.3-noiommufd", "proposal-evans-bar-mmap");

    private static final Pattern RELEASE = Pattern.compile("^(\\d+)\\.(\\d+)(?:\\.(\\d+))?");
    private static final List<KernelProfile> ALL = loadAll();

    private KernelProfiles() {
    }

    /** A profile and why it was chosen. */
    public record Choice(KernelProfile profile, String reason) {
    }

    private static List<KernelProfile> loadAll() {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        List<KernelProfile> out = new ArrayList<>();
        for (String n : NAMES) {
            try (InputStream in = KernelProfiles.class.getResourceAsStream("profiles/" + n + ".yaml")) {
                if (in == null) {
                    throw new IllegalStateException("kernel profile resource profiles/" + n + ".yaml is missing");
                }
                KernelProfile p = yaml.readValue(in, KernelProfile.class);
                if (!p.name().equals(n)) {
                    throw new IllegalStateException("profiles/" + n + ".yaml names itself " + p.name());
                }
                out.add(p);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read kernel profile " + n, e);
            }
        }
        return List.copyOf(out);
    }

    public static List<KernelProfile> all() {
        return ALL;
    }

    /** The profile named {@code name} ("linux-7.2"). */
    public static Optional<KernelProfile> byName(String name) {
        return ALL.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** The release profiles (no variants, no proposals), oldest first. */
    public static List<KernelProfile> releases() {
        return ALL.stream().filter(p -> p.kind().equals("release")).toList();
    }

    /**
     * The profile for a real host's release ({@code uname -r}, e.g. "7.2.13+deb14-amd64"), chosen by
     * major.minor.patch: the newest release profile at or below it (7.0.5 → linux-7.0, 7.0.11 → linux-7.0.11,
     * 7.2.13 → linux-7.2); a release older than every profile gets the oldest one. Proposals are never chosen.
     */
    public static Choice forRelease(String unameRelease) {
        Matcher m = RELEASE.matcher(unameRelease == null ? "" : unameRelease.trim());
        List<KernelProfile> releases = releases();
        if (!m.find()) {
            KernelProfile newest = releases.get(releases.size() - 1);
            return new Choice(newest, "release '" + unameRelease + "' is not MAJOR.MINOR...; assuming the newest profile "
                    + newest.name());
        }
        int[] want = {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
            m.group(3) == null ? 0 : Integer.parseInt(m.group(3))};
        String wanted = want[0] + "." + want[1] + "." + want[2];
        KernelProfile best = null;
        for (KernelProfile p : releases) {
            if (compare(version(p), want) <= 0) {
                best = p;
            }
        }
        if (best == null) {
            KernelProfile oldest = releases.get(0);
            return new Choice(oldest, "Linux " + wanted + " is older than every known profile; using "
                    + oldest.name() + " (no dma-buf export)");
        }
        int[] have = version(best);
        KernelProfile next = null;
        for (KernelProfile p : releases) {
            if (next == null && compare(version(p), want) > 0) {
                next = p;
            }
        }
        String upTo = next == null ? "and later" : "up to before " + next.release() + " (" + next.name() + ")";
        String reason = have[0] == want[0] && have[1] == want[1]
                ? "Linux " + wanted + " → profile " + best.name() + " (" + best.release() + " " + upTo + ")"
                : "Linux " + wanted + " has no profile of its own; using the nearest lower known release, "
                        + best.name();
        return new Choice(best, reason);
    }

    /**
     * The profile for a host: {@link #forRelease}, then the variant without IOMMUFD where the host shows none and the
     * release is a Debian build (Debian configures 7.x with "# CONFIG_IOMMUFD is not set", facts §10).
     *
     * @param iommufdSeen true when /dev/iommu or the iommufd module exists, false when neither, null when not known
     */
    public static Choice forHost(String unameRelease, Boolean iommufdSeen) {
        Choice c = forRelease(unameRelease);
        boolean debian = unameRelease != null && (unameRelease.contains("+deb") || unameRelease.contains("+bpo"));
        if (Boolean.FALSE.equals(iommufdSeen) && debian) {
            Optional<KernelProfile> v = ALL.stream().filter(p -> p.kind().equals("variant") && !p.iommufd()
                    && c.profile().name().equals(p.basedOn())).findFirst();
            if (v.isPresent()) {
                return new Choice(v.get(), c.reason() + "; a Debian build with no iommufd device node and no iommufd module → "
                        + v.get().name() + " (Debian builds without CONFIG_IOMMUFD)");
            }
        }
        return c;
    }

    private static int compare(int[] a, int[] b) {
        for (int i = 0; i < 3; i++) {
            if (a[i] != b[i]) {
                return Integer.compare(a[i], b[i]);
            }
        }
        return 0;
    }

    private static int[] version(KernelProfile p) {
        Matcher m = RELEASE.matcher(p.release());
        if (!m.find()) {
            throw new IllegalStateException("profile " + p.name() + " has release " + p.release());
        }
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
            m.group(3) == null ? 0 : Integer.parseInt(m.group(3))};
    }
}
