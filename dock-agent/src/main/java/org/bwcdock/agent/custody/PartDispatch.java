package org.bwcdock.agent.custody;

import org.bwcdock.agent.ledger.PartRecord;
import org.bwcdock.agent.spool.Spool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The reader's side of one ingest's encryption: hands each part's chunks to that part's own encrypt
 * task, with at most {@code threads} parts encrypting at once, and commits each part on a sync thread
 * (the fsync of part k overlaps the encryption of later parts). Parts are told durable strictly in
 * index order, so the ledger's parts of an unfinished file are always a prefix. A failure of any part
 * fails the ingest: the reader sees it at its next buffer or part, and {@link #abort} stops the rest.
 * Spool room for every part still to write is admitted before the first is started.
 */
final class PartDispatch {
    private static final Logger log = LoggerFactory.getLogger(PartDispatch.class);
    /** CMS framing + recipient infos + tag, on top of the plaintext length. */
    static final int PART_OVERHEAD = 16 * 1024;
    private static final long POLL_MILLIS = 200;

    private final IngestRequest req;
    private final CustodySettings settings;
    private final Spool spool;
    private final Recipients recipients;
    private final SecureRandom random;
    private final ExecutorService encryptors;
    private final ExecutorService syncers;
    private final IngestListener listener;
    private final ReadAhead readAhead;
    private final Set<String> durable;
    private final int first;
    private final Semaphore slots;
    private final BlockingQueue<byte[]> free = new LinkedBlockingQueue<>();
    private final AtomicReference<Throwable> failed = new AtomicReference<>();
    private final List<BlockingQueue<Chunk>> queues = new ArrayList<>();
    /** Each part's plaintext-hash and encrypt tasks. */
    private final List<Future<?>> encrypting = new ArrayList<>();
    /** Completed once each part is committed and told, in index order. */
    private final List<CompletableFuture<PartRecord>> told = new ArrayList<>();
    /** The current part's two queues (its plaintext hash's, its encryption's); empty between parts. */
    private List<BlockingQueue<Chunk>> current = List.of();
    private int allocated;
    private int borrowed;
    private boolean admitted;
    private long unclaimed;

    /**
     * @param first the first part to write (those before it were kept from an interrupted ingest)
     * @param durable gets the spool name of each part once told durable
     */
    PartDispatch(IngestRequest req, CustodySettings settings, Spool spool, Recipients recipients, SecureRandom random,
                 ExecutorService encryptors, ExecutorService syncers, IngestListener listener, ReadAhead readAhead,
                 int first, Set<String> durable) {
        this.req = req;
        this.settings = settings;
        this.spool = spool;
        this.recipients = recipients;
        this.random = random;
        this.encryptors = encryptors;
        this.syncers = syncers;
        this.listener = listener;
        this.readAhead = readAhead;
        this.first = first;
        this.durable = durable;
        this.slots = new Semaphore(settings.encryptThreads());
    }

    /** A buffer for the next read: from this ingest's pool, else borrowed from the dock's read-ahead, else waited for. */
    byte[] buffer() throws IOException, InterruptedException, IngestException {
        while (true) {
            byte[] b = free.poll();
            if (b == null && allocated < CmsIngestor.BUFFERS) {
                allocated++;
                return new byte[CmsIngestor.CHUNK];
            }
            if (b == null && settings.encryptThreads() > 1 && readAhead.tryBorrow()) {
                borrowed++;
                return new byte[CmsIngestor.CHUNK];
            }
            if (b == null) {
                b = free.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
            }
            if (b != null) {
                return b;
            }
            checkFailed();
        }
    }

    /** Gives a buffer back that the reader used itself (a kept part read again for the hash). */
    void recycle(byte[] b) {
        free.add(b);
    }

    /** The next chunk, in file order; the first chunk of a part starts that part's encrypt task. */
    void put(Chunk c) throws IOException, InterruptedException, IngestException {
        if (current.isEmpty()) {
            start(c.part());
        }
        for (BlockingQueue<Chunk> q : current) {
            q.add(c);
        }
        if (c.lastOfPart()) {
            current = List.of();
        }
    }

    private void start(int index) throws IOException, InterruptedException, IngestException {
        checkFailed();
        if (!admitted) {
            unclaimed = admit();
            admitted = true;
        }
        while (!slots.tryAcquire(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
            checkFailed();
        }
        long reserved = partLength(index) + PART_OVERHEAD;
        unclaimed -= reserved;
        // Both bounded by the buffers in flight.
        BlockingQueue<Chunk> toHash = new LinkedBlockingQueue<>();
        BlockingQueue<Chunk> toEncrypt = new LinkedBlockingQueue<>();
        CompletableFuture<PartRecord> previous = told.isEmpty() ? null : told.get(told.size() - 1);
        CompletableFuture<PartRecord> mine = new CompletableFuture<>();
        current = List.of(toHash, toEncrypt);
        queues.addAll(current);
        told.add(mine);
        Future<String> plaintext = encryptors.submit(() -> PartWriter.hashPlaintext(toHash, free));
        encrypting.add(plaintext);
        PartWriter writer = new PartWriter(req, spool, recipients, random, index);
        encrypting.add(encryptors.submit(() -> {
            PartWriter.Written w;
            try {
                w = writer.write(toEncrypt, free, plaintext);
            } catch (Throwable t) {
                spool.release(reserved);
                fail(mine, t);
                return;
            } finally {
                slots.release(); // the next part may encrypt while this one is committed
            }
            try {
                syncers.submit(() -> commit(w, reserved, previous, mine));
            } catch (java.util.concurrent.RejectedExecutionException e) { // the ingestor is closing
                try {
                    w.pending().close();
                } catch (IOException ignored) {
                    // the temp file goes at the next start
                }
                spool.release(reserved);
                fail(mine, e);
            }
        }));
    }

    /** fsync and rename, then — after every earlier part — tell the listener. */
    private void commit(PartWriter.Written w, long reserved, CompletableFuture<PartRecord> previous,
                        CompletableFuture<PartRecord> mine) {
        try {
            PartRecord part;
            try (Spool.Pending pending = w.pending()) {
                long length = pending.commit();
                spool.release(reserved - length);
                part = new PartRecord(w.index(), (long) w.index() * settings.partSize(), partLength(w.index()),
                        w.plaintextSha256(), w.ciphertextSha256(), length, Spool.partName(req.fileId(), w.index()), null, 0);
            } catch (IOException | RuntimeException e) {
                spool.release(reserved);
                throw e;
            }
            if (previous != null) {
                previous.get(); // an earlier part failed: this one is not told either
            }
            listener.partDurable(part);
            durable.add(part.spoolFile());
            mine.complete(part);
        } catch (Throwable t) {
            fail(mine, t);
        }
    }

    private void fail(CompletableFuture<PartRecord> mine, Throwable t) {
        failed.compareAndSet(null, t);
        mine.completeExceptionally(t);
    }

    private void checkFailed() throws IOException, IngestException {
        Throwable t = failed.get();
        if (t != null) {
            throw rethrow(t);
        }
    }

    private IOException rethrow(Throwable t) throws IngestException {
        Throwable cause = t instanceof ExecutionException ? t.getCause() : t;
        if (cause instanceof IngestException ie) {
            throw ie;
        }
        return new IOException("encrypting failed: " + cause.getMessage(), cause);
    }

    /** Every part written, committed and told, in index order. */
    List<PartRecord> finish() throws IOException, InterruptedException, IngestException {
        List<PartRecord> parts = new ArrayList<>();
        for (CompletableFuture<PartRecord> f : told) {
            try {
                parts.add(f.get());
            } catch (ExecutionException e) {
                throw rethrow(e.getCause());
            }
        }
        return parts;
    }

    /** Stops every part still encrypting and waits until none is writing or committing; gives back room and buffers. */
    void abort() {
        for (BlockingQueue<Chunk> q : queues) {
            q.add(Chunk.ABORT);
        }
        boolean interrupted = Thread.interrupted();
        for (Future<?> f : encrypting) {
            interrupted |= waitFor(f);
        }
        for (CompletableFuture<PartRecord> f : told) {
            interrupted |= waitFor(f);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** After the ingest, successful or not: the room admitted but never taken, and the borrowed buffers. */
    void close() {
        if (unclaimed > 0) {
            spool.release(unclaimed);
            unclaimed = 0;
        }
        readAhead.giveBack(borrowed);
        borrowed = 0;
    }

    /** Waits up to 30 s, through interrupts; true if interrupted meanwhile. */
    private boolean waitFor(Future<?> f) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                return interrupted;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException | java.util.concurrent.CancellationException e) {
                return interrupted;
            } catch (java.util.concurrent.TimeoutException e) {
                log.warn("{}: an encrypt or sync task did not stop within 30 s", req.where());
                return interrupted;
            }
        }
    }

    /** Spool room for every part still to write, before the first one starts ({@link Spool#admit}). */
    private long admit() throws InterruptedException, IngestException {
        long room = 0;
        for (int i = first; i < CmsIngestor.partCount(req, settings); i++) {
            room += partLength(i) + PART_OVERHEAD;
        }
        if (!spool.admit(req.cameraId(), req.fileId(), room, settings.spoolWait(), listener::waitingForSpool)) {
            throw new IngestException(req.where() + ": spool stayed full for " + settings.spoolWait()
                    + "; will retry", true, null);
        }
        return room;
    }

    private long partLength(int index) {
        long offset = (long) index * settings.partSize();
        return Math.min(settings.partSize(), req.size() - offset);
    }
}
