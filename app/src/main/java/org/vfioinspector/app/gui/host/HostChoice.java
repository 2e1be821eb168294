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

    /** A lab scenario: built-in name (qemu-q35, gpu-server, ...) or a scenario file. */
    record Lab(String nameOrFile) implements HostChoice {
        @Override
        public String key() {
            return "lab:" + nameOrFile;
        }

        @Override
        public String label() {
            return "Lab: " + nameOrFile;
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
