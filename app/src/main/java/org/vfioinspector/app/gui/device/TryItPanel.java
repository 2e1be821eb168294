package org.vfioinspector.app.gui.device;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.Ikon;
import org.kordamp.ikonli.javafx.FontIcon;
import org.kordamp.ikonli.materialdesign2.MaterialDesignC;
import org.kordamp.ikonli.materialdesign2.MaterialDesignE;
import org.kordamp.ikonli.materialdesign2.MaterialDesignL;
import org.kordamp.ikonli.materialdesign2.MaterialDesignM;
import org.kordamp.ikonli.materialdesign2.MaterialDesignP;
import org.kordamp.ikonli.materialdesign2.MaterialDesignR;
import org.kordamp.ikonli.materialdesign2.MaterialDesignS;
import org.vfioinspector.app.gui.common.Badge;
import org.vfioinspector.app.gui.common.ErrorDetails;
import org.vfioinspector.app.gui.common.ErrorPresenter;
import org.vfioinspector.app.gui.dmabuf.RangeCheck;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.model.PciDevice;
import org.vfioinspector.bridge.model.Sizes;
import org.vfioinspector.bridge.session.RegionInfo;

/**
 * Try it, grouped by the kernel object each action acts on, each group with its own controls: the BAR's mmap; its
 * dma-buf (range, export); the importer of that dma-buf (choice, attach, map again, detach); type1 (target device,
 * map); the device (reset, memory off/on, close, unbind); and, where the host has a device with a DMA engine, the DMA
 * witness (one DMA read through that device from an IOVA of its IOMMU domain).
 *
 * <p>Beside every button a badge says, before it is pressed, what the kernel will answer ({@link TryItPredictions});
 * an action the kernel will refuse stays available, since trying it is the point. The rule behind the focused or
 * hovered action, and the kernel's answer after a press, show below the groups: text of changing length lies only
 * below the buttons and in fixed-width cards, so no button moves when it changes. Nothing here opens a dialog (the
 * controller asks before acting on a real host).
 */
public final class TryItPanel extends VBox {
    /** Read once, off any scene: see {@link org.vfioinspector.app.gui.common.InlineStylesheet}. */
    private static final String STYLE = org.vfioinspector.app.gui.common.InlineStylesheet.of(TryItPanel.class, "try-it.css");

    /** Host page size (x86-64, arm64 4K kernels). */
    public static final long PAGE = org.vfioinspector.bridge.uapi.Vfio.PAGE_SIZE;
    /** Width of every group card: wide enough for the longest button and the longest predicted answer. */
    static final double CARD_WIDTH = 372;

    private final Label title = new Label("Try it");
    private final TextField offset = new TextField("0");
    private final TextField length = new TextField();
    private final Badge check = new Badge("", Badge.Tone.UNKNOWN);
    private final Label checkText = new Label();
    private final Label gate = new Label();
    private final Map<Action, Button> buttons = new EnumMap<>(Action.class);
    private final Map<Action, Badge> predictions = new EnumMap<>(Action.class);
    private final ComboBox<String> importer = new ComboBox<>();
    private final ComboBox<PciAddress> type1Into = new ComboBox<>();
    private final ComboBox<PciAddress> dmaEngine = new ComboBox<>();
    private final ComboBox<String> dmaIova = new ComboBox<>();
    private final VBox witnessCard;
    private final Label importerWhy = new Label();
    private final Label ruleText = new Label();
    private final Badge resultBadge = new Badge("", Badge.Tone.UNKNOWN);
    private final Label resultText = new Label();
    private final VBox result = new VBox(4);
    private final Label waitingText = new Label();
    /** Alt+A: shown only while a call hangs, when the try-it buttons that share A are off. */
    private final Button abandon = new Button("_Abandon");
    private final VBox waiting = new VBox(4);
    private Runnable onAbandon = () -> { };
    private BarRow row;
    private PciDevice device;
    private Handler handler = (a, r) -> { };
    private TryItPredictions predictor = TryItPredictions.NONE;
    private Optional<String> gateWhy = Optional.of("Select a BAR.");
    private boolean busy;
    private Action explained;
    private List<PciAddress> hostEngines = List.of();
    /** Actions {@link #perform} was asked for while a call ran. */
    private final List<Action> pending = new java.util.ArrayList<>();

