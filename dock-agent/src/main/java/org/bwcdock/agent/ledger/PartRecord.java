package org.bwcdock.agent.ledger;

/**
 * One encrypted part of an evidence file.
 *
 * @param spoolFile file name inside the spool directory (never an absolute path)
 * @param uploadUrl null until an upload was created for it
 * @param confirmedOffset bytes of the ciphertext the server has confirmed
 */
public record PartRecord(int index, long offset, long length, String plaintextSha256,
                         String ciphertextSha256, long ciphertextLength, String spoolFile,
                         String uploadUrl, long confirmedOffset) {
}
