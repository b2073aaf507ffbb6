package org.bwcdock.agent.ledger;

import java.util.List;
import java.util.Optional;

/**
 * Evidence files, their parts, manifests and receipts, and the moves of their state machine: the role of the
 * {@link Ledger} that custody and upload use. Every move is one transaction with its audit row and event.
 */
public interface EvidenceFiles {
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

    /**
     * One part of a file still INGESTING, durable in the spool: recorded at once so that its upload
     * can start while later parts are read, and a restart keeps it. Parts are recorded in index order.
     * Throws {@link IllegalTransitionException} if the file is not INGESTING.
     */
    void recordPart(long fileId, PartRecord part);

    /**
     * Forgets the parts of a file not yet INGESTED from index {@code fromIndex} on (their spool files
     * are gone or will not be used); how many. A file that failed its ingest loses its parts with the move.
     */
    int discardParts(long fileId, int fromIndex);

    /** Files still INGESTING with a recorded part the server does not hold all of yet, oldest first. */
    List<EvidenceFile> ingestingWithPartsToUpload();

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
}
