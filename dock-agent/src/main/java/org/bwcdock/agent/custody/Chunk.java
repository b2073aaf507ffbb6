package org.bwcdock.agent.custody;

import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A slice of plaintext on its way from the reading thread to its part's two consumers: the thread that
 * hashes the part's plaintext and the thread that encrypts it. The buffer goes back to the pool when
 * both are done with it ({@link #release}).
 */
final class Chunk {
    /** Tells a part's threads to stop: the ingest failed or was cancelled. */
    static final Chunk ABORT = new Chunk(null, 0, -1, false);

    private final byte[] buffer;
    private final int length;
    private final int part;
    private final boolean lastOfPart;
    private final AtomicInteger users = new AtomicInteger(2);

    Chunk(byte[] buffer, int length, int part, boolean lastOfPart) {
        this.buffer = buffer;
        this.length = length;
        this.part = part;
        this.lastOfPart = lastOfPart;
    }

    byte[] buffer() {
        return buffer;
    }

    int length() {
        return length;
    }

    int part() {
        return part;
    }

    boolean lastOfPart() {
        return lastOfPart;
    }

    /** One consumer is done with the bytes; the second gives the buffer back to {@code free}. */
    void release(Queue<byte[]> free) {
        if (users.decrementAndGet() == 0) {
            free.add(buffer);
        }
    }
}