    /** What the user asked for. */
    public enum Action {
        MMAP("Try mm_ap"), EXPORT("E_xport dma-buf"), ATTACH("Attac_h importer"), MAP_ATTACHMENT("Map aga_in"),
        DETACH("Detac_h"), RESET("Rese_t"), MEMORY_OFF("Memor_y off"), MEMORY_ON("Memor_y on"),
        CLOSE("_Close device"), MAP_TYPE1("Map into type_1"), UNBIND("Un_bind from vfio-pci"), DMA_READ("DM_A read");

        /**
         * The button's text with its mnemonic. The window holds Alt+ O E R G V D M/L S P N F U K, which leaves
         * A B C H I J T W X Y and the digits for the try-it and revocation views, fewer than their actions: the most
         * used get a letter of their own (they fire at once), and three share one with their neighbour, where JavaFX
         * moves the focus between the two on each press and Space fires: Detach with Attach (H), Memory on with
         * Memory off (Y), DMA read with Try mmap (A; the DMA witness group shows only on a host with a DMA engine).
         */
        private final String mnemonicText;

        Action(String mnemonicText) {
            this.mnemonicText = mnemonicText;
        }

        /** "Try mmap", "Export dma-buf", ... (the button's text without its mnemonic). */
        public String label() {
            return mnemonicText.replace("_", "");
        }

        /** "Try mm_ap": the button's text, the letter after the underscore its Alt key. */
        public String mnemonicText() {
            return mnemonicText;
        }

        /** The action's name in the session's activity record: "mmap", "export", "memory-off", ... */
        public String operation() {
            return switch (this) {
                case MAP_ATTACHMENT -> "map";
                default -> name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
            };
        }

        /**
         * Whether the action changes what a device does or can reach (a confirmation on a real host): all but the
         * read-only mmap. Export, attach and map create a path a peer can DMA through; a DMA read makes a device
         * master the bus.
         */
        public boolean changesDevice() {
            return this != MMAP;
        }

        public boolean needsBar() {
            return this == MMAP || this == EXPORT || this == ATTACH || this == MAP_ATTACHMENT || this == DETACH
                    || this == MAP_TYPE1;
        }
    }

    /**
     * One request from the panel.
     *
     * @param device   the device shown
     * @param row      the selected BAR, or null (device actions)
     * @param offset   range offset (EXPORT), parsed from the editor (0 when it is not a number)
     * @param length   range length (EXPORT)
     * @param importer the chosen importer (ATTACH), or null
     * @param into     the device whose type1 container the BAR is mapped into (MAP_TYPE1), or null
     * @param engine   the device whose DMA engine reads (DMA_READ), or null
     * @param iova     where it reads (DMA_READ), or null when the IOVA field is not a number
     */
    public record Request(PciDevice device, BarRow row, long offset, long length, String importer,
                          PciAddress into, PciAddress engine, Long iova) {
    }

    /** Receives the panel's requests (FX thread). */
    @FunctionalInterface
    public interface Handler {
        void act(Action action, Request request);
    }

