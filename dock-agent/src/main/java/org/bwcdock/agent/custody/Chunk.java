package org.bwcdock.agent.custody;

/** A slice of plaintext on its way from the reading thread to the encrypt thread of its part. */
record Chunk(byte[] buffer, int length, int part, boolean lastOfPart) {
    /** Tells an encrypt thread to stop: the ingest failed or was cancelled. */
    static final Chunk ABORT = new Chunk(null, 0, -1, false);
}
