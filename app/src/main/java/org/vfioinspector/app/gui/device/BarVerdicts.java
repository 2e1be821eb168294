package org.vfioinspector.app.gui.device;

/** The three answers for one BAR. */
public record BarVerdicts(Verdict mmap, Verdict export, Verdict p2p) {
    /** mmap and dma-buf export are both known and disagree (the sub-page BAR case). */
    public boolean diverges() {
        return mmap.known() && export.known() && mmap.status() != export.status();
    }
}
