package org.vfioinspector.app.gui.host;

import java.nio.file.Path;
import org.vfioinspector.bridge.sysfs.HostPaths;

/** A host the inspector can open: this machine, a sysfs snapshot folder, or (once the lab lands) a lab scenario. */
public sealed interface HostChoice permits HostChoice.Live, HostChoice.Snapshot, HostChoice.Lab {
    /** Stable key for the preferences ("live", "snapshot:/path"). */
    String key();

    /** What the host selector shows. */
    String label();

    /** "this machine", "sysfs snapshot", "lab scenario". */
    String kind();

    boolean isLab();

    /** The machine the inspector runs on. */
    record Live() implements HostChoice {
        @Override
        public String key() {
            return "live";
        }

        @Override
        public String label() {
            return "This machine";
        }

        @Override
        public String kind() {
            return "this machine";
        }

        public HostPaths paths() {
            return HostPaths.live();
        }

        @Override
        public boolean isLab() {
            return false;
        }
    }

    /** A folder laid out like a root filesystem (DIR/sys, DIR/dev, DIR/proc), e.g. an extracted fixture. */
    record Snapshot(Path root) implements HostChoice {
        @Override
        public String key() {
            return "snapshot:" + root;
        }

        @Override
        public String label() {
            return "Snapshot: " + (root.getFileName() != null ? root.getFileName() : root);
        }

        @Override
        public String kind() {
            return "sysfs snapshot (read-only)";
        }

        public HostPaths paths() {
            return HostPaths.under(root);
        }

        @Override
        public boolean isLab() {
            return false;
        }
    }

    /**
     * A lab scenario: built-in name (qemu-q35, gpu-server, ...) or a scenario file; {@code profile}, when not null,
     * runs it under another kernel profile ("linux-7.2 +p2pdmaRefusesNonMappableBars", see {@link LabProfiles}).
     */
    record Lab(String nameOrFile, String profile) implements HostChoice {
        /** Separates the scenario from the profile in a key. */
        public static final String PROFILE_KEY = "|profile=";

        public Lab(String nameOrFile) {
            this(nameOrFile, null);
        }

        @Override
        public String key() {
            return "lab:" + nameOrFile + (profile == null ? "" : PROFILE_KEY + profile);
        }

        @Override
        public String label() {
            return "Lab: " + nameOrFile + (profile == null ? "" : " (" + profile + ")");
        }

        /** The choice from a key's part after "lab:". */
        public static Lab fromKey(String rest) {
            int p = rest.indexOf(PROFILE_KEY);
            return p < 0 ? new Lab(rest) : new Lab(rest.substring(0, p), rest.substring(p + PROFILE_KEY.length()));
        }

        @Override
        public String kind() {
            return "LAB scenario";
        }

        @Override
        public boolean isLab() {
            return true;
        }
    }
}