    public TryItPanel() {
        getStyleClass().addAll("card", "try-it");
        getStylesheets().add(STYLE);
        setSpacing(8);
        setPadding(new Insets(10));
        title.getStyleClass().add("section-title");
        title.setWrapText(true);

        button(Action.MMAP, "tryMmap", MaterialDesignE.EYE_OUTLINE,
                "mmap(MAP_SHARED) the BAR through VFIO and read its first dword; the mapping stays open");
        button(Action.EXPORT, "exportDmabuf", MaterialDesignE.EXPORT,
                "VFIO_DEVICE_FEATURE(GET|DMA_BUF) with the range beside");
        button(Action.ATTACH, "attachImporter", MaterialDesignL.LINK_VARIANT,
                "Attach the chosen importer to the last dma-buf exported from this BAR, and map it");
        button(Action.MAP_ATTACHMENT, "mapAttachment", MaterialDesignR.REFRESH,
                "Map the attachment again (iommufd: IOMMU_IOAS_UNMAP, then MAP_FILE at the same IOVA): what an "
                        + "importer must do after a restore");
        button(Action.DETACH, "detachImporter", MaterialDesignL.LINK_VARIANT_OFF,
                "Detach the importer (iommufd: IOMMU_IOAS_UNMAP of its area)");
        button(Action.RESET, "resetDevice", MaterialDesignR.RESTART,
                "VFIO_DEVICE_RESET: revokes every dma-buf of the device, then restores it");
        button(Action.MEMORY_OFF, "memoryOff", MaterialDesignP.POWER_PLUG_OFF,
                "Clear PCI_COMMAND.MEMORY through the config region: mappings SIGBUS, dma-bufs revoked");
        button(Action.MEMORY_ON, "memoryOn", MaterialDesignP.POWER_PLUG,
                "Set PCI_COMMAND.MEMORY again: dma-bufs restored (importers must map again)");
        button(Action.CLOSE, "closeDevice", MaterialDesignC.CLOSE_CIRCLE_OUTLINE,
                "Close the device fd (the last user): its dma-bufs are revoked for good");
        button(Action.MAP_TYPE1, "mapType1", MaterialDesignL.LAN_CONNECT,
                "P2P the old way: VFIO_IOMMU_MAP_DMA of this BAR's mmap into the chosen device's type1 container; "
                        + "type1 keeps no reference on this device");
        button(Action.UNBIND, "unbindDevice", MaterialDesignL.LINK_VARIANT_REMOVE,
                "Write the device to vfio-pci's unbind attribute (bus/pci/drivers/vfio-pci/unbind); the kernel "
                        + "waits while the device is in use");
        button(Action.DMA_READ, "dmaRead", MaterialDesignS.SWAP_HORIZONTAL,
                "One DMA read by the chosen device's engine from the IOVA of its IOMMU domain (type1 container or "
                        + "IOAS), copied out to RAM and compared with the mapped BAR's bytes");

        offset.setId("rangeOffset");
        length.setId("rangeLength");
        offset.setPrefColumnCount(7);
        length.setPrefColumnCount(7);
        offset.setTooltip(new Tooltip("Offset into the BAR: bytes, 0x hex, or 4K / 2M; must be page-aligned"));
        length.setTooltip(new Tooltip("Length of the range: bytes, 0x hex, or 4K / 2M; page-aligned and non-zero"));
        check.setId("rangeCheck");
        predictions.put(Action.EXPORT, check); // the range check is the export's prediction
        checkText.setId("rangeCheckText");
        checkText.setWrapText(true);
        checkText.getStyleClass().add("muted");
        importer.setId("importerChoice");
        importer.setPromptText("importer");
        importer.setMaxWidth(Double.MAX_VALUE);
        importer.setTooltip(new Tooltip("Which importer attaches to the last dma-buf exported from this BAR: "
                + "iommufd (into the exporter's own IOAS, or into the IOAS of a device with a DMA engine) or the "
                + "lab scenario's in-kernel importers"));
        importerWhy.setId("importerWhy");
        importerWhy.getStyleClass().add("muted");
        importerWhy.setWrapText(true);
        type1Into.setId("type1Into");
        type1Into.setPromptText("type1 container of");
        type1Into.setMaxWidth(Double.MAX_VALUE);
        type1Into.setTooltip(new Tooltip("The device (another IOMMU group) whose type1 container gets the mapping"));
        dmaEngine.setId("dmaEngine");
        dmaEngine.setMaxWidth(Double.MAX_VALUE);
        dmaEngine.setTooltip(new Tooltip("The device whose DMA engine reads (QEMU's edu): through its own IOMMU "
                + "domain"));
        dmaIova.setId("dmaIova");
        dmaIova.setEditable(true);
        dmaIova.setMaxWidth(Double.MAX_VALUE);
        dmaIova.setPromptText("0x100000");
        dmaIova.setTooltip(new Tooltip("The IOVA in the engine's domain: one the app mapped (listed), or any other "
                + "(where nothing is mapped the IOMMU faults the read)"));

        GridPane range = new GridPane();
        range.setHgap(6);
        range.addRow(0, new Label("Offset"), offset, new Label("Length"), length);
        VBox mmapCard = card("mmapGroup", "mmap", MaterialDesignE.EYE_OUTLINE, actionRow(Action.MMAP));
        VBox bufCard = card("dmabufGroup", "dma-buf", MaterialDesignE.EXPORT, range, actionRow(Action.EXPORT));
        VBox importerCard = card("importerGroup", "importer", MaterialDesignL.LINK_VARIANT, importer,
                actionRow(Action.ATTACH, Action.MAP_ATTACHMENT, Action.DETACH), importerWhy);
        VBox type1Card = card("type1Group", "type1", MaterialDesignL.LAN_CONNECT, labelled("into", type1Into),
                actionRow(Action.MAP_TYPE1));
        VBox deviceCard = card("deviceGroup", "device", MaterialDesignC.CHIP, actionRow(Action.RESET,
                Action.MEMORY_OFF, Action.MEMORY_ON, Action.CLOSE, Action.UNBIND));
        witnessCard = card("witnessGroup", "DMA witness", MaterialDesignM.MAGNIFY_SCAN,
                labelled("through", dmaEngine), labelled("from IOVA", dmaIova), actionRow(Action.DMA_READ));
        // the witness right after type1: mapping into B's domain, then B's DMA reading it
        FlowPane groups = new FlowPane(8, 8, mmapCard, bufCard, importerCard, type1Card, witnessCard, deviceCard);
        groups.setId("tryItGroups");
        groups.setPrefWrapLength(2 * CARD_WIDTH + 8);

        gate.setId("actionGate");
        gate.getStyleClass().add("muted");
        gate.setWrapText(true);
        ruleText.setId("predictionText");
        ruleText.setWrapText(true);
        ruleText.getStyleClass().add("mono-small");
        Label before = new Label("What the kernel will answer");
        before.getStyleClass().add("subsection-title");
        VBox explain = new VBox(3, before, checkText, ruleText);
        explain.setId("predictionExplained");
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
        // everything whose text changes length lies below the groups: the buttons above it never move
        getChildren().addAll(title, groups, gate, waiting, result, explain);
        offset.textProperty().addListener((o, a, b) -> validate());
        length.textProperty().addListener((o, a, b) -> validate());
        importer.valueProperty().addListener((o, a, b) -> refreshPredictions());
        type1Into.valueProperty().addListener((o, a, b) -> refreshPredictions());
        dmaEngine.valueProperty().addListener((o, a, b) -> {
            // another engine, another IOMMU domain: its IOVAs come from the controller (a listener after this one)
            if (a != null && !a.equals(b)) {
                dmaIova.getItems().clear();
                dmaIova.setValue(null);
                dmaIova.getEditor().setText("");
            }
            refreshPredictions();
        });
        dmaIova.getEditor().textProperty().addListener((o, a, b) -> refreshPredictions());
        dmaIova.valueProperty().addListener((o, a, b) -> refreshPredictions());
        setDmaEngines();
        setRow(null);
        setGate(Optional.of("Select a BAR."));
    }

