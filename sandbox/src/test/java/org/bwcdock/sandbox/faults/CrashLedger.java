package org.bwcdock.sandbox.faults;

import org.bwcdock.sandbox.Custody;
import org.sqlite.SQLiteConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * The dock's ledger as {@link CrashLoopTest} watches it: opened read-only for each question, while
 * the agent writes it or after it was killed, so that recovering the WAL stays the agent's job.
 * "Since" takes an audit sequence number read before the agent started: what happened in this run.
 * Before the agent first made the ledger (file or tables), every answer is empty.
 */
final class CrashLedger {
    /** A file INGESTING since a transition of this run (not one left over for the start-up recovery). */
    private static final String INGESTING = """
            SELECT count(*) FROM evidence_files f WHERE f.state = 'INGESTING' AND EXISTS (SELECT 1 FROM audit a
              WHERE a.seq > ? AND a.action = 'file-ingesting' AND a.subject = f.camera_id || ':' || f.relative_path)""";
    /** Uploading: a file past INGESTED not yet receipted, or a part of a file still INGESTING on its way (issue #21). */
    private static final String UPLOADING = """
            SELECT count(*) FROM evidence_files f WHERE f.state IN ('UPLOADING', 'UPLOADED') OR (f.state = 'INGESTING'
              AND EXISTS (SELECT 1 FROM parts p WHERE p.file_id = f.id AND p.upload_url IS NOT NULL AND p.uploaded_at IS NULL))""";
    private static final String UPLOAD_STEPS = """
            SELECT count(*) FROM audit WHERE seq > ? AND action IN ('file-uploading', 'file-uploaded', 'file-receipted')""";
    /** Moves whenever an upload makes progress or gets a URL. */
    private static final String UPLOAD_MARKS = "SELECT coalesce(sum(confirmed_offset), 0) + count(upload_url) FROM parts";
    /** A wipe of this run under way: a file receipted before its camera's wipe began is not yet released. */
    private static final String WIPING = """
            SELECT count(*) FROM evidence_files f JOIN audit w ON w.action = 'wipe-start' AND w.subject = f.camera_id
              AND w.seq > ? WHERE f.state = 'RECEIPTED' AND EXISTS (SELECT 1 FROM audit r WHERE r.action = 'file-receipted'
              AND r.subject = f.camera_id || ':' || f.relative_path AND r.seq < w.seq)""";

    /**
     * A file of this run INGESTING with parts already durable (recorded one by one since issue #21):
     * a kill now lands between parts, with later parts still to read and earlier ones maybe uploading.
     */
    private static final String AT_PART_BOUNDARY = """
            SELECT count(*) FROM evidence_files f WHERE f.state = 'INGESTING' AND EXISTS (SELECT 1 FROM parts p
              WHERE p.file_id = f.id) AND EXISTS (SELECT 1 FROM audit a WHERE a.seq > ? AND a.action = 'file-ingesting'
              AND a.subject = f.camera_id || ':' || f.relative_path)""";
    /** As {@link #AT_PART_BOUNDARY}, and the server has confirmed bytes of one of its parts: mid-ingest, mid-upload. */
    private static final String UPLOADED_AT_PART_BOUNDARY = AT_PART_BOUNDARY.replace("WHERE p.file_id = f.id)",
            "WHERE p.file_id = f.id AND p.confirmed_offset > 0)");
    /** Parts of files still INGESTING that the server confirmed something of: upload overlapping the ingest. */
    private static final String UPLOADED_WHILE_INGESTING = """
            SELECT count(*) FROM parts p JOIN evidence_files f ON f.id = p.file_id
              WHERE f.state = 'INGESTING' AND p.confirmed_offset > 0""";

    private final Path file;

    CrashLedger(Path file) {
        this.file = file;
    }

    long auditHead() throws SQLException {
        return count("SELECT coalesce(max(seq), 0) FROM audit");
    }

    long uploadMarks() throws SQLException {
        return count(UPLOAD_MARKS);
    }

    boolean ingestingSince(long seq) throws SQLException {
        return count(INGESTING, seq) > 0;
    }

    boolean uploading() throws SQLException {
        return count(UPLOADING) > 0;
    }

    /** Uploading, and uploads moved in this run: the uploader has picked up the work. */
    boolean uploadingSince(long seq, long marksAtStart) throws SQLException {
        return uploading() && (count(UPLOAD_STEPS, seq) > 0 || uploadMarks() != marksAtStart);
    }

    boolean atPartBoundarySince(long seq) throws SQLException {
        return count(AT_PART_BOUNDARY, seq) > 0;
    }

    boolean uploadedAtPartBoundarySince(long seq) throws SQLException {
        return count(UPLOADED_AT_PART_BOUNDARY, seq) > 0;
    }

    long partsUploadedWhileIngesting() throws SQLException {
        return count(UPLOADED_WHILE_INGESTING);
    }

    boolean wipingSince(long seq) throws SQLException {
        return count(WIPING, seq) > 0;
    }

    /** Every file the ledger knows: subject → state. */
    Map<String, String> states() throws SQLException {
        Map<String, String> states = new HashMap<>();
        if (!Files.exists(file)) {
            return states;
        }
        try (Connection c = open();
             ResultSet r = c.createStatement().executeQuery("SELECT camera_id, relative_path, state FROM evidence_files")) {
            while (r.next()) {
                states.put(Custody.subject(r.getString(1), r.getString(2)), r.getString(3));
            }
        } catch (SQLException e) {
            if (!notMadeYet(e)) {
                throw e;
            }
        }
        return states;
    }

    private long count(String sql, long... args) throws SQLException {
        if (!Files.exists(file)) {
            return 0;
        }
        try (Connection c = open(); PreparedStatement p = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                p.setLong(i + 1, args[i]);
            }
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? r.getLong(1) : 0;
            }
        } catch (SQLException e) {
            if (notMadeYet(e)) {
                return 0;
            }
            throw e;
        }
    }

    /** The file exists but the agent has not finished creating or migrating its tables yet. */
    private static boolean notMadeYet(SQLException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("no such table") || m.contains("no such column");
    }

    private Connection open() throws SQLException {
        SQLiteConfig c = new SQLiteConfig();
        c.setReadOnly(true);
        c.setBusyTimeout(2000);
        return DriverManager.getConnection("jdbc:sqlite:" + file, c.toProperties());
    }
}
