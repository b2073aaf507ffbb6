package org.bwcdock.agent.custody;

/**
 * A slice of plaintext on its way from the reading thread to the encrypt thread;
 * {@code partSha256} is set on a part's last chunk.
 */
record Chunk(byte[] buffer, int length, int part, long partOffset, boolean lastOfPart, String partSha256) {
    /** Tells the encrypt thread to stop: the ingest failed or was cancelled. */
    static final Chunk ABORT = new Chunk(null, 0, -1, 0, false, null);
}
