package org.bwcdock.agent.ledger;

/**
 * One footage file of one camera, as the ledger knows it.
 *
 * @param plaintextSha256 hex, null until INGESTED
 * @param reason why it is FAILED, QUARANTINED or REFUSED, else null
 */
public record EvidenceFile(long id, String cameraId, String relativePath, long size, long mtimeMillis,
                           FileState state, String plaintextSha256, String reason, long discoveredAtMillis) {
}
