package org.vfioinspector.app.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;
import org.vfioinspector.app.gui.host.HostChoice;
import org.vfioinspector.bridge.kernel.Kernel;
import org.vfioinspector.bridge.kernel.KernelEvents;

/**
 * The FX thread never calls the kernel, its event source or the file system: every kernel call of a whole session
 * (open a lab host, try mmap, export, attach, reset, memory off and on, close, switch to another host and back) is
 * checked on entry by a wrapping kernel, and every file read and write of the JVM is recorded by JFR
 * ({@code jdk.FileRead}, {@code jdk.FileWrite}, threshold 0, with stacks; class and resource loading aside, and the toolkit's own reads, e.g. of fonts, where no frame of ours is on the stack). A call
 * on the FX thread fails the test, naming the method and where it came from. JFR sees reads and writes, not opens,
 * listings or stats.
 */
class FxThreadStaysFreeTest extends MainWindowFlow {
    /** Kernel methods that answer from memory by contract: the lab's importer list, the kind of kernel. */
    private static final Set<String> NO_IO = Set.of("isLab", "importers", "hashCode", "equals", "toString");

    private final List<String> violations = new CopyOnWriteArrayList<>();

    @TempDir
    Path state;

    @Override
    protected AppContext newContext() {
        // settings in a file, a journal in the state directory: the app's own configuration
        return new AppContext(org.vfioinspector.app.gui.common.AppPrefs.load(state.resolve("settings.properties")),
                Optional.of(state), AppContext.GRACE, this::guarded);
    }

    private Kernel guarded(Kernel k) {
        return guard(Kernel.class, k);
    }

    @SuppressWarnings("unchecked")
    private <T> T guard(Class<T> type, T target) {
        InvocationHandler h = (proxy, m, args) -> {
            if (Platform.isFxApplicationThread() && !NO_IO.contains(m.getName())) {
                violations.add(type.getSimpleName() + "." + m.getName() + " on the FX thread, from " + caller());
            }
            try {
                Object r = m.invoke(target, args);
                return m.getName().equals("events") ? guard(KernelEvents.class, (KernelEvents) r) : r;
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, h);
    }

    private static String caller() {
        return StackWalker.getInstance().walk(s -> s.map(f -> f.getClassName() + "." + f.getMethodName() + ":"
                + f.getLineNumber()).filter(f -> f.startsWith("org.vfioinspector.app.") && !f.contains("FxThreadStays"))
                .limit(3).toList()).toString();
    }

    @Test
    void aWholeSessionLeavesTheFxThreadToTheUi(FxRobot robot) throws Exception {
        Path jfr = state.resolve("fx.jfr");
        try (Recording rec = new Recording()) {
            rec.enable("jdk.FileRead").withThreshold(Duration.ZERO).withStackTrace();
            rec.enable("jdk.FileWrite").withThreshold(Duration.ZERO).withStackTrace();
            rec.start();

            openLab("qemu-q35");
            robot.clickOn("0000:00:07.0");
            WaitForAsyncUtils.waitForFxEvents();
            for (String id : List.of("#tryMmap", "#exportDmabuf", "#attachImporter", "#resetDevice", "#memoryOff",
                    "#memoryOn", "#closeDevice")) {
                pressAndWait(robot, id);
            }
            WaitForAsyncUtils.asyncFx(() -> window.open(new HostChoice.Lab("gpu-server"))).get();
            WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> window.hostProperty().get() != null
                    && window.hostProperty().get().choice().label().contains("gpu-server"));
            WaitForAsyncUtils.asyncFx(() -> window.open(new HostChoice.Lab("qemu-q35"))).get();
            WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> window.hostProperty().get() != null
                    && window.hostProperty().get().choice().label().contains("qemu-q35"));
            WaitForAsyncUtils.waitForFxEvents();
            Thread.sleep(500);
            rec.stop();
            rec.dump(jfr);
        }
        List<String> files = new ArrayList<>();
        int seen = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
            seen++;
            if (e.getThread() != null && "JavaFX Application Thread".equals(e.getThread().getJavaName())
                    && !byTheClassLoader(e) && !appFrames(e).isEmpty()) {
                files.add(e.getEventType().getName() + " " + e.getString("path") + " from " + appFrames(e));
            }
        }
        assertTrue(seen > 0, "JFR recorded no file I/O at all: the check would see nothing");
        assertEquals(List.of(), violations, "kernel calls on the FX thread");
        assertEquals(List.of(), files, "file I/O on the FX thread");
        Files.deleteIfExists(jfr);
    }

    /** Class and resource loading (a class file, a jar, a stylesheet from the class path) is the JVM's, not ours. */
    private static boolean byTheClassLoader(RecordedEvent e) {
        return e.getStackTrace() != null && e.getStackTrace().getFrames().stream().map(f -> f.getMethod().getType()
                .getName()).anyMatch(n -> n.startsWith("jdk.internal.loader.") || n.equals("java.lang.ClassLoader")
                || n.startsWith("java.net.URLClassLoader") || n.startsWith("java.util.zip.") || n.startsWith(
                "java.util.jar."));
    }

    private static List<String> appFrames(RecordedEvent e) {
        if (e.getStackTrace() == null) {
            return List.of();
        }
        return e.getStackTrace().getFrames().stream().map(RecordedFrame::getMethod)
                .map(m -> m.getType().getName() + "." + m.getName())
                .filter(n -> n.startsWith("org.vfioinspector.")).limit(8).toList();
    }
}
