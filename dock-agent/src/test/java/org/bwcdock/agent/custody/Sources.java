package org.bwcdock.agent.custody;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.SplittableRandom;

/** Test sources: in-memory bytes, or a long deterministic stream that is never stored. */
final class Sources {
    private Sources() {
    }

    static IngestSource bytes(byte[] data) {
        return new IngestSource() {
            @Override
            public InputStream open() {
                return new ByteArrayInputStream(data);
            }

            @Override
            public boolean unchanged() {
                return true;
            }
        };
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    /** {@code length} pseudo-random bytes from {@code seed}; the same seed gives the same bytes. */
    static InputStream generated(long length, long seed) {
        return new InputStream() {
            private final SplittableRandom random = new SplittableRandom(seed);
            private long left = length;
            private final byte[] one = new byte[1];

            @Override
            public int read() throws IOException {
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left == 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                // Fill 8 bytes at a time from one long: fast enough to measure ingest, not the generator.
                int i = 0;
                for (; i + 8 <= n; i += 8) {
                    long v = random.nextLong();
                    for (int k = 0; k < 8; k++) {
                        b[off + i + k] = (byte) (v >>> (8 * k));
                    }
                }
                for (; i < n; i++) {
                    b[off + i] = (byte) random.nextInt(256);
                }
                left -= n;
                return n;
            }
        };
    }
}
