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
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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

    private final Connection db;
    private final Path file;
    private final Clock clock;
    private final int outboxCapacity;
    private final List<LedgerListener> listeners = new CopyOnWriteArrayList<>();
    private boolean closed;
    /** What the running transaction did that listeners wait for; told after its commit (guarded by this). */
    private boolean appendedInTx;
    private boolean ingestedInTx;
    private boolean partInTx;

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
            partInTx = false;
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
                if (partInTx) {
                    l.partSpooled();
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
            Optional<CameraRecord> known = CameraRows.read(c, camera.cameraId());
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
        return tx("read camera " + cameraId, c -> CameraRows.read(c, cameraId));
    }

    @Override
    public java.util.Map<String, Instant> camerasLastSeen() {
        return tx("list cameras", CameraRows::lastSeen);
    }

    @Override
    public void setLegalHold(String cameraId, boolean hold, String actor) {
        tx("legal hold " + cameraId, c -> {
            if (!CameraRows.setLegalHold(c, cameraId, hold)) {
                throw new LedgerException("legal hold: camera " + cameraId + " is not known to this dock");
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
            Optional<Long> known = FileRows.find(c, cameraId, relativePath, size, mtimeMillis);
            if (known.isPresent()) {
                return known.get();
            }
            long id = FileRows.insert(c, cameraId, relativePath, size, mtimeMillis, now());
            stateChanged(c, id, cameraId, relativePath, null, FileState.DISCOVERED, "size " + size);
            return id;
        });
    }

    @Override
    public Optional<EvidenceFile> file(long fileId) {
        return tx("read file " + fileId, c -> FileRows.select(c, "id = ?", fileId).stream().findFirst());
    }

    @Override
    public List<EvidenceFile> filesOf(String cameraId) {
        return tx("list files of " + cameraId, c -> FileRows.select(c, "camera_id = ?", cameraId));
    }

    @Override
    public List<EvidenceFile> filesIn(FileState first, FileState... more) {
        Set<FileState> states = EnumSet.of(first, more);
        String in = states.stream().map(st -> "'" + st.name() + "'").collect(Collectors.joining(","));
        return tx("list files in " + states, c -> FileRows.select(c, "state IN (" + in + ")"));
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
        String[] who = FileRows.describe(c, fileId);
        if (!from.canMoveTo(to)) {
            throw new IllegalTransitionException("file " + fileId + " (camera " + who[0] + ", " + who[1] + "): "
                    + from + " → " + to + " is not an allowed move (from " + from + " only " + from.successors() + ")");
        }
        boolean keepReason = to == FileState.FAILED || to == FileState.QUARANTINED || to == FileState.REFUSED;
        if (!FileRows.setState(c, fileId, from, to, keepReason ? reason : null, now())) {
            throw new IllegalTransitionException("file " + fileId + " (camera " + who[0] + ", " + who[1] + ") is "
                    + who[2] + ", not " + from + "; refused " + from + " → " + to);
        }
        if (from == FileState.INGESTING && to != FileState.INGESTED && to != FileState.DISCOVERED) {
            FileRows.deleteParts(c, fileId, 0); // a failed ingest discards its spool parts; an interrupted one keeps them
        }
        stateChanged(c, fileId, who[0], who[1], from, to, reason);
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
            FileRows.replaceParts(c, fileId, parts, now());
            FileRows.setIngest(c, fileId, plaintextSha256, manifest, manifestSignature);
            move(c, fileId, FileState.INGESTING, FileState.INGESTED, null);
            return null;
        });
    }

    @Override
    public void recordPart(long fileId, PartRecord part) {
        tx("record part " + part.index() + " of file " + fileId, c -> {
            String[] who = FileRows.describe(c, fileId);
            if (!FileState.INGESTING.name().equals(who[2])) {
                throw new IllegalTransitionException("file " + fileId + " (camera " + who[0] + ", " + who[1] + ") is "
                        + who[2] + ", not INGESTING; part " + part.index() + " not recorded");
            }
            FileRows.insertPart(c, fileId, part, now(), null);
            partInTx = true;
            return null;
        });
    }

    @Override
    public int discardParts(long fileId, int fromIndex) {
        return tx("discard parts of file " + fileId, c -> {
            String[] who = FileRows.describe(c, fileId);
            FileState state = FileState.valueOf(who[2]);
            if (state != FileState.INGESTING && state != FileState.DISCOVERED) {
                throw new IllegalTransitionException("file " + fileId + " (camera " + who[0] + ", " + who[1] + ") is "
                        + state + ": its parts are kept until its receipt");
            }
            return FileRows.deleteParts(c, fileId, fromIndex);
        });
    }

    @Override
    public List<EvidenceFile> ingestingWithPartsToUpload() {
        return tx("list files ingesting with parts to upload", c -> FileRows.withPartsToUpload(c, FileState.INGESTING));
    }

    @Override
    public List<PartRecord> parts(long fileId) {
        return tx("read parts of file " + fileId, c -> FileRows.parts(c, fileId));
    }

    @Override
    public void recordPartUpload(long fileId, int partIndex, String uploadUrl, long confirmedOffset) {
        tx("record upload of part " + partIndex + " of file " + fileId, c -> {
            if (!FileRows.setPartUpload(c, fileId, partIndex, uploadUrl, confirmedOffset, now())) {
                throw new LedgerException("file " + fileId + " has no part " + partIndex);
            }
            return null;
        });
    }

    @Override
    public void recordReceipt(long fileId, byte[] receipt) {
        tx("record receipt of file " + fileId, c -> {
            FileRows.setReceipt(c, fileId, receipt);
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

    // ---- manifest timestamps (RFC 3161) ------------------------------------------------------

    @Override
    public void recordManifestTimestamp(long fileId, byte[] tsr, String detail) {
        tx("record the manifest timestamp of file " + fileId, c -> {
            FileRows.setManifestTimestamp(c, fileId, tsr);
            audit(c, "agent", "manifest-timestamped", fileSubject(c, fileId), detail);
            return null;
        });
    }

    @Override
    public void recordManifestTimestampMissing(long fileId, String reason) {
        tx("record the missing manifest timestamp of file " + fileId, c -> {
            audit(c, "agent", "manifest-timestamp-missing", fileSubject(c, fileId), reason);
            return null;
        });
    }

    @Override
    public Optional<byte[]> manifestTimestamp(long fileId) {
        return blob("manifest_tsr", fileId);
    }

    @Override
    public void settleManifestTimestamp(long fileId, boolean delivered, String detail) {
        tx("settle the manifest timestamp of file " + fileId, c -> {
            FileRows.setManifestTimestampState(c, fileId, delivered ? "delivered" : "refused");
            audit(c, "agent", delivered ? "manifest-timestamp-delivered" : "manifest-timestamp-refused", fileSubject(c, fileId), detail);
            return null;
        });
    }

    @Override
    public List<EvidenceFile> awaitingManifestTimestamp() {
        return tx("list files awaiting their manifest timestamp", c -> FileRows.select(c,
                "manifest_tsr_state IS NULL AND receipt IS NOT NULL AND state IN ('RECEIPTED', 'RELEASED')"));
    }

    /** The subject of a file's audit rows, as in its state changes: {@code camera:path}. */
    private static String fileSubject(Connection c, long fileId) throws SQLException {
        String[] who = FileRows.describe(c, fileId);
        return who[0] + ":" + who[1];
    }

    private Optional<byte[]> blob(String column, long fileId) {
        return tx("read " + column + " of file " + fileId, c -> FileRows.blob(c, column, fileId));
    }

    // ---- assignments --------------------------------------------------------------------------

    @Override
    public void assign(String cameraId, String officerId, String source) {
        tx("assign " + cameraId, c -> {
            CameraRows.endAssignment(c, cameraId, now());
            CameraRows.startAssignment(c, cameraId, officerId, source, now());
            audit(c, source, "assign", cameraId, "officer " + officerId);
            appendEvent(c, new DockEvent.Assigned(cameraId, officerId, source, Instant.ofEpochMilli(now())));
            return null;
        });
    }

    @Override
    public void unassign(String cameraId, String source) {
        tx("unassign " + cameraId, c -> {
            String officer = CameraRows.endAssignment(c, cameraId, now());
            if (officer != null) {
                audit(c, source, "unassign", cameraId, "officer " + officer);
                appendEvent(c, new DockEvent.Unassigned(cameraId, officer, source, Instant.ofEpochMilli(now())));
            }
            return null;
        });
    }

    @Override
    public Optional<Assignment> currentAssignment(String cameraId) {
        return tx("read assignment of " + cameraId, c -> CameraRows.assignment(c, cameraId));
    }

    // ---- outbox -------------------------------------------------------------------------------

    @Override
    public OutboxEvent appendEvent(DockEvent event) {
        return tx("append event " + event.type(), c -> appendEvent(c, event));
    }

    private OutboxEvent appendEvent(Connection c, DockEvent event) throws SQLException {
        appendedInTx = true;
        makeRoom(c);
        return OutboxRows.insert(c, event.type(), event.eventClass(), EventJson.encode(event), now());
    }

    /** Applies the overflow rule (class comment) before an append. */
    private void makeRoom(Connection c) throws SQLException {
        long pending = OutboxRows.count(c);
        if (pending < outboxCapacity) {
            return;
        }
        long excess = pending - outboxCapacity + 1;
        int dropped = OutboxRows.dropOldestOperational(c, excess);
        if (dropped > 0) {
            audit(c, "agent", "outbox-overflow", "outbox", "dropped " + dropped + " operational event(s) at capacity " + outboxCapacity);
        }
        if (dropped < excess) {
            log.warn("outbox holds {} evidence events, over its capacity of {}; none is dropped", pending, outboxCapacity);
        }
    }

    @Override
    public List<OutboxEvent> pendingEvents(int limit) {
        return tx("read outbox", c -> OutboxRows.pending(c, limit));
    }

    @Override
    public void markPublished(long sequence) {
        tx("mark event " + sequence + " published", c -> {
            OutboxRows.delete(c, sequence);
            return null;
        });
    }

    @Override
    public long pendingEventCount() {
        return tx("count outbox", OutboxRows::count);
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
    public AuditPosition auditPosition() {
        return tx("read audit position", AuditChain::position);
    }

    @Override
    public AuditVerification verifyAudit() {
        return tx("verify audit chain", AuditChain::verify);
    }

    @Override
    public AuditVerification verifyAudit(long seq, String head) {
        return tx("verify audit chain against a checkpoint", c -> AuditChain.verify(c, seq, head));
    }

    @Override
    public List<org.bwcdock.format.AuditRows.Row> auditRows(long fromSeq) {
        return tx("read audit rows", c -> AuditChain.rows(c, fromSeq));
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
