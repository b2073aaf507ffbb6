package org.bwcdock.agent.ledger;

import org.bwcdock.agent.events.DockEvent;
import org.bwcdock.agent.events.EventClass;

import java.util.List;
import java.util.Optional;

/**
 * The dock's durable memory: cameras, evidence files and their parts, assignments, the MQTT
 * outbox and the audit chain.
 *
 * <p>Every method that changes something is one SQLite transaction, durable when it returns
 * (WAL, {@code synchronous=FULL}). Every file-state change writes, in that same transaction, an
 * audit row and an {@link EventClass#EVIDENCE} outbox event, so nothing that happened can be
 * published without being recorded, or recorded without being published later.
 *
 * <p>Thread-safe: calls are serialised.
 */
public interface Ledger extends AutoCloseable {

    // ---- cameras ----------------------------------------------------------------------------

    /** Inserts or updates the camera (last seen now). */
    void recordCamera(CameraRecord camera);

    Optional<CameraRecord> camera(String cameraId);

    /** Every camera this dock has recorded, with when it was last recorded docking (for the fleet view). */
    java.util.Map<String, java.time.Instant> camerasLastSeen();

    /** Legal hold: a held camera is never wiped. Audited. */
    void setLegalHold(String cameraId, boolean hold, String actor);

    // ---- evidence files ---------------------------------------------------------------------

    /**
     * Records a file found on a camera in state DISCOVERED and returns its id. Idempotent: the
     * same camera, relative path, size and mtime give the same id and no new row.
     */
    long discover(String cameraId, String relativePath, long size, long mtimeMillis);

    Optional<EvidenceFile> file(long fileId);

    /** The camera's files, oldest first. */
    List<EvidenceFile> filesOf(String cameraId);

    /** Files in any of the given states, oldest first (the upload order). */
    List<EvidenceFile> filesIn(FileState first, FileState... more);

    /**
     * Moves a file from {@code from} to {@code to}. Throws {@link IllegalTransitionException} if the
     * move is not allowed by {@link FileState} or the file is not in {@code from}.
     *
     * @param reason why, for FAILED/QUARANTINED and retries; may be null otherwise
     */
    void transition(long fileId, FileState from, FileState to, String reason);

    /**
     * INGESTING → INGESTED with the whole-file plaintext SHA-256 (hex), every part, and the signed
     * manifest (CMS SignedData, DER), in one transaction. The spool files must be durable before.
     */
    void recordIngest(long fileId, String plaintextSha256, List<PartRecord> parts, byte[] manifest, byte[] manifestSignature);

    /** Parts of the file, by index. */
    List<PartRecord> parts(long fileId);

    /** Where a part is being uploaded and how far the server has confirmed it: a restart resumes here. */
    void recordPartUpload(long fileId, int partIndex, String uploadUrl, long confirmedOffset);

    /** UPLOADED → RECEIPTED, storing the receipt verbatim (CMS SignedData, DER) after it was verified. */
    void recordReceipt(long fileId, byte[] receipt);

    Optional<byte[]> receipt(long fileId);

    Optional<byte[]> manifest(long fileId);

    /** The dock's detached CMS signature over {@link #manifest}, stored with it at ingest; the commit sends both. */
    Optional<byte[]> manifestSignature(long fileId);

    // ---- assignments ------------------------------------------------------------------------

    /** Ends any current assignment of the camera and starts this one. Audited, and an outbox event. */
    void assign(String cameraId, String officerId, String source);

    /** Ends the current assignment, if any. Audited, and an outbox event. */
    void unassign(String cameraId, String source);

    Optional<Assignment> currentAssignment(String cameraId);

    // ---- outbox -----------------------------------------------------------------------------

    /**
     * Appends an event; durable when this returns. Each event gets a sequence number (the
     * publish order) and a stable random {@code eventId}; its type, class and payload are the event's own.
     */
    OutboxEvent appendEvent(DockEvent event);

    /** Unpublished events in sequence order. */
    List<OutboxEvent> pendingEvents(int limit);

    /** The broker acknowledged the event: it leaves the outbox. */
    void markPublished(long sequence);

    long pendingEventCount();

    /**
     * Adds someone to tell, after each commit, that the outbox grew or a file became INGESTED (so the
     * publisher and the uploader wake at once instead of polling). Called on the committing thread,
     * inside the ledger's lock: it must only wake a thread, never block or call the ledger back.
     */
    void addListener(LedgerListener listener);

    // ---- audit ------------------------------------------------------------------------------

    /** Appends an audit row chained to the previous one. */
    void audit(String actor, String action, String subject, String detail);

    /** SHA-256 (hex) of the newest audit row: what a manifest quotes. */
    String auditHead();

    /** Re-computes the whole chain; names the first broken row, if any. */
    AuditVerification verifyAudit();

    @Override
    void close();
}
