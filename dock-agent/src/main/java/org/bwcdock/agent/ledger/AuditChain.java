package org.bwcdock.agent.ledger;

import org.bwcdock.format.AuditRows;
import org.bwcdock.format.SafeText;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;

/**
 * The append-only audit log as a hash chain: each row stores SHA-256 over its own fields and the
 * previous row's hash, so an edited, deleted or reordered row breaks every hash after it.
 *
 * <p>Rows are written in scheme 2 ({@link AuditRows}: lines of text a shell can hash, the fields
 * hashed apart so a court packet can hide other cases' rows). Rows written before it keep scheme 1
 * (binary, length-prefixed fields) and verify as they were written.
 */
final class AuditChain {
    static final String GENESIS = AuditRows.GENESIS;

    private AuditChain() {
    }

    /** Appends a row inside the caller's transaction and returns its hash. */
    static String append(Connection c, long at, String actor, String action, String subject, String detail)
            throws SQLException {
        // Subjects and details quote camera file names, camera ids and command fields: stored escaped,
        // so that an audit export or `audit verify` printing a row shows what is there and forges nothing.
        actor = SafeText.escape(actor);
        subject = SafeText.escape(subject);
        detail = SafeText.escape(detail);
        long seq = 1;
        String prev = GENESIS;
        try (Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")) {
            if (r.next()) {
                seq = r.getLong(1) + 1;
                prev = r.getString(2);
            }
        }
        String hash = hash(AuditRows.SCHEME, seq, at, actor, action, subject, detail, prev);
        try (PreparedStatement p = c.prepareStatement(
                "INSERT INTO audit(seq, at, actor, action, subject, detail, prev_hash, hash, scheme) VALUES (?,?,?,?,?,?,?,?,"
                        + AuditRows.SCHEME + ")")) {
            p.setLong(1, seq);
            p.setLong(2, at);
            p.setString(3, actor);
            p.setString(4, action);
            p.setString(5, subject);
            p.setString(6, detail);
            p.setString(7, prev);
            p.setString(8, hash);
            p.executeUpdate();
        }
        return hash;
    }

    /** The newest row's sequence number and hash; (0, GENESIS) for an empty chain. */
    static AuditPosition position(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")) {
            return r.next() ? new AuditPosition(r.getLong(1), r.getString(2)) : new AuditPosition(0, GENESIS);
        }
    }

    /**
     * The chain recomputed, and then held against a signed checkpoint kept off the dock: the row it
     * names must still be there with the hash it names. A chain whose newest rows were deleted, or
     * that was recomputed from an edited row on, is consistent in itself and fails only here.
     */
    static AuditVerification verify(Connection c, long checkpointSeq, String checkpointHead) throws SQLException {
        AuditVerification own = verify(c);
        if (!own.ok() || checkpointSeq == 0) {
            return own;
        }
        try (PreparedStatement p = c.prepareStatement("SELECT hash FROM audit WHERE seq = ?")) {
            p.setLong(1, checkpointSeq);
            try (ResultSet r = p.executeQuery()) {
                if (!r.next()) {
                    return broken(own.rows(), own.rows() + 1, "the chain ends at row " + own.rows() + " but the signed checkpoint"
                            + " covers " + checkpointSeq + " rows (rows were deleted from its end)");
                }
                if (!r.getString(1).equals(checkpointHead)) {
                    return broken(own.rows(), checkpointSeq, "row " + checkpointSeq + " does not have the hash the signed checkpoint"
                            + " names (the chain was rewritten)");
                }
            }
        }
        return own;
    }

    static List<AuditRows.Row> rows(Connection c, long fromSeq) throws SQLException {
        List<AuditRows.Row> rows = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement(
                "SELECT seq, at, actor, action, subject, detail, prev_hash, hash, scheme FROM audit WHERE seq >= ? ORDER BY seq")) {
            p.setLong(1, fromSeq);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    if (r.getInt(9) != AuditRows.SCHEME) {
                        throw new LedgerException("audit row " + r.getLong(1) + " was written before audit scheme "
                                + AuditRows.SCHEME + " (by an older agent); export from a later row");
                    }
                    rows.add(AuditRows.Row.shown(r.getLong(1), r.getLong(2), r.getString(3), r.getString(4), r.getString(5),
                            r.getString(6), r.getString(7), r.getString(8)));
                }
            }
        }
        return rows;
    }

    static String head(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT hash FROM audit ORDER BY seq DESC LIMIT 1")) {
            return r.next() ? r.getString(1) : GENESIS;
        }
    }

    static AuditVerification verify(Connection c) throws SQLException {
        long rows = 0;
        long expectedSeq = 1;
        String prev = GENESIS;
        try (Statement s = c.createStatement();
             ResultSet r = s.executeQuery(
                     "SELECT seq, at, actor, action, subject, detail, prev_hash, hash, scheme FROM audit ORDER BY rowid")) {
            while (r.next()) {
                rows++;
                long seq = r.getLong(1);
                if (seq != expectedSeq) {
                    return broken(rows, seq, "sequence " + seq + " where " + expectedSeq
                            + " was expected (a row was deleted or moved)");
                }
                if (!r.getString(7).equals(prev)) {
                    return broken(rows, seq, "does not link to the row before it (a row before it was deleted, edited or moved)");
                }
                String recomputed = hash(r.getInt(9), seq, r.getLong(2), r.getString(3), r.getString(4), r.getString(5),
                        r.getString(6), r.getString(7));
                if (!recomputed.equals(r.getString(8))) {
                    return broken(rows, seq, "content does not match its hash (the row was edited)");
                }
                prev = r.getString(8);
                expectedSeq++;
            }
        }
        return new AuditVerification(rows, OptionalLong.empty(), null);
    }

    private static AuditVerification broken(long rows, long seq, String problem) {
        return new AuditVerification(rows, OptionalLong.of(seq), problem);
    }

    static String hash(int scheme, long seq, long at, String actor, String action, String subject, String detail, String prev) {
        if (scheme == AuditRows.SCHEME) {
            try {
                return AuditRows.rowHash(seq, at, AuditRows.fieldsHash(actor, action, subject, detail), prev);
            } catch (IllegalArgumentException e) {
                return "unhashable: " + e.getMessage(); // an edited row holding a control character: never matches
            }
        }
        if (scheme != 1) {
            return "unknown scheme " + scheme;
        }
        MessageDigest d;
        try {
            d = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is a required JCE algorithm", e);
        }
        d.update(ByteBuffer.allocate(16).putLong(seq).putLong(at).array());
        for (String field : new String[] {actor, action, subject, detail, prev}) {
            byte[] b = field.getBytes(StandardCharsets.UTF_8);
            d.update(ByteBuffer.allocate(4).putInt(b.length).array());
            d.update(b);
        }
        return HexFormat.of().formatHex(d.digest());
    }
}
