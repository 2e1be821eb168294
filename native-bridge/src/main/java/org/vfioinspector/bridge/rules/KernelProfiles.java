package org.vfioinspector.bridge.rules;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/** The known kernel profiles (YAML resources) and the choice of a profile for a real host's release. */
public final class KernelProfiles {
    /** Every profile shipped, oldest first. */
    public static final List<String> NAMES = List.of("linux-6.1", "linux-6.19", "linux-7.0", "linux-7.1", "linux-7.2");

    private static final Pattern RELEASE = Pattern.compile("^(\\d+)\\.(\\d+)");
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

    /**
     * The profile for a real host's release ({@code uname -r}, e.g. "7.2.13+deb14-amd64"): the profile of that
     * major.minor, else the nearest lower known release; a release older than every profile gets the oldest one.
     */
    public static Choice forRelease(String unameRelease) {
        Matcher m = RELEASE.matcher(unameRelease == null ? "" : unameRelease.trim());
        if (!m.find()) {
            KernelProfile newest = ALL.get(ALL.size() - 1);
            return new Choice(newest, "release '" + unameRelease + "' is not MAJOR.MINOR...; assuming the newest profile "
                    + newest.name());
        }
        int[] want = {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
        Comparator<int[]> cmp = Comparator.<int[]>comparingInt(a -> a[0]).thenComparingInt(a -> a[1]);
        KernelProfile best = null;
        for (KernelProfile p : ALL) {
            if (cmp.compare(version(p), want) <= 0) {
                best = p;
            }
        }
        if (best == null) {
            KernelProfile oldest = ALL.get(0);
            return new Choice(oldest, "Linux " + want[0] + "." + want[1] + " is older than every known profile; using "
                    + oldest.name() + " (no dma-buf export)");
        }
        int[] have = version(best);
        String reason = have[0] == want[0] && have[1] == want[1]
                ? "Linux " + want[0] + "." + want[1] + " → profile " + best.name()
                : "Linux " + want[0] + "." + want[1] + " has no profile of its own; using the nearest lower known release, "
                        + best.name();
        return new Choice(best, reason);
    }

    private static int[] version(KernelProfile p) {
        Matcher m = RELEASE.matcher(p.release());
        if (!m.find()) {
            throw new IllegalStateException("profile " + p.name() + " has release " + p.release());
        }
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    }
}
