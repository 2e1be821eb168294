package org.vfioinspector.app.gui.dmabuf;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.function.BiConsumer;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.value.ChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.javafx.FontIcon;
import org.kordamp.ikonli.materialdesign2.MaterialDesignC;
import org.vfioinspector.app.gui.common.Badge;
import org.vfioinspector.app.gui.common.TipCell;
import org.vfioinspector.bridge.revocation.RevocationTracker;

/**
 * The live revocation view: the timeline picture ({@link RevocationTimeline}: one lane per object, coloured by state,
 * the witness's DMA reads on their own lanes), and below it the exact values: every open mapping, dma-buf, attachment
 * and type1 map with its state badge and the last DMA read that concerned it, and the kernel's events, which can be
 * saved as JSON or as an HTML report. Selecting in the picture selects in the tables and the other way round.
 */
public final class RevocationView extends VBox {
    /** Which file to write. */
    public enum Format {
        JSON("json"), HTML("html");

        private final String extension;

        Format(String extension) {
            this.extension = extension;
        }

        public String extension() {
            return extension;
        }
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());

    private final Label tracing = new Label();
    private final RevocationTimeline picture;
    private final TableView<Tracked> objects = new TableView<>();
    private final TableView<TimelineEntry> events = new TableView<>();
    private final TabPane tables = new TabPane();
    private boolean syncing;

