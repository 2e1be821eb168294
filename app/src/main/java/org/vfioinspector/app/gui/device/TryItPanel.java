package org.vfioinspector.app.gui.device;

import java.util.List;
import java.util.Optional;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.Ikon;
import org.kordamp.ikonli.javafx.FontIcon;
import org.kordamp.ikonli.materialdesign2.MaterialDesignC;
import org.kordamp.ikonli.materialdesign2.MaterialDesignE;
import org.kordamp.ikonli.materialdesign2.MaterialDesignL;
import org.kordamp.ikonli.materialdesign2.MaterialDesignP;
import org.kordamp.ikonli.materialdesign2.MaterialDesignR;
import org.vfioinspector.app.gui.common.Badge;
import org.vfioinspector.app.gui.dmabuf.RangeCheck;
import org.vfioinspector.bridge.model.Sizes;

/**
 * Try it, for the selected BAR: mmap it and read a dword, export a dma-buf (range editor validated as the kernel
 * validates), attach an importer, and the device actions (reset, memory-enable off/on, close). The actions need
 * a kernel backend and a vfio-pci-bound device; when either is missing the buttons stay off and say why.
 */
public final class TryItPanel extends VBox {
    /** Host page size (x86-64, arm64 4K kernels). */
    public static final long PAGE = 4096;

    private final Label title = new Label("Try it");
    private final TextField offset = new TextField("0");
    private final TextField length = new TextField();
    private final Badge check = new Badge("", Badge.Tone.UNKNOWN);
    private final Label checkText = new Label();
    private final Label gate = new Label();
    private final List<Button> actions;
    private BarRow row;

    public TryItPanel() {
        getStyleClass().addAll("card", "try-it");
        setSpacing(8);
        setPadding(new Insets(10));
        title.getStyleClass().add("section-title");
        offset.setId("rangeOffset");
        length.setId("rangeLength");
        offset.setPrefColumnCount(9);
        length.setPrefColumnCount(9);
        offset.setTooltip(new Tooltip("Offset into the BAR: bytes, 0x hex, or 4K / 2M; must be page-aligned"));
        length.setTooltip(new Tooltip("Length of the range: bytes, 0x hex, or 4K / 2M; page-aligned and non-zero"));
        check.setId("rangeCheck");
        checkText.setId("rangeCheckText");
        checkText.setWrapText(true);
        GridPane range = new GridPane();
        range.setHgap(8);
        range.setVgap(6);
        range.addRow(0, new Label("Offset"), offset, new Label("Length"), length);
        VBox checkBox = new VBox(4, check, checkText);

        Button mmap = button("tryMmap", "Try mmap", MaterialDesignE.EYE_OUTLINE,
                "mmap(MAP_SHARED) the BAR through VFIO and read its first dword");
        Button export = button("exportDmabuf", "Export dma-buf", MaterialDesignE.EXPORT,
                "VFIO_DEVICE_FEATURE(GET|DMA_BUF) with the range above");
        Button attach = button("attachImporter", "Attach importer", MaterialDesignL.LINK_VARIANT,
                "Attach an importer (iommufd on a real host, the scenario's importers in a lab)");
        Button reset = button("resetDevice", "Reset", MaterialDesignR.RESTART,
                "VFIO_DEVICE_RESET: revokes every dma-buf of the device, then restores it");
        Button memOff = button("memoryOff", "Memory off", MaterialDesignP.POWER_PLUG_OFF,
                "Clear PCI_COMMAND.MEMORY through the config region: mappings SIGBUS, dma-bufs revoked");
        Button memOn = button("memoryOn", "Memory on", MaterialDesignP.POWER_PLUG,
                "Set PCI_COMMAND.MEMORY again: dma-bufs restored (importers must re-map)");
        Button close = button("closeDevice", "Close device", MaterialDesignC.CLOSE_CIRCLE_OUTLINE,
                "Close the device fd (the last user): its dma-bufs are revoked for good");
        actions = List.of(mmap, export, attach, reset, memOff, memOn, close);
        FlowPane barActions = new FlowPane(6, 6, mmap, export, attach);
        Label devTitle = new Label("Device");
        devTitle.getStyleClass().add("subsection-title");
        FlowPane devActions = new FlowPane(6, 6, reset, memOff, memOn, close);
        gate.setId("actionGate");
        gate.getStyleClass().add("muted");
        gate.setWrapText(true);
        Label rangeTitle = new Label("dma-buf range");
        rangeTitle.getStyleClass().add("subsection-title");
        getChildren().addAll(title, rangeTitle, range, checkBox, barActions, devTitle, devActions, gate);
        offset.textProperty().addListener((o, a, b) -> validate());
        length.textProperty().addListener((o, a, b) -> validate());
        setRow(null);
        setGate(Optional.of("Select a BAR."));
    }

    private static Button button(String id, String text, Ikon ikon, String tip) {
        FontIcon i = new FontIcon(ikon);
        i.getStyleClass().add("icon");
        Button b = new Button(text, i);
        b.setId(id);
        Tooltip t = new Tooltip(tip);
        t.setWrapText(true);
        t.setMaxWidth(380);
        b.setTooltip(t);
        return b;
    }

    /** The BAR the panel acts on; the range defaults to the whole BAR rounded up to a page (as the probe does). */
    public void setRow(BarRow newRow) {
        this.row = newRow;
        title.setText(newRow == null ? "Try it" : "Try it — " + newRow.region().name() + " of "
                + newRow.device().address());
        offset.setDisable(newRow == null);
        length.setDisable(newRow == null);
        if (newRow != null) {
            offset.setText("0");
            long pages = Math.max(PAGE, (newRow.region().size() + PAGE - 1) / PAGE * PAGE);
            length.setText(Sizes.human(pages));
        }
        validate();
    }

    /** Disables every action with the reason, or enables them (empty). */
    public void setGate(Optional<String> why) {
        actions.forEach(b -> b.setDisable(why.isPresent()));
        gate.setText(why.orElse(""));
        gate.setVisible(why.isPresent());
        gate.setManaged(why.isPresent());
    }

    private void validate() {
        if (row == null) {
            check.setText("no BAR");
            check.setTone(Badge.Tone.UNKNOWN);
            checkText.setText("Select a BAR in the table or the layout strip.");
            return;
        }
        Optional<Long> off = RangeCheck.parseSize(offset.getText());
        Optional<Long> len = RangeCheck.parseSize(length.getText());
        if (off.isEmpty() || len.isEmpty()) {
            check.setText("not a number");
            check.setTone(Badge.Tone.WARNING);
            checkText.setText("Write bytes (4096), hex (0x1000) or a size (4K, 2M).");
            return;
        }
        Optional<RangeCheck.Problem> p = RangeCheck.check(row.region(), off.get(), len.get(), PAGE);
        if (p.isPresent()) {
            check.setText("kernel would answer " + p.get().errno());
            check.setTone(Badge.Tone.RED);
            checkText.setText(p.get().meaning() + "  [" + p.get().kernelCheck() + "]");
        } else {
            check.setText("range passes the kernel's checks");
            check.setTone(Badge.Tone.GREEN);
            checkText.setText(String.format("[0x%x, 0x%x) of %s — page-aligned, non-zero, inside the BAR",
                    off.get(), off.get() + len.get(), row.region().name()));
        }
    }

    public Badge checkBadge() {
        return check;
    }
}
