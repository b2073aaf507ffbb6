package org.bwcdock.receiver;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A request body that must average at least {@code minRate} bytes a second, after a grace of
 * {@link #GRACE_NANOS}: a client trickling a byte at a time would otherwise hold a request thread
 * and an upload's lock for as long as it likes. (Jetty's own minimum request data rate did not
 * stop a one-byte-a-second body on the blocking read path: ReceiverDeadlinesTest.)
 */
final class RateFloor extends FilterInputStream {
    static final long GRACE_NANOS = 2_000_000_000L;

    /** The body came in too slowly: answered 408, and the connection closed. */
    static final class TooSlow extends IOException {
        TooSlow(String message) {
            super(message);
        }
    }

    private final long minRate;
    private final long start = System.nanoTime();
    private long bytes;

    RateFloor(InputStream in, long minRate) {
        super(in);
        this.minRate = minRate;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        counted(b < 0 ? 0 : 1);
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        counted(Math.max(n, 0));
        return n;
    }

    private void counted(int n) throws TooSlow {
        bytes += n;
        long elapsed = System.nanoTime() - start;
        if (minRate > 0 && elapsed > GRACE_NANOS && bytes < minRate * ((elapsed - GRACE_NANOS) / 1_000_000_000.0)) {
            throw new TooSlow("request body too slow: " + bytes + " bytes in " + elapsed / 1_000_000 + " ms, below min-body-rate "
                    + minRate + " bytes/s");
        }
    }
}