    private void button(Action a, String id, Ikon ikon, String tip) {
        FontIcon i = new FontIcon(ikon);
        i.getStyleClass().add("icon");
        Button b = new Button(a.mnemonicText(), i);
        b.setMnemonicParsing(true);
        b.setId(id);
        b.setMinWidth(Region.USE_PREF_SIZE);
        b.setMaxWidth(Double.MAX_VALUE);
        Tooltip t = new Tooltip(tip);
        t.setWrapText(true);
        t.setMaxWidth(380);
        b.setTooltip(t);
        b.setOnAction(e -> fire(a));
        // the rule behind the prediction of the action under the pointer or the keyboard focus
        b.hoverProperty().addListener((o, was, is) -> explain(is ? a : b.isFocused() ? a : null));
        b.focusedProperty().addListener((o, was, is) -> explain(is ? a : null));
        buttons.put(a, b);
        Badge p = new Badge("—", Badge.Tone.UNKNOWN);
        p.setId("predict-" + id);
        predictions.put(a, p);
    }

    /** Rows of [button | predicted answer]: the button column as wide as the widest button of the card. */
    private GridPane actionRow(Action... actions) {
        GridPane g = new GridPane();
        g.setHgap(8);
        g.setVgap(6);
        ColumnConstraints b = new ColumnConstraints();
        b.setMinWidth(Region.USE_PREF_SIZE);
        ColumnConstraints p = new ColumnConstraints();
        p.setHgrow(Priority.ALWAYS);
        g.getColumnConstraints().addAll(b, p);
        for (int i = 0; i < actions.length; i++) {
            Badge badge = predictions.get(actions[i]);
            g.addRow(i, buttons.get(actions[i]), badge);
            GridPane.setFillWidth(buttons.get(actions[i]), true);
        }
        return g;
    }

