package org.vfioinspector.app.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Button;
import javafx.scene.control.TextField;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;
import org.vfioinspector.bridge.journal.Activity;
import org.vfioinspector.bridge.kernel.Kernel;
import org.vfioinspector.bridge.kernel.KernelEvents;
import org.vfioinspector.bridge.kernel.KernelException;
import org.vfioinspector.bridge.kernel.Mapping;
import org.vfioinspector.bridge.uapi.Vfio;

/**
 * A kernel call that really blocks: the lab kernel of qemu-q35, wrapped so that VFIO_DEVICE_RESET waits on a latch
 * as a reset of a wedged device would. The panel says what it waits for, the UI stays responsive, Abandon hands
 * the work to a fresh vfio-io thread (another device's mmap then succeeds there), and the late answer is recorded as
 * late without changing what the panel shows.
 */
class AbandonFlowTest extends MainWindowFlow {
    private static final String NVME = "0000:00:07.0";
    private static final String EDU = "0000:00:03.0";

    private final CountDownLatch resetAnswers = new CountDownLatch(1);
    private final CountDownLatch resetEntered = new CountDownLatch(1);
    /** The threads the wrapped kernel's mmap calls ran on. */
    private final List<String> mmapThreads = new CopyOnWriteArrayList<>();

    @Override
    protected AppContext newContext() {
        return new AppContext(GuiFixtures.prefs(), Optional.empty(), Duration.ofMillis(300), BlockingReset::new);
    }

    /** Runs before the frame closes the window: the stuck thread gets its answer. */
    @AfterEach
    void releaseTheKernel() {
        resetAnswers.countDown();
    }

    @Test
    void aResetStuckInTheKernelIsAbandonedAndLaterActionsRunOnAFreshThread(FxRobot robot) throws Exception {
        openLab("qemu-q35");

        // another device's session, opened on the first vfio-io thread
        robot.clickOn(EDU);
        WaitForAsyncUtils.waitForFxEvents();
        pressAndWait(robot, "#tryMmap");
        assertEquals("mmap: ok", text(robot, "#tryResultBadge"));

        // reset the nvme: the kernel does not answer
        robot.clickOn(NVME);
        WaitForAsyncUtils.waitForFxEvents();
        press(robot, "#resetDevice");
        assertTrue(resetEntered.await(10, TimeUnit.SECONDS), () -> "the reset reached the kernel: "
                + text(robot, "#tryResultText") + " / " + actions(ctx));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> waitingShown(robot));
        String waiting = text(robot, "#waitingText");
        assertTrue(waiting.startsWith("Waiting for the kernel: VFIO_DEVICE_RESET on " + NVME + " for "), waiting);
        assertTrue(robot.lookup("#resetDevice").queryAs(Button.class).isDisabled(), "one request at a time");

