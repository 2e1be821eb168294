package org.vfioinspector.app.gui.common;

import java.util.ArrayList;
import java.util.List;
import org.vfioinspector.bridge.kernel.Errno;
import org.vfioinspector.bridge.kernel.KernelException;

/**
 * What a user sees of a failure: one short sentence and labelled details (operation, target, errno with its
 * meaning, remedy). Never a stack trace; that goes to the log, once.
 *
 * @param summary short message, e.g. "Export dma-buf failed: EINVAL"
 * @param rows    label/value pairs for the expandable details
 */
public record ErrorDetails(String summary, List<Row> rows) {
    public record Row(String label, String value) {
    }

    public ErrorDetails {
        rows = List.copyOf(rows);
    }

    /** Builds the details of {@code error} for the action named {@code action} ("Export dma-buf"). */
    public static ErrorDetails of(String action, Throwable error) {
        Throwable e = unwrap(error);
        List<Row> rows = new ArrayList<>();
        if (e instanceof KernelException ke) {
            String name = ke.errnoName();
            rows.add(new Row("Operation", nonEmpty(ke.operation())));
            rows.add(new Row("Target", nonEmpty(ke.target())));
            Errno errno = Errno.of(ke.errno());
            rows.add(new Row("Error", errno != null ? name + " — " + errno.description() : name));
            rows.add(new Row("What to do", ke.remedy().orElse("No remedy known for this error.")));
            return new ErrorDetails(action + " failed: " + name, rows);
        }
        String msg = e.getMessage() != null && !e.getMessage().isBlank() ? e.getMessage()
                : e.getClass().getSimpleName();
        rows.add(new Row("Reason", msg));
        return new ErrorDetails(action + " failed", rows);
    }

    private static Throwable unwrap(Throwable t) {
        Throwable e = t;
        while ((e instanceof java.util.concurrent.ExecutionException
                || e instanceof java.util.concurrent.CompletionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    private static String nonEmpty(String s) {
        return s == null || s.isBlank() ? "—" : s;
    }
}
