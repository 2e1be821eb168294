package org.vfioinspector.app.gui.device;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.javafx.FontIcon;
import org.vfioinspector.app.gui.common.Badge;
import org.vfioinspector.app.gui.groups.DeviceIcons;
import org.vfioinspector.app.gui.groups.DeviceText;
import org.vfioinspector.bridge.config.Capability;
import org.vfioinspector.bridge.text.CapabilityText;
import org.vfioinspector.bridge.config.ConfigSpace;
import org.vfioinspector.bridge.model.HostInventory;
import org.vfioinspector.bridge.model.IommuGroup;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.model.PciDevice;
import org.vfioinspector.bridge.model.ReservedRegion;
import org.vfioinspector.bridge.rules.GroupWhy;
import org.vfioinspector.bridge.rules.HostTopology;

/**
 * The right pane: a device's identity, its BAR layout to scale, the BAR table with verdict badges, the verdict
 * details of the selected BAR and the try-it panel. For a selected group: its viability and members.
 */
public final class DeviceView extends ScrollPane {
    private final VBox content = new VBox(12);
    private final BarStrip strip = new BarStrip();
    private final Label scale = new Label();
    private final BarTable table = new BarTable();
    private final VBox details = new VBox(6);
    private final TryItPanel tryIt = new TryItPanel();
    private final ComboBox<PciAddress> p2pImporter = new ComboBox<>();
    private PciDevice shown;
    private GridPane identity;
    private boolean refilling;
    private HostInventory shownIn;
    private HostTopology topology;
    private VerdictSource verdicts = VerdictSource.NONE;
    private Optional<String> actionGate = Optional.of("No host.");
    private RuleInspected onRuleInspected = (row, what, v) -> { };

    /** The user opened the rule behind a verdict (recorded in the session's activity: exercises look for it). */
    @FunctionalInterface
    public interface RuleInspected {
        /**
         * @param row  the BAR
         * @param what "mmap", "dma-buf" or "p2p"
         * @param v    the verdict whose rule was shown
         */
        void inspected(BarRow row, String what, Verdict v);
    }

    public void setOnRuleInspected(RuleInspected l) {
        this.onRuleInspected = l;
    }

