package org.vfioinspector.app.gui.groups;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.control.TreeCell;
import javafx.scene.layout.HBox;
import javafx.scene.layout.StackPane;
import org.kordamp.ikonli.javafx.FontIcon;
import org.kordamp.ikonli.materialdesign2.MaterialDesignA;
import org.kordamp.ikonli.materialdesign2.MaterialDesignS;
import org.vfioinspector.app.gui.common.Badge;
import org.vfioinspector.bridge.model.Blocker;
import org.vfioinspector.bridge.model.IommuGroup;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.model.PciDevice;

/**
 * One row of the tree (a group: shield, number, type, viability badge; a device: class icon, BDF, chips, name).
 * Its nodes are built once per cell and refilled on every update: building a fresh row per update cost style
 * lookups and layout for every visible row each time a host was opened or the tree scrolled (a large part of the
 * FX-thread stall after opening a 10,000-function host, BENCHMARKS.md). Each kind of row, and each tooltip, is
 * made when the cell first shows it: a cell made during a host's opening then builds one row, not three with two
 * popups (BENCHMARKS.md, tenth round). The rows made are kept side by side in the cell's one graphic, the one shown
 * visible: a cell given another graphic matches the CSS of the new row's every node again, and cells switching
 * between device, group and empty rows were most of a big host's first open (BENCHMARKS.md, eleventh round).
 */
final class EntryCell extends TreeCell<TreeEntry> {
    private final java.util.function.Supplier<DeviceMarks> marks;
    private final StackPane rows = new StackPane();
    private GroupRow groupRow;
    private DeviceRow deviceRow;
    private UnreadableRow unreadableRow;

    EntryCell(java.util.function.Supplier<DeviceMarks> marks) {
        this.marks = marks;
        rows.setAlignment(Pos.CENTER_LEFT);
        setGraphic(rows);
    }

    private GroupRow groupRow() {
        if (groupRow == null) {
            groupRow = new GroupRow();
            rows.getChildren().add(groupRow.box);
        }
        return groupRow;
    }

    private DeviceRow deviceRow() {
        if (deviceRow == null) {
            deviceRow = new DeviceRow();
            rows.getChildren().add(deviceRow.box);
        }
        return deviceRow;
    }

    private UnreadableRow unreadableRow() {
        if (unreadableRow == null) {
            unreadableRow = new UnreadableRow();
            rows.getChildren().add(unreadableRow.box);
        }
        return unreadableRow;
    }

    /** Shows {@code row} (none: null) and hides the cell's other rows. */
    private void showOnly(HBox row) {
        for (javafx.scene.Node n : rows.getChildren()) {
            show(n, n == row);
        }
    }

    @Override
    protected void updateItem(TreeEntry item, boolean empty) {
        super.updateItem(item, empty);
        setText(null);
        if (empty || item == null) {
            setTooltip(null);
            showOnly(null);
        } else if (item instanceof TreeEntry.Group g) {
            GroupRow r = groupRow();
            r.fill(g.group());
            r.fillWhy(g);
            r.fillMark(g.group(), marks.get());
            setTooltip(null);
            showOnly(r.box);
        } else if (item instanceof TreeEntry.Device d) {
            DeviceRow r = deviceRow();
            r.fill(d, marks.get());
            setTooltip(r.tip);
            showOnly(r.box);
        } else if (item instanceof TreeEntry.Unreadable u) {
            UnreadableRow r = unreadableRow();
            r.bdf.setText(u.address().toString());
            r.why.setText("unreadable: " + u.why());
            setTooltip(null);
            showOnly(r.box);
        } else if (item instanceof TreeEntry.NoGroup n) {
            GroupRow r = groupRow();
            r.fillNoGroup(n);
            setTooltip(null);
            showOnly(r.box);
        }
    }

    /** Shows the marks of the row's entry again (they have been worked out since it was filled). */
    void remark() {
        TreeEntry item = getItem();
        if (isEmpty() || item == null) {
            return;
        }
        if (item instanceof TreeEntry.Group g) {
            groupRow().fillMark(g.group(), marks.get());
        } else if (item instanceof TreeEntry.Device d) {
            deviceRow().fillMark(d, marks.get());
        }
    }

