package org.vfioinspector.bridge.exercise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vfioinspector.bridge.journal.ActivityLog;
import org.vfioinspector.bridge.kernel.KernelEvent;
import org.vfioinspector.bridge.model.PciAddress;

/** Checks evaluated on recorded activity: the built-in exercises met by the right records, not by wrong ones. */
class CheckTest {
    private static final PciAddress IVSHMEM = PciAddress.parse("0000:00:05.0");
    private static final PciAddress NVME = PciAddress.parse("0000:00:07.0");
    private static final PciAddress ISM = PciAddress.parse("0001:00:00.0");

    private final ActivityLog log = new ActivityLog(Clock.fixed(Instant.parse("2026-05-01T10:00:00Z"),
            ZoneOffset.UTC));

    private ExerciseRun run(String name) throws ExerciseException {
        return new ExerciseRun(ExerciseLoader.builtIn(name), Progress.fresh(name), 0);
    }

    private void host(String profile) {
        log.host("Lab", Map.of("profile", profile, "lab", "true"));
    }

    @Test
    void subPageBarNeedsMmapOkExportEinvalOnTheSameBarThenTheRuleNamed() throws Exception {
        ExerciseRun r = run("sub-page-bar");
        host("linux-7.2");
        // wrong: an export that the kernel accepts, and an EINVAL on another BAR than the mmap
        log.action("export", IVSHMEM, 2, "ok", "", Map.of());
        log.action("mmap", IVSHMEM, 2, "ok", "", Map.of());
        log.action("export", IVSHMEM, 0, "EINVAL", "", Map.of());
        assertTrue(r.update(log.entries()).isEmpty(), "mmap and EINVAL on different BARs do not meet step 1");
        log.action("mmap", IVSHMEM, 0, "ok", "", Map.of());
        List<Progress.StepPass> p = r.update(log.entries());
        assertEquals(1, p.size());
        assertEquals(Map.of("dev", "0000:00:05.0", "bar", "0"), p.get(0).bindings());
        assertEquals(2, p.get(0).evidence().size());
        // looking at the rule names nothing; naming a rule that does not decide the export, or another BAR's, fails
        log.action("inspect-rule", IVSHMEM, 0, "ok", "", Map.of("verdict", "dma-buf", "status", "no"));
        log.action("name-rule", IVSHMEM, 0, "ok", "", Map.of("verdict", "mmap", "rule", "m", "decides", "true"));
        log.action("name-rule", IVSHMEM, 0, "ok", "", Map.of("verdict", "dma-buf", "rule", "x", "decides", "false"));
        log.action("name-rule", IVSHMEM, 2, "ok", "", Map.of("verdict", "dma-buf", "rule", "y", "decides", "true"));
        assertTrue(r.update(log.entries()).isEmpty());
        log.action("name-rule", IVSHMEM, 0, "ok", "", Map.of("verdict", "dma-buf", "rule", "z", "decides", "true"));
        assertEquals(1, r.update(log.entries()).size());
        assertTrue(r.done());
    }

    @Test
    void unmappableBarNeedsBothAnswersUnderAnotherProfile() throws Exception {
        ExerciseRun r = run("unmappable-bar");
        host("linux-7.2");
        log.action("mmap", ISM, 2, "EINVAL", "", Map.of());
        log.action("export", ISM, 2, "ok", "", Map.of());
        assertEquals(1, r.update(log.entries()).size());
        // the same profile opened again: refusing the export there is not possible, and does not count
        host("linux-7.2");
        log.action("mmap", ISM, 2, "EINVAL", "", Map.of());
        log.action("export", ISM, 2, "EINVAL", "", Map.of());
        assertTrue(r.update(log.entries()).isEmpty(), "both refused under the same profile is not the switch");
        host("linux-7.2 +p2pdmaRefusesNonMappableBars");
        log.action("export", ISM, 2, "EINVAL", "", Map.of());
        assertTrue(r.update(log.entries()).isEmpty(), "the mmap must be tried under the new profile too");
        log.action("mmap", ISM, 2, "EINVAL", "", Map.of());
        assertEquals(1, r.update(log.entries()).size());
        assertTrue(r.done());
    }

    private void event(KernelEvent.Kind k, PciAddress d, long ino) {
        log.event(new KernelEvent(1, k, "f", d, ino, ""));
    }

