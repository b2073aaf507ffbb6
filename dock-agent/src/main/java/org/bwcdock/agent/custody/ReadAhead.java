package org.bwcdock.agent.custody;

import java.util.concurrent.Semaphore;

/**
 * The dock-wide allowance of plaintext buffers an ingest may take beyond its own fixed pool, so that
 * the camera reader can run ahead of a part still being encrypted and start the next part on another
 * thread. Shared by all bays: a bay alone at the dock may read far ahead; with every bay busy the
 * allowance is spread thin, and the bays' own parallelism uses the cores instead. Memory stays
 * bounded by the pools plus this allowance whatever the number of bays.
 */
final class ReadAhead {
    private final Semaphore buffers;

    /** @param buffers how many {@link CmsIngestor#CHUNK}-byte buffers all ingests together may borrow */
    ReadAhead(int buffers) {
        this.buffers = new Semaphore(buffers);
    }

    boolean tryBorrow() {
        return buffers.tryAcquire();
    }

    void giveBack(int n) {
        if (n > 0) {
            buffers.release(n);
        }
    }
}
