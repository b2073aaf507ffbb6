package org.bwcdock.agent.ledger;

import org.bwcdock.agent.events.DockEvent;

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
            ledger.appendEvent(evidence("a"));
            clock.millis.addAndGet(-3_600_000);
            ledger.appendEvent(evidence("b"));
            ledger.appendEvent(operational("c"));
            List<OutboxEvent> events = ledger.pendingEvents(10);
            assertEquals(List.of("a", "b", "c"), events.stream().map(OutboxTest::name).toList());
            assertTrue(events.get(0).sequence() < events.get(1).sequence());
            assertEquals(3, events.stream().map(OutboxEvent::eventId).distinct().count(), "each event its own id");
        }
    }

    @Test
    void publishedEventsLeaveAndPendingOnesSurviveARestart() {
        Path db = dir.resolve("l.db");
        String keptId;
        try (Ledger ledger = Ledgers.open(db, Clock.systemUTC())) {
            OutboxEvent first = ledger.appendEvent(evidence("docked"));
            OutboxEvent second = ledger.appendEvent(evidence("undocked"));
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
            ledger.appendEvent(evidence("e1"));
            ledger.appendEvent(operational("o1"));
            ledger.appendEvent(evidence("e2"));
            ledger.appendEvent(operational("o2"));
            ledger.appendEvent(evidence("e3"));
            ledger.appendEvent(evidence("e4"));
            assertEquals(List.of("e1", "e2", "o2", "e3", "e4"), types(ledger));
            ledger.appendEvent(evidence("e5"));
            ledger.appendEvent(evidence("e6"));
            assertEquals(List.of("e1", "e2", "e3", "e4", "e5", "e6"), types(ledger), "evidence grows past capacity");
            assertTrue(ledger.verifyAudit().ok());
        }
    }

    private static List<String> types(Ledger ledger) {
        return ledger.pendingEvents(100).stream().map(OutboxTest::name).toList();
    }

    /** An evidence event told apart by its camera id. */
    private static DockEvent evidence(String name) {
        return new DockEvent.Undocked(1, name, "S");
    }

    /** A telemetry event told apart by its command name. */
    private static DockEvent operational(String name) {
        return new DockEvent.CommandRejected(name, "test");
    }

    private static String name(OutboxEvent e) {
        try {
            var p = new com.fasterxml.jackson.databind.ObjectMapper().readTree(e.payloadJson());
            return p.has("cameraId") ? p.get("cameraId").asText() : p.get("command").asText();
        } catch (java.io.IOException x) {
            throw new java.io.UncheckedIOException(x);
        }
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
