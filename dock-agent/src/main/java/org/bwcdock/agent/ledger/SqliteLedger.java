package org.bwcdock.agent.ledger;

import org.bwcdock.agent.events.DockEvent;
import org.bwcdock.agent.events.EventClass;
import org.bwcdock.agent.events.EventJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * The ledger on SQLite: one connection, WAL, {@code synchronous=FULL}, calls serialised.
 *
 * <p>Outbox overflow rule: the capacity is a soft limit. When an append finds the outbox at
 * capacity, the oldest {@link EventClass#OPERATIONAL} events are dropped (counted in the audit
 * log). {@link EventClass#EVIDENCE} events are never dropped: with only evidence events queued, the
 * outbox grows past its capacity and a warning is logged.
 */
final class SqliteLedger implements Ledger {
    private static final Logger log = LoggerFactory.getLogger(SqliteLedger.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final String FILE_COLUMNS =
            "id, camera_id, relative_path, size, mtime, state, plaintext_sha256, reason, discovered_at";

    private final Connection db;
    private final Path file;
    private final Clock clock;
    private final int outboxCapacity;
    private final List<LedgerListener> listeners = new CopyOnWriteArrayList<>();
    private boolean closed;
    /** What the running transaction did that listeners wait for; told after its commit (guarded by this). */
    private boolean appendedInTx;
    private boolean ingestedInTx;

    private SqliteLedger(Connection db, Path file, Clock clock, int outboxCapacity) {
        this.db = db;
        this.file = file;
        this.clock = clock;
        this.outboxCapacity = outboxCapacity;
    }

    static SqliteLedger open(Path file, Clock clock, int outboxCapacity) {
        try {
            if (!Files.exists(file)) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            }
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode = WAL");
                s.execute("PRAGMA synchronous = FULL");
                s.execute("PRAGMA foreign_keys = ON");
                s.execute("PRAGMA busy_timeout = 10000");
                Schema.migrate(c, file.toString());
                try (ResultSet r = s.executeQuery("PRAGMA quick_check")) {
                    String result = r.next() ? r.getString(1) : "no answer";
                    if (!"ok".equals(result)) {
                        throw new LedgerException(file + ": ledger failed its integrity check: " + result);
                    }
                }
            } catch (SQLException | RuntimeException e) {
                c.close();
                throw e;
            }
            for (String suffix : new String[] {"", "-wal", "-shm"}) {
                Path p = Path.of(file + suffix);
                if (Files.exists(p)) {
                    Files.setPosixFilePermissions(p, OWNER_ONLY);
                }
            }
            return new SqliteLedger(c, file, clock, outboxCapacity);
        } catch (SQLException e) {
            throw new LedgerException(file + ": cannot open ledger: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot create ledger file", e);
        }
    }

    // ---- transactions -------------------------------------------------------------------------

    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private synchronized <T> T tx(String what, Work<T> work) {
        if (closed) {
            throw new LedgerException(file + ": ledger is closed (" + what + ")");
        }
        try {
            db.setAutoCommit(false);
            appendedInTx = false;
            ingestedInTx = false;
            try {
                T result = work.run(db);
                db.commit();
                tellListeners();
                return result;
            } catch (SQLException | RuntimeException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new LedgerException(file + ": " + what + " failed: " + e.getMessage(), e);
        }
    }

    private void tellListeners() {
        for (LedgerListener l : listeners) {
            try {
                if (appendedInTx) {
                    l.eventsAppended();
                }
                if (ingestedInTx) {
                    l.ingested();
                }
            } catch (RuntimeException e) {
                log.warn("ledger listener failed: {}", e.toString()); // the commit stands; the poll still finds it
            }
        }
    }

    @Override
    public void addListener(LedgerListener listener) {
        listeners.add(listener);
    }

    private long now() {
        return clock.millis();
    }

    private void audit(Connection c, String actor, String action, String subject, String detail) throws SQLException {
        AuditChain.append(c, now(), actor, action, subject, detail == null ? "" : detail);
    }

    // ---- cameras ------------------------------------------------------------------------------

    @Override
    public void recordCamera(CameraRecord camera) {
        CameraIdentityException refused = tx("record camera " + camera.cameraId(), c -> {
            Optional<CameraRecord> known = readCamera(c, camera.cameraId());
            if (known.isPresent() && (!known.get().usbVendorProduct().equals(camera.usbVendorProduct())
                    || !java.util.Objects.equals(known.get().usbSerial(), camera.usbSerial()))) {
                // The binding stays; the attempt is audited and reported, committed before the caller hears of it.
                CameraIdentityException e = new CameraIdentityException(known.get(), camera);
                audit(c, "dock", "camera-identity-mismatch", camera.cameraId(), e.getMessage());
                appendEvent(c, new DockEvent.CameraIdentityMismatch(camera.cameraId(), known.get().usbSerial(),
                        known.get().usbVendorProduct(), camera.usbSerial(), camera.usbVendorProduct()));
                return e;
            }
            try (PreparedStatement p = c.prepareStatement("""
                    INSERT INTO cameras(camera_id, usb_vendor_product, usb_serial, legal_hold, first_seen, last_seen)
                    VALUES (?,?,?,0,?,?)
                    ON CONFLICT(camera_id) DO UPDATE SET last_seen = excluded.last_seen""")) {
                p.setString(1, camera.cameraId());
                p.setString(2, camera.usbVendorProduct());
                p.setString(3, camera.usbSerial());
                p.setLong(4, now());
                p.setLong(5, now());
                p.executeUpdate();
            }
            return null;
        });
        if (refused != null) {
            throw refused;
        }
    }

    @Override
    public Optional<CameraRecord> camera(String cameraId) {
        return tx("read camera " + cameraId, c -> readCamera(c, cameraId));
    }

    private static Optional<CameraRecord> readCamera(Connection c, String cameraId) throws SQLException {
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

    @Override
    public java.util.Map<String, Instant> camerasLastSeen() {
        return tx("list cameras", c -> {
            java.util.Map<String, Instant> out = new java.util.TreeMap<>();
            try (PreparedStatement p = c.prepareStatement("SELECT camera_id, last_seen FROM cameras");
                 ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.put(r.getString(1), Instant.ofEpochMilli(r.getLong(2)));
                }
            }
            return out;
        });
    }

    @Override
    public void setLegalHold(String cameraId, boolean hold, String actor) {
        tx("legal hold " + cameraId, c -> {
            try (PreparedStatement p = c.prepareStatement("UPDATE cameras SET legal_hold = ? WHERE camera_id = ?")) {
                p.setInt(1, hold ? 1 : 0);
                p.setString(2, cameraId);
                if (p.executeUpdate() == 0) {
                    throw new LedgerException("legal hold: camera " + cameraId + " is not known to this dock");
                }
            }
            audit(c, actor, hold ? "legal-hold-on" : "legal-hold-off", cameraId, "");
            appendEvent(c, new DockEvent.LegalHold(cameraId, hold, actor, Instant.ofEpochMilli(now())));
            return null;
        });
    }

    // ---- evidence files -----------------------------------------------------------------------

    @Override
    public long discover(String cameraId, String relativePath, long size, long mtimeMillis) {
        return tx("discover " + cameraId + ":" + relativePath, c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT id FROM evidence_files WHERE camera_id = ? AND relative_path = ? AND size = ? AND mtime = ?")) {
                p.setString(1, cameraId);
                p.setString(2, relativePath);
                p.setLong(3, size);
                p.setLong(4, mtimeMillis);
                try (ResultSet r = p.executeQuery()) {
                    if (r.next()) {
                        return r.getLong(1);
                    }
                }
            }
            long id;
            try (PreparedStatement p = c.prepareStatement("""
                    INSERT INTO evidence_files(camera_id, relative_path, size, mtime, state, discovered_at, updated_at)
                    VALUES (?,?,?,?,'DISCOVERED',?,?)""", Statement.RETURN_GENERATED_KEYS)) {
                p.setString(1, cameraId);
                p.setString(2, relativePath);
                p.setLong(3, size);
                p.setLong(4, mtimeMillis);
                p.setLong(5, now());
                p.setLong(6, now());
                p.executeUpdate();
                try (ResultSet keys = p.getGeneratedKeys()) {
                    keys.next();
                    id = keys.getLong(1);
                }
            }
            stateChanged(c, id, cameraId, relativePath, null, FileState.DISCOVERED, "size " + size);
            return id;
        });
    }

    @Override
    public Optional<EvidenceFile> file(long fileId) {
        return tx("read file " + fileId, c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT " + FILE_COLUMNS + " FROM evidence_files WHERE id = ?")) {
                p.setLong(1, fileId);
                List<EvidenceFile> files = files(p);
                return files.isEmpty() ? Optional.empty() : Optional.of(files.get(0));
            }
        });
    }

    @Override
    public List<EvidenceFile> filesOf(String cameraId) {
        return tx("list files of " + cameraId, c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT " + FILE_COLUMNS + " FROM evidence_files WHERE camera_id = ? ORDER BY id")) {
                p.setString(1, cameraId);
                return files(p);
            }
        });
    }

    @Override
    public List<EvidenceFile> filesIn(FileState first, FileState... more) {
        Set<FileState> states = EnumSet.of(first, more);
        String in = states.stream().map(s -> "'" + s.name() + "'").collect(Collectors.joining(","));
        return tx("list files in " + states, c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT " + FILE_COLUMNS + " FROM evidence_files WHERE state IN (" + in + ") ORDER BY id")) {
                return files(p);
            }
        });
    }

    private static List<EvidenceFile> files(PreparedStatement p) throws SQLException {
        List<EvidenceFile> out = new ArrayList<>();
        try (ResultSet r = p.executeQuery()) {
            while (r.next()) {
                out.add(new EvidenceFile(r.getLong(1), r.getString(2), r.getString(3), r.getLong(4), r.getLong(5),
                        FileState.valueOf(r.getString(6)), r.getString(7), r.getString(8), r.getLong(9)));
            }
        }
        return out;
    }

    @Override
    public void transition(long fileId, FileState from, FileState to, String reason) {
        tx("transition file " + fileId, c -> {
            move(c, fileId, from, to, reason);
            return null;
        });
    }

    /** Compare-and-set on the state column: the move happens only if the file is still in {@code from}. */
    private void move(Connection c, long fileId, FileState from, FileState to, String reason) throws SQLException {
        String[] who = describe(c, fileId);
        if (!from.canMoveTo(to)) {
            throw new IllegalTransitionException("file " + fileId + " (camera " + who[0] + ", " + who[1] + "): "
                    + from + " → " + to + " is not an allowed move (from " + from + " only " + from.successors() + ")");
        }
        boolean keepReason = to == FileState.FAILED || to == FileState.QUARANTINED;
        try (PreparedStatement p = c.prepareStatement(
                "UPDATE evidence_files SET state = ?, reason = ?, updated_at = ? WHERE id = ? AND state = ?")) {
            p.setString(1, to.name());
            p.setString(2, keepReason ? reason : null);
            p.setLong(3, now());
            p.setLong(4, fileId);
            p.setString(5, from.name());
            if (p.executeUpdate() == 0) {
                throw new IllegalTransitionException("file " + fileId + " (camera " + who[0] + ", " + who[1] + ") is "
                        + who[2] + ", not " + from + "; refused " + from + " → " + to);
            }
        }
        stateChanged(c, fileId, who[0], who[1], from, to, reason);
    }

    /** camera id, path and current state of a file, or an exception naming the unknown id. */
    private static String[] describe(Connection c, long fileId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "SELECT camera_id, relative_path, state FROM evidence_files WHERE id = ?")) {
            p.setLong(1, fileId);
            try (ResultSet r = p.executeQuery()) {
                if (!r.next()) {
                    throw new IllegalTransitionException("file " + fileId + " is not in the ledger");
                }
                return new String[] {r.getString(1), r.getString(2), r.getString(3)};
            }
        }
    }

    private void stateChanged(Connection c, long fileId, String cameraId, String path, FileState from, FileState to,
                              String reason) throws SQLException {
        audit(c, "agent", "file-" + to.name().toLowerCase(java.util.Locale.ROOT), cameraId + ":" + path,
                "file " + fileId + (from == null ? "" : " from " + from) + (reason == null ? "" : ": " + reason));
        appendEvent(c, new DockEvent.EvidenceState(fileId, cameraId, path, from == null ? null : from.name(), to.name(), reason,
                Instant.ofEpochMilli(now())));
        ingestedInTx |= to == FileState.INGESTED;
    }

    @Override
    public void recordIngest(long fileId, String plaintextSha256, List<PartRecord> parts, byte[] manifest,
                             byte[] manifestSignature) {
        tx("record ingest of file " + fileId, c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM parts WHERE file_id = ?")) {
                del.setLong(1, fileId);
                del.executeUpdate();
            }
            try (PreparedStatement p = c.prepareStatement("""
                    INSERT INTO parts(file_id, idx, offset, length, plaintext_sha256, ciphertext_sha256,
                      ciphertext_length, spool_file, upload_url, confirmed_offset) VALUES (?,?,?,?,?,?,?,?,?,?)""")) {
                for (PartRecord part : parts) {
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
                    p.addBatch();
                }
                p.executeBatch();
            }
            try (PreparedStatement p = c.prepareStatement(
                    "UPDATE evidence_files SET plaintext_sha256 = ?, manifest = ?, manifest_signature = ? WHERE id = ?")) {
                p.setString(1, plaintextSha256);
                p.setBytes(2, manifest);
                p.setBytes(3, manifestSignature);
                p.setLong(4, fileId);
                p.executeUpdate();
            }
            move(c, fileId, FileState.INGESTING, FileState.INGESTED, null);
            return null;
        });
    }

    @Override
    public List<PartRecord> parts(long fileId) {
        return tx("read parts of file " + fileId, c -> {
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
        });
    }

    @Override
    public void recordPartUpload(long fileId, int partIndex, String uploadUrl, long confirmedOffset) {
        tx("record upload of part " + partIndex + " of file " + fileId, c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "UPDATE parts SET upload_url = ?, confirmed_offset = ? WHERE file_id = ? AND idx = ?")) {
                p.setString(1, uploadUrl);
                p.setLong(2, confirmedOffset);
                p.setLong(3, fileId);
                p.setInt(4, partIndex);
                if (p.executeUpdate() == 0) {
                    throw new LedgerException("file " + fileId + " has no part " + partIndex);
                }
            }
            return null;
        });
    }

    @Override
    public void recordReceipt(long fileId, byte[] receipt) {
        tx("record receipt of file " + fileId, c -> {
            try (PreparedStatement p = c.prepareStatement("UPDATE evidence_files SET receipt = ? WHERE id = ?")) {
                p.setBytes(1, receipt);
                p.setLong(2, fileId);
                p.executeUpdate();
            }
            move(c, fileId, FileState.UPLOADED, FileState.RECEIPTED, null);
            return null;
        });
    }

    @Override
    public Optional<byte[]> receipt(long fileId) {
        return blob("receipt", fileId);
    }

    @Override
    public Optional<byte[]> manifest(long fileId) {
        return blob("manifest", fileId);
    }

    @Override
    public Optional<byte[]> manifestSignature(long fileId) {
        return blob("manifest_signature", fileId);
    }

    private Optional<byte[]> blob(String column, long fileId) {
        return tx("read " + column + " of file " + fileId, c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT " + column + " FROM evidence_files WHERE id = ?")) {
                p.setLong(1, fileId);
                try (ResultSet r = p.executeQuery()) {
                    return r.next() ? Optional.ofNullable(r.getBytes(1)) : Optional.empty();
                }
            }
        });
    }

    // ---- assignments --------------------------------------------------------------------------

    @Override
    public void assign(String cameraId, String officerId, String source) {
        tx("assign " + cameraId, c -> {
            endAssignment(c, cameraId);
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO assignments(camera_id, officer_id, source, started_at) VALUES (?,?,?,?)")) {
                p.setString(1, cameraId);
                p.setString(2, officerId);
                p.setString(3, source);
                p.setLong(4, now());
                p.executeUpdate();
            }
            audit(c, source, "assign", cameraId, "officer " + officerId);
            appendEvent(c, new DockEvent.Assigned(cameraId, officerId, source, Instant.ofEpochMilli(now())));
            return null;
        });
    }

    @Override
    public void unassign(String cameraId, String source) {
        tx("unassign " + cameraId, c -> {
            String officer = endAssignment(c, cameraId);
            if (officer != null) {
                audit(c, source, "unassign", cameraId, "officer " + officer);
                appendEvent(c, new DockEvent.Unassigned(cameraId, officer, source, Instant.ofEpochMilli(now())));
            }
            return null;
        });
    }

    /** Ends the open assignment and returns its officer, or null if there was none. */
    private String endAssignment(Connection c, String cameraId) throws SQLException {
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
            p.setLong(1, now());
            p.setString(2, cameraId);
            p.executeUpdate();
        }
        return officer;
    }

    @Override
    public Optional<Assignment> currentAssignment(String cameraId) {
        return tx("read assignment of " + cameraId, c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT camera_id, officer_id, source, started_at FROM assignments WHERE camera_id = ? AND ended_at IS NULL")) {
                p.setString(1, cameraId);
                try (ResultSet r = p.executeQuery()) {
                    return r.next()
                            ? Optional.of(new Assignment(r.getString(1), r.getString(2), r.getString(3), r.getLong(4)))
                            : Optional.empty();
                }
            }
        });
    }

    // ---- outbox -------------------------------------------------------------------------------

    @Override
    public OutboxEvent appendEvent(DockEvent event) {
        return tx("append event " + event.type(), c -> appendEvent(c, event));
    }

    private OutboxEvent appendEvent(Connection c, DockEvent event) throws SQLException {
        String type = event.type();
        EventClass eventClass = event.eventClass();
        String payloadJson = EventJson.encode(event);
        appendedInTx = true;
        makeRoom(c);
        String eventId = UUID.randomUUID().toString();
        long at = now();
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

    /** Applies the overflow rule (class comment) before an append. */
    private void makeRoom(Connection c) throws SQLException {
        long pending = count(c);
        if (pending < outboxCapacity) {
            return;
        }
        long excess = pending - outboxCapacity + 1;
        int dropped;
        try (PreparedStatement p = c.prepareStatement("""
                DELETE FROM outbox WHERE sequence IN (
                  SELECT sequence FROM outbox WHERE class = 'OPERATIONAL' ORDER BY sequence LIMIT ?)""")) {
            p.setLong(1, excess);
            dropped = p.executeUpdate();
        }
        if (dropped > 0) {
            audit(c, "agent", "outbox-overflow", "outbox", "dropped " + dropped + " operational event(s) at capacity " + outboxCapacity);
        }
        if (dropped < excess) {
            log.warn("outbox holds {} evidence events, over its capacity of {}; none is dropped", pending, outboxCapacity);
        }
    }

    private static long count(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM outbox")) {
            return r.next() ? r.getLong(1) : 0;
        }
    }

    @Override
    public List<OutboxEvent> pendingEvents(int limit) {
        return tx("read outbox", c -> {
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
        });
    }

    @Override
    public void markPublished(long sequence) {
        tx("mark event " + sequence + " published", c -> {
            try (PreparedStatement p = c.prepareStatement("DELETE FROM outbox WHERE sequence = ?")) {
                p.setLong(1, sequence);
                p.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public long pendingEventCount() {
        return tx("count outbox", SqliteLedger::count);
    }

    // ---- audit --------------------------------------------------------------------------------

    @Override
    public void audit(String actor, String action, String subject, String detail) {
        tx("audit " + action, c -> {
            audit(c, actor, action, subject, detail);
            return null;
        });
    }

    @Override
    public String auditHead() {
        return tx("read audit head", AuditChain::head);
    }

    @Override
    public AuditVerification verifyAudit() {
        return tx("verify audit chain", AuditChain::verify);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            db.close();
        } catch (SQLException e) {
            log.warn("{}: closing the ledger failed: {}", file, e.getMessage());
        }
    }
}
