package org.vfioinspector.bridge.witness;

import java.util.Objects;

/**
 * One DMA read by a device's DMA engine from an IOVA of its IOMMU domain, and what it brought back (facts §11).
 *
 * @param engine   the device whose DMA engine read (BDF)
 * @param iova     where it read, in its IOMMU domain (type1 container or IOAS)
 * @param count    bytes read
 * @param outcome  what the bytes say
 * @param seen     the bytes edu's buffer held after the read (hex)
 * @param expected the bytes they were compared with (the mapped BAR's, as its own mapping read them), or null when
 *                 nothing was expected there
 */
public record DmaRead(String engine, long iova, int count, Outcome outcome, String seen, String expected) {
    /** What one read saw. */
    public enum Outcome {
        /** The engine's buffer holds exactly the expected bytes: the DMA reached what is mapped there. */
        REACHED("reached"),
        /** Zeros: the IOMMU faulted the read (no mapping at the IOVA, or one the kernel revoked); QEMU hands zeros. */
        FAULTED("iommu-fault"),
        /** The buffer kept its fill pattern: no data arrived at all (bus mastering off, or the engine did not run). */
        NO_DATA("no-data"),
        /** Other bytes than expected: something else is mapped there now (or, without expected bytes, anything). */
        OTHER("other-bytes"),
        /** The expected bytes are zeros or the fill pattern, which a read that did not reach leaves too. */
        UNTOLD("untold");

        private final String key;

        Outcome(String key) {
            this.key = key;
        }

        /** "reached", "iommu-fault", ...: the journal's and the JSON's word. */
        public String key() {
            return key;
        }
    }

    public DmaRead {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(seen, "seen");
    }

    /** Whether the read reached the expected bytes. */
    public boolean reached() {
        return outcome == Outcome.REACHED;
    }

    /** "reached the expected bytes", "IOMMU fault: the read came back as zeros", ... */
    public String describe() {
        return switch (outcome) {
            case REACHED -> "the read brought back the expected " + count + " bytes";
            case FAULTED -> "the read came back as zeros: the IOMMU faulted it";
            case NO_DATA -> "no data arrived: edu's buffer kept its fill pattern";
            case OTHER -> expected == null ? "the read brought back " + seen : "the read brought back other bytes ("
                    + seen + ") than expected (" + expected + ")";
            case UNTOLD -> "cannot tell: the expected bytes (" + expected + ") are what a read that did not reach "
                    + "leaves too";
        };
    }

    /** Classifies what a read brought back. */
    static Outcome classify(byte[] seen, byte[] expected) {
        if (expected != null && (allEqual(expected, 0) || allEqual(expected, DmaReader.FILL))) {
            return Outcome.UNTOLD;
        }
        if (expected != null && java.util.Arrays.equals(seen, expected)) {
            return Outcome.REACHED;
        }
        if (allEqual(seen, DmaReader.FILL)) {
            return Outcome.NO_DATA;
        }
        if (allEqual(seen, 0)) {
            return Outcome.FAULTED;
        }
        return Outcome.OTHER;
    }

    static boolean allEqual(byte[] b, int value) {
        for (byte x : b) {
            if (x != (byte) value) {
                return false;
            }
        }
        return true;
    }
}
