package org.bwcdock.agent.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The SQL of the cameras and assignments tables, and nothing else: {@link SqliteLedger} audits and reports. */
final class CameraRows {
    private CameraRows() {
    }

    static Optional<CameraRecord> read(Connection c, String cameraId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "SELECT camera_id, usb_vendor_product, usb_serial, legal_hold FROM cameras WHERE camera_id = ?")) {
            p.setString(1, cameraId);
            try (ResultSet r = p.executeQuery()) {
                return r.next()
                        ? Optional.of(new CameraRecord(r.getString(1), r.getString(2), r.getString(3), r.getInt(4) != 0))
                        : Optional.empty();
            }
        }
    }

    static Map<String, Instant> lastSeen(Connection c) throws SQLException {
        Map<String, Instant> out = new TreeMap<>();
        try (PreparedStatement p = c.prepareStatement("SELECT camera_id, last_seen FROM cameras");
             ResultSet r = p.executeQuery()) {
            while (r.next()) {
                out.put(r.getString(1), Instant.ofEpochMilli(r.getLong(2)));
            }
        }
        return out;
    }

    /** False when the camera is unknown. */
    static boolean setLegalHold(Connection c, String cameraId, boolean hold) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE cameras SET legal_hold = ? WHERE camera_id = ?")) {
            p.setInt(1, hold ? 1 : 0);
            p.setString(2, cameraId);
            return p.executeUpdate() > 0;
        }
    }

    static void startAssignment(Connection c, String cameraId, String officerId, String source, long now) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "INSERT INTO assignments(camera_id, officer_id, source, started_at) VALUES (?,?,?,?)")) {
            p.setString(1, cameraId);
            p.setString(2, officerId);
            p.setString(3, source);
            p.setLong(4, now);
            p.executeUpdate();
        }
    }

    /** Ends the open assignment and returns its officer, or null if there was none. */
    static String endAssignment(Connection c, String cameraId, long now) throws SQLException {
        String officer = null;
        try (PreparedStatement p = c.prepareStatement(
                "SELECT officer_id FROM assignments WHERE camera_id = ? AND ended_at IS NULL")) {
            p.setString(1, cameraId);
            try (ResultSet r = p.executeQuery()) {
                if (r.next()) {
                    officer = r.getString(1);
                }
            }
        }
        try (PreparedStatement p = c.prepareStatement(
                "UPDATE assignments SET ended_at = ? WHERE camera_id = ? AND ended_at IS NULL")) {
            p.setLong(1, now);
            p.setString(2, cameraId);
            p.executeUpdate();
        }
        return officer;
    }

    static Optional<Assignment> assignment(Connection c, String cameraId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "SELECT camera_id, officer_id, source, started_at FROM assignments WHERE camera_id = ? AND ended_at IS NULL")) {
            p.setString(1, cameraId);
            try (ResultSet r = p.executeQuery()) {
                return r.next()
                        ? Optional.of(new Assignment(r.getString(1), r.getString(2), r.getString(3), r.getLong(4)))
                        : Optional.empty();
            }
        }
    }
}
