package org.vfioinspector.bridge.rules;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    /**
     * Every profile, read with SnakeYAML into the record by its components: Jackson's YAML mapper took ~0.2 s to
     * make and introspect before the first profile (a third of a {@code list} of a small host), SnakeYAML ~0.07 s.
     */
    private static List<KernelProfile> loadAll() {
        org.yaml.snakeyaml.Yaml yaml = new org.yaml.snakeyaml.Yaml(new org.yaml.snakeyaml.constructor.SafeConstructor(
                new org.yaml.snakeyaml.LoaderOptions()));
        List<KernelProfile> out = new ArrayList<>();
        for (String n : NAMES) {
            String file = "profiles/" + n + ".yaml";
            try (InputStream in = KernelProfiles.class.getResourceAsStream(file)) {
                if (in == null) {
                    throw new IllegalStateException("kernel profile resource " + file + " is missing");
                }
                Object doc = yaml.load(in);
                if (!(doc instanceof Map<?, ?> fields)) {
                    throw new IllegalStateException(file + ": expected a mapping of the profile's fields");
                }
                KernelProfile p = profile(file, fields);
                if (!p.name().equals(n)) {
                    throw new IllegalStateException(file + " names itself " + p.name());
                }
                out.add(p);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read kernel profile " + n, e);
            }
        }
        return List.copyOf(out);
    }

    /** The record from a profile's fields: each component by name, a missing switch false, an unknown key refused. */
    static KernelProfile profile(String file, Map<?, ?> fields) {
        RecordComponent[] components = KernelProfile.class.getRecordComponents();
        Set<Object> unknown = new HashSet<>(fields.keySet());
        Object[] args = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            String key = components[i].getName();
            types[i] = components[i].getType();
            unknown.remove(key);
            Object v = fields.get(key);
            if (v == null) {
                args[i] = types[i] == boolean.class ? Boolean.FALSE : null;
            } else if (types[i] == boolean.class && v instanceof Boolean
                    || types[i] == String.class && v instanceof String
                    || types[i] == List.class && v instanceof List<?> l
                    && l.stream().allMatch(String.class::isInstance)) {
                args[i] = v;
            } else {
                throw new IllegalStateException(file + ": " + key + " is " + v + "; expected "
                        + (types[i] == List.class ? "a list of strings (quote an id of digits only)"
                        : types[i] == boolean.class ? "true or false" : "a string (quote numbers)"));
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalStateException(file + ": unknown field(s) " + unknown);
        }
        try {
            return KernelProfile.class.getDeclaredConstructor(types).newInstance(args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            // the record's own checks: a required field missing (requireNonNull names it) or a value out of its set
            String what = e.getCause() instanceof NullPointerException ? e.getCause().getMessage() + " is missing"
                    : e.getCause().getMessage();
            throw new IllegalStateException(file + ": " + what, e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("KernelProfile's canonical constructor", e);
        }
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
