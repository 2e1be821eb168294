package org.vfioinspector.app.gui.device;

import java.util.List;
import java.util.Optional;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
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
import org.vfioinspector.app.gui.common.ErrorDetails;
import org.vfioinspector.app.gui.common.ErrorPresenter;
import org.vfioinspector.app.gui.dmabuf.RangeCheck;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.model.PciDevice;
import org.vfioinspector.bridge.model.Sizes;
import org.vfioinspector.bridge.session.RegionInfo;

/**
 * Try it, for the selected BAR: mmap it and read a dword, export a dma-buf (range editor validated as the kernel
 * validates), attach an importer, and the device actions (reset, memory-enable off/on, close). The actions need
 * a kernel backend and a vfio-pci-bound device; when either is missing the buttons stay off and say why.
 */
public final class TryItPanel extends VBox {
    /** Host page size (x86-64, arm64 4K kernels). */
    public static final long PAGE = org.vfioinspector.bridge.uapi.Vfio.PAGE_SIZE;

    private final Label title = new Label("Try it");
    private final TextField offset = new TextField("0");
    private final TextField length = new TextField();
    private final Badge check = new Badge("", Badge.Tone.UNKNOWN);
    private final Label checkText = new Label();
    private final Label gate = new Label();
    private final List<Button> actions;
    private final List<Button> barActions;
    private final ComboBox<String> importer = new ComboBox<>();
    private final ComboBox<PciAddress> type1Into = new ComboBox<>();
    private final Label importerWhy = new Label();
    private final Badge resultBadge = new Badge("", Badge.Tone.UNKNOWN);
    private final Label resultText = new Label();
    private final VBox result = new VBox(4);
    private final Label waitingText = new Label();
    private final Button abandon = new Button("Abandon");
    private final VBox waiting = new VBox(4);
    private Runnable onAbandon = () -> { };
    private BarRow row;
    private PciDevice device;
    private Handler handler = (a, r) -> { };
    private Optional<String> gateWhy = Optional.of("Select a BAR.");
    private boolean busy;

    /** What the user asked for. */
    public enum Action {
        MMAP("Try mmap"), EXPORT("Export dma-buf"), ATTACH("Attach importer"), RESET("Reset"),
        MEMORY_OFF("Memory off"), MEMORY_ON("Memory on"), CLOSE("Close device"), MAP_TYPE1("Map into type1"),
        UNBIND("Unbind from vfio-pci");

        private final String label;

        Action(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        /** The action's name in the session's activity record: "mmap", "export", "memory-off", ... */
        public String operation() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }

        /**
         * Whether the action changes the device's state (a confirmation on a real host). Export and attach do too:
         * they create a dma-buf of the BAR that a peer can DMA to, which the kernel revokes on reset.
         */
        public boolean changesDevice() {
            return this != MMAP;
        }

        public boolean needsBar() {
            return this == MMAP || this == EXPORT || this == ATTACH || this == MAP_TYPE1;
        }
    }

    /**
     * One request from the panel.
     *
     * @param device   the device shown
     * @param row      the selected BAR, or null (device actions)
     * @param offset   range offset (EXPORT), parsed from the editor
     * @param length   range length (EXPORT)
     * @param importer the chosen importer (ATTACH), or null
     * @param into     the device whose type1 container the BAR is mapped into (MAP_TYPE1), or null
     */
    public record Request(PciDevice device, BarRow row, long offset, long length, String importer,
                          PciAddress into) {
    }