    /** A group row and a device row with every part shown, for measuring their height. */
    List<javafx.scene.Node> sampleRows() {
        GroupRow g = groupRow();
        g.title.setText("Group 0");
        g.type.setText("DMA-FQ");
        g.viability.setText("blocked by 1");
        g.viability.setTone(Badge.Tone.RED);
        g.blockerDrivers.setText("mlx5_core");
        show(g.mark, true);
        DeviceRow d = deviceRow();
        d.bdf.setText("0000:00:00.0");
        d.driver.setText("vfio-pci");
        toggle(d.driver, true, "chip-vfio", "chip-other");
        show(d.mark, true);
        d.name.setText("Sample device");
        return List.of(g.box, d.box);
    }

    /** A group's row: shield, number, type, viability, the disagreement mark, blocking drivers, why it is shared. */
    private static final class GroupRow {
        final FontIcon icon = DeviceIcons.icon(MaterialDesignS.SHIELD_CHECK);
        final Label title = label("group-title");
        final Label type = label("muted");
        final Badge viability = new Badge("", Badge.Tone.GREEN);
        final Label blockerDrivers = label("muted");
        final Label why = label("chip", "chip-other");
        private Tooltip whyTip;
        final Badge mark = mark();
        final HBox box = row(icon, title, type, viability, mark, blockerDrivers, why);

        void fill(IommuGroup g) {
            boolean viable = g.viability().viable();
            icon.setIconCode(viable ? MaterialDesignS.SHIELD_CHECK : MaterialDesignS.SHIELD_ALERT);
            toggle(icon, viable, "icon-ok", "icon-bad");
            title.setText("Group " + g.number());
            type.setText(g.type().orElse("?"));
            if (viable) {
                viability.setText("viable");
                viability.setTone(Badge.Tone.GREEN);
                viability.setTip("Every member is bound to vfio-pci, pci-stub or no driver (bridges excepted): "
                        + "VFIO can take this group.");
            } else if (g.viability().blockers().isEmpty()) {
                // never "viable" on a guess: what could be read does not establish who is in the group
                viability.setText("membership unknown");
                viability.setTone(Badge.Tone.RED);
                viability.setTip("Not viable: the group's members could not be established: "
                        + String.join("; ", g.viability().unknown()) + ".");
                blockerDrivers.setText("");
            } else {
                String blockers = g.viability().blockers().stream()
                        .map(x -> x.address() + " (" + x.driver() + ")").collect(Collectors.joining(", "));
                viability.setText("blocked by " + g.viability().blockers().size());
                viability.setTone(Badge.Tone.RED);
                viability.setTip("Not viable: these members are bound to other drivers: " + blockers
                        + ". Unbind them or bind them to vfio-pci.");
                blockerDrivers.setText(g.viability().blockers().stream().map(Blocker::driver).distinct()
                        .collect(Collectors.joining(", ")));
            }
            viability.setId("viability-" + g.number());
            show(blockerDrivers, !viable);
        }

        void fillNoGroup(TreeEntry.NoGroup n) {
            icon.setIconCode(MaterialDesignS.SHIELD_OFF);
            toggle(icon, false, "icon-ok", "icon-bad");
            title.setText("Without an IOMMU group");
            type.setText(n.devices() + (n.devices() == 1 ? " device" : " devices"));
            viability.setText(n.noIommu() ? "no IOMMU" : "not usable");
            viability.setTone(Badge.Tone.RED);
            viability.setTip(TreeEntry.NoGroup.FIX);
            viability.setId("viability-none");
            show(blockerDrivers, false);
            show(why, false);
            show(mark, false);
        }

        /** Before anything is tried: some member's BAR gets different mmap and dma-buf answers. */
        void fillMark(IommuGroup g, DeviceMarks marks) {
            List<String> lines = new ArrayList<>();
            for (PciAddress a : g.devices()) {
                marks.disagreements(a).forEach(l -> lines.add(a + " " + l));
            }
            show(mark, !lines.isEmpty());
            if (!lines.isEmpty()) {
                mark.setId("divergence-group-" + g.number());
                mark.setTip("mmap and dma-buf export disagree, predicted before anything is tried:\n"
                        + String.join("\n", lines));
            }
        }

        /** The group's shape in two words, the full explanation in the tooltip. */
        void fillWhy(TreeEntry.Group g) {
            show(why, g.why().isPresent());
            g.why().ifPresent(w -> {
                why.setText(w.cause().replace('-', ' '));
                why.setId("why-" + g.group().number());
                if (whyTip == null) {
                    whyTip = new Tooltip();
                    whyTip.setWrapText(true);
                    whyTip.setMaxWidth(420);
                    why.setTooltip(whyTip);
                }
                whyTip.setText(w.text() + "\nTo split it: " + w.split());
            });
        }
    }

