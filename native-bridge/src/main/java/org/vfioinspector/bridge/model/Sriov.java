package org.vfioinspector.bridge.model;

import java.util.List;

/**
 * The SR-IOV physical-function side of a device: {@code sriov_totalvfs}, {@code sriov_numvfs} and its
 * {@code virtfnN} links (in N order).
 */
public record Sriov(int totalVfs, int numVfs, List<PciAddress> virtfns) {
    public Sriov {
        virtfns = List.copyOf(virtfns);
    }
}
