package org.vfioinspector.bridge.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vfioinspector.bridge.kernel.KernelEvent;
import org.vfioinspector.bridge.model.PciAddress;

class SessionJournalTest {
    private static final PciAddress NVME = PciAddress.parse("0000:00:04.0");
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-21T10:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path state;

    @Test
    void everyRecordIsOnDiskWhenTheListenerReturnsAndReadsBackEqual() throws IOException {
        ActivityLog log = new ActivityLog(clock);
        SessionJournal journal = SessionJournal.create(Journals.dir(state), clock, 5, false);
        log.subscribe(journal);
        log.host("lab qemu-q35", Map.of("profile", "linux-7.2", "key", "lab:qemu-q35"));
        journal.open();
        log.action("export", NVME, 0, "ok", "dma-buf \"fd\" 7\nsecond line", Map.of("inode", "42"));
        // no close, no flush: another reader sees the bytes at once (what a kill -9 leaves behind)
        long lines = Files.readAllLines(journal.file()).size();
        assertEquals(3, lines, "header + host (waited for open) + action");
        log.event(new KernelEvent(5, KernelEvent.Kind.REVOKE, "vfio_pci_dma_buf_move", NVME, 42, "revoked=1"));
        log.action("reset", NVME, -1, "EBUSY", "busy", null);

        JournalReader.Journal read = JournalReader.read(journal.file());
        assertEquals(log.entries(), read.entries());
        assertEquals(List.of(), read.notes());
        assertEquals(Instant.parse("2026-11-21T10:00:00Z"), read.started().orElseThrow());
        assertEquals(5, journal.linesWritten());
        assertTrue(journal.failure().isEmpty());
    }

    @Test
    void aTornLastLineIsSkippedWithANoteAndEverythingBeforeItKept() throws IOException {
        ActivityLog log = new ActivityLog(clock);
        SessionJournal journal = SessionJournal.create(Journals.dir(state), clock, 5, true);
        journal.open();
        log.subscribe(journal);
        log.action("mmap", NVME, 0, "ok", "mapped", null);
        log.action("export", NVME, 0, "ok", "exported", null);
        String text = Files.readString(journal.file());
        // the process died in the middle of the last write
        String torn = text.substring(0, text.length() - 20);
        JournalReader.Journal read = JournalReader.parse("j.jsonl", torn);
        assertEquals(log.entries().subList(0, 1), read.entries());
        assertEquals(1, read.notes().size());
        assertTrue(read.notes().get(0).startsWith("j.jsonl: line 3 is incomplete"), read.notes().get(0));
    }

    @Test
    void aBadLineIsNamedAndSkippedTheRestIsKept() {
        String text = "{\"format\":\"vfio-inspector-journal\",\"version\":1,\"started\":\"2026-11-21T10:00:00Z\"}\n"
                + "{\"seq\":1,\"at\":\"2026-11-21T10:00:01Z\",\"type\":\"ACTION\",\"operation\":\"mmap\","
                + "\"device\":\"0000:00:04.0\",\"region\":0,\"result\":\"ok\",\"detail\":\"\",\"facts\":{}}\n"
                + "{\"seq\":2,\"at\":\"yesterday\",\"type\":\"ACTION\"}\n"
                + "not json at all\n"
                + "{\"seq\":3,\"at\":\"2026-11-21T10:00:02Z\",\"type\":\"NAP\",\"operation\":\"x\",\"region\":-1,"
                + "\"result\":\"ok\"}\n";
        JournalReader.Journal read = JournalReader.parse("j", text);
        assertEquals(1, read.entries().size());
        assertEquals(List.of("j: line 3: field \"at\" is \"yesterday\", expected an ISO-8601 instant like "
                        + "2026-11-21T10:15:00Z: skipped",
                "j: line 4 is not JSON (Unrecognized token 'not': was expecting (JSON String, Number, Array, "
                        + "Object or token 'null', 'true' or 'false')): skipped",
                "j: line 5: field \"type\" is \"NAP\", expected one of HOST, ACTION, EVENT: skipped"),
                read.notes());
    }

    @Test
    void oldJournalsArePrunedAndThePreviousOneIsFound() throws IOException {
        Path dir = Journals.dir(state);
        Files.createDirectories(dir);
        for (int i = 0; i < 4; i++) {
            Files.writeString(dir.resolve(Journals.fileName(Instant.parse("2026-11-0" + (i + 1) + "T08:00:00Z"),
                    100 + i)), "", StandardCharsets.UTF_8);
        }
        Files.writeString(dir.resolve("notes.txt"), "not a journal");
        SessionJournal journal = SessionJournal.create(dir, clock, 3, false);
        journal.open();
        List<Path> left = Journals.list(dir);
        assertEquals(3, left.size());
        assertEquals(journal.file(), left.get(0));
        assertEquals(dir.resolve(Journals.fileName(Instant.parse("2026-11-04T08:00:00Z"), 103)),
                Journals.previous(dir, journal.file()).orElseThrow());
        assertTrue(Files.exists(dir.resolve("notes.txt")), "only journals are deleted");
        assertFalse(Files.exists(dir.resolve(Journals.fileName(Instant.parse("2026-11-02T08:00:00Z"), 101))));
    }

    @Test
    void aJournalThatCannotBeWrittenStopsQuietlyAndSaysWhy() throws IOException {
        Path blocked = state.resolve("file-not-dir");
        Files.writeString(blocked, "x");
        SessionJournal journal = SessionJournal.create(blocked.resolve("journal"), clock, 2, false);
        ActivityLog log = new ActivityLog(clock);
        log.subscribe(journal);
        org.junit.jupiter.api.Assertions.assertThrows(IOException.class, journal::open);
        log.action("mmap", NVME, 0, "ok", "mapped", null);
        assertTrue(journal.failure().isPresent());
        assertEquals(1, log.entries().size(), "the session goes on");
    }

    @Test
    void exportsCarryEveryRecord() throws IOException {
        ActivityLog log = new ActivityLog(clock);
        log.action("attach", NVME, 2, "EINVAL", "<importer> & co", Map.of("importer", "rdma"));
        String text = "{\"format\":\"vfio-inspector-journal\",\"version\":1,\"started\":\"2026-11-21T10:00:00Z\"}\n"
                + SessionJournal.toJson(log.entries().get(0)) + "\n";
        JournalReader.Journal j = JournalReader.parse("s.jsonl", text);
        String json = JournalExport.json(j);
        com.fasterxml.jackson.databind.JsonNode tree = SessionJournal.JSON.readTree(json);
        assertEquals("EINVAL", tree.path("entries").get(0).path("result").asText());
        assertEquals("rdma", tree.path("entries").get(0).path("facts").path("importer").asText());
        String html = JournalExport.html(j);
        assertTrue(html.contains("&lt;importer&gt; &amp; co"), html);
        assertTrue(html.contains("class=\"fail\">EINVAL"), html);
        assertTrue(html.contains("BAR2"), html);
    }
}
