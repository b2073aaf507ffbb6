package org.bwcdock.agent.ledger;

import org.bwcdock.format.NameBytes;
import org.bwcdock.format.SafeText;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The SQL of the evidence_files and parts tables, and nothing else: no audit, no events, no
 * transactions. {@link SqliteLedger} calls these inside its transactions and adds the audit row and
 * the event that every state change carries.
 */
final class FileRows {
    private static final String COLUMNS =
            "id, camera_id, relative_path, size, mtime, state, plaintext_sha256, reason, discovered_at, path_bytes";

    private FileRows() {
    }

    /*
     * A name that is not UTF-8 arrives as a NameBytes string. SQLite text is UTF-8, which would turn
     * its escaped bytes into '?': such a name is stored as its bytes (path_bytes), and relative_path
     * holds its SafeText form (each byte that is not UTF-8 as \xNN), which keeps it apart from other
     * such names and readable in sqlite3. A UTF-8 name is stored as before, path_bytes NULL.
     */
    private static String pathText(String relativePath) {
        return NameBytes.hasRawBytes(relativePath) ? SafeText.fromBytes(NameBytes.encode(relativePath)) : relativePath;
    }

    private static byte[] pathBytes(String relativePath) {
        return NameBytes.hasRawBytes(relativePath) ? NameBytes.encode(relativePath) : null;
    }

    private static String pathOf(String text, byte[] bytes) {
        return bytes == null ? text : NameBytes.decode(bytes);
    }