    public RevocationView(RevocationModel model, BiConsumer<Format, RevocationModel> onSave) {
        getStyleClass().add("revocation-view");
        setMinHeight(90);
        objects.setMinHeight(40);
        events.setMinHeight(40);
        setSpacing(6);
        setPadding(new Insets(8));
        Label title = new Label("Live revocation");
        title.getStyleClass().add("section-title");
        title.setMinWidth(Region.USE_PREF_SIZE);
        tracing.getStyleClass().add("muted");
        tracing.setWrapText(true);
        // Alt+J and Alt+W: the window and the try-it groups hold the other letters (TryItPanel.Action.mnemonicText)
        Button json = new Button("Save _JSON…", icon());
        json.setId("saveJson");
        json.setMinWidth(Region.USE_PREF_SIZE);
        json.setTooltip(new Tooltip("Save the objects and the event timeline as JSON"));
        json.setOnAction(e -> onSave.accept(Format.JSON, model));
        Button html = new Button("Save as _web page…", icon());
        html.setId("saveHtml");
        html.setMinWidth(Region.USE_PREF_SIZE);
        html.setTooltip(new Tooltip("Save a readable HTML report of the objects and the timeline"));
        html.setOnAction(e -> onSave.accept(Format.HTML, model));
        Region spring = new Region();
        HBox.setHgrow(spring, Priority.ALWAYS);
        HBox head = new HBox(8, title, tracing, spring, json, html);
        head.setAlignment(Pos.CENTER_LEFT);
        HBox.setHgrow(tracing, Priority.SOMETIMES);

        picture = new RevocationTimeline(model);
        picture.setMinHeight(60);

        objects.setId("trackedTable");
        objects.setItems(model.tracked());
        objects.setPlaceholder(wrapped("Nothing open: a BAR mapped, a dma-buf exported or an importer attached in "
                + "the try-it groups shows here with its live state."));
        objects.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        objects.getColumns().add(col("Kind", 80, 64, t -> t.kind().label()));
        objects.getColumns().add(col("Device", 110, 96, t -> t.device().toString()));
        objects.getColumns().add(col("BAR", 50, 44, t -> org.vfioinspector.bridge.model.Region.nameOf(t.region())));
        objects.getColumns().add(col("Inode", 70, 54, t -> t.inode() < 0 ? "" : Long.toString(t.inode())));
        objects.getColumns().add(col("What", 220, 110, Tracked::description));
        TableColumn<Tracked, Tracked> state = new TableColumn<>("State");
        // as wide as the widest badge ("attached, not mapped"): a badge is never cut (the table scrolls instead)
        state.setPrefWidth(170);
        state.setMinWidth(170);
        state.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue()));
        state.setCellFactory(c -> new StateCell());
        objects.getColumns().add(state);
        TableColumn<Tracked, Tracked> witness = new TableColumn<>("DMA witness");
        witness.setPrefWidth(200);
        witness.setMinWidth(200); // "reached 0000:00:03.0 BAR2"
        witness.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue()));
        witness.setCellFactory(c -> new WitnessCell());
        objects.getColumns().add(witness);

        events.setId("timelineTable");
        events.setItems(model.timeline());
        events.setPlaceholder(wrapped("No kernel events yet."));
        events.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        events.getColumns().add(ecol("Time", 100, 92, t -> TIME.format(t.received())));
        events.getColumns().add(ecol("Event", 90, 70,
                t -> t.event().kind().name().toLowerCase(java.util.Locale.ROOT)));
        events.getColumns().add(ecol("Kernel function", 230, 130, t -> t.event().function()));
        events.getColumns().add(ecol("Device", 110, 96,
                t -> t.event().deviceIfKnown().map(Object::toString).orElse("")));
        events.getColumns().add(ecol("Buffer", 80, 58, t -> t.event().dmaBufInode() < 0 ? ""
                : Long.toString(t.event().dmaBufInode())));
        events.getColumns().add(ecol("Effect", 220, 110, TimelineEntry::effect));
        model.timeline().addListener((javafx.collections.ListChangeListener<TimelineEntry>) c -> {
            if (!model.timeline().isEmpty() && picture.selectedMomentProperty().get() == null) {
                events.scrollTo(model.timeline().size() - 1);
            }
        });

        // one selection: the picture's and the tables'
        picture.selectedObjectProperty().addListener((o, a, b) -> sync(() -> {
            if (b == null) {
                objects.getSelectionModel().clearSelection();
            } else {
                objects.getSelectionModel().select(b);
                objects.scrollTo(b);
            }
        }));
        objects.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> sync(() ->
                picture.selectedObjectProperty().set(b)));
        picture.selectedMomentProperty().addListener((o, a, b) -> sync(() -> {
            if (b == null || b.event() == null) {
                events.getSelectionModel().clearSelection();
            } else {
                events.getSelectionModel().select(b.event());
                events.scrollTo(b.event());
                if (b.noChange()) {
                    picture.showNoChange().setSelected(true);
                }
            }
        }));
        events.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> sync(() -> {
            Moment m = b == null ? null : model.moments().stream().filter(x -> x.event() == b).findFirst()
                    .orElse(null);
            if (m != null && m.noChange()) {
                picture.showNoChange().setSelected(true);
            }
            picture.selectedMomentProperty().set(m);
        }));

        Tab objectsTab = new Tab("Objects", objects);
        objectsTab.setId("objectsTab");
        Tab eventsTab = new Tab("Kernel events", events);
        eventsTab.setId("eventsTab");
        tables.getTabs().addAll(objectsTab, eventsTab);
        tables.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        tables.setMinHeight(60);

        SplitPane split = new SplitPane(picture, tables);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.62);
        VBox.setVgrow(split, Priority.ALWAYS);
        getChildren().addAll(head, split);
    }

    private void sync(Runnable r) {
        if (syncing) {
            return;
        }
        syncing = true;
        try {
            r.run();
        } finally {
            syncing = false;
        }
    }

    /** A table's placeholder: it wraps in a narrow table, and says it whole on hover where the table is low. */
    private static Label wrapped(String text) {
        Label l = new Label(text);
        l.setWrapText(true);
        l.setTooltip(new Tooltip(text));
        l.setPadding(new Insets(0, 8, 0, 8));
        return l;
    }

    /** "live events from tracefs" or why there are none (whole in the tooltip when the heading cuts it). */
    public void setTracing(String text, boolean available) {
        tracing.setText(text);
        tracing.setTooltip(text == null || text.isEmpty() ? null : new Tooltip(text));
        tracing.pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass("off"), !available);
    }

    public TableView<Tracked> objectsTable() {
        return objects;
    }

    public TableView<TimelineEntry> eventsTable() {
        return events;
    }

    public RevocationTimeline timeline() {
        return picture;
    }

    private static FontIcon icon() {
        FontIcon i = new FontIcon(MaterialDesignC.CONTENT_SAVE);
        i.getStyleClass().add("icon");
        return i;
    }

    /** A column at least as wide as its header (a narrow window scrolls the table, it does not cut the header). */
    private static TableColumn<Tracked, String> col(String name, double w, double min,
                                                    java.util.function.Function<Tracked, String> f) {
        TableColumn<Tracked, String> c = new TableColumn<>(name);
        c.setPrefWidth(w);
        c.setMinWidth(min);
        c.setCellValueFactory(x -> new ReadOnlyStringWrapper(f.apply(x.getValue())));
        c.setCellFactory(x -> new TipCell<>());
        return c;
    }

    private static TableColumn<TimelineEntry, String> ecol(String name, double w, double min,
                                                           java.util.function.Function<TimelineEntry, String> f) {
        TableColumn<TimelineEntry, String> c = new TableColumn<>(name);
        c.setPrefWidth(w);
        c.setMinWidth(min);
        c.setCellValueFactory(x -> new ReadOnlyStringWrapper(f.apply(x.getValue())));
        c.setCellFactory(x -> new TipCell<>());
        return c;
    }

    /** A state badge that follows the object's live state (and says when an attachment holds no mapping). */
    private static final class StateCell extends TableCell<Tracked, Tracked> {
        private final Badge badge = new Badge("", Badge.Tone.UNKNOWN);
        private final ChangeListener<Object> follow = (o, a, b) -> show();
        private Tracked current;

        StateCell() {
            badge.setGraphic(null);
        }

        @Override
        protected void updateItem(Tracked item, boolean empty) {
            super.updateItem(item, empty);
            if (current != null) {
                current.state().removeListener(follow);
                current.note().removeListener(follow);
            }
            current = empty ? null : item;
            if (current == null) {
                setGraphic(null);
                return;
            }
            current.state().addListener(follow);
            current.note().addListener(follow);
            show();
            setGraphic(badge);
        }

        private void show() {
            TrackState s = current.state().getValue();
            String note = current.note().getValue();
            boolean unmapped = "band-unmapped".equals(RevocationTimeline.bandClass(current, s));
            badge.setText(unmapped ? "attached, not mapped" : s.label(current.kind()));
            badge.setTone(unmapped || (s == TrackState.REVOKED && current.kind() == RevocationTracker.Kind.MAPPING)
                    ? Badge.Tone.WARNING : s.tone());
            badge.setTip((unmapped ? note + "\n" : "") + switch (s) {
                case ACTIVE -> current.kind() == RevocationTracker.Kind.TYPE1 ? "Mapped in the other device's type1 "
                        + "container. No event of the exporting device reaches it: it outlives a reset, a close "
                        + "and an unbind." : "Usable.";
                case REVOKED -> current.kind() == RevocationTracker.Kind.MAPPING ? "Faulting: still mapped, but a "
                        + "read gets SIGBUS until memory decoding is on again." : "Revoked by the kernel: attach and "
                        + "map fail with ENODEV until the device's memory is back; DMA through the IOMMU faults.";
                case RESTORED -> "Usable again. The kernel does not tell importers: they must map again (Map again).";
                case DEAD -> "Gone for good (device closed: vfio_pci_dma_buf_cleanup, buffer released, or the app "
                        + "let it go). Only a new export works.";
            });
        }
    }

    /** The last DMA read of the witness that concerned the object: reached / IOMMU fault / use-after-free. */
    private static final class WitnessCell extends TableCell<Tracked, Tracked> {
        private final Badge badge = new Badge("", Badge.Tone.UNKNOWN);
        private final ChangeListener<WitnessRead> follow = (o, a, b) -> show(b);
        private Tracked current;

        @Override
        protected void updateItem(Tracked item, boolean empty) {
            super.updateItem(item, empty);
            if (current != null) {
                current.witness().removeListener(follow);
            }
            current = empty ? null : item;
            if (current == null) {
                setGraphic(null);
                return;
            }
            current.witness().addListener(follow);
            show(current.witness().getValue());
        }

        private void show(WitnessRead r) {
            if (r == null) {
                setGraphic(null);
                return;
            }
            badge.setText(r.verdict());
            badge.setTone(r.tone());
            badge.setTip(String.format("DMA read through %s from iova 0x%x: %s", r.engine(), r.read().iova(),
                    r.detail()));
            setGraphic(badge);
        }
    }
}