    @Test
    void revocationLifecycleResetBeforeAttachDoesNotCount() throws Exception {
        ExerciseRun r = run("revocation-lifecycle");
        host("linux-7.2");
        log.action("export", NVME, 0, "ok", "", Map.of("inode", "42"));
        event(KernelEvent.Kind.REVOKE, NVME, -1);
        event(KernelEvent.Kind.INVALIDATE, NVME, 42);
        event(KernelEvent.Kind.RESTORE, NVME, -1);
        log.action("reset", NVME, -1, "ok", "", Map.of());
        log.action("attach", NVME, 0, "ok", "", Map.of("inode", "42"));
        assertTrue(r.update(log.entries()).isEmpty(), "reset before attach leaves step 1 unmet");
        // now in the right order, with the events recorded before the reset's answer (as the lab does)
        event(KernelEvent.Kind.ZAP, NVME, -1);
        event(KernelEvent.Kind.REVOKE, NVME, -1);
        event(KernelEvent.Kind.INVALIDATE, NVME, 42);
        event(KernelEvent.Kind.RESTORE, NVME, -1);
        log.action("reset", NVME, -1, "ok", "", Map.of());
        assertEquals(1, r.update(log.entries()).size());
        log.action("mmap", NVME, 0, "SIGBUS", "", Map.of());
        log.action("memory-off", NVME, -1, "ok", "", Map.of());
        assertTrue(r.update(log.entries()).isEmpty(), "a fault before memory-off does not count");
        log.action("mmap", NVME, 0, "SIGBUS", "", Map.of());
        assertEquals(1, r.update(log.entries()).size());
        event(KernelEvent.Kind.PERMANENT, NVME, -1);
        log.action("close", NVME, -1, "ok", "", Map.of());
        assertEquals(1, r.update(log.entries()).size());
        assertTrue(r.done());
    }

    @Test
    void progressSurvivesARestartWithItsBindings(@TempDir Path dir) throws Exception {
        ExerciseRun r = run("sub-page-bar");
        host("linux-7.2");
        log.action("mmap", IVSHMEM, 0, "ok", "", Map.of());
        log.action("export", IVSHMEM, 0, "EINVAL", "", Map.of());
        r.update(log.entries());
        ProgressStore store = new ProgressStore(dir);
        store.save(r.progress());
        assertTrue(Files.exists(dir.resolve("exercises/sub-page-bar.json")));
        Progress back = store.load("sub-page-bar").orElseThrow();
        assertEquals(r.progress(), back);
        // a new session: seq numbers start again; the bound BAR still decides step 2
        ActivityLog next = new ActivityLog(Clock.systemUTC());
        ExerciseRun again = new ExerciseRun(ExerciseLoader.builtIn("sub-page-bar"), back, 0);
        assertEquals(1, again.current());
        next.action("name-rule", IVSHMEM, 2, "ok", "", Map.of("verdict", "dma-buf", "rule", "y", "decides", "true"));
        assertTrue(again.update(next.entries()).isEmpty(), "another BAR's rule");
        next.action("name-rule", IVSHMEM, 0, "ok", "", Map.of("verdict", "dma-buf", "rule", "z", "decides", "true"));
        assertEquals(1, again.update(next.entries()).size());
        store.clear("sub-page-bar");
        assertFalse(store.load("sub-page-bar").isPresent());
        Files.createDirectories(dir.resolve("exercises"));
        Files.writeString(dir.resolve("exercises/sub-page-bar.json"), "{ not json");
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> store.load("sub-page-bar")).getMessage().contains("sub-page-bar.json"));
    }

    @Test
    void reportHasStepsEvidenceAndTimelineEscaped() throws Exception {
        ExerciseRun r = run("sub-page-bar");
        host("linux-7.2");
        log.action("mmap", IVSHMEM, 0, "ok", "<first dword>", Map.of());
        log.action("export", IVSHMEM, 0, "EINVAL", "", Map.of());
        r.update(log.entries());
        String html = ExerciseReport.html(r.exercise(), r.progress(), r.window(log.entries()), "lab", Instant.EPOCH);
        assertTrue(html.contains("1 of 2 steps passed"), html);
        assertTrue(html.contains("&lt;first dword&gt;") && !html.contains("<first dword>"));
        assertTrue(html.contains("not yet"));
        assertTrue(html.contains("#3 ACTION export 0000:00:05.0 BAR0 → EINVAL"), html);
    }
}
