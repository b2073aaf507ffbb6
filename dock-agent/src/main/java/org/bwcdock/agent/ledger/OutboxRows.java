package org.bwcdock.agent.ledger;

import org.bwcdock.agent.events.EventClass;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The SQL of the outbox table, and nothing else: {@link SqliteLedger} decides when, inside its transactions. */
final class OutboxRows {
    private OutboxRows() {
    }

    static OutboxEvent insert(Connection c, String type, EventClass eventClass, String payloadJson, long at) throws SQLException {
        String eventId = UUID.randomUUID().toString();
        try (PreparedStatement p = c.prepareStatement(
                "INSERT INTO outbox(event_id, type, class, payload, created_at) VALUES (?,?,?,?,?)",
                Statement.RETURN_GENERATED_KEYS)) {
            p.setString(1, eventId);
            p.setString(2, type);
            p.setString(3, eventClass.name());
            p.setString(4, payloadJson);
            p.setLong(5, at);
            p.executeUpdate();
            try (ResultSet keys = p.getGeneratedKeys()) {
                keys.next();
                return new OutboxEvent(keys.getLong(1), eventId, type, eventClass, payloadJson, at);
            }
        }
    }

    /** Drops up to {@code n} of the oldest operational events; how many it dropped. Evidence events are never dropped. */
    static int dropOldestOperational(Connection c, long n) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("""
                DELETE FROM outbox WHERE sequence IN (
                  SELECT sequence FROM outbox WHERE class = 'OPERATIONAL' ORDER BY sequence LIMIT ?)""")) {
            p.setLong(1, n);
            return p.executeUpdate();
        }
    }

    static long count(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM outbox")) {
            return r.next() ? r.getLong(1) : 0;
        }
    }

    static List<OutboxEvent> pending(Connection c, int limit) throws SQLException {
        List<OutboxEvent> out = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement(
                "SELECT sequence, event_id, type, class, payload, created_at FROM outbox ORDER BY sequence LIMIT ?")) {
            p.setInt(1, limit);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(new OutboxEvent(r.getLong(1), r.getString(2), r.getString(3),
                            EventClass.valueOf(r.getString(4)), r.getString(5), r.getLong(6)));
                }
            }
        }
        return out;
    }

    static void delete(Connection c, long sequence) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("DELETE FROM outbox WHERE sequence = ?")) {
            p.setLong(1, sequence);
            p.executeUpdate();
        }
    }
}