    static Optional<Long> find(Connection c, String cameraId, String relativePath, long size, long mtimeMillis) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "SELECT id FROM evidence_files WHERE camera_id = ? AND relative_path = ? AND size = ? AND mtime = ?"
                        + " AND path_bytes IS ?")) {
            p.setString(1, cameraId);
            p.setString(2, pathText(relativePath));
            p.setLong(3, size);
            p.setLong(4, mtimeMillis);
            p.setBytes(5, pathBytes(relativePath));
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? Optional.of(r.getLong(1)) : Optional.empty();
            }
        }
    }

    /** A new row in state DISCOVERED; its id. */
    static long insert(Connection c, String cameraId, String relativePath, long size, long mtimeMillis, long now) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("""
                INSERT INTO evidence_files(camera_id, relative_path, size, mtime, state, discovered_at, updated_at, path_bytes)
                VALUES (?,?,?,?,'DISCOVERED',?,?,?)""", Statement.RETURN_GENERATED_KEYS)) {
            p.setString(1, cameraId);
            p.setString(2, pathText(relativePath));
            p.setLong(3, size);
            p.setLong(4, mtimeMillis);
            p.setLong(5, now);
            p.setLong(6, now);
            p.setBytes(7, pathBytes(relativePath));
            p.executeUpdate();
            try (ResultSet keys = p.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    /** Files matching {@code where} (a condition with ? placeholders for {@code args}), by id. */
    static List<EvidenceFile> select(Connection c, String where, Object... args) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT " + COLUMNS + " FROM evidence_files WHERE " + where + " ORDER BY id")) {
            for (int i = 0; i < args.length; i++) {
                p.setObject(i + 1, args[i]);
            }
            List<EvidenceFile> out = new ArrayList<>();
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(new EvidenceFile(r.getLong(1), r.getString(2), pathOf(r.getString(3), r.getBytes(10)), r.getLong(4), r.getLong(5),
                            FileState.valueOf(r.getString(6)), r.getString(7), r.getString(8), r.getLong(9)));
                }
            }
            return out;
        }
    }

    /** camera id, path and current state of a file, or an exception naming the unknown id. */
    static String[] describe(Connection c, long fileId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "SELECT camera_id, relative_path, state, path_bytes FROM evidence_files WHERE id = ?")) {
            p.setLong(1, fileId);
            try (ResultSet r = p.executeQuery()) {
                if (!r.next()) {
                    throw new IllegalTransitionException("file " + fileId + " is not in the ledger");
                }
                return new String[] {r.getString(1), pathOf(r.getString(2), r.getBytes(4)), r.getString(3)};
            }
        }
    }

    /** Compare-and-set: false when the file is no longer in {@code from}. */
    static boolean setState(Connection c, long fileId, FileState from, FileState to, String reason, long now) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "UPDATE evidence_files SET state = ?, reason = ?, updated_at = ? WHERE id = ? AND state = ?")) {
            p.setString(1, to.name());
            // A reason naming a file whose name is not UTF-8: stored escaped (as text it would lose those bytes).
            p.setString(2, reason == null || !NameBytes.hasRawBytes(reason) ? reason : SafeText.escape(reason));
            p.setLong(3, now);
            p.setLong(4, fileId);
            p.setString(5, from.name());
            return p.executeUpdate() > 0;
        }
    }

    /**
     * The file's parts become exactly {@code parts}. Where a part was recorded before with the same
     * ciphertext (a part recorded while ingesting), its upload URL and confirmed offset stay.
     */
    static void replaceParts(Connection c, long fileId, List<PartRecord> parts, long now) throws SQLException {
        java.util.Map<Integer, PartRecord> before = new java.util.HashMap<>();
        java.util.Map<Integer, Long[]> times = new java.util.HashMap<>();
        try (PreparedStatement p = c.prepareStatement(
                "SELECT idx, ciphertext_sha256, upload_url, confirmed_offset, spooled_at, uploaded_at FROM parts WHERE file_id = ?")) {
            p.setLong(1, fileId);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    before.put(r.getInt(1), new PartRecord(r.getInt(1), 0, 0, null, r.getString(2), 0, null, r.getString(3), r.getLong(4)));
                    times.put(r.getInt(1), new Long[] {nullableLong(r, 5), nullableLong(r, 6)});
                }
            }
        }
        deleteParts(c, fileId, 0);
        for (PartRecord part : parts) {
            PartRecord old = before.get(part.index());
            boolean same = old != null && old.ciphertextSha256().equals(part.ciphertextSha256());
            Long[] t = same ? times.get(part.index()) : new Long[] {now, null};
            insertPart(c, fileId, same && part.uploadUrl() == null
                    ? withUpload(part, old.uploadUrl(), old.confirmedOffset()) : part, t[0] == null ? now : t[0], t[1]);
        }
    }

    private static Long nullableLong(ResultSet r, int column) throws SQLException {
        long v = r.getLong(column);
        return r.wasNull() ? null : v;
    }

    private static PartRecord withUpload(PartRecord p, String url, long confirmed) {
        return new PartRecord(p.index(), p.offset(), p.length(), p.plaintextSha256(), p.ciphertextSha256(),
                p.ciphertextLength(), p.spoolFile(), url, confirmed);
    }

    /** One part, durable in the spool, recorded while its file is still being ingested (replacing a row at its index). */
    static void insertPart(Connection c, long fileId, PartRecord part, long spooledAt, Long uploadedAt) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("""
                INSERT OR REPLACE INTO parts(file_id, idx, offset, length, plaintext_sha256, ciphertext_sha256,
                  ciphertext_length, spool_file, upload_url, confirmed_offset, spooled_at, uploaded_at)
                VALUES (?,?,?,?,?,?,?,?,?,?,?,?)""")) {
            p.setLong(1, fileId);
            p.setInt(2, part.index());
            p.setLong(3, part.offset());
            p.setLong(4, part.length());
            p.setString(5, part.plaintextSha256());
            p.setString(6, part.ciphertextSha256());
            p.setLong(7, part.ciphertextLength());
            p.setString(8, part.spoolFile());
            p.setString(9, part.uploadUrl());
            p.setLong(10, part.confirmedOffset());
            p.setLong(11, spooledAt);
            p.setObject(12, uploadedAt);
            p.executeUpdate();
        }
    }

    /** Removes the file's parts from index {@code from} on; how many. */
    static int deleteParts(Connection c, long fileId, int from) throws SQLException {
        try (PreparedStatement del = c.prepareStatement("DELETE FROM parts WHERE file_id = ? AND idx >= ?")) {
            del.setLong(1, fileId);
            del.setInt(2, from);
            return del.executeUpdate();
        }
    }

    static void setIngest(Connection c, long fileId, String plaintextSha256, byte[] manifest, byte[] manifestSignature)
            throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "UPDATE evidence_files SET plaintext_sha256 = ?, manifest = ?, manifest_signature = ? WHERE id = ?")) {
            p.setString(1, plaintextSha256);
            p.setBytes(2, manifest);
            p.setBytes(3, manifestSignature);
            p.setLong(4, fileId);
            p.executeUpdate();
        }
    }

    static List<PartRecord> parts(Connection c, long fileId) throws SQLException {
        List<PartRecord> out = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("""
                SELECT idx, offset, length, plaintext_sha256, ciphertext_sha256, ciphertext_length, spool_file,
                  upload_url, confirmed_offset FROM parts WHERE file_id = ? ORDER BY idx""")) {
            p.setLong(1, fileId);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(new PartRecord(r.getInt(1), r.getLong(2), r.getLong(3), r.getString(4), r.getString(5),
                            r.getLong(6), r.getString(7), r.getString(8), r.getLong(9)));
                }
            }
        }
        return out;
    }

    /** False when the file has no such part. Once the server holds all of it, the part is marked uploaded. */
    static boolean setPartUpload(Connection c, long fileId, int partIndex, String uploadUrl, long confirmedOffset, long now)
            throws SQLException {
        try (PreparedStatement p = c.prepareStatement("""
                UPDATE parts SET upload_url = ?, confirmed_offset = ?,
                  uploaded_at = CASE WHEN ? IS NOT NULL AND ? >= ciphertext_length THEN coalesce(uploaded_at, ?) END
                WHERE file_id = ? AND idx = ?""")) {
            p.setString(1, uploadUrl);
            p.setLong(2, confirmedOffset);
            p.setString(3, uploadUrl);
            p.setLong(4, confirmedOffset);
            p.setLong(5, now);
            p.setLong(6, fileId);
            p.setInt(7, partIndex);
            return p.executeUpdate() > 0;
        }
    }

    /** Files in {@code state} with a recorded part the server does not hold all of yet, by id. */
    static List<EvidenceFile> withPartsToUpload(Connection c, FileState state) throws SQLException {
        return select(c, "state = ? AND EXISTS (SELECT 1 FROM parts p WHERE p.file_id = evidence_files.id AND p.uploaded_at IS NULL)",
                state.name());
    }

    static void setReceipt(Connection c, long fileId, byte[] receipt) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE evidence_files SET receipt = ? WHERE id = ?")) {
            p.setBytes(1, receipt);
            p.setLong(2, fileId);
            p.executeUpdate();
        }
    }

    static void setManifestTimestamp(Connection c, long fileId, byte[] tsr) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE evidence_files SET manifest_tsr = ? WHERE id = ?")) {
            p.setBytes(1, tsr);
            p.setLong(2, fileId);
            p.executeUpdate();
        }
    }

    static void setManifestTimestampState(Connection c, long fileId, String state) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE evidence_files SET manifest_tsr_state = ? WHERE id = ?")) {
            p.setString(1, state);
            p.setLong(2, fileId);
            p.executeUpdate();
        }
    }

    /** {@code column} is one of ours (receipt, manifest, manifest_signature, manifest_tsr), never a caller's string. */
    static Optional<byte[]> blob(Connection c, String column, long fileId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT " + column + " FROM evidence_files WHERE id = ?")) {
            p.setLong(1, fileId);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? Optional.ofNullable(r.getBytes(1)) : Optional.empty();
            }
        }
    }
}
