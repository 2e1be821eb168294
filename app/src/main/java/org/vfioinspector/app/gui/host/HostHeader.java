package org.vfioinspector.app.gui.host;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.javafx.FontIcon;
import org.kordamp.ikonli.materialdesign2.MaterialDesignF;
import org.kordamp.ikonli.materialdesign2.MaterialDesignS;
import org.vfioinspector.app.gui.common.Badge;
import org.vfioinspector.bridge.kernel.KernelEvents;
import org.vfioinspector.bridge.model.KernelInfo;

/**
 * The header: the lab banner (lab hosts only, one line), the host's name and kind beside the window's controls, then
 * the kernel's facts as badges (each with a tooltip saying why) flowing across the whole width. Nothing here is ever
 * cut: the kind line wraps and has the whole text as its tooltip, the facts wrap into a second row.
 */
public final class HostHeader extends VBox {
    private final Label banner = new Label();
    private final FontIcon hostIcon = new FontIcon(MaterialDesignS.SERVER);
    private final Label name = new Label("—");
    private final Label kind = new Label();
    private final Tooltip kindTip = new Tooltip();
    private final Tooltip nameTip = new Tooltip();
    private final FlowPane facts = new FlowPane(6, 4);
    private String kindText = "";

    public HostHeader(javafx.scene.Node controls) {
        getStyleClass().add("host-header");
        banner.setId("labBanner");
        banner.getStyleClass().add("lab-banner");
        banner.setMaxWidth(Double.MAX_VALUE);
        banner.setGraphic(new FontIcon(MaterialDesignF.FLASK));
        // one line: a long scenario description is cut there and said whole by the tooltip
        show(banner, false);
        hostIcon.getStyleClass().addAll("icon", "icon-large");
        name.setId("hostName");
        name.getStyleClass().add("host-name");
        name.setTooltip(nameTip);
        kind.setId("hostKind");
        kind.getStyleClass().add("host-kind");
        kind.setWrapText(true);
        kind.setTooltip(kindTip);
        kindTip.setWrapText(true);
        kindTip.setMaxWidth(520);
        VBox titles = new VBox(0, name, kind);
        titles.setMinWidth(160);
        titles.setAlignment(Pos.CENTER_LEFT);
        HBox.setHgrow(titles, Priority.ALWAYS);
        // The controls keep their width (their labels are never cut); the name and kind to their left give way,
        // the kind by wrapping onto a second line.
        if (controls instanceof javafx.scene.layout.Region r) {
            r.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        }
        HBox top = new HBox(10, hostIcon, titles, controls);
        top.setAlignment(Pos.CENTER_LEFT);
        top.setPadding(new Insets(6, 10, 4, 12));
        facts.setId("kernelFacts");
        facts.setAlignment(Pos.CENTER_LEFT);
        facts.setPadding(new Insets(0, 12, 6, 12));
        getChildren().addAll(banner, top, facts);
    }

    /**
     * While a host opens: the first one is named with "loading…"; a later one leaves the current host's name and facts
     * in place (the open may fail, and what is below is still that host) and says what is being opened.
     */
    public void showLoading(String what) {
        if (facts.getChildren().isEmpty()) {
            name.setText(what);
            kind.setText("loading…");
        } else {
            kind.setText(kindText + " · opening " + what + "…");
        }
        kindTip.setText(kind.getText());
    }

    /** The first host could not be opened: nothing is shown below. */
    public void showFailed(String what) {
        name.setText(what);
        kind.setText("could not be opened");
        kindTip.setText(kind.getText());
        facts.getChildren().clear();
    }

    public void show(LoadedHost h) {
        name.setText(h.hostname());
        nameTip.setText(h.hostname() + " — " + h.choice().label());
        // a lab scenario's description goes with the banner, across the whole width
        String description = h.handle().flatMap(org.vfioinspector.bridge.host.Host::scenario)
                .map(s -> s.description().strip()).filter(d -> !d.isEmpty()).map(d -> " — " + d).orElse("");
        // a lab's profile and scenario are in the banner and the facts: its kind line stays one line
        kindText = h.choice().kind() + (h.isLab() ? " · modelled kernel" : h.kernel().isPresent() ? " · "
                + h.kernelDescription() : "");
        kind.setText(kindText);
        kindTip.setText(kindText);
        boolean lab = h.isLab();
        show(banner, lab);
        banner.setText("LAB — a model of the kernel's rules, not a real machine: " + h.choice().label() + description);
        banner.setTooltip(lab ? new Tooltip(banner.getText()) : null);
        if (banner.getTooltip() != null) {
            banner.getTooltip().setWrapText(true);
            banner.getTooltip().setMaxWidth(600);
        }
        KernelInfo k = h.inventory().kernel();
        facts.getChildren().setAll(
                fact("Kernel " + h.release(), Badge.Tone.INFO, "Kernel release (procfs osrelease)"),
                h.profile().map(p -> fact("profile " + p.name(), Badge.Tone.INFO, h.profileWhy()))
                        .orElseGet(() -> fact("profile: unknown", Badge.Tone.UNKNOWN, h.profileWhy())),
                fact("IOMMU " + (k.iommuActive() ? "on" : "off"), tone(k.iommuActive()), k.iommuActive()
                        ? "An IOMMU is registered: the kernel forms IOMMU groups."
                        : "No IOMMU: boot with intel_iommu=on or amd_iommu=on (and enable VT-d/AMD-Vi)."),
                fact("vfio-pci " + (k.vfioPciModule() ? "loaded" : "missing"), tone(k.vfioPciModule()),
                        k.vfioPciModule() ? "module/vfio_pci exists" : "sudo modprobe vfio-pci"),
                fact("iommufd " + (k.iommufdModule() || k.iommufdNode() ? "yes" : "no"),
                        k.iommufdModule() || k.iommufdNode() ? Badge.Tone.GREEN : Badge.Tone.UNKNOWN,
                        "iommufd module/device node " + (k.iommufdNode() ? "present" : "absent")
                                + "; VFIO cdevs: " + (k.vfioDeviceNodes().isEmpty() ? "none"
                                : String.join(", ", k.vfioDeviceNodes()))),
                h.profile().map(p -> fact("dma-buf export " + (p.dmaBuf() ? "yes" : "no"),
                        p.dmaBuf() ? Badge.Tone.GREEN : Badge.Tone.RED, "VFIO_DEVICE_FEATURE_DMA_BUF (Linux 6.19+) in "
                                + "profile " + p.name())).orElseGet(() -> fact("dma-buf export: unknown",
                        Badge.Tone.UNKNOWN, "No kernel profile: the release is unknown.")),
                tracing(h.tracing()));
    }

    private static Badge tracing(KernelEvents.Availability a) {
        String tip = a.available() ? "Live revocation events are streamed."
                : "Not available: " + String.join("; ", a.missing()) + (a.remedy().isEmpty() ? ""
                : "\nWhat to do: " + a.remedy());
        Badge b = new Badge("revocation tracing " + (a.available() ? "live" : "unavailable"),
                a.available() ? Badge.Tone.GREEN : Badge.Tone.UNKNOWN, tip);
        b.setId("tracingBadge");
        return b;
    }

    private static Badge fact(String text, Badge.Tone tone, String tip) {
        return new Badge(text, tone, tip);
    }

    private static Badge.Tone tone(boolean ok) {
        return ok ? Badge.Tone.GREEN : Badge.Tone.RED;
    }

    private static void show(javafx.scene.Node n, boolean visible) {
        n.setVisible(visible);
        n.setManaged(visible);
    }
}
