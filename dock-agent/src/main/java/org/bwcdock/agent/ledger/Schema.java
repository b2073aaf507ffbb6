package org.bwcdock.agent.ledger;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Versioned schema migrations, tracked in {@code PRAGMA user_version}. Each step runs in its own
 * transaction; steps are only ever appended, never edited, once released.
 */
final class Schema {
    private static final List<String> MIGRATIONS = List.of(
            """
            CREATE TABLE cameras (
              camera_id TEXT PRIMARY KEY,
              usb_vendor_product TEXT NOT NULL,
              usb_serial TEXT,
              legal_hold INTEGER NOT NULL DEFAULT 0,
              first_seen INTEGER NOT NULL,
              last_seen INTEGER NOT NULL
            );
            CREATE TABLE evidence_files (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              camera_id TEXT NOT NULL REFERENCES cameras(camera_id),
              relative_path TEXT NOT NULL,
              size INTEGER NOT NULL,
              mtime INTEGER NOT NULL,
              state TEXT NOT NULL,
              plaintext_sha256 TEXT,
              reason TEXT,
              manifest BLOB,
              manifest_signature BLOB,
              receipt BLOB,
              discovered_at INTEGER NOT NULL,
              updated_at INTEGER NOT NULL,
              UNIQUE (camera_id, relative_path, size, mtime)
            );
            CREATE INDEX evidence_files_state ON evidence_files(state, id);
            CREATE TABLE parts (
              file_id INTEGER NOT NULL REFERENCES evidence_files(id),
              idx INTEGER NOT NULL,
              offset INTEGER NOT NULL,
              length INTEGER NOT NULL,
              plaintext_sha256 TEXT NOT NULL,
              ciphertext_sha256 TEXT NOT NULL,
              ciphertext_length INTEGER NOT NULL,
              spool_file TEXT NOT NULL,
              upload_url TEXT,
              confirmed_offset INTEGER NOT NULL DEFAULT 0,
              PRIMARY KEY (file_id, idx)
            );
            CREATE TABLE assignments (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              camera_id TEXT NOT NULL,
              officer_id TEXT NOT NULL,
              source TEXT NOT NULL,
              started_at INTEGER NOT NULL,
              ended_at INTEGER
            );
            CREATE UNIQUE INDEX assignments_open ON assignments(camera_id) WHERE ended_at IS NULL;
            CREATE TABLE outbox (
              sequence INTEGER PRIMARY KEY AUTOINCREMENT,
              event_id TEXT NOT NULL UNIQUE,
              type TEXT NOT NULL,
              class TEXT NOT NULL,
              payload TEXT NOT NULL,
              created_at INTEGER NOT NULL
            );
            CREATE TABLE audit (
              seq INTEGER PRIMARY KEY,
              at INTEGER NOT NULL,
              actor TEXT NOT NULL,
              action TEXT NOT NULL,
              subject TEXT NOT NULL,
              detail TEXT NOT NULL,
              prev_hash TEXT NOT NULL,
              hash TEXT NOT NULL
            );
            """,
            // A name that is not UTF-8: its bytes (relative_path then holds its SafeText form, for people).
            """
            ALTER TABLE evidence_files ADD COLUMN path_bytes BLOB;
            """,
            // Audit rows hashed as text (AuditRows, scheme 2); the rows before keep the scheme they were written in.
            """
            ALTER TABLE audit ADD COLUMN scheme INTEGER NOT NULL DEFAULT 1;
            """,
            // RFC 3161: the TSA's response on the manifest signature, and whether the receiver holds it
            // (NULL: not yet; 'delivered'; 'refused': the receiver will not take it, nothing more is sent).
            """
            ALTER TABLE evidence_files ADD COLUMN manifest_tsr BLOB;
            ALTER TABLE evidence_files ADD COLUMN manifest_tsr_state TEXT;
            """,
            // Parts are recorded one by one while the file is INGESTING (each once durable in the spool), so
            // uploads start before the ingest ends and a restart resumes after the parts already there.
            // spooled_at: when the part became durable; uploaded_at: when the server confirmed all of it.
            """
            ALTER TABLE parts ADD COLUMN spooled_at INTEGER;
            ALTER TABLE parts ADD COLUMN uploaded_at INTEGER;
            CREATE INDEX parts_to_upload ON parts(file_id) WHERE uploaded_at IS NULL;
            """);

    private Schema() {
    }

    static int latestVersion() {
        return MIGRATIONS.size();
    }

    static void migrate(Connection c, String where) throws SQLException {
        int current;
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("PRAGMA user_version")) {
            current = r.next() ? r.getInt(1) : 0;
        }
        if (current > latestVersion()) {
            throw new LedgerException(where + ": ledger schema version " + current + " is newer than this agent knows ("
                    + latestVersion() + "); refusing to touch it — install the newer agent again");
        }
        for (int v = current; v < MIGRATIONS.size(); v++) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                for (String sql : MIGRATIONS.get(v).split(";\\s*\\n")) {
                    if (!sql.isBlank()) {
                        s.execute(sql);
                    }
                }
                s.execute("PRAGMA user_version = " + (v + 1));
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }
}