    /** A device's row: class icon, BDF, bridge and driver chips, the disagreement mark, name; the whole in a tip. */
    private static final class DeviceRow {
        final FontIcon icon = DeviceIcons.icon(MaterialDesignS.SOURCE_BRANCH);
        final Label bdf = label("mono");
        final Label bridge = label("chip", "chip-other");
        final Label driver = label("chip");
        final Badge mark = mark();
        final Label name = label("row-text");
        final HBox box = row(icon, bdf, bridge, driver, mark, name);
        final Tooltip tip = new Tooltip();

        DeviceRow() {
            tip.setWrapText(true);
            tip.setMaxWidth(560);
            bridge.setText("bridge");
            name.setMinWidth(40);
            name.setTextOverrun(javafx.scene.control.OverrunStyle.ELLIPSIS);
        }

        void fill(TreeEntry.Device e, DeviceMarks marks) {
            PciDevice d = e.device();
            icon.setIconCode(DeviceIcons.forClass(d.classCode()));
            bdf.setText(d.address().toString());
            show(bridge, d.isBridge());
            driver.setText(d.driver().orElse("no driver"));
            toggle(driver, d.driver().filter("vfio-pci"::equals).isPresent(), "chip-vfio", "chip-other");
            name.setText((e.role().isEmpty() ? "" : e.role() + " · ") + e.title());
            fillMark(e, marks);
        }

        /** The disagreement mark, and the tooltip that lists the disagreements too. */
        void fillMark(TreeEntry.Device e, DeviceMarks marks) {
            PciDevice d = e.device();
            List<String> disagree = marks.disagreements(d.address());
            show(mark, !disagree.isEmpty());
            if (!disagree.isEmpty()) {
                // an id usable in a CSS selector: "divergence-0000-00-05-0"
                mark.setId("divergence-" + d.address().toString().replace(':', '-').replace('.', '-'));
                mark.setTip("mmap and dma-buf export disagree, predicted before anything is tried:\n"
                        + String.join("\n", disagree));
            }
            // the name may be cut in a narrow pane: the tooltip has it whole
            tip.setText(d.address() + "  " + DeviceText.ids(d) + "\n" + name.getText()
                    + (e.title().equals(DeviceText.pciIdsName(d)) ? "" : "\npci.ids: " + DeviceText.pciIdsName(d))
                    + "\n" + DeviceText.className(d) + "\ndriver: " + d.driver().orElse("none")
                    + (disagree.isEmpty() ? "" : "\nmmap and dma-buf disagree: " + String.join("; ", disagree)));
        }
    }

    /** A device that could not be read: warning icon, BDF, why. */
    private static final class UnreadableRow {
        final FontIcon icon = DeviceIcons.icon(MaterialDesignA.ALERT);
        final Label bdf = label("mono");
        final Label why = label("muted");
        final HBox box = row(icon, bdf, why);

        UnreadableRow() {
            icon.getStyleClass().add("icon-bad");
        }
    }

    /** An icon-only warning badge: the row has little room; the tooltip has both rules. */
    private static Badge mark() {
        Badge b = new Badge("", Badge.Tone.WARNING);
        b.setAccessibleText("mmap and dma-buf disagree");
        b.getStyleClass().add("row-mark-badge");
        FontIcon i = new FontIcon(MaterialDesignA.ALERT_DECAGRAM_OUTLINE);
        i.getStyleClass().add("row-mark");
        b.setGraphic(i);
        b.setVisible(false);
        b.setManaged(false);
        return b;
    }

    private static Label label(String... styleClasses) {
        Label l = new Label();
        l.getStyleClass().addAll(styleClasses);
        return l;
    }

    private static HBox row(javafx.scene.Node... children) {
        // chips, badges and titles keep their width (never cut); only the device's name gives way (DeviceRow)
        for (javafx.scene.Node n : children) {
            if (n instanceof javafx.scene.layout.Region r) {
                r.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
            }
        }
        HBox row = new HBox(6, children);
        row.setAlignment(Pos.CENTER_LEFT);
        return row;
    }

    private static void show(javafx.scene.Node n, boolean shown) {
        n.setVisible(shown);
        n.setManaged(shown);
    }

    /** Sets style class {@code on} or {@code off}, never both. */
    private static void toggle(javafx.scene.Node n, boolean which, String on, String off) {
        String add = which ? on : off;
        String remove = which ? off : on;
        if (!n.getStyleClass().contains(add)) {
            n.getStyleClass().add(add);
        }
        n.getStyleClass().remove(remove);
    }
}
