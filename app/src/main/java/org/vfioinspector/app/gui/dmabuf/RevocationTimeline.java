package org.vfioinspector.app.gui.dmabuf;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javafx.application.Platform;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.shape.Circle;
import javafx.scene.shape.Rectangle;
import javafx.util.Duration;
import org.vfioinspector.bridge.kernel.KernelEvent;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.revocation.RevocationTracker;

/**
 * Revocation as a picture: one lane per tracked object (mmap, dma-buf, attachment, type1 map) and one per place the
 * DMA witness read, coloured by state over the session's moments (active, revoked — "faulting" for a mapping —,
 * restored, dead; an attachment whose map was refused, unmapped), with a marker where a moment touched the lane.
 * Hovering a marker shows the kernel function and what the object answers now (the errno); selecting a moment
 * highlights the lanes it touched, selecting a lane the moments that touched it. Kernel events that changed nothing
 * are folded away unless asked for. The x axis is the order of moments, not wall time: a reset's revoke and restore
 * come milliseconds apart and would otherwise be one line.
 */
public final class RevocationTimeline extends VBox {
    /** Read once, off any scene: see {@link org.vfioinspector.app.gui.common.InlineStylesheet}. */
    private static final String STYLE = org.vfioinspector.app.gui.common.InlineStylesheet.of(RevocationTimeline.class, "timeline.css");

