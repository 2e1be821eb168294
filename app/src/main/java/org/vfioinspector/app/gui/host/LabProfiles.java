package org.vfioinspector.app.gui.host;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vfioinspector.bridge.rules.KernelProfile;
import org.vfioinspector.bridge.rules.KernelProfiles;

/**
 * The kernel profiles a lab host can be switched to: every built-in profile, and each with one of the upstream
 * fixes that are not in a release yet switched on. Written as KernelProfile names are: "linux-7.2" or
 * "linux-7.2 +p2pdmaRefusesNonMappableBars".
 */
public final class LabProfiles {
    /** Fixes a teacher may want to switch on: 951ebc18d181 (pci/next) and Matt Evans's export check (review). */
    public static final List<String> FIXES = List.of("p2pdmaRefusesNonMappableBars", "exportChecksBarMmapSupported");

    private LabProfiles() {
    }

    /** The choices, plain profiles first. */
    public static List<String> choices() {
        List<String> out = new ArrayList<>(KernelProfiles.NAMES);
        for (String n : KernelProfiles.NAMES) {
            KernelProfile p = KernelProfiles.byName(n).orElseThrow();
            for (String fix : FIXES) {
                KernelProfile with = p.with(Map.of(fix, true));
                if (with.p2pdmaRefusesNonMappableBars() != p.p2pdmaRefusesNonMappableBars()
                        || with.exportChecksBarMmapSupported() != p.exportChecksBarMmapSupported()) {
                    out.add(with.name());
                }
            }
        }
        return out;
    }

    /** "linux-7.2 +p2pdmaRefusesNonMappableBars" → that profile; an unknown name or switch says what is known. */
    public static KernelProfile parse(String spec) {
        String[] parts = spec.strip().split("\\s+");
        KernelProfile base = KernelProfiles.byName(parts[0]).orElseThrow(() -> new IllegalArgumentException(
                "unknown kernel profile '" + parts[0] + "'; known: " + KernelProfiles.NAMES));
        Map<String, Boolean> switches = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            String t = parts[i];
            if (t.length() < 2 || (t.charAt(0) != '+' && t.charAt(0) != '-')) {
                throw new IllegalArgumentException("'" + t + "' in profile '" + spec + "': expected +SWITCH or "
                        + "-SWITCH, one of " + KernelProfile.SWITCHES.stream().sorted().toList());
            }
            switches.put(t.substring(1), t.charAt(0) == '+');
        }
        return base.with(switches);
    }
}
