package org.bwcdock.agent.volume;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Reads a camera file on a helper thread and waits for each read with a deadline, so that a USB
 * device that stops answering (a read stuck in the kernel) costs this bay a clear error, not a hung
 * thread: the caller gets control back, the stuck helper thread is abandoned.
 *
 * <p>Reads 256 KiB per hand-off, so the per-read cost is negligible next to hashing; and less than
 * half of G1's smallest region, so the block is an ordinary object, not a humongous one taking two
 * whole regions: with eight bays reading at once that was a quarter of a 64 MiB heap.
 */
final class DeadlineReader extends InputStream {
    private static final int BLOCK = 256 << 10;

    private final Supplier<ExecutorService> threads;
    private final String where;
    private final long timeoutNanos;
    private final ByteBuffer block = ByteBuffer.allocate(BLOCK).flip();
    private ExecutorService executor;
    private FileChannel channel;
    private boolean eof;
    private boolean abandoned;

    private DeadlineReader(Supplier<ExecutorService> threads, String where, long timeoutNanos) {
        this.threads = threads;
        this.where = where;
        this.timeoutNanos = timeoutNanos;
    }

    /** Opens on the helper thread too: opening a FIFO swapped in at the last moment would block forever. */
    static DeadlineReader open(Supplier<ExecutorService> threads, Path file, String where, java.time.Duration timeout,
                               Opener opener) throws IOException {
        DeadlineReader r = new DeadlineReader(threads, where, timeout.toNanos());
        r.executor = threads.get();
        r.channel = r.await(() -> opener.open(file), "open");
        return r;
    }

    interface Opener {
        FileChannel open(Path file) throws IOException;
    }

    private interface Io<T> {
        T run() throws IOException;
    }

    private <T> T await(Io<T> io, String what) throws IOException {
        Future<T> f = executor.submit(io::run);
        try {
            return f.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            f.cancel(false); // never interrupt the helper: see abandon()
            abandon();
            throw new IOException(where + ": " + what + " made no progress for "
                    + TimeUnit.NANOSECONDS.toSeconds(timeoutNanos) + " s (camera not answering)");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof IOException io2 ? io2 : new IOException(where + ": " + what + " failed: " + c, c);
        } catch (InterruptedException e) {
            f.cancel(false);
            abandon();
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException(where + ": read interrupted");
        }
    }

    /**
     * The helper thread may stay stuck in the kernel; it is left behind, and nothing waits for it
     * again. Neither interrupting it nor closing the channel here is safe: a FileChannel closes on
     * interrupt, and closing waits until every thread blocked in a read has left it, which on a
     * camera that stopped answering (seen with a stalled FUSE driver) is never. So the close is
     * queued behind the stuck read, on the helper thread itself.
     */
    private void abandon() {
        if (abandoned) {
            return;
        }
        abandoned = true;
        FileChannel c = channel;
        if (c != null) {
            executor.execute(() -> {
                try {
                    c.close();
                } catch (IOException ignored) {
                    // closing is best effort: the device is not answering
                }
            });
        }
        executor.shutdown();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!block.hasRemaining()) {
            if (eof) {
                return -1;
            }
            block.clear();
            int n = await(() -> {
                int total = 0;
                while (block.hasRemaining()) {
                    int r = channel.read(block);
                    if (r < 0) {
                        eof = true;
                        break;
                    }
                    total += r;
                }
                return total;
            }, "read");
            block.flip();
            if (n == 0 && eof) {
                return -1;
            }
        }
        int n = Math.min(len, block.remaining());
        block.get(b, off, n);
        return n;
    }

    @Override
    public void close() throws IOException {
        if (abandoned) {
            return; // the helper thread closes the channel if its read ever returns
        }
        try {
            if (channel != null) {
                channel.close();
            }
        } finally {
            if (executor != null) {
                executor.shutdown();
            }
        }
    }

    static Supplier<ExecutorService> namedThreads(String name) {
        return () -> Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true); // only ever left behind when stuck in the kernel on a dead device
            return t;
        });
    }
}
