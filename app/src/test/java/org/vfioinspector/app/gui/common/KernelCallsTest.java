package org.vfioinspector.app.gui.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The replaceable vfio-io thread, with work that blocks on a latch as a call stuck in the kernel would. */
class KernelCallsTest {
    private final KernelCalls calls = new KernelCalls(KernelCalls.daemonThreads("test-io", (t, e) -> { }),
            Duration.ofMillis(50), Runnable::run);
    private final CountDownLatch kernel = new CountDownLatch(1);

    @AfterEach
    void release() {
        kernel.countDown();
        calls.close();
    }

    @Test
    void aStuckCallReportsWaitingIsAbandonedAndItsLateAnswerGoesToTheLateHandler() throws Exception {
        BlockingQueue<Duration> waiting = new LinkedBlockingQueue<>();
        BlockingQueue<KernelCalls.LateAnswer<String>> late = new LinkedBlockingQueue<>();
        CountDownLatch entered = new CountDownLatch(1);
        ExecutorService first = calls.executor();
        KernelCalls.Call call = calls.newCall();
        FutureTask<String> stuck = new FutureTask<>(call.guard(() -> {
            entered.countDown();
            kernel.await();
            return "reset ok";
        }, late::add));
        call.start(stuck, waiting::add);
        assertTrue(entered.await(10, TimeUnit.SECONDS));

        // after the grace period, the call says it waits (and again, while it does)
        assertTrue(waiting.poll(10, TimeUnit.SECONDS) != null, "waiting reported after the grace period");
        assertTrue(waiting.poll(10, TimeUnit.SECONDS) != null, "and again");

        // work queued behind the stuck call moves to the fresh thread, after the hand-over
        List<String> order = new CopyOnWriteArrayList<>();
        FutureTask<String> queued = new FutureTask<>(() -> {
            order.add("queued");
            return Thread.currentThread().getName();
        });
        first.execute(queued);
        List<String> atOnce = new CopyOnWriteArrayList<>();
        assertTrue(call.abandon(() -> atOnce.add(Thread.currentThread().getName()), () -> order.add("hand-over")));
        assertEquals(List.of(Thread.currentThread().getName()), atOnce, "atOnce runs on the abandoning thread");
        assertTrue(call.isAbandoned());
        assertNotEquals(first, calls.executor(), "a fresh executor after the abandon");
        assertEquals(1, calls.abandonedThreads());
        String queuedOn = queued.get(10, TimeUnit.SECONDS);
        assertEquals(List.of("hand-over", "queued"), order);
        assertEquals("test-io-2", queuedOn, "the queued work ran on the fresh thread");
        assertFalse(stuck.isDone(), "the stuck call still waits in the 'kernel'");

        // later work runs at once on the fresh thread
        assertEquals("test-io-2", calls.executor().submit(() -> Thread.currentThread().getName())
                .get(10, TimeUnit.SECONDS));
        waiting.clear();

        // the kernel answers after all: late, not current
        kernel.countDown();
        assertNull(stuck.get(10, TimeUnit.SECONDS), "an abandoned call returns nothing as current");
        KernelCalls.LateAnswer<String> answer = late.poll(10, TimeUnit.SECONDS);
        assertTrue(answer != null && answer.isOk(), String.valueOf(answer));
        assertEquals("reset ok", answer.value());
        assertFalse(call.abandon(() -> { }, () -> { }), "abandoned once");
        // the left-behind thread exits once its call returned
        assertTrue(first.awaitTermination(10, TimeUnit.SECONDS));
        assertTrue(waiting.poll(200, TimeUnit.MILLISECONDS) == null, "no waiting report after the abandon");
    }

    @Test
    void aLateFailureGoesToTheLateHandlerToo() throws Exception {
        BlockingQueue<KernelCalls.LateAnswer<String>> late = new LinkedBlockingQueue<>();
        CountDownLatch entered = new CountDownLatch(1);
        KernelCalls.Call call = calls.newCall();
        FutureTask<String> stuck = new FutureTask<>(call.guard(() -> {
            entered.countDown();
            kernel.await();
            throw new IllegalStateException("ENODEV");
        }, late::add));
        call.start(stuck, d -> { });
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        assertTrue(call.abandon(() -> { }, () -> { }));
        kernel.countDown();
        assertNull(stuck.get(10, TimeUnit.SECONDS), "the late failure is not thrown as current");
        KernelCalls.LateAnswer<String> answer = late.poll(10, TimeUnit.SECONDS);
        assertTrue(answer != null && !answer.isOk());
        assertEquals("ENODEV", answer.error().getMessage());
    }

    @Test
    void aCallThatAnswersIsCurrentAndCannotBeAbandoned() throws Exception {
        ExecutorService before = calls.executor();
        KernelCalls.Call call = calls.newCall();
        FutureTask<String> quick = new FutureTask<>(call.guard(() -> {
            throw new IllegalArgumentException("EINVAL");
        }, l -> {
            throw new AssertionError("not late");
        }));
        call.start(quick, d -> { });
        ExecutionException e = assertThrows(ExecutionException.class, () -> quick.get(10, TimeUnit.SECONDS));
        assertEquals("EINVAL", e.getCause().getMessage(), "a current failure is thrown as it was");
        assertFalse(call.abandon(() -> {
            throw new AssertionError("atOnce must not run");
        }, () -> { }));
        assertFalse(call.isAbandoned());
        assertSame(before, calls.executor(), "no fresh thread");
        assertEquals(0, calls.abandonedThreads());
        assertThrows(IllegalStateException.class, () -> call.start(() -> { }, d -> { }), "a call starts once");
    }
}
