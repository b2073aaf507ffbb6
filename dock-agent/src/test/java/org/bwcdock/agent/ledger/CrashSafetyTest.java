package org.bwcdock.agent.ledger;

import org.bwcdock.testing.Jvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** kill -9 in the middle of a write loop: the database is intact and every acknowledged write is there. */
@Timeout(90)
class CrashSafetyTest {

    @Test
    void killNineMidWriteLosesNoAcknowledgedWrite(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("ledger.db");
        Map<Long, String> acked = new HashMap<>();
        Process writer = Jvm.fork(List.of("-Xmx64m"), LedgerWriterMain.class, db.toString()).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while (acked.size() < 300 && (line = out.readLine()) != null) {
                String[] f = line.split(" ");
                acked.put(Long.parseLong(f[1]), f[2]);
            }
        } finally {
            Jvm.kill(writer);
        }
        assertEquals(300, acked.size(), "the writer died before acknowledging 300 writes");

        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("PRAGMA integrity_check")) {
                assertTrue(r.next());
                assertEquals("ok", r.getString(1));
            }
        }
        try (Ledger ledger = Ledgers.open(db, Clock.systemUTC())) {
            for (long id : acked.keySet()) {
                assertEquals(FileState.INGESTING, ledger.file(id).orElseThrow(() -> new AssertionError("file " + id + " lost")).state());
            }
            Set<String> events = ledger.pendingEvents(1_000_000).stream().map(OutboxEvent::eventId).collect(Collectors.toSet());
            assertTrue(events.containsAll(acked.values()), "an acknowledged event was lost");
            assertTrue(ledger.verifyAudit().ok(), () -> "audit chain broken: " + ledger.verifyAudit());
        }
    }
}
