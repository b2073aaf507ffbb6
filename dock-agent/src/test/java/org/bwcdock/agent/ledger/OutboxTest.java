package org.bwcdock.agent.ledger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class OutboxTest {
    @TempDir
    Path dir;

    /** A clock the test moves by hand, also backwards. */
    static final class HandClock extends Clock {
        final AtomicLong millis = new AtomicLong(1_700_000_000_000L);

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }
    }

    @Test
    void orderIsBySequenceEvenWhenTheClockGoesBack() {
        HandClock clock = new HandClock();
        try (Ledger ledger = Ledgers.open(dir.resolve("l.db"), clock)) {
            ledger.appendEvent("a", EventClass.EVIDENCE, "{\"n\":1}");
            clock.millis.addAndGet(-3_600_000);
            ledger.appendEvent("b", EventClass.EVIDENCE, "{\"n\":2}");
            ledger.appendEvent("c", EventClass.OPERATIONAL, "{\"n\":3}");
            List<OutboxEvent> events = ledger.pendingEvents(10);
            assertEquals(List.of("a", "b", "c"), events.stream().map(OutboxEvent::type).toList());
            assertTrue(events.get(0).sequence() < events.get(1).sequence());
            assertEquals(3, events.stream().map(OutboxEvent::eventId).distinct().count(), "each event its own id");
        }
    }

    @Test
    void publishedEventsLeaveAndPendingOnesSurviveARestart() {
        Path db = dir.resolve("l.db");
        String keptId;
        try (Ledger ledger = Ledgers.open(db, Clock.systemUTC())) {
            OutboxEvent first = ledger.appendEvent("docked", EventClass.EVIDENCE, "{}");
            OutboxEvent second = ledger.appendEvent("undocked", EventClass.EVIDENCE, "{}");
            ledger.markPublished(first.sequence());
            keptId = second.eventId();
        }
        try (Ledger ledger = Ledgers.open(db, Clock.systemUTC())) {
            List<OutboxEvent> pending = ledger.pendingEvents(10);
            assertEquals(1, pending.size());
            assertEquals(keptId, pending.get(0).eventId(), "the eventId is stable across restarts");
        }
    }

    @Test
    void overflowDropsOldestOperationalFirstAndNeverEvidence() {
        try (Ledger ledger = Ledgers.open(dir.resolve("l.db"), Clock.systemUTC(), 5)) {
            ledger.appendEvent("e1", EventClass.EVIDENCE, "{}");
            ledger.appendEvent("o1", EventClass.OPERATIONAL, "{}");
            ledger.appendEvent("e2", EventClass.EVIDENCE, "{}");
            ledger.appendEvent("o2", EventClass.OPERATIONAL, "{}");
            ledger.appendEvent("e3", EventClass.EVIDENCE, "{}");
            ledger.appendEvent("e4", EventClass.EVIDENCE, "{}");
            assertEquals(List.of("e1", "e2", "o2", "e3", "e4"), types(ledger));
            ledger.appendEvent("e5", EventClass.EVIDENCE, "{}");
            ledger.appendEvent("e6", EventClass.EVIDENCE, "{}");
            assertEquals(List.of("e1", "e2", "e3", "e4", "e5", "e6"), types(ledger), "evidence grows past capacity");
            assertTrue(ledger.verifyAudit().ok());
        }
    }

    private static List<String> types(Ledger ledger) {
        return ledger.pendingEvents(100).stream().map(OutboxEvent::type).toList();
    }

    @Test
    void ledgerFileIsOwnerOnly() throws Exception {
        Path db = dir.resolve("l.db");
        try (Ledger ledger = Ledgers.open(db, Clock.systemUTC())) {
            ledger.audit("t", "a", "s", "d");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(db)));
        }
    }

    @Test
    void migrationIsIdempotentAndNewerSchemaIsRefused() throws Exception {
        Path db = dir.resolve("l.db");
        Ledgers.open(db, Clock.systemUTC()).close();
        Ledgers.open(db, Clock.systemUTC()).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("PRAGMA user_version = 99");
        }
        LedgerException e = assertThrows(LedgerException.class, () -> Ledgers.open(db, Clock.systemUTC()));
        assertTrue(e.getMessage().contains("schema version 99 is newer"), e.getMessage());
    }
}
