package org.bwcdock.agent.ledger;

import java.util.List;
import java.util.Optional;

/**
 * What the dock knows of each manifest's RFC 3161 token (docs/manifest.md, "Timestamps"): the token
 * once the TSA gave one, and whether the receiver holds it. Every change also writes an audit row
 * about the file, so a missing token is on record, not only absent.
 */
public interface ManifestTimestamps {
    /** The TSA's response on the file's manifest signature, kept for the commit and any later retry. */
    void recordManifestTimestamp(long fileId, byte[] tsr, String detail);

    /** No token now: an audit row saying why (the TSA down, a bad answer); it is asked for again later. */
    void recordManifestTimestampMissing(long fileId, String reason);

    Optional<byte[]> manifestTimestamp(long fileId);

    /**
     * Settled: the receiver holds the token ({@code delivered}), or it refused it and asking again is
     * useless (not delivered); either way nothing more is sent for this file.
     */
    void settleManifestTimestamp(long fileId, boolean delivered, String detail);

    /** Receipted files whose receiver does not hold their manifest token yet, oldest first. */
    List<EvidenceFile> awaitingManifestTimestamp();
}
