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

/**
 * The live revocation view: every open mapping, dma-buf and attachment with its state badge (changing the moment
 * an event arrives), and the timeline of kernel events, which can be saved as JSON or as an HTML report.
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
    private final TableView<Tracked> objects = new TableView<>();
    private final TableView<TimelineEntry> events = new TableView<>();

    public RevocationView(RevocationModel model, BiConsumer<Format, RevocationModel> onSave) {
        getStyleClass().add("revocation-view");
        setMinHeight(90);
        objects.setMinHeight(40);
        events.setMinHeight(40);
        setSpacing(6);
        setPadding(new Insets(8));
        Label title = new Label("Live revocation");
        title.getStyleClass().add("section-title");
        tracing.getStyleClass().add("muted");
        tracing.setWrapText(true);
        Button json = new Button("Save JSON…", icon());
        json.setId("saveJson");
        json.setTooltip(new Tooltip("Save the objects and the event timeline as JSON"));
        json.setOnAction(e -> onSave.accept(Format.JSON, model));
        Button html = new Button("Save report…", icon());
        html.setId("saveHtml");
        html.setTooltip(new Tooltip("Save a readable HTML report of the objects and the timeline"));
        html.setOnAction(e -> onSave.accept(Format.HTML, model));
        Region spring = new Region();
        HBox.setHgrow(spring, Priority.ALWAYS);
        HBox head = new HBox(8, title, tracing, spring, json, html);
        head.setAlignment(Pos.CENTER_LEFT);
        HBox.setHgrow(tracing, Priority.SOMETIMES);

        objects.setId("trackedTable");
        objects.setItems(model.tracked());
        objects.setPlaceholder(new Label("Nothing open. Map a BAR, export a dma-buf or attach an importer in the "
                + "try-it panel; it appears here with its live state."));
        objects.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        objects.getColumns().add(col("Kind", 90, t -> t.kind().label()));
        objects.getColumns().add(col("Device", 110, t -> t.device().toString()));
        objects.getColumns().add(col("BAR", 60,
                t -> org.vfioinspector.bridge.model.Region.nameOf(t.region())));
        objects.getColumns().add(col("Inode", 80, t -> t.inode() < 0 ? "" : Long.toString(t.inode())));
        objects.getColumns().add(col("What", 200, Tracked::description));
        TableColumn<Tracked, Tracked> state = new TableColumn<>("State");
        state.setPrefWidth(110);
        state.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue()));
        state.setCellFactory(c -> new StateCell());
        objects.getColumns().add(state);

        events.setId("timelineTable");
        events.setItems(model.timeline());
        events.setPlaceholder(new Label("No kernel events yet."));
        events.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        events.getColumns().add(ecol("Time", 100, t -> TIME.format(t.received())));
        events.getColumns().add(ecol("Event", 90, t -> t.event().kind().name().toLowerCase(java.util.Locale.ROOT)));
        events.getColumns().add(ecol("Kernel function", 230, t -> t.event().function()));
        events.getColumns().add(ecol("Device", 110, t -> t.event().deviceIfKnown().map(Object::toString).orElse("")));
        events.getColumns().add(ecol("Buffer", 80, t -> t.event().dmaBufInode() < 0 ? ""
                : Long.toString(t.event().dmaBufInode())));
        events.getColumns().add(ecol("Effect", 220, TimelineEntry::effect));
        model.timeline().addListener((javafx.collections.ListChangeListener<TimelineEntry>) c -> {
            if (!model.timeline().isEmpty()) {
                events.scrollTo(model.timeline().size() - 1);
            }
        });

        SplitPane split = new SplitPane(objects, events);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.45);
        VBox.setVgrow(split, Priority.ALWAYS);
        getChildren().addAll(head, split);
    }

    /** "live events from tracefs" or why there are none. */
    public void setTracing(String text, boolean available) {
        tracing.setText(text);
        tracing.pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass("off"), !available);
    }

    public TableView<Tracked> objectsTable() {
        return objects;
    }

    public TableView<TimelineEntry> eventsTable() {
        return events;
    }

    private static FontIcon icon() {
        FontIcon i = new FontIcon(MaterialDesignC.CONTENT_SAVE);
        i.getStyleClass().add("icon");
        return i;
    }

    private static TableColumn<Tracked, String> col(String name, double w,
                                                    java.util.function.Function<Tracked, String> f) {
        TableColumn<Tracked, String> c = new TableColumn<>(name);
        c.setPrefWidth(w);
        c.setCellValueFactory(x -> new ReadOnlyStringWrapper(f.apply(x.getValue())));
        return c;
    }

    private static TableColumn<TimelineEntry, String> ecol(String name, double w,
                                                           java.util.function.Function<TimelineEntry, String> f) {
        TableColumn<TimelineEntry, String> c = new TableColumn<>(name);
        c.setPrefWidth(w);
        c.setCellValueFactory(x -> new ReadOnlyStringWrapper(f.apply(x.getValue())));
        return c;
    }

    /** A state badge that follows the object's live state. */
    private static final class StateCell extends TableCell<Tracked, Tracked> {
        private final Badge badge = new Badge("", Badge.Tone.UNKNOWN);
        private final ChangeListener<TrackState> follow = (o, a, b) -> show(b);
        private Tracked current;

        StateCell() {
            badge.setGraphic(null);
        }

        @Override
        protected void updateItem(Tracked item, boolean empty) {
            super.updateItem(item, empty);
            if (current != null) {
                current.state().removeListener(follow);
            }
            current = empty ? null : item;
            if (current == null) {
                setGraphic(null);
                return;
            }
            current.state().addListener(follow);
            show(current.state().getValue());
            setGraphic(badge);
        }

        private void show(TrackState s) {
            badge.setText(s.label());
            badge.setTone(s.tone());
            badge.setTip(switch (s) {
                case ACTIVE -> "Usable.";
                case REVOKED -> "Revoked by the kernel: mappings fault (SIGBUS), attach and map fail with ENODEV "
                        + "until the device's memory is back.";
                case RESTORED -> "Usable again. The kernel does not tell importers: they must re-map themselves.";
                case DEAD -> "Gone for good (device closed: vfio_pci_dma_buf_cleanup, or buffer released). "
                        + "Only a new export works.";
            });
        }
    }
}
