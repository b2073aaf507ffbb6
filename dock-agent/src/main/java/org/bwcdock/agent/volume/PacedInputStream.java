package org.bwcdock.agent.volume;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;

/**
 * A simulated camera read at a fixed pace, as a USB camera delivers its files: a test that must
 * act while a file is being read (an undock mid-ingest) then depends on that pace, not on how fast
 * this machine's disk and CPU happen to be today.
 */
final class PacedInputStream extends FilterInputStream {
    private final long bytesPerSecond;
    private final long start = System.nanoTime();
    private long delivered;

    PacedInputStream(InputStream in, long bytesPerSecond) {
        super(in);
        this.bytesPerSecond = bytesPerSecond;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            delivered += n;
            pace();
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        delivered += skipped;
        pace();
        return skipped;
    }

    /** Sleeping is the pace itself: wait until the bytes handed out so far are due. */
    private void pace() throws InterruptedIOException {
        long due = start + (long) (delivered * 1e9 / bytesPerSecond);
        long wait = due - System.nanoTime();
        if (wait > 0) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("read of a simulated camera interrupted");
            }
        }
    }
}