        // the FX thread is free: the filter takes text, and the waiting time counts up
        TextField filter = robot.lookup("#groupFilter").queryAs(TextField.class);
        robot.clickOn(filter).write("nvme");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("nvme", filter.getText());
        robot.interact(filter::clear);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> !text(robot, "#waitingText").equals(waiting));
        // the filter's re-selection may write the status bar once; the next tick says what is waiting again
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> window.status().getText()
                .startsWith("Waiting for the kernel: VFIO_DEVICE_RESET"));

        // abandon
        robot.interact(() -> robot.lookup("#abandonCall").queryAs(Button.class).fire());
        WaitForAsyncUtils.waitForFxEvents();
        assertFalse(waitingShown(robot));
        assertEquals("abandoned", text(robot, "#tryResultBadge"));
        String abandoned = text(robot, "#tryResultText");
        assertTrue(abandoned.startsWith("Abandoned VFIO_DEVICE_RESET on " + NVME) && abandoned.contains(
                "may still complete or fail in the kernel") && abandoned.contains("is unknown"), abandoned);
        assertTrue(window.status().getText().startsWith("Abandoned VFIO_DEVICE_RESET on " + NVME),
                window.status().getText());
        assertEquals(1, ctx.kernelCalls().abandonedThreads());

        // another device's action succeeds, on the fresh thread, with the session handed over to it
        robot.clickOn(EDU);
        WaitForAsyncUtils.waitForFxEvents();
        pressAndWait(robot, "#tryMmap");
        assertEquals("mmap: ok", text(robot, "#tryResultBadge"), text(robot, "#tryResultText"));
        String current = text(robot, "#tryResultText");
        assertEquals(List.of("vfio-io-1", "vfio-io-2"), mmapThreads);

        // the kernel answers after all: recorded as late; the panel keeps the current result
        resetAnswers.countDown();
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> actions(ctx).contains("reset " + NVME + " late"));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> window.status().getText().startsWith("Late answer"));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("mmap: ok", text(robot, "#tryResultBadge"));
        assertEquals(current, text(robot, "#tryResultText"));
        assertFalse(waitingShown(robot));
        assertFalse(robot.lookup("#resetDevice").queryAs(Button.class).isDisabled(), "not busy");
        assertTrue(window.status().getText().contains(": ok (recorded, not applied)"), window.status().getText());
        assertEquals(List.of("mmap " + EDU + " ok", "reset " + NVME + " abandoned", "mmap " + EDU + " ok",
                "reset " + NVME + " late"), actions(ctx));
        Activity late = ctx.activity().entries().stream().filter(a -> "late".equals(a.result())).findFirst()
                .orElseThrow();
        assertEquals("ok", late.fact("answer").orElseThrow(), late.toString());
        Activity gaveUp = ctx.activity().entries().stream().filter(a -> "abandoned".equals(a.result()))
                .findFirst().orElseThrow();
        assertTrue(gaveUp.detail().contains("VFIO_DEVICE_RESET"), gaveUp.toString());
    }

    /** The waiting box (with Abandon) is shown. */
    private static boolean waitingShown(FxRobot robot) {
        return robot.lookup("#kernelWaiting").query().isVisible();
    }

    private static List<String> actions(AppContext ctx) {
        return ctx.activity().entries().stream().filter(a -> a.type() == Activity.Type.ACTION)
                .map(a -> a.operation() + " " + a.device() + " " + a.result()).toList();
    }

    /** The lab kernel, except that VFIO_DEVICE_RESET waits until the test lets it answer. */
    private final class BlockingReset implements Kernel {
        private final Kernel lab;

        BlockingReset(Kernel lab) {
            this.lab = lab;
        }

        @Override
        public int ioctl(int fd, long request, long value) throws KernelException {
            if (request == Vfio.VFIO_DEVICE_RESET) {
                resetEntered.countDown();
                try {
                    resetAnswers.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return lab.ioctl(fd, request, value);
        }

        @Override
        public Mapping mmap(int fd, long offset, long length, int prot) throws KernelException {
            mmapThreads.add(Thread.currentThread().getName());
            return lab.mmap(fd, offset, length, prot);
        }

        @Override
        public String describe() {
            return lab.describe();
        }

        @Override
        public boolean isLab() {
            return lab.isLab();
        }

        @Override
        public int open(String devPath, int flags) throws KernelException {
            return lab.open(devPath, flags);
        }

        @Override
        public void close(int fd) throws KernelException {
            lab.close(fd);
        }

        @Override
        public int ioctl(int fd, long request, byte[] arg) throws KernelException {
            return lab.ioctl(fd, request, arg);
        }

        @Override
        public int pread(int fd, byte[] buf, long offset) throws KernelException {
            return lab.pread(fd, buf, offset);
        }

        @Override
        public int pwrite(int fd, byte[] buf, long offset) throws KernelException {
            return lab.pwrite(fd, buf, offset);
        }

        @Override
        public Optional<String> fdinfo(int fd) {
            return lab.fdinfo(fd);
        }

        @Override
        public Optional<String> dmaBufInfo() {
            return lab.dmaBufInfo();
        }

        @Override
        public void writeAttribute(String sysPath, String value) throws KernelException {
            lab.writeAttribute(sysPath, value);
        }

        @Override
        public KernelEvents events() {
            return lab.events();
        }

        @Override
        public Optional<String> driverOf(org.vfioinspector.bridge.model.PciAddress bdf) {
            return lab.driverOf(bdf);
        }

        @Override
        public java.util.List<org.vfioinspector.bridge.kernel.Importer> importers() {
            return lab.importers();
        }

        @Override
        public void close() {
            lab.close();
        }
    }
}
