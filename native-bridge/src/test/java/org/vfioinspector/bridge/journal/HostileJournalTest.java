package org.vfioinspector.bridge.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Journals with bytes a kill or a disk can leave (issue 19): one bad line never costs the good records. */
class HostileJournalTest {
    @TempDir
    Path tmp;

    private static final String HEADER = "{\"format\":\"" + SessionJournal.FORMAT
            + "\",\"version\":1,\"started\":\"2026-11-21T10:00:00Z\",\"pid\":1}\n";

    private static String record(int seq) {
        return "{\"seq\":" + seq + ",\"at\":\"2026-11-21T10:00:0" + seq + "Z\",\"type\":\"ACTION\",\"operation\":"
                + "\"export\",\"device\":\"0000:00:03.0\",\"region\":0,\"result\":\"ok\",\"detail\":\"\"}\n";
    }

    @Test
    void aLineThatIsNotUtf8IsSkippedAndCountedAndEveryGoodRecordComesBack() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes((HEADER + record(1)).getBytes(StandardCharsets.UTF_8));
        b.writeBytes(new byte[] {'{', '"', (byte) 0xc3, '"', '}', '\n'}); // 0xc3 opens a 2-byte sequence: torn
        b.writeBytes(record(2).getBytes(StandardCharsets.UTF_8));
        b.writeBytes(new byte[] {'{', '"', 'd', 'e', 't', (byte) 0xe2, (byte) 0x82}); // killed inside a '€'
        Path f = tmp.resolve("session.jsonl");
        Files.write(f, b.toByteArray());
        JournalReader.Journal j = JournalReader.read(f);
        assertEquals(List.of(1L, 2L), j.entries().stream().map(Activity::seq).toList());
        assertTrue(j.notes().contains(f + ": line 3 is not UTF-8 text: skipped"), j.notes().toString());
        assertTrue(j.notes().stream().anyMatch(n -> n.startsWith(f + ": line 5 is incomplete")), j.notes().toString());
    }

    @Test
    void aStateDirectoryThatIsARegularFileIsOneLineNotATrace() throws Exception {
        Path state = tmp.resolve("vfio-inspector");
        Files.writeString(state, "not a directory");
        SessionJournal j = SessionJournal.create(Journals.dir(state),
                Clock.fixed(Instant.parse("2026-11-21T10:00:00Z"), ZoneOffset.UTC), 20, false);
        IOException e = assertThrows(IOException.class, j::open);
        assertEquals(state + ": is not a directory, expected the state directory (remove or rename it): this "
                + "session keeps no journal", e.getMessage());
        assertFalse(e.getMessage().contains("java."), e.getMessage());
    }
}
