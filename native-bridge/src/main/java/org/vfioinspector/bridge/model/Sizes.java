package org.vfioinspector.bridge.model;

/** Human byte sizes as lspci prints them: 256, 4K, 1M, 8G, 256T. */
public final class Sizes {
    private Sizes() {
    }

    public static String human(long bytes) {
        String[] units = {"", "K", "M", "G", "T", "P", "E"};
        int u = 0;
        long v = bytes;
        while (u < units.length - 1 && v >= 1024 && v % 1024 == 0) {
            v /= 1024;
            u++;
        }
        return v + units[u];
    }
}
