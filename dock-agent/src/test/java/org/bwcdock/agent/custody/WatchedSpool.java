package org.bwcdock.agent.custody;

import org.bwcdock.agent.spool.Spool;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.SortedSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The real spool behind a disk that is slow ({@code writeDelayMillis} per write, so that the reader
 * is surely ahead of the encryption) or fails the first write of the files {@code fails} names, and
 * that counts how many parts are being written at once: from a part's first write to its flush,
 * which the encrypt thread does when the part's last byte is written, before it frees its slot.
 */
final class WatchedSpool implements Spool {
    private final Spool real;
    private final long writeDelayMillis;
    private final Predicate<String> fails;
    private final AtomicInteger writing = new AtomicInteger();
    private final AtomicInteger mostAtOnce = new AtomicInteger();

    WatchedSpool(Spool real, long writeDelayMillis, Predicate<String> fails) {
        this.real = real;
        this.writeDelayMillis = writeDelayMillis;
        this.fails = fails;
    }

    int mostPartsWrittenAtOnce() {
        return mostAtOnce.get();
    }

    @Override
    public Pending create(String name) throws IOException {
        Pending p = real.create(name);
        OutputStream watched = new FilterOutputStream(p.stream()) {
            private boolean started;
            private boolean ended;

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (fails.test(name)) {
                    throw new IOException("simulated disk failure writing " + name);
                }
                if (!started && name.endsWith(".cms")) { // parts only: the manifest and signature are not flushed
                    started = true;
                    mostAtOnce.accumulateAndGet(writing.incrementAndGet(), Math::max);
                }
                try {
                    Thread.sleep(writeDelayMillis); // the slow disk being simulated, not synchronisation
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted");
                }
                out.write(b, off, len);
            }

            @Override
            public void flush() throws IOException {
                out.flush();
                if (started && !ended) {
                    ended = true;
                    writing.decrementAndGet();
                }
            }
        };
        return new Pending() {
            @Override
            public OutputStream stream() {
                return watched;
            }

            @Override
            public long commit() throws IOException {
                return p.commit();
            }

            @Override
            public void close() throws IOException {
                p.close();
            }
        };
    }

    @Override
    public Path directory() {
        return real.directory();
    }

    @Override
    public Path resolve(String name) {
        return real.resolve(name);
    }

    @Override
    public boolean reserve(long bytes, Duration maxWait) throws InterruptedException {
        return real.reserve(bytes, maxWait);
    }

    @Override
    public boolean admit(String camera, long fileId, long bytes, Duration maxWait, Runnable waiting) throws InterruptedException {
        return real.admit(camera, fileId, bytes, maxWait, waiting);
    }

    @Override
    public void release(long bytes) {
        real.release(bytes);
    }

    @Override
    public void deleteAll(long fileId) throws IOException {
        real.deleteAll(fileId);
    }

    @Override
    public void deleteAllExcept(long fileId, Set<String> keep) throws IOException {
        real.deleteAllExcept(fileId, keep);
    }

    @Override
    public SortedSet<Long> fileIds() throws IOException {
        return real.fileIds();
    }

    @Override
    public long usedBytes() {
        return real.usedBytes();
    }

    @Override
    public long quotaBytes() {
        return real.quotaBytes();
    }

    @Override
    public boolean full() {
        return real.full();
    }

    @Override
    public void close() {
        real.close();
    }
}
