package org.vfioinspector.bridge.model;

/** What a PCI region decodes: 32-bit or 64-bit memory, I/O ports, or the expansion ROM. */
public enum RegionKind {
    MEM32("mem32"), MEM64("mem64"), IO("io"), ROM("rom");

    private final String label;

    RegionKind(String label) {
        this.label = label;
    }

    /** The name used in JSON and in the UI: mem32, mem64, io, rom. */
    public String label() {
        return label;
    }

    public boolean isMemory() {
        return this != IO;
    }
}
