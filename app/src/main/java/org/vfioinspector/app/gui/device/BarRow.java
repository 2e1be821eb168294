package org.vfioinspector.app.gui.device;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import org.vfioinspector.bridge.model.PciDevice;
import org.vfioinspector.bridge.model.Region;

/** One row of the BAR table: the region, its predicted verdicts and (once tried) the kernel's answers. */
public final class BarRow {
    private final PciDevice device;
    private final Region region;
    private final BarVerdicts predicted;
    private final ObjectProperty<Tried> tried = new SimpleObjectProperty<>(this, "tried", Tried.NOTHING);

    public BarRow(PciDevice device, Region region, BarVerdicts predicted) {
        this.device = device;
        this.region = region;
        this.predicted = predicted;
    }

    public PciDevice device() {
        return device;
    }

    public Region region() {
        return region;
    }

    public BarVerdicts predicted() {
        return predicted;
    }

    public ObjectProperty<Tried> triedProperty() {
        return tried;
    }

    /** A disagreement worth a warning badge: predicted mmap vs export, or a tried result vs its prediction. */
    public String divergence() {
        StringBuilder sb = new StringBuilder();
        if (predicted.diverges()) {
            sb.append("mmap is ").append(word(predicted.mmap())).append(" but dma-buf export is ")
                    .append(word(predicted.export())).append(": a user can map this BAR yet cannot hand it to a "
                            + "peer (or the other way round).");
        }
        Tried t = tried.get();
        t.mmap().ifPresent(m -> mismatch(sb, "mmap", predicted.mmap(), m));
        t.dmabuf().ifPresent(d -> mismatch(sb, "dma-buf export", predicted.export(), d));
        return sb.toString();
    }

    private static void mismatch(StringBuilder sb, String what, Verdict v, String result) {
        if (!v.known()) {
            return;
        }
        boolean ok = "ok".equals(result);
        if (ok != (v.status() == Verdict.Status.YES)) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append("Tried ").append(what).append(": the kernel answered ").append(result)
                    .append(", the rules predicted ").append(word(v)).append('.');
        }
    }

    private static String word(Verdict v) {
        return switch (v.status()) {
            case YES -> "allowed";
            case NO -> "refused";
            case UNKNOWN -> "unknown";
        };
    }
}