    private static HBox labelled(String text, javafx.scene.control.Control c) {
        Label l = new Label(text);
        l.setMinWidth(Region.USE_PREF_SIZE);
        HBox h = new HBox(6, l, c);
        h.setAlignment(Pos.CENTER_LEFT);
        HBox.setHgrow(c, Priority.ALWAYS);
        return h;
    }

    private static VBox card(String id, String name, Ikon ikon, Node... content) {
        FontIcon i = new FontIcon(ikon);
        i.getStyleClass().add("icon");
        Label t = new Label(name, i);
        t.getStyleClass().add("subsection-title");
        VBox v = new VBox(6, t);
        v.getChildren().addAll(content);
        v.setId(id);
        v.getStyleClass().add("try-group");
        v.setPadding(new Insets(8));
        v.setMinWidth(CARD_WIDTH);
        v.setPrefWidth(CARD_WIDTH);
        v.setMaxWidth(CARD_WIDTH);
        return v;
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
        enable();
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
        buttons.forEach((a, b) -> b.setDisable(off || (a.needsBar() && row == null)));
        importer.setDisable(off || row == null || importer.getItems().isEmpty());
        if (importer.getItems().isEmpty()) {
            buttons.get(Action.ATTACH).setDisable(true);
        }
        type1Into.setDisable(off || row == null || type1Into.getItems().isEmpty());
        if (type1Into.getItems().isEmpty()) {
            buttons.get(Action.MAP_TYPE1).setDisable(true);
        }
        dmaEngine.setDisable(off || dmaEngine.getItems().isEmpty());
        dmaIova.setDisable(off || dmaEngine.getItems().isEmpty());
        if (dmaEngine.getItems().isEmpty()) {
            buttons.get(Action.DMA_READ).setDisable(true);
        }
        refreshPredictions();
    }

    /** The devices (vfio-pci, in another IOMMU group) whose type1 container a BAR of this device can be mapped into. */
    public void setType1Targets(List<PciAddress> targets) {
        PciAddress keep = type1Into.getValue();
        type1Into.getItems().setAll(targets);
        if (targets.contains(keep)) {
            type1Into.setValue(keep);
        } else if (!targets.isEmpty()) {
            type1Into.getSelectionModel().selectFirst();
        }
        enable();
    }

    /**
     * The host's devices whose DMA engine can be the witness; the group offers those other than the device shown and
     * is hidden when there is none.
     */
    public void setHostDmaEngines(List<PciAddress> engines) {
        hostEngines = List.copyOf(engines);
        setDmaEngines();
    }

    private void setDmaEngines() {
        List<PciAddress> engines = hostEngines.stream().filter(e -> device == null || !e.equals(device.address()))
                .toList();
        PciAddress keep = dmaEngine.getValue();
        dmaEngine.getItems().setAll(engines);
        if (engines.contains(keep)) {
            dmaEngine.setValue(keep);
        } else if (!engines.isEmpty()) {
            dmaEngine.getSelectionModel().selectFirst();
        }
        witnessCard.setVisible(!engines.isEmpty());
        witnessCard.setManaged(!engines.isEmpty());
        enable();
    }

