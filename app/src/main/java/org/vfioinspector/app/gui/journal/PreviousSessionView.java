package org.vfioinspector.app.gui.journal;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.vfioinspector.app.gui.common.ErrorPresenter;
import org.vfioinspector.app.gui.common.SecondaryWindows;
import org.vfioinspector.app.gui.common.UiTasks;
import org.vfioinspector.bridge.journal.Activity;
import org.vfioinspector.bridge.journal.JournalExport;
import org.vfioinspector.bridge.journal.JournalReader;

/**
 * A past session's journal, read-only: every host opened, action with the kernel's answer and kernel event, in
 * order, with the reader's notes (a torn last line, a bad line) above the table; exportable as JSON or HTML.
 */
public final class PreviousSessionView extends BorderPane {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());

    /** How the journal is saved. */
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

    private final TableView<Activity> table = new TableView<>();

    private final Button close = new Button("_Close");

    public PreviousSessionView(JournalReader.Journal journal, Consumer<Format> save) {
        getStyleClass().add("previous-session");
        setId("previousSession");
        Label title = new Label("Session journal " + Path.of(journal.source()).getFileName()
                + journal.started().map(s -> " — started " + TIME.format(s)).orElse("") + " — "
                + journal.entries().size() + " records");
        title.getStyleClass().add("section-title");
        VBox top = new VBox(4, title);
        for (String n : journal.notes()) {
            Label note = new Label(n);
            note.setWrapText(true);
            note.getStyleClass().add("journal-note");
            top.getChildren().add(note);
        }
        top.setPadding(new Insets(8));

        table.setId("journalTable");
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.getColumns().add(column("#", 50, a -> Long.toString(a.seq())));
        table.getColumns().add(column("Time", 170, a -> TIME.format(a.at())));
        table.getColumns().add(column("Kind", 70, a -> a.type().name().toLowerCase(Locale.ROOT)));
        table.getColumns().add(column("What", 100, Activity::operation));
        table.getColumns().add(column("Device", 110, a -> a.device() == null ? "" : a.device().toString()));
        table.getColumns().add(column("Region", 60,
                a -> org.vfioinspector.bridge.model.Region.nameOf(a.region())));
        table.getColumns().add(column("Result", 150, Activity::result));
        table.getColumns().add(column("Detail", 300, Activity::detail));
        table.getItems().setAll(journal.entries());
        table.setPlaceholder(new Label("This session recorded nothing."));

        Button json = new Button("Export _JSON…");
        json.setId("exportJournalJson");
        json.setOnAction(e -> save.accept(Format.JSON));
        Button html = new Button("Export _HTML…");
        html.setId("exportJournalHtml");
        html.setOnAction(e -> save.accept(Format.HTML));
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        close.setId("closeJournal");
        close.setCancelButton(true);
        HBox bottom = new HBox(8, gap, json, html, close);
        bottom.setAlignment(Pos.CENTER_RIGHT);
        bottom.setPadding(new Insets(8));
        setTop(top);
        setCenter(table);
        setBottom(bottom);
    }

    private static TableColumn<Activity, String> column(String name, double width,
                                                        java.util.function.Function<Activity, String> value) {
        TableColumn<Activity, String> c = new TableColumn<>(name);
        c.setPrefWidth(width);
        c.setCellValueFactory(d -> new ReadOnlyStringWrapper(value.apply(d.getValue())));
        c.setSortable(false);
        return c;
    }

    /** The export text, pure (written by the caller off the FX thread). */
    public static String export(JournalReader.Journal journal, Format format) {
        return format == Format.JSON ? JournalExport.json(journal) : JournalExport.html(journal);
    }

    /**
     * Opens the view in its own window, styled like {@code owner}; the export buttons ask for a file and write it on
     * {@code io}, reporting to {@code status} and {@code errors}.
     */
    public static Stage show(Window owner, JournalReader.Journal journal, Executor io, Consumer<String> status,
                             ErrorPresenter errors) {
        Stage stage = new Stage();
        PreviousSessionView view = new PreviousSessionView(journal, format -> {
            FileChooser fc = new FileChooser();
            fc.setTitle("Export the session journal as " + format.name());
            fc.getExtensionFilters().add(new FileChooser.ExtensionFilter(format.name(), "*." + format.extension()));
            fc.setInitialFileName("vfio-session." + format.extension());
            File f = fc.showSaveDialog(stage);
            if (f != null) {
                write(journal, format, f.toPath(), io, status, errors);
            }
        });
        Scene scene = new Scene(view, 1100, 600);
        if (owner != null && owner.getScene() != null) {
            scene.getStylesheets().setAll(owner.getScene().getStylesheets());
            stage.initOwner(owner);
        }
        stage.setTitle("Previous session — " + Path.of(journal.source()).getFileName());
        stage.setScene(scene);
        view.close.setOnAction(e -> stage.close());
        SecondaryWindows.closableByKeyboard(stage);
        stage.show();
        return stage;
    }

    /** Writes the export to {@code file} on {@code io} (tests call this directly). */
    public static javafx.concurrent.Task<Path> write(JournalReader.Journal journal, Format format, Path file,
                                                     Executor io, Consumer<String> status, ErrorPresenter errors) {
        return UiTasks.call(() -> {
            Files.writeString(file, export(journal, format), StandardCharsets.UTF_8);
            return file;
        }).title("Exporting the session journal")
                .onSuccess(p -> status.accept("Exported " + journal.entries().size() + " records to " + p))
                .onError(java.io.IOException.class, e -> errors.show("Export the session journal to " + file, e))
                .runOnce(io);
    }
}