    /** Receives the panel's requests (FX thread). */
    @FunctionalInterface
    public interface Handler {
        void act(Action action, Request request);
    }

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
        Button mapType1 = button("mapType1", "Map into type1", MaterialDesignL.LAN_CONNECT,
                "P2P the old way: VFIO_IOMMU_MAP_DMA of this BAR's mmap into the chosen device's type1 container; "
                + "type1 keeps no reference on this device");
        Button unbind = button("unbindDevice", "Unbind from vfio-pci", MaterialDesignL.LINK_VARIANT_OFF,
                "Write the device to vfio-pci's unbind attribute (bus/pci/drivers/vfio-pci/unbind); the kernel "
                + "waits while the device is in use");
        // in Action order
        actions = List.of(mmap, export, attach, reset, memOff, memOn, close, mapType1, unbind);
        barActions = List.of(mmap, export, attach, mapType1);
        Action[] kinds = Action.values();
        for (int i = 0; i < kinds.length; i++) {
            Action a = kinds[i];
            actions.get(i).setOnAction(e -> fire(a));
        }
        type1Into.setId("type1Into");
        type1Into.setPromptText("type1 container of");
        type1Into.setTooltip(new Tooltip("The device (another IOMMU group) whose type1 container gets the mapping"));
        importer.setId("importerChoice");
        importer.setPromptText("importer");
        importer.setTooltip(new Tooltip("Which importer attaches to the last dma-buf exported from this BAR"));
        importerWhy.setId("importerWhy");
        importerWhy.getStyleClass().add("muted");
        importerWhy.setWrapText(true);
        FlowPane barButtons = new FlowPane(6, 6, mmap, export, importer, attach, type1Into, mapType1);
        Label devTitle = new Label("Device");
        devTitle.getStyleClass().add("subsection-title");
        FlowPane devActions = new FlowPane(6, 6, reset, memOff, memOn, close, unbind);
        gate.setId("actionGate");
        gate.getStyleClass().add("muted");
        gate.setWrapText(true);
        Label rangeTitle = new Label("dma-buf range");
        rangeTitle.getStyleClass().add("subsection-title");
        result.setId("tryResult");
        resultBadge.setId("tryResultBadge");
        resultText.setId("tryResultText");
        resultText.setWrapText(true);
        result.getChildren().setAll(resultBadge, resultText);
        result.getStyleClass().add("try-result");
        showResult(null, null, null);
        waiting.setId("kernelWaiting");
        waiting.getStyleClass().add("try-result");
        waitingText.setId("waitingText");
        waitingText.setWrapText(true);
        abandon.setId("abandonCall");
        abandon.setGraphic(new FontIcon(MaterialDesignC.CANCEL));
        Tooltip abandonTip = new Tooltip("Stop waiting for this call: the thread stuck in the kernel is left behind "
                + "and a fresh one runs later actions; the device's state is then unknown");
        abandonTip.setWrapText(true);
        abandonTip.setMaxWidth(380);
        abandon.setTooltip(abandonTip);
        abandon.setOnAction(e -> onAbandon.run());
        waiting.getChildren().setAll(new Badge("waiting for the kernel", Badge.Tone.WARNING), waitingText, abandon);
        hideWaiting();
        getChildren().addAll(title, rangeTitle, range, checkBox, barButtons, importerWhy, devTitle, devActions, gate,
                waiting, result);
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
            length.setText(Sizes.human(RegionInfo.pageSpan(newRow.region().size())));
        }
        validate();
        if (actions != null) {
            enable();
        }
    }

    /** Disables every action with the reason, or enables them (empty). */
    public void setGate(Optional<String> why) {
        gateWhy = why;
        gate.setText(why.orElse(""));
        gate.setVisible(why.isPresent());
        gate.setManaged(why.isPresent());
        enable();
    }

    private void enable() {
        boolean off = gateWhy.isPresent() || busy;
        actions.forEach(b -> b.setDisable(off || (barActions.contains(b) && row == null)));
        importer.setDisable(off || row == null || importer.getItems().isEmpty());
        if (!importer.getItems().isEmpty()) {
            barActions.get(2).setDisable(off || row == null);
        } else {
            barActions.get(2).setDisable(true);
        }
        type1Into.setDisable(off || row == null || type1Into.getItems().isEmpty());
        barActions.get(3).setDisable(off || row == null || type1Into.getItems().isEmpty());
    }

    /** The devices (vfio-pci, in another IOMMU group) whose type1 container a BAR of this device can be mapped into. */
    public void setType1Targets(List<PciAddress> targets) {
        type1Into.getItems().setAll(targets);
        if (!targets.isEmpty()) {
            type1Into.getSelectionModel().selectFirst();
        }
        enable();
    }

    /** The device the device actions act on. */
    public void setDevice(PciDevice d) {
        this.device = d;
        showResult(null, null, null);
    }

    public void setHandler(Handler h) {
        this.handler = h;
    }

    /** While a kernel call runs, the buttons are off (one request at a time). */
    public void setBusy(boolean b) {
        busy = b;
        enable();
    }

    /**
     * A call has not answered within the grace period: says what it waits for and for how long, with Abandon
     * (which runs {@code abandonIt}).
     */
    public void showWaiting(String text, Runnable abandonIt) {
        waitingText.setText(text);
        onAbandon = abandonIt;
        waiting.setVisible(true);
        waiting.setManaged(true);
    }

    /** The call answered or was abandoned. */
    public void hideWaiting() {
        onAbandon = () -> { };
        waiting.setVisible(false);
        waiting.setManaged(false);
    }

    /** The importers the host offers, or none with the reason. */
    public void setImporters(List<String> names, String whyNone) {
        importer.getItems().setAll(names);
        if (!names.isEmpty()) {
            importer.getSelectionModel().selectFirst();
        }
        importerWhy.setText(names.isEmpty() ? whyNone : "");
        importerWhy.setVisible(names.isEmpty());
        importerWhy.setManaged(names.isEmpty());
        enable();
    }

    /** The outcome of the last request: a badge, a sentence, and the error's details when it failed. */
    public void showResult(String badge, Badge.Tone tone, String text, ErrorDetails details) {
        showResult(badge, tone, text);
        if (details != null) {
            javafx.scene.layout.GridPane g = ErrorPresenter.grid(details);
            g.setId("tryResultDetails");
            result.getChildren().add(g);
        }
    }

    public void showResult(String badge, Badge.Tone tone, String text) {
        result.getChildren().setAll(resultBadge, resultText);
        boolean any = badge != null;
        result.setVisible(any);
        result.setManaged(any);
        if (any) {
            resultBadge.setText(badge);
            resultBadge.setTone(tone);
            resultText.setText(text == null ? "" : text);
        }
    }

    private void fire(Action a) {
        if (device == null || (a.needsBar() && row == null)) {
            return;
        }
        long off = 0;
        long len = 0;
        if (a == Action.EXPORT) {
            Optional<Long> o = RangeCheck.parseSize(offset.getText());
            Optional<Long> l = RangeCheck.parseSize(length.getText());
            if (o.isEmpty() || l.isEmpty()) {
                showResult("not a number", Badge.Tone.WARNING, "Write the range as bytes, hex or a size (4K).");
                return;
            }
            off = o.get();
            len = l.get();
        }
        handler.act(a, new Request(device, row, off, len, importer.getValue(), type1Into.getValue()));
    }

    /** Performs an action as if its button were pressed (demos and screenshots: {@code -Dvfioinspector.try}). */
    public void perform(Action a) {
        fire(a);
    }

    public Label resultText() {
        return resultText;
    }

    public Badge resultBadge() {
        return resultBadge;
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