    /** The IOVAs the app mapped into the chosen engine's domain, offered in the IOVA field ("0x100000 — …"). */
    public void setWitnessIovas(PciAddress engine, List<String> entries) {
        if (engine == null || !engine.equals(dmaEngine.getValue())) {
            return;
        }
        String typed = dmaIova.getEditor().getText();
        if (!dmaIova.getItems().equals(entries)) {
            dmaIova.getItems().setAll(entries);
        }
        if ((typed == null || typed.isBlank()) && !entries.isEmpty()) {
            dmaIova.setValue(entries.get(entries.size() - 1));
        } else if (typed != null && !typed.equals(dmaIova.getEditor().getText())) {
            dmaIova.setValue(typed); // what the user wrote or picked stays
        }
        refreshPredictions();
    }

    /** Chooses {@code engine} in the witness group, when the group offers it (the device a mapping just went to). */
    public void chooseDmaEngine(PciAddress engine) {
        if (engine != null && dmaEngine.getItems().contains(engine)) {
            dmaEngine.setValue(engine);
        }
    }

    /** The engine chosen in the witness group, or null. */
    public PciAddress dmaEngine() {
        return dmaEngine.getValue();
    }

    public ComboBox<PciAddress> dmaEngineChoice() {
        return dmaEngine;
    }

    public ComboBox<String> dmaIovaChoice() {
        return dmaIova;
    }

    /** The device the device actions act on. */
    public void setDevice(PciDevice d) {
        this.device = d;
        setDmaEngines();
        showResult(null, null, null);
        refreshPredictions();
    }

    public void setHandler(Handler h) {
        this.handler = h;
    }

    /** Where the predicted answers come from (the controller's, for the host shown). */
    public void setPredictions(TryItPredictions p) {
        this.predictor = p;
        refreshPredictions();
    }

