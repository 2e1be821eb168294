package org.vfioinspector.app.gui.common;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import javafx.concurrent.Task;

/**
 * Turns blocking work into a {@link Task} run on an executor the caller names (Cryptomator's {@code Tasks}).
 * Every callback runs on the FX thread. Error handlers are typed; the first whose type matches wins. An error no
 * handler takes goes to the fallback handler (logged once, then shown by the caller's presenter).
 *
 * <pre>{@code
 * UiTasks.call(() -> scanner.scan())
 *        .onSuccess(inventory::set)
 *        .onError(HostUnreadableException.class, e -> errors.show("Cannot read the host", e))
 *        .andFinally(() -> busy.set(false))
 *        .runOnce(ctx.background());
 * }</pre>
 */
public final class UiTasks {
    private static final Logger LOG = System.getLogger(UiTasks.class.getName());

    private UiTasks() {
    }

    public static <T> Builder<T> call(Callable<T> work) {
        return new Builder<>(Objects.requireNonNull(work, "work"));
    }

    /** Runs {@code action} on the FX thread once, at the end of the next layout pulse of {@code scene}. */
    public static void afterNextPulse(javafx.scene.Scene scene, Runnable action) {
        Runnable[] once = new Runnable[1];
        once[0] = () -> {
            scene.removePostLayoutPulseListener(once[0]);
            action.run();
        };
        scene.addPostLayoutPulseListener(once[0]);
    }

    /** A task without a result. */
    public static Builder<Void> run(ThrowingRunnable work) {
        Objects.requireNonNull(work, "work");
        return new Builder<>(() -> {
            work.run();
            return null;
        });
    }

    @FunctionalInterface
    public interface ThrowingRunnable {
        void run() throws Exception;
    }

    public static final class Builder<T> {
        private final Callable<T> work;
        private Consumer<? super T> onSuccess = t -> { };
        private final List<ErrorHandler<?>> errorHandlers = new ArrayList<>();
        private Runnable andFinally = () -> { };
        private String title = "";

        private Builder(Callable<T> work) {
            this.work = work;
        }

        /** What the task does, in words, for the status bar ("Scanning /sys"). */
        public Builder<T> title(String text) {
            this.title = Objects.requireNonNull(text, "text");
            return this;
        }

        public Builder<T> onSuccess(Consumer<? super T> handler) {
            this.onSuccess = Objects.requireNonNull(handler, "handler");
            return this;
        }

        public <E extends Throwable> Builder<T> onError(Class<E> type, Consumer<? super E> handler) {
            errorHandlers.add(new ErrorHandler<>(type, handler));
            return this;
        }

        public Builder<T> andFinally(Runnable handler) {
            this.andFinally = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /** Builds the task without running it (for a status bar that wants to bind to it first). */
        public Task<T> build() {
            Callable<T> w = work;
            Consumer<? super T> success = onSuccess;
            List<ErrorHandler<?>> handlers = List.copyOf(errorHandlers);
            Runnable fin = andFinally;
            String t = title;
            Task<T> task = new Task<>() {
                {
                    updateTitle(t);
                }

                @Override
                protected T call() throws Exception {
                    return w.call();
                }
            };
            task.setOnSucceeded(e -> {
                try {
                    success.accept(task.getValue());
                } finally {
                    fin.run();
                }
            });
            task.setOnFailed(e -> {
                try {
                    Throwable error = task.getException();
                    if (!dispatch(handlers, error)) {
                        LOG.log(Level.ERROR, "Unhandled error in background task '" + title + "'", error);
                    }
                } finally {
                    fin.run();
                }
            });
            task.setOnCancelled(e -> fin.run());
            return task;
        }

        /** Builds the task and hands it to {@code executor}. */
        public Task<T> runOnce(Executor executor) {
            Task<T> task = build();
            executor.execute(task);
            return task;
        }

        private static boolean dispatch(List<ErrorHandler<?>> handlers, Throwable error) {
            for (ErrorHandler<?> h : handlers) {
                if (h.tryHandle(error)) {
                    return true;
                }
            }
            return false;
        }
    }

    private record ErrorHandler<E extends Throwable>(Class<E> type, Consumer<? super E> handler) {
        boolean tryHandle(Throwable t) {
            if (type.isInstance(t)) {
                handler.accept(type.cast(t));
                return true;
            }
            return false;
        }
    }
}