    /** Width of one moment's column and height of one lane. */
    static final double COLUMN = 30;
    static final double LANE = 20;
    private static final double BAND = 9;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());

    private final RevocationModel model;
    private final VBox names = new VBox();
    private final Pane lanes = new Pane();
    private final ScrollPane scroll = new ScrollPane(lanes);
    private final CheckBox showNoChange = new CheckBox("Show events that changed nothing");
    private final ObjectProperty<Moment> selectedMoment = new SimpleObjectProperty<>(this, "selectedMoment");
    private final ObjectProperty<Tracked> selectedObject = new SimpleObjectProperty<>(this, "selectedObject");
    private final ObjectProperty<String> selectedLane = new SimpleObjectProperty<>(this, "selectedLane");

    public RevocationTimeline(RevocationModel model) {
        this.model = model;
        getStyleClass().add("revocation-timeline");
        getStylesheets().add(STYLE);
        setId("revocationTimeline");
        setSpacing(4);
        showNoChange.setId("showNoChange");
        showNoChange.setTooltip(foldTip);
        names.setId("timelineLaneNames");
        names.getStyleClass().add("lane-names");
        names.setMinWidth(Region.USE_PREF_SIZE);
        lanes.setId("timelineLanes");
        lanes.getStyleClass().add("lanes");
        scroll.setFitToHeight(true);
        scroll.setVbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        scroll.setPannable(true);
        scroll.getStyleClass().add("lanes-scroll");
        BorderPane body = new BorderPane(scroll);
        body.setLeft(names);
        ScrollPane vertical = new ScrollPane(body);
        vertical.setFitToWidth(true);
        vertical.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        vertical.getStyleClass().add("lanes-scroll");
        VBox.setVgrow(vertical, Priority.ALWAYS);
        getChildren().addAll(vertical);

        // one kernel event changes the moments and several objects in one go: one redraw for them all, after them
        model.moments().addListener((ListChangeListener<Moment>) c -> rebuildSoon());
        model.tracked().addListener((ListChangeListener<Tracked>) c -> {
            while (c.next()) {
                // a note (an attachment's map refused) recolours its bands without a moment of its own
                c.getAddedSubList().forEach(t -> t.note().addListener(o -> rebuildSoon()));
            }
            rebuildSoon();
        });
        drawn.addListener((o, a, now) -> {
            if (now) {
                refresh();
            }
        });
        showNoChange.selectedProperty().addListener((o, a, b) -> rebuild());
        selectedMoment.addListener((o, a, b) -> rebuild());
        selectedObject.addListener((o, a, b) -> rebuild());
        selectedLane.addListener((o, a, b) -> rebuild());
        rebuild();
    }

    /**
     * Whether the picture is kept up to date (true unless its area is folded away): while false the model's moments
     * are only counted, and the picture catches up when it is shown again.
     */
    public BooleanProperty drawnProperty() {
        return drawn;
    }

    /** The moment selected (a marker or column clicked, or the event chosen in the table). */
    public ObjectProperty<Moment> selectedMomentProperty() {
        return selectedMoment;
    }

    /** The tracked object whose lane is selected. */
    public ObjectProperty<Tracked> selectedObjectProperty() {
        return selectedObject;
    }

    public CheckBox showNoChange() {
        return showNoChange;
    }

    /** The picture's shapes (tests: a scroll pane's content is no child until it has a skin). */
    Pane lanesPane() {
        return lanes;
    }

    /** The lanes' names, the fold switch first. */
    VBox namesColumn() {
        return names;
    }

    /** The moments drawn, in order (the folded ones left out). */
    public List<Moment> shownMoments() {
        return model.moments().stream().filter(m -> showNoChange.isSelected() || !m.noChange()).toList();
    }

    /** The x of a moment's column centre, or -1 when it is folded away. */
    public double x(Moment m) {
        int i = shownMoments().indexOf(m);
        return i < 0 ? -1 : i * COLUMN + COLUMN / 2;
    }

    /**
     * Lanes: the tracked objects in order, each witness lane (one per engine and IOVA read from) right below the first
     * object its reads concerned, the others last.
     */
    private List<Object> laneKeys() {
        Map<String, Tracked> witness = new LinkedHashMap<>();
        for (WitnessRead r : model.reads()) {
            Tracked first = r.concerns().isEmpty() ? null : r.concerns().get(0);
            if (!witness.containsKey(r.lane()) || (witness.get(r.lane()) == null && first != null)) {
                witness.put(r.lane(), first);
            }
        }
        List<Object> keys = new ArrayList<>();
        for (Tracked t : model.tracked()) {
            keys.add(t);
            witness.forEach((lane, under) -> {
                if (under == t) {
                    keys.add(lane);
                }
            });
        }
        witness.forEach((lane, under) -> {
            if (!keys.contains(lane)) {
                keys.add(lane);
            }
        });
        return keys;
    }

    private boolean rebuildQueued;

    private void rebuildSoon() {
        if (!rebuildQueued) {
            rebuildQueued = true;
            Platform.runLater(() -> {
                rebuildQueued = false;
                refresh();
            });
        }
    }

    /**
     * Brings the picture up to the model: the new moments' columns appended when nothing else changed (the usual
     * kernel event: its cost is one column, not the session so far), else drawn again whole.
     */
    private void refresh() {
        if (drawn.get() && !append()) {
            rebuild();
        }
    }

    /**
     * Every band and marker shares one tooltip whose text is set as the pointer enters the shape: a tooltip per
     * shape, made again on each redraw, was thousands of popup controls per kernel event in a long session.
     */
    private void hover(Node n, String text, Duration delay) {
        n.getProperties().put(TIP_KEY, text);
        n.addEventHandler(javafx.scene.input.MouseEvent.MOUSE_ENTERED, e -> {
            shapeTip.setText(text);
            shapeTip.setShowDelay(delay);
        });
        Tooltip.install(n, shapeTip);
    }

    /** What hovering the band or marker shows (the kernel function and errno of an event's marker). */
    public static String tipOf(Node n) {
        return (String) n.getProperties().get(TIP_KEY);
    }

    /** The tooltip every band and marker shares. */
    public Tooltip hoverTip() {
        return shapeTip;
    }

    private static final String TIP_KEY = "vfioinspector.timelineTip";
    private final Tooltip shapeTip = sharedTip();

    private static Tooltip sharedTip() {
        Tooltip t = new Tooltip();
        t.setWrapText(true);
        t.setMaxWidth(460);
        return t;
    }

    /** One lane as drawn: where it is, its name, and the band of the state it is in now (an object's lane). */
    private static final class Lane {
        final double y;
        final Label name;
        Rectangle band;
        int bandFrom;
        Rectangle rail;

        Lane(double y, Label name) {
            this.y = y;
            this.name = name;
        }
    }

    // what the last draw left, so that the next moments can be appended to it
    private final BooleanProperty drawn = new SimpleBooleanProperty(this, "drawn", true);
    private final List<Object> drawnKeys = new ArrayList<>();
    private final List<Lane> drawnLanes = new ArrayList<>();
    private final Map<Tracked, String> drawnNotes = new java.util.IdentityHashMap<>();
    private int drawnMoments;
    private Moment lastDrawn;
    private int drawnColumns;
    private boolean drawnWithNoChange;
    private String lastSecond = "";
    private double lastTick = -1000;

    private void rebuild() {
        if (!drawn.get()) {
            drawnColumns = 0; // a selection or the fold changed while hidden: drawn whole when shown again
            return;
        }
        List<Moment> shown = shownMoments();
        updateHead(shown.size());
        List<Object> keys = laneKeys();
        names.getChildren().clear();
        lanes.getChildren().clear();
        Node head;
        if (shown.isEmpty()) {
            Label empty = new Label("Nothing yet: map a BAR, export a dma-buf, attach an importer.");
            empty.getStyleClass().addAll("muted", "lane-axis");
            empty.setMinWidth(Region.USE_PREF_SIZE);
            head = empty;
        } else {
            head = showNoChange;
        }
        HBox headRow = new HBox(head);
        headRow.setAlignment(Pos.CENTER_LEFT);
        headRow.setMinHeight(LANE);
        headRow.setPrefHeight(LANE);
        headRow.setMaxHeight(LANE);
        headRow.setPadding(new Insets(0, 8, 0, 4));
        names.getChildren().add(headRow);
        Moment sel = selectedMoment.get();
        // column of the selected moment
        int selIndex = sel == null ? -1 : shown.indexOf(sel);
        if (selIndex >= 0) {
            Rectangle col = new Rectangle(selIndex * COLUMN + 2, 0, COLUMN - 4, (keys.size() + 1) * LANE);
            col.getStyleClass().add("column-selected");
            col.setMouseTransparent(true);
            lanes.getChildren().add(col);
        }
        drawnLanes.clear();
        for (int lane = 0; lane < keys.size(); lane++) {
            drawnLanes.add(newLane(keys.get(lane), (lane + 1) * LANE));
        }
        lastSecond = "";
        lastTick = -1000;
        for (int i = 0; i < shown.size(); i++) {
            column(keys, shown.get(i), i);
        }
        drawnKeys.clear();
        drawnKeys.addAll(keys);
        drawnColumns = shown.size();
        drawnWithNoChange = showNoChange.isSelected();
        finish(keys);
    }

    /**
     * Appends the moments that came since the last draw, when that is all that changed: the same lanes in the same
     * order, the same fold, no object's note changed (it decides a band's colour), the drawn moments still the
     * model's first ones (a new host clears them). False when the picture must be drawn whole.
     */
    private boolean append() {
        List<Moment> all = model.moments();
        if (drawnColumns == 0 || all.size() < drawnMoments || all.get(drawnMoments - 1) != lastDrawn
                || showNoChange.isSelected() != drawnWithNoChange) {
            return false;
        }
        List<Object> keys = laneKeys();
        if (!keys.equals(drawnKeys)) { // a Tracked equals only itself, a witness lane its name
            return false;
        }
        for (Map.Entry<Tracked, String> n : drawnNotes.entrySet()) {
            if (!Objects.equals(n.getKey().note().getValue(), n.getValue())) {
                return false;
            }
        }
        int columns = drawnColumns;
        for (Moment m : all.subList(drawnMoments, all.size())) {
            if (drawnWithNoChange || !m.noChange()) {
                column(keys, m, columns++);
            }
        }
        drawnColumns = columns;
        updateHead(columns);
        for (int i = 0; i < keys.size(); i++) {
            if (keys.get(i) instanceof Tracked t) {
                drawnLanes.get(i).name.getTooltip().setText(objectTip(t));
            }
        }
        finish(keys);
        return true;
    }

    /** The fold switch's words: how many no-change events it folds. */
    private void updateHead(int shownCount) {
        long hidden = model.moments().size() - (long) shownCount;
        String folded = hidden == 0 ? "none" : hidden + (hidden == 1 ? " event" : " events") + " "
                + (showNoChange.isSelected() ? "shown" : "folded away");
        foldTip.setText("Kernel events that moved none of the objects the app holds (a restore "
                + "after the buffers were cleaned up, a zap of a device with no mapping): " + folded);
        showNoChange.setText(hidden == 0 && !showNoChange.isSelected() ? "no-change events: none"
                : "show " + hidden + " no-change event" + (hidden == 1 ? "" : "s"));
        showNoChange.setDisable(hidden == 0 && !showNoChange.isSelected());
    }

    private final Tooltip foldTip = new Tooltip();

    private Lane newLane(Object key, double y) {
        if (key instanceof Tracked t) {
            boolean highlighted = t == selectedObject.get()
                    || (selectedMoment.get() != null && selectedMoment.get().touches(t));
            Label name = laneName(shortName(t), objectTip(t), highlighted);
            name.setOnMouseClicked(e -> {
                selectedLane.set(null);
                selectedObject.set(selectedObject.get() == t ? null : t);
            });
            names.getChildren().add(name);
            return new Lane(y, name);
        }
        String lane = (String) key;
        boolean highlighted = lane.equals(selectedLane.get()) || (selectedMoment.get() != null
                && selectedMoment.get().read() != null && selectedMoment.get().read().lane().equals(lane));
        Label name = laneName(lane.replace("DMA 0000:", "DMA "), "The DMA witness: " + lane
                + "\nEach marker is one DMA read through that device from that IOVA", highlighted);
        name.getStyleClass().add("lane-name-witness");
        name.setOnMouseClicked(e -> {
            selectedObject.set(null);
            selectedLane.set(lane.equals(selectedLane.get()) ? null : lane);
        });
        names.getChildren().add(name);
        Lane l = new Lane(y, name);
        l.rail = new Rectangle(0, y + LANE / 2 - 1, COLUMN, 2);
        l.rail.getStyleClass().add("witness-rail");
        l.rail.setMouseTransparent(true);
        lanes.getChildren().add(l.rail);
        return l;
    }

    private static String objectTip(Tracked t) {
        return t.title() + "\n" + t.device() + "\nnow: " + t.stateLabel()
                + (t.note().getValue() == null ? "" : "\n" + t.note().getValue());
    }

    /**
     * Moment {@code m} as column {@code i}: its time tick (the first moment of each second), on each object's lane a
     * new band where it moved the object and a marker where it touched it, on a witness lane its read.
     */
    private void column(List<Object> keys, Moment m, int i) {
        String sec = TIME.format(m.at()).substring(0, 8);
        if (!sec.equals(lastSecond) && i * COLUMN - lastTick >= 64) {
            lastTick = i * COLUMN;
            Label t = new Label(sec);
            t.getStyleClass().add("lane-tick");
            t.setLayoutX(i * COLUMN + 2);
            t.setLayoutY(4);
            t.setMouseTransparent(true);
            lanes.getChildren().add(t);
            lastSecond = sec;
        }
        for (int k = 0; k < keys.size(); k++) {
            Lane lane = drawnLanes.get(k);
            if (keys.get(k) instanceof Tracked t) {
                for (Moment.Change c : m.changes()) {
                    if (c.object() == t && c.moved()) {
                        if (lane.band != null) {
                            end(lane.band, lane.bandFrom, i);
                        }
                        lane.band = band(t, c.to(), i, lane.y);
                        lane.bandFrom = i;
                    }
                }
                for (Moment.Change c : m.changes()) {
                    if (c.object() == t) {
                        marker(m, i, lane.y, "marker-" + markerClass(m), tip(m, t, c));
                    }
                }
                if (m.read() != null && m.read().concerns().contains(t)) {
                    marker(m, i, lane.y, "marker-read-" + readClass(m.read()), witnessTip(m.read()));
                }
            } else if (m.read() != null && m.read().lane().equals(keys.get(k))) {
                Node n = marker(m, i, lane.y, "marker-read-" + readClass(m.read()), witnessTip(m.read()));
                n.getStyleClass().add("witness-read");
            }
        }
    }

    /** Each lane's current band and rail reach the last column; the picture's size; what was drawn, remembered. */
    private void finish(List<Object> keys) {
        for (Lane lane : drawnLanes) {
            if (lane.band != null) {
                end(lane.band, lane.bandFrom, drawnColumns);
            }
            if (lane.rail != null) {
                lane.rail.setWidth(Math.max(1, drawnColumns) * COLUMN);
            }
        }
        double width = Math.max(1, drawnColumns) * COLUMN + COLUMN;
        lanes.setPrefSize(width, (keys.size() + 1) * LANE);
        lanes.setMinSize(width, (keys.size() + 1) * LANE);
        if (drawnColumns > 0 && selectedMoment.get() == null) {
            scroll.setHvalue(1.0); // follow the latest moment
        }
        List<Moment> all = model.moments();
        drawnMoments = all.size();
        lastDrawn = all.isEmpty() ? null : all.get(all.size() - 1);
        drawnNotes.clear();
        for (Object k : keys) {
            if (k instanceof Tracked t) {
                drawnNotes.put(t, t.note().getValue());
            }
        }
    }

    private Label laneName(String text, String tip, boolean highlighted) {
        Label name = new Label(text);
        name.getStyleClass().add("lane-name");
        if (highlighted) {
            name.getStyleClass().add("lane-highlight");
        }
        name.setMinHeight(LANE);
        name.setPrefHeight(LANE);
        name.setMaxHeight(LANE);
        name.setMinWidth(Region.USE_PREF_SIZE);
        name.setPadding(new Insets(0, 8, 0, 4));
        Tooltip t = new Tooltip(tip);
        t.setShowDelay(Duration.millis(250));
        t.setWrapText(true);
        t.setMaxWidth(460);
        name.setTooltip(t);
        return name;
    }

    /** "mmap 00:07.0 BAR0", "dma-buf 00:07.0 BAR0", "type1 map 00:03.0 BAR2 → 04.0": short, never cut. */
    static String shortName(Tracked t) {
        String bar = t.region() < 0 ? "" : " " + org.vfioinspector.bridge.model.Region.nameOf(t.region());
        String into = t.kind() == RevocationTracker.Kind.TYPE1 ? intoOf(t.description()) : "";
        String importer = t.kind() == RevocationTracker.Kind.ATTACHMENT ? " (" + t.description().split(" — ")[0]
                .replace("0000:", "") + ")" : "";
        return t.kind().label() + " " + shortBdf(t.device()) + bar + into + importer;
    }

    private static String intoOf(String description) {
        int i = description.indexOf(" in ");
        if (i < 0) {
            return "";
        }
        String rest = description.substring(i + 4);
        int end = rest.indexOf("'s");
        return end < 0 ? "" : " → " + shortBdf(PciAddress.isValid(rest.substring(0, end))
                ? PciAddress.parse(rest.substring(0, end)) : null);
    }

    private static String shortBdf(PciAddress a) {
        if (a == null) {
            return "";
        }
        String s = a.toString();
        return s.startsWith("0000:") ? s.substring(5) : s;
    }

    /** A band of {@code state} from column {@code from}; {@link #end} sets where it stops. */
    private Rectangle band(Tracked t, TrackState state, int from, double y) {
        boolean dead = state == TrackState.DEAD;
        double h = dead ? 3 : BAND;
        Rectangle r = new Rectangle(from * COLUMN + COLUMN / 2, y + (LANE - h) / 2, 2, h);
        r.setArcWidth(dead ? 0 : 6);
        r.setArcHeight(dead ? 0 : 6);
        String cls = bandClass(t, state);
        r.getStyleClass().addAll("band", cls);
        r.setUserData(t);
        hover(r, t.title() + ": " + state.label(t.kind()) + (cls.equals("band-unmapped")
                ? "\n" + t.note().getValue() : ""), Duration.millis(250));
        r.setOnMouseClicked(e -> selectedObject.set(t));
        if (selectedObject.get() != null && selectedObject.get() != t) {
            r.getStyleClass().add("dimmed");
        }
        lanes.getChildren().add(r);
        return r;
    }

    /** A band that starts at column {@code from} stops at the centre of column {@code to}. */
    private static void end(Rectangle band, int from, int to) {
        band.setWidth(Math.max(2, (to - from) * COLUMN));
    }

    /** The band's style class: by state; a mapping revoked is faulting; an attachment not mapped is unmapped. */
    static String bandClass(Tracked t, TrackState state) {
        if (state == TrackState.REVOKED && t.kind() == RevocationTracker.Kind.MAPPING) {
            return "band-faulting";
        }
        if (t.kind() == RevocationTracker.Kind.ATTACHMENT && t.note().getValue() != null
                && (state == TrackState.ACTIVE || state == TrackState.RESTORED)) {
            return "band-unmapped";
        }
        return "band-" + state.label();
    }

    private Node marker(Moment m, int column, double y, String cls, String tip) {
        Circle c = new Circle(column * COLUMN + COLUMN / 2, y + LANE / 2, 5);
        c.getStyleClass().addAll("marker", cls);
        if (m == selectedMoment.get()) {
            c.getStyleClass().add("marker-selected");
        } else if ((selectedObject.get() != null && !m.touches(selectedObject.get()))
                || (selectedLane.get() != null && (m.read() == null || !m.read().lane().equals(selectedLane.get())))) {
            c.getStyleClass().add("dimmed");
        }
        c.setUserData(m);
        hover(c, tip, Duration.millis(150));
        c.setOnMouseClicked(e -> selectedMoment.set(selectedMoment.get() == m ? null : m));
        lanes.getChildren().add(c);
        return c;
    }

    private static String markerClass(Moment m) {
        if (m.event() != null) {
            return m.event().event().kind().name().toLowerCase(java.util.Locale.ROOT);
        }
        return "app";
    }

    static String readClass(WitnessRead r) {
        return switch (r.tone()) {
            case GREEN -> "reached";
            case RED -> "uaf";
            case INFO -> "fault";
            default -> "other";
        };
    }

    /** A marker's words: the kernel function, what it did to this object, and what the object answers now. */
    private static String tip(Moment m, Tracked t, Moment.Change c) {
        StringBuilder s = new StringBuilder();
        if (m.event() != null) {
            KernelEvent e = m.event().event();
            s.append(e.function()).append(" (").append(e.kind().name().toLowerCase(java.util.Locale.ROOT))
                    .append(")  ").append(TIME.format(m.at()));
            e.deviceIfKnown().ifPresent(d -> s.append("\ndevice ").append(d));
            if (e.dmaBufInode() >= 0) {
                s.append(", dma-buf inode ").append(e.dmaBufInode());
            }
        } else {
            s.append("the app: ").append(m.app()).append("  ").append(TIME.format(m.at()));
        }
        s.append("\n").append(t.title()).append(c.moved() ? " → " + c.to().label(t.kind())
                : " (told; state unchanged)");
        s.append("\nnow answers: ").append(answers(t.kind(), c.to()));
        return s.toString();
    }

    /** What an object in a state answers when used: the errno a user meets. */
    static String answers(RevocationTracker.Kind kind, TrackState state) {
        return switch (kind) {
            case MAPPING -> switch (state) {
                case REVOKED -> "a read faults: SIGBUS (vfio_pci_mmap_huge_fault: memory disabled)";
                case DEAD -> "unmapped (munmap): the address is gone";
                default -> "reads and writes reach the BAR";
            };
            case TYPE1 -> state == TrackState.DEAD ? "the container closed: the IOVA is unmapped"
                    : "the device's DMA reaches the BAR's PFN, whatever happened to its device (no errno ever)";
            default -> switch (state) {
                case REVOKED -> "attach and map: ENODEV (priv->revoked); DMA through the IOMMU faults";
                case RESTORED -> "map again: ok; until then DMA faults (the restore does not map it)";
                case DEAD -> "attach and map: ENODEV for good (vfio_pci_dma_buf_cleanup)";
                case ACTIVE -> "attach and map: ok";
            };
        };
    }

    private static String witnessTip(WitnessRead r) {
        return "DMA read through " + r.engine() + String.format(" from iova 0x%x", r.read().iova()) + "  "
                + TIME.format(r.at()) + "\n" + r.verdict() + ": " + r.detail() + "\nseen " + r.read().seen()
                + (r.read().expected() == null ? "" : "\nBAR  " + r.read().expected());
    }
}