    /** While a kernel call runs, the buttons are off (one request at a time). */
    public void setBusy(boolean b) {
        busy = b;
        enable();
        if (!b && !pending.isEmpty()) {
            Action next = pending.remove(0);
            javafx.application.Platform.runLater(() -> perform(next));
        }
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
        String keep = importer.getValue();
        importer.getItems().setAll(names);
        if (names.contains(keep)) {
            importer.setValue(keep);
        } else if (!names.isEmpty()) {
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
            GridPane g = ErrorPresenter.grid(details);
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

    /** The request the panel's inputs make for {@code a} now (also what the predictions are asked about). */
    public Request request(Action a) {
        long off = RangeCheck.parseSize(offset.getText()).orElse(0L);
        long len = RangeCheck.parseSize(length.getText()).orElse(0L);
        return new Request(device, row, off, len, importer.getValue(), type1Into.getValue(), dmaEngine.getValue(),
                iova().orElse(null));
    }

    private Optional<Long> iova() {
        String t = dmaIova.getEditor().getText();
        if (t == null || t.isBlank()) {
            t = dmaIova.getValue();
        }
        if (t == null || t.isBlank()) {
            return Optional.empty();
        }
        return RangeCheck.parseSize(t.strip().split("\\s+")[0]);
    }

    private void fire(Action a) {
        if (device == null || (a.needsBar() && row == null)) {
            return;
        }
        if (a == Action.EXPORT && (RangeCheck.parseSize(offset.getText()).isEmpty()
                || RangeCheck.parseSize(length.getText()).isEmpty())) {
            showResult("not a number", Badge.Tone.WARNING, "Write the range as bytes, hex or a size (4K).");
            return;
        }
        if (a == Action.DMA_READ && iova().isEmpty()) {
            showResult("not an IOVA", Badge.Tone.WARNING, "Write the IOVA as hex (0x100000) or bytes.");
            return;
        }
        handler.act(a, request(a));
    }

    /**
     * Performs an action as if its button were pressed (demos and screenshots: {@code -Dvfioinspector.try}), with the
     * panel scrolled into view.
     */
    public void perform(Action a) {
        Node card = buttons.get(a);
        while (card != null && !card.getStyleClass().contains("try-group")) {
            card = card.getParent();
        }
        scrollIntoView(card == null ? this : card);
        if (busy) {
            pending.add(a); // one after the other, each with the inputs its predecessor's answer left
            return;
        }
        fire(a);
    }

    /** Scrolls the enclosing scroll pane (the device view) so that {@code node} (a group, the panel) is in view. */
    public void scrollIntoView(Node node) {
        for (javafx.scene.Parent p = getParent(); p != null; p = p.getParent()) {
            if (p instanceof javafx.scene.control.ScrollPane sp && sp.getContent() != null) {
                Node content = sp.getContent();
                double y = content.sceneToLocal(node.localToScene(0, 0)).getY();
                double range = content.getBoundsInLocal().getHeight() - sp.getViewportBounds().getHeight();
                sp.setVvalue(range <= 0 ? 0 : Math.max(0, Math.min(1, y / range)));
                return;
            }
        }
    }

    /** What was predicted for {@code a} (the badge beside its button). */
    public Prediction predicted(Action a) {
        return predictor.predict(a, request(a));
    }

    /** Asks the predictions again (the inputs or what the app holds changed). */
    public void refreshPredictions() {
        if (predictions.isEmpty() || buttons.size() < Action.values().length) {
            return; // still building
        }
        for (Action a : Action.values()) {
            Badge b = predictions.get(a);
            Prediction p;
            if (a == Action.EXPORT && row != null && checkProblem().isPresent()) {
                continue; // the range check says it, in its own words
            }
            p = predictor.predict(a, request(a));
            b.setText("→ " + p.answer());
            b.setTone(p.tone());
            b.setTip("What the kernel will answer: " + p.answer() + "\n" + p.why());
        }
        if (explained != null) {
            explain(explained);
        }
    }

    private void explain(Action a) {
        explained = a;
        if (a == null) {
            ruleText.setText("");
            return;
        }
        Prediction p = predictor.predict(a, request(a));
        ruleText.setText(a.label() + " → " + p.answer() + ": " + p.why());
    }

    public Label resultText() {
        return resultText;
    }

    public Badge resultBadge() {
        return resultBadge;
    }

    public Badge predictionBadge(Action a) {
        return predictions.get(a);
    }

    private Optional<RangeCheck.Problem> checkProblem() {
        Optional<Long> off = RangeCheck.parseSize(offset.getText());
        Optional<Long> len = RangeCheck.parseSize(length.getText());
        if (row == null || off.isEmpty() || len.isEmpty()) {
            return Optional.empty();
        }
        return RangeCheck.check(row.region(), off.get(), len.get(), PAGE);
    }

    private void validate() {
        if (row == null) {
            check.setText("→ —");
            check.setTone(Badge.Tone.UNKNOWN);
            checkText.setText("Select a BAR in the table or the layout strip.");
            refreshPredictions();
            return;
        }
        Optional<Long> off = RangeCheck.parseSize(offset.getText());
        Optional<Long> len = RangeCheck.parseSize(length.getText());
        if (off.isEmpty() || len.isEmpty()) {
            check.setText("→ not a number");
            check.setTone(Badge.Tone.WARNING);
            checkText.setText("dma-buf range: write bytes (4096), hex (0x1000) or a size (4K, 2M).");
            return;
        }
        Optional<RangeCheck.Problem> p = RangeCheck.check(row.region(), off.get(), len.get(), PAGE);
        if (p.isPresent()) {
            check.setText("→ " + p.get().errno());
            check.setTone(Badge.Tone.RED);
            check.setTip("What the kernel will answer: " + p.get().errno() + "\n" + p.get().kernelCheck());
            checkText.setText("dma-buf range: " + p.get().meaning() + "  [" + p.get().kernelCheck() + "]");
        } else {
            checkText.setText(String.format("dma-buf range: [0x%x, 0x%x) of %s — page-aligned, non-zero, inside the "
                    + "BAR", off.get(), off.get() + len.get(), row.region().name()));
            refreshPredictions();
        }
    }

    public Badge checkBadge() {
        return check;
    }
}