    public DeviceView() {
        getStyleClass().add("device-view");
        setFitToWidth(true);
        widthProperty().addListener((o, a, w) -> identityPairs(w.doubleValue()));
        content.setPadding(new Insets(14));
        setContent(content);
        scale.getStyleClass().add("muted");
        scale.setWrapText(true);
        scale.textProperty().bind(strip.scaleProperty());
        strip.setOnSelect(r -> table.getSelectionModel().select(r));
        table.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> showBar(b));
        details.getStyleClass().add("card");
        details.setPadding(new Insets(10));
        details.setId("verdictDetails");
        showNothing("Select a group or a device on the left.");
        p2pImporter.setId("p2pImporter");
        p2pImporter.setPromptText("importer device");
        p2pImporter.setTooltip(new Tooltip("The device that would DMA to this BAR (an RDMA NIC, a GPU): the P2P "
                + "verdict is pci_p2pdma_distance between the two, what dma_buf_map_attachment answers that "
                + "device's driver. iommufd (the try-it importer) is not asked this: it maps the BAR into its IOMMU "
                + "page tables for the devices attached to its IOAS."));
        p2pImporter.valueProperty().addListener((o, a, b) -> {
            if (shown != null && !refilling && b != null && !b.equals(a)) {
                // the table's P2P column and the details follow the importer: rebuild, keeping the selected BAR
                BarRow sel = table.getSelectionModel().getSelectedItem();
                int index = sel == null ? -1 : sel.region().index();
                showDevice(shown, shownIn);
                table.getItems().stream().filter(r -> r.region().index() == index).findFirst()
                        .ifPresent(r -> table.getSelectionModel().select(r));
            }
        });
    }

    public void setVerdictSource(VerdictSource source) {
        this.verdicts = source;
    }

    /**
     * The host's P2P topology as its loader computed it off the FX thread, CPU included: the P2P badge decides by
     * the same facts as {@code list}'s p2p verdicts (an AMD Zen CPU lets p2pdma through any host bridge).
     */
    public void setTopology(HostTopology topology) {
        this.topology = topology;
    }

    /** Why the try-it actions are unavailable on this host (empty: available). */
    public void setActionGate(Optional<String> why) {
        this.actionGate = why;
    }

    public BarTable barTable() {
        return table;
    }

    public BarStrip barStrip() {
        return strip;
    }

    public TryItPanel tryIt() {
        return tryIt;
    }

    public void showNothing(String message) {
        Label l = new Label(message);
        l.getStyleClass().add("placeholder");
        l.setWrapText(true);
        content.getChildren().setAll(l);
    }

    public void showGroup(IommuGroup g, HostInventory inv) {
        Label title = new Label("IOMMU group " + g.number());
        title.getStyleClass().add("view-title");
        Badge v = g.viability().viable() ? new Badge("viable", Badge.Tone.GREEN)
                : new Badge("not viable", Badge.Tone.RED);
        HBox head = new HBox(10, title, v);
        head.setAlignment(Pos.CENTER_LEFT);
        GridPane grid = grid();
        int r = 0;
        row(grid, r++, "Domain type", g.type().orElse("unknown (no type file)"));
        row(grid, r++, "Members", g.devices().stream().map(a -> a + "  " + inv.device(a).map(DeviceText::name)
                .orElse("(unreadable)") + "  [" + inv.device(a).flatMap(PciDevice::driver).orElse("no driver") + "]")
                .collect(Collectors.joining("\n")));
        row(grid, r++, "Blockers", g.viability().viable() ? "none: every member is bound to vfio-pci, pci-stub or "
                + "no driver (bridges excepted)" : g.viability().blockers().stream()
                .map(b -> b.address() + " is bound to " + b.driver() + "\n").collect(Collectors.joining())
                + (g.viability().blockers().isEmpty() ? "" : "Unbind them, or bind them to vfio-pci, to use this group.")
                + (g.viability().unknown().isEmpty() ? "" : (g.viability().blockers().isEmpty() ? "" : "\n")
                + "Membership unknown: " + String.join("; ", g.viability().unknown())));
        row(grid, r++, "Reserved IOVA", g.reservedRegions().isEmpty() ? "none listed" : g.reservedRegions().stream()
                .map(DeviceView::reserved).collect(Collectors.joining("\n")));
        row(grid, r++, "VFIO node", "vfio/" + g.number());
        if (g.devices().size() > 1) {
            GroupWhy w = GroupWhy.explain(g, inv);
            row(grid, r++, "Why this group", w.cause() + ": " + w.text());
            row(grid, r, "To split it", w.split());
        }
        content.getChildren().setAll(head, grid);
        List<String> disagree = new java.util.ArrayList<>();
        for (PciAddress a : g.devices()) {
            inv.device(a).ifPresent(dev -> verdicts.disagreements(dev).forEach(x -> disagree.add(a + " " + x)));
        }
        if (!disagree.isEmpty()) {
            content.getChildren().add(1, disagreeBox("group-disagree", disagree));
        }
    }

    /** The header's warning: before anything is tried, some BAR's mmap and dma-buf verdicts differ. */
    private static Badge disagreeBadge(int bars) {
        Badge b = new Badge("mmap and dma-buf disagree on " + bars + (bars == 1 ? " BAR" : " BARs"), Badge.Tone.WARNING,
                "The kernel's rules give this BAR different mmap and dma-buf export answers; both rules are listed "
                        + "below");
        b.setId("disagree-badge");
        return b;
    }

    /** Each disagreeing BAR with both deciding rules side by side. */
    private static VBox disagreeBox(String id, List<String> lines) {
        Label t = new Label("predicted before anything is tried");
        t.getStyleClass().add("section-title");
        // wraps beside the badge: on one line the two held a narrow device view at 600 px (it scrolled sideways)
        t.setWrapText(true);
        Badge badge = disagreeBadge(lines.size());
        badge.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        HBox title = new HBox(8, badge, t);
        title.setAlignment(Pos.CENTER_LEFT);
        VBox box = new VBox(4, title);
        for (String line : lines) {
            Label l = new Label(line);
            l.getStyleClass().add("mono-small");
            l.setWrapText(true);
            l.setMinHeight(javafx.scene.control.Control.USE_PREF_SIZE);
            box.getChildren().add(l);
        }
        box.setId(id);
        return box;
    }

    public void showDevice(PciDevice d, HostInventory inv) {
        FontIcon icon = DeviceIcons.icon(DeviceIcons.forClass(d.classCode()));
        icon.getStyleClass().add("icon-large");
        Label title = new Label(DeviceText.name(d));
        title.getStyleClass().add("view-title");
        title.setWrapText(true);
        Label bdf = new Label(d.address().toString());
        bdf.getStyleClass().addAll("mono", "view-subtitle");
        Label drv = new Label(d.driver().orElse("no driver"));
        drv.getStyleClass().addAll("chip", d.driver().filter("vfio-pci"::equals).isPresent() ? "chip-vfio"
                : "chip-other");
        bdf.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        drv.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        // the address and the driver under the name: beside a long name they were cut to "00..." at 1024 px
        HBox where = new HBox(10, bdf, drv);
        where.setAlignment(Pos.CENTER_LEFT);
        VBox named = new VBox(2, title, where);
        HBox.setHgrow(named, Priority.ALWAYS);
        HBox head = new HBox(10, icon, named);
        head.setAlignment(Pos.CENTER_LEFT);

        GridPane id = grid();
        // two key/value pairs per line (four columns) where the view is wide enough: identityPairs
        id.getColumnConstraints().addAll(new ColumnConstraints(), new ColumnConstraints());
        id.setId("identity");
        int r = 0;
        row(id, r++, "IDs", DeviceText.ids(d) + d.subsystemVendor().map(sv -> String.format("  subsystem %04x:%04x",
                sv, d.subsystemDevice().orElse(0))).orElse("") + d.revision().map(x -> String.format("  rev %02x", x))
                .orElse(""));
        row(id, r++, "Vendor", d.names().vendor().orElse("unknown to pci.ids"));
        row(id, r++, "Device", d.names().device().orElse("unknown to pci.ids")
                + d.names().subsystem().map(s -> "\nsubsystem: " + s).orElse(""));
        row(id, r++, "Class", DeviceText.className(d) + d.names().progIf().map(p -> " · " + p).orElse(""));
        row(id, r++, "Driver", d.driver().orElse("none") + d.driverOverride().map(o -> "  (driver_override: " + o
                + ")").orElse(""));
        row(id, r++, "IOMMU group", d.iommuGroup().map(g -> g + inv.group(g).map(x -> x.viability().viable()
                ? " (viable)" : " (not viable)").orElse("")).orElse("none: no IOMMU"));
        row(id, r++, "Reset methods", d.resetMethods().map(m -> m.isEmpty() ? "disabled (reset_method empty)"
                : String.join(", ", m)).orElse("none: the device cannot be reset"));
        row(id, r++, "NUMA node", d.numaNode().map(n -> n < 0 ? "no affinity (-1)" : Integer.toString(n))
                .orElse("unknown"));
        row(id, r++, "Upstream", d.upstream().isEmpty() ? "root bus" : d.upstream().stream()
                .map(a -> a + inv.device(a).map(x -> " " + DeviceText.name(x)).orElse(""))
                .collect(Collectors.joining("  →  ")) + "  →  " + d.address());
        if (d.sriov().isPresent()) {
            row(id, r++, "SR-IOV", d.sriov().get().numVfs() + " of " + d.sriov().get().totalVfs() + " VFs enabled"
                    + (d.sriov().get().virtfns().isEmpty() ? "" : ": " + d.sriov().get().virtfns().stream()
                    .map(PciAddress::toString).collect(Collectors.joining(", "))));
        }
        if (d.physfn().isPresent()) {
            row(id, r++, "Physical function", d.physfn().get().toString());
        }
        row(id, r, "VFIO cdev", d.vfioDevice().map(v -> "vfio/devices/" + v).orElse("none"));
        identity = id;
        identityPairs(getWidth());

        shownIn = inv;
        shown = d;
        // importers: every endpoint but this one (host bridges issue no DMA of their own)
        List<PciAddress> importers = inv.devices().stream().filter(o -> !o.isBridge() && (o.classCode() >>> 8) != 0x0600
                && !o.address().equals(d.address())).map(PciDevice::address).toList();
        PciAddress keep = p2pImporter.getValue();
        refilling = true;
        p2pImporter.getItems().setAll(importers);
        p2pImporter.setValue(importers.contains(keep) ? keep : importers.isEmpty() ? null : importers.get(0));
        refilling = false;
        List<BarRow> rows = d.regions().stream().map(x -> {
            BarVerdicts p = verdicts.predict(d, x);
            return new BarRow(d, x, new BarVerdicts(p.mmap(), p.export(), p2pVerdict(d, x, p.p2p(), p.export())));
        }).toList();
        table.getItems().setAll(rows);
        table.setFixedCellSize(30);
        table.setPrefHeight(30 * Math.max(rows.size(), 1) + 34);
        table.setMinHeight(table.getPrefHeight());
        strip.setRows(rows);
        Label layout = new Label("BAR layout");
        layout.getStyleClass().add("section-title");
        Label barsTitle = new Label("BARs — predicted by: " + verdicts.describe());
        barsTitle.getStyleClass().add("section-title");
        barsTitle.setWrapText(true);
        // the try-it groups get the whole width: they reflow into as many columns as fit
        content.getChildren().setAll(head, id, layout, strip, scale, barsTitle, table, details, tryIt);
        List<String> disagree = verdicts.disagreements(d);
        if (!disagree.isEmpty()) {
            content.getChildren().add(1, disagreeBox("device-disagree", disagree));
        }
        d.config().ifPresent(c -> content.getChildren().add(configCard(c)));
        tryIt.setDevice(d);
        tryIt.setType1Targets(inv.devices().stream().filter(o -> !o.address().equals(d.address())
                && o.driver().filter("vfio-pci"::equals).isPresent() && o.iommuGroup().isPresent()
                && !o.iommuGroup().equals(d.iommuGroup())).map(PciDevice::address).toList());
        tryIt.setGate(d.driver().filter("vfio-pci"::equals).isPresent()
                ? (d.iommuGroup().isEmpty() ? Optional.of("The device is in no IOMMU group: VFIO cannot open it.")
                : actionGate)
                : Optional.of("Actions need the device bound to vfio-pci (it is bound to "
                + d.driver().orElse("no driver") + ")." + actionGate.map(w -> " " + w).orElse("")));
        if (!rows.isEmpty()) {
            table.getSelectionModel().selectFirst();
        } else {
            showBar(null);
        }
    }

    private void showBar(BarRow row) {
        strip.highlight(row);
        tryIt.setRow(row);
        details.getChildren().clear();
        Label t = new Label(row == null ? "Verdicts" : "Verdicts — " + row.region().name());
        t.getStyleClass().add("section-title");
        details.getChildren().add(t);
        if (row == null) {
            details.getChildren().add(new Label("No BAR selected."));
            return;
        }
        details.getChildren().add(verdictLine(row, "mmap", "mmap", row.predicted().mmap()));
        details.getChildren().add(verdictLine(row, "dma-buf export", "dma-buf", row.predicted().export()));
        Verdict p2p = row.predicted().p2p();
        VBox p2pLine = verdictLine(row, "P2P", "p2p", p2p);
        // the importer on a row of its own: an opened rule's text must not squeeze the chooser
        Label to = new Label("P2P importer");
        to.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        p2pImporter.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        HBox chooser = new HBox(8, to, p2pImporter);
        chooser.setAlignment(Pos.CENTER_LEFT);
        details.getChildren().addAll(chooser, p2pLine);
        String div = row.divergence();
        if (!div.isEmpty()) {
            Badge w = new Badge("mmap and dma-buf disagree", Badge.Tone.WARNING);
            Label l = new Label(div);
            l.setWrapText(true);
            details.getChildren().addAll(w, l);
        }
    }

    /**
     * The P2P verdict for an importer on the chosen device: pci_p2pdma_distance over the scanned topology (never
     * unknown when both devices are known); the verdict source's answer when no importer device is chosen.
     */
    private Verdict p2pVerdict(PciDevice d, org.vfioinspector.bridge.model.Region bar, Verdict otherwise,
                               Verdict export) {
        PciAddress imp = p2pImporter.getValue();
        if (imp == null || topology == null) {
            return otherwise;
        }
        if (export.status() == Verdict.Status.NO) {
            return new Verdict(Verdict.Status.NO, "no dma-buf to import: " + export.rule(), "The export of "
                    + bar.name() + " is refused, so no importer on " + imp + " gets a buffer to map.");
        }
        org.vfioinspector.bridge.rules.Verdict v = topology.p2p(d, bar, imp);
        Verdict.Status st = v.allowed() ? Verdict.Status.YES : v.refused() ? Verdict.Status.NO
                : Verdict.Status.UNKNOWN;
        return new Verdict(st, v.rule().describe(), "For an in-kernel importer on " + imp + " (an RDMA NIC's or a "
                + "GPU's driver): what dma_buf_map_attachment answers it. iommufd's IOMMU_IOAS_MAP_FILE asks no "
                + "p2pdma distance: it maps the BAR into the IOMMU page tables of its IOAS, and a device attached "
                + "there reaches the BAR whatever this says (measured on q35: edu reached ivshmem's BAR through "
                + "iommufd where this says no).");
    }

    /** Readable bytes, one line per capability, D3hot as a warning, broken chains as problems. */
    private static VBox configCard(ConfigSpace c) {
        Label t = new Label("Config space — " + c.part());
        t.getStyleClass().add("section-title");
        t.setWrapText(true);
        VBox box = new VBox(4, t);
        box.getStyleClass().add("card");
        box.setPadding(new Insets(10));
        box.setId("configSpace");
        if (c.d3hot()) {
            Badge w = new Badge("D3hot", Badge.Tone.WARNING);
            w.setId("d3hotWarning");
            Label l = new Label("The device is in D3hot: vfio-pci revokes its mmaps and dma-bufs and refuses a new "
                    + "export until it is back in D0 (opening the device wakes it).");
            l.setWrapText(true);
            HBox hb = new HBox(8, w, l);
            hb.setAlignment(Pos.CENTER_LEFT);
            box.getChildren().add(hb);
        }
        for (Capability cap : c.capabilities()) {
            Label l = new Label(CapabilityText.line(cap));
            l.getStyleClass().add("mono-small");
            l.setWrapText(true);
            box.getChildren().add(l);
        }
        if (c.capabilities().isEmpty()) {
            box.getChildren().add(new Label("No capabilities listed."));
        }
        for (ConfigSpace.Problem p : c.problems()) {
            Badge b = new Badge("broken chain", Badge.Tone.RED);
            Label l = new Label(p.toString());
            l.setWrapText(true);
            HBox hb = new HBox(8, b, l);
            hb.setAlignment(Pos.CENTER_LEFT);
            box.getChildren().add(hb);
        }
        return box;
    }

    /** A verdict's badge; its deciding rule opens on "Which rule?" (so that looking at it is a recorded act). */
    private VBox verdictLine(BarRow row, String what, String key, Verdict v) {
        Badge b = new Badge(what + ": " + switch (v.status()) {
            case YES -> "yes";
            case NO -> "no";
            case UNKNOWN -> "unknown";
        }, v.status().tone());
        Label rule = new Label(v.rule());
        rule.getStyleClass().add("mono-small");
        rule.setWrapText(true);
        rule.setId("rule-" + key);
        VBox why = new VBox(2, rule);
        if (!v.detail().equals(v.rule())) {
            Label d = new Label(v.detail());
            d.setWrapText(true);
            why.getChildren().add(d);
        }
        why.setVisible(false);
        why.setManaged(false);
        Hyperlink open = new Hyperlink("Which rule?");
        open.setId("why-" + key);
        open.setOnAction(e -> {
            boolean show = !why.isVisible();
            why.setVisible(show);
            why.setManaged(show);
            open.setText(show ? "Hide the rule" : "Which rule?");
            if (show) {
                onRuleInspected.inspected(row, key, v);
            }
        });
        HBox head = new HBox(8, b, open);
        head.setAlignment(Pos.CENTER_LEFT);
        return new VBox(2, head, why);
    }

    /**
     * The identity grid with two key/value pairs per line where the view is wide enough for them (the grid's four
     * columns need ~600 px), else one: beside the exercises sheet at 1024 px the view is ~470 px wide and two pairs
     * per line made it scroll sideways.
     */
    private void identityPairs(double width) {
        GridPane g = identity;
        if (g == null || width <= 0) {
            return;
        }
        boolean two = width >= IDENTITY_TWO_PAIRS;
        if (Boolean.valueOf(two).equals(g.getUserData())) {
            return;
        }
        g.setUserData(two);
        ColumnConstraints k = new ColumnConstraints();
        k.setMinWidth(110);
        ColumnConstraints v = new ColumnConstraints();
        v.setHgrow(Priority.ALWAYS);
        if (two) {
            // 2 x 30 %: the key columns' 2 x 110 px fit in the rest down to ~600 px (36 % made the grid 807 px wide
            // at least)
            ColumnConstraints k2 = new ColumnConstraints();
            k2.setMinWidth(110);
            ColumnConstraints v2 = new ColumnConstraints();
            v2.setHgrow(Priority.ALWAYS);
            v.setPercentWidth(30);
            v2.setPercentWidth(30);
            g.getColumnConstraints().setAll(k, v, k2, v2);
        } else {
            g.getColumnConstraints().setAll(k, v);
        }
        var nodes = List.copyOf(g.getChildren());
        for (int i = 0; i + 1 < nodes.size(); i += 2) {
            int r = i / 2;
            GridPane.setConstraints(nodes.get(i), two ? (r % 2) * 2 : 0, two ? r / 2 : r);
            GridPane.setConstraints(nodes.get(i + 1), two ? (r % 2) * 2 + 1 : 1, two ? r / 2 : r);
        }
    }

    /** The device view's width from which the identity grid holds two pairs per line. */
    static final double IDENTITY_TWO_PAIRS = 640;

    private static GridPane grid() {
        GridPane g = new GridPane();
        g.getStyleClass().addAll("card", "identity");
        g.setHgap(14);
        g.setVgap(5);
        g.setPadding(new Insets(10));
        ColumnConstraints k = new ColumnConstraints();
        k.setMinWidth(110);
        ColumnConstraints v = new ColumnConstraints();
        v.setHgrow(Priority.ALWAYS);
        g.getColumnConstraints().addAll(k, v);
        return g;
    }

    /** Places the r-th key/value pair: two pairs per line when the grid has four columns. */
    private static void row(GridPane g, int r, String key, String value) {
        Label k = new Label(key);
        k.getStyleClass().add("detail-key");
        Label v = new Label(value);
        v.setWrapText(true);
        v.getStyleClass().add("detail-value");
        boolean pairs = g.getColumnConstraints().size() == 4;
        int col = pairs ? (r % 2) * 2 : 0;
        int line = pairs ? r / 2 : r;
        g.add(k, col, line);
        g.add(v, col + 1, line);
    }

    private static String reserved(ReservedRegion rr) {
        return String.format("0x%016x – 0x%016x  %s", rr.start(), rr.end(), rr.kind());
    }
}
