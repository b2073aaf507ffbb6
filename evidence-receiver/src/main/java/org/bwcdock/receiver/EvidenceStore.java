package org.bwcdock.receiver;

import org.bwcdock.format.AuditCheckpoint;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Where committed evidence is kept: the one place a receipt's promise ("these exact bytes are
 * durable on the storage the agency keeps") is made good. The local filesystem
 * ({@link FileEvidenceStore}, the default) or an S3-compatible bucket ({@link S3EvidenceStore}). The
 * commit logic (signature, ownership, hashes, the receipt) stays outside.
 */
interface EvidenceStore extends AutoCloseable {
    /** The receipt stored for this evidence, if it was committed before: a repeated commit gets the same one. */
    Optional<byte[]> receipt(String evidenceId) throws IOException;

    /**
     * Keeps the parts (the uploads' bytes, in part order), the manifest, its signature and the
     * receipt as one evidence object, and returns only once all of it is durable: the receipt is
     * answered to the dock after this, and the dock wipes the camera on it. Either all of it is
     * stored or, after a crash, none of it (a repeated commit starts over).
     */
    default void put(String evidenceId, List<UploadStore.Upload> parts, byte[] manifest, byte[] signature, byte[] receipt)
            throws IOException {
        put(evidenceId, parts, manifest, signature, receipt, java.util.Map.of());
    }

    /**
     * The same, with more named objects stored with it and as durably ({@code manifest.tsr},
     * {@code receipt.tsr}: the RFC 3161 tokens that were at hand when the receipt was signed).
     */
    void put(String evidenceId, List<UploadStore.Upload> parts, byte[] manifest, byte[] signature, byte[] receipt,
             java.util.Map<String, byte[]> more) throws IOException;

    /** A small object of committed evidence ({@code manifest.json}, {@code manifest.p7s}, a token), if stored. */
    Optional<byte[]> object(String evidenceId, String name) throws IOException;

    /**
     * Adds a named object to committed evidence, durably, unless one of that name is there already
     * (which is kept: a token, once stored, is never replaced). For tokens that arrive after the receipt.
     *
     * @return whether it was added
     */
    boolean attach(String evidenceId, String name, byte[] bytes) throws IOException;

    /**
     * Keeps a dock's signed audit checkpoint (verified by the caller) if it covers more rows than the
     * one kept for that dock, durably (docs/manifest.md, "Audit checkpoints").
     */
    void keepCheckpoint(AuditCheckpoint checkpoint, AuditCheckpoint.Signed signed) throws IOException;

    /** The newest audit checkpoint kept for {@code dockId}. */
    Optional<AuditCheckpoint.Signed> checkpoint(String dockId) throws IOException;

    /** How many evidence objects are stored. */
    long count() throws IOException;

    /** Releases its connections; the receiver calls it last, on close. */
    @Override
    default void close() {
    }
}
