package org.bwcdock.agent.custody;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bwcdock.format.Manifest;
import org.bwcdock.format.ManifestSignatures;
import org.bwcdock.agent.ledger.PartRecord;
import org.bwcdock.agent.spool.Spool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.Set;
import java.util.ArrayList;
import java.util.stream.Collectors;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Two threads per ingest, so that hashing and encrypting overlap on two cores: the caller's thread
 * reads the camera and computes the whole-file and per-part SHA-256; an encrypt thread runs
 * AES-GCM, the ciphertext SHA-256 and the durable spool write. They share a small pool of 64 KiB
 * buffers, so memory stays constant whatever the file size.
 */
final class CmsIngestor implements Ingestor {
    private static final Logger log = LoggerFactory.getLogger(CmsIngestor.class);
    /** JCE's fast path wants at most 64 KiB per update (NOTES.md). */
    static final int CHUNK = 64 * 1024;
    private static final int BUFFERS = 32;
    private static final long PROGRESS_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final CustodySettings settings;
    private final Spool spool;
    private final SecureRandom random = new SecureRandom();
    private final Recipients recipients;
        private final ExecutorService encryptors;
    private final ExecutorService syncers;
    private final Thread warmUp;

    CmsIngestor(CustodySettings settings, Spool spool) {
        this.settings = settings;
        this.spool = spool;
        this.recipients = new Recipients(settings.recipients(), new BouncyCastleProvider(), random);
        AtomicInteger n = new AtomicInteger();
        this.encryptors = Executors.newCachedThreadPool(r -> new Thread(r, "bwcdock-encrypt-" + n.incrementAndGet()));
        AtomicInteger m = new AtomicInteger();
        this.syncers = Executors.newCachedThreadPool(r -> new Thread(r, "bwcdock-spool-sync-" + m.incrementAndGet()));
        this.warmUp = CipherWarmUp.start();
    }

    @Override
    public IngestResult ingest(IngestRequest req, List<PartRecord> kept, IngestSource source, IngestListener listener)
            throws IngestException, InterruptedException {
        int total = partCount(req);
        for (int i = 0; i < kept.size(); i++) {
            if (kept.get(i).index() != i || i >= total) {
                throw new IllegalArgumentException(req.where() + ": kept parts are not a prefix of the file's " + total + " part(s)");
            }
        }
        Set<String> keep = kept.stream().map(PartRecord::spoolFile).collect(Collectors.toSet());
        try {
            spool.deleteAllExcept(req.fileId(), keep);
        } catch (IOException e) {
            throw new IngestException(req.where() + ": cannot clear old spool parts: " + e.getMessage(), true, e);
        }
        if (!kept.isEmpty()) {
            log.info("{}: resuming an interrupted ingest after {} durable part(s) of {}", req.where(), kept.size(), total);
        }
        long started = settings.clock().millis();
        BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
        BlockingQueue<Chunk> work = new ArrayBlockingQueue<>(BUFFERS + 1);
        for (int i = 0; i < BUFFERS; i++) {
            free.add(new byte[CHUNK]);
        }
        Set<String> durable = ConcurrentHashMap.newKeySet();
        durable.addAll(keep);
        // The encrypt task may not have started when an ingest fails early: whoever flips "claimed"
        // first decides whether the task runs, so the abort path never waits for a task that never ran.
        CountDownLatch writerDone = new CountDownLatch(1);
        AtomicBoolean claimed = new AtomicBoolean();
        Future<List<PartRecord>> writer = kept.size() == total ? CompletableFuture.completedFuture(List.of())
                : encryptors.submit(() -> {
                    if (!claimed.compareAndSet(false, true)) {
                        return List.of();
                    }
                    try {
                        return new PartWriter(req, settings, spool, recipients, random, syncers, listener, kept.size(), durable)
                                .write(work, free);
                    } finally {
                        writerDone.countDown();
                    }
                });
        if (kept.size() == total) {
            claimed.set(true);
            writerDone.countDown();
        }
        boolean ok = false;
        boolean cancelled = false;
        try {
            String sha256 = readAndHash(req, kept, source, work, free, writer, listener);
            List<PartRecord> parts = new ArrayList<>(kept);
            parts.addAll(await(req, writer));
            byte[] manifest = manifest(req, sha256, parts, started);
            byte[] signature = ManifestSignatures.sign(manifest, settings.signingKey(), settings.signingChain());
            durable(Spool.manifestName(req.fileId()), manifest);
            durable(Spool.signatureName(req.fileId()), signature);
            ok = true;
            log.info("{}: ingested {} bytes in {} part(s), sha256 {}", req.where(), req.size(), parts.size(), sha256);
            return new IngestResult(sha256, parts, manifest, signature);
        } catch (InterruptedIOException e) {
            cancelled = true;
            throw interrupted(req);
        } catch (InterruptedException e) {
            cancelled = true;
            throw e;
        } catch (IOException e) {
            throw new IngestException(req.where() + ": " + e.getMessage(), true, e);
        } finally {
            if (!ok) {
                if (claimed.compareAndSet(false, true)) {
                    writerDone.countDown(); // the task never started and now never will
                }
                writer.cancel(true);
                work.clear();
                work.offer(Chunk.ABORT);
                // The encrypt thread may be committing a part right now: let it stop before deleting.
                awaitEvenIfInterrupted(writerDone, req);
                // Cancelled: the parts told durable stay for a resumed ingest. Failed: nothing stays.
                discard(req, cancelled ? Set.copyOf(durable) : Set.of());
            }
        }
    }

    private int partCount(IngestRequest req) {
        return (int) Math.max(1, (req.size() + settings.partSize() - 1) / settings.partSize());
    }

    @Override
    public List<PartRecord> keepable(List<PartRecord> recorded) {
        List<PartRecord> out = new ArrayList<>();
        for (PartRecord p : recorded) {
            Path f = spool.resolve(p.spoolFile());
            try {
                if (p.index() != out.size() || !Files.isRegularFile(f) || Files.size(f) != p.ciphertextLength()) {
                    break;
                }
            } catch (IOException e) {
                break;
            }
            out.add(p);
        }
        return out;
    }

    @Override
    public void discard(long fileId) throws IOException {
        spool.deleteAll(fileId);
    }

    private String readAndHash(IngestRequest req, List<PartRecord> kept, IngestSource source, BlockingQueue<Chunk> work,
                               BlockingQueue<byte[]> free, Future<List<PartRecord>> writer, IngestListener listener)
            throws IOException, InterruptedException, IngestException {
        MessageDigest whole = sha256();
        MessageDigest part = sha256();
        int partSize = settings.partSize();
        long size = req.size();
        long done = 0;
        long lastProgress = System.nanoTime();
        try (InputStream in = open(req, source)) {
            int index = 0;
            long inPart = 0;
            byte[] rehash = kept.isEmpty() ? null : new byte[CHUNK];
            do {
                boolean keptPart = index < kept.size();
                byte[] buf = keptPart ? rehash : takeBuffer(free, writer, req);
                int want = (int) Math.min(CHUNK, Math.min(partSize - inPart, size - done));
                int got = readFully(in, buf, want, req, done);
                if (got < want) {
                    throw new FileChangedException(req.where() + ": file ended at byte " + (done + got)
                            + " of " + size + " (it changed while being read)");
                }
                whole.update(buf, 0, got);
                part.update(buf, 0, got);
                done += got;
                inPart += got;
                boolean last = inPart == partSize || done == size;
                String partSha = last ? hex(part.digest()) : null;
                if (keptPart) {
                    if (last && !partSha.equals(kept.get(index).plaintextSha256())) {
                        throw new FileChangedException(req.where() + ": part " + index + " read again differs from the part"
                                + " kept from the interrupted ingest (the file changed)");
                    }
                } else {
                    work.put(new Chunk(buf, got, index, inPart - got, last, partSha));
                }
                if (last) {
                    index++;
                    inPart = 0;
                }
                if (System.nanoTime() - lastProgress > PROGRESS_EVERY_NANOS) {
                    listener.progress(done, size);
                    lastProgress = System.nanoTime();
                }
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            } while (done < size);
            if (in.read() != -1) {
                throw new FileChangedException(req.where() + ": file is longer than the " + size
                        + " bytes listed (it grew while being read)");
            }
        }
        if (!source.unchanged()) {
            throw new FileChangedException(req.where() + ": size or modification time changed during the read");
        }
        listener.progress(done, size);
        return hex(whole.digest());
    }

    /**
     * Opens the camera file. Permission denied, or no file under the name just listed, will not go
     * away by itself: the file is refused, saying why (the JDK's message for either is the bare path).
     * Anything else (an I/O error: a camera pulled) stays retryable.
     */
    private static InputStream open(IngestRequest req, IngestSource source) throws IOException, IngestException {
        try {
            return source.open();
        } catch (AccessDeniedException e) {
            throw IngestException.refused(req.where() + ": cannot be read: permission denied", e);
        } catch (NoSuchFileException e) {
            throw IngestException.refused(req.where() + ": cannot be read: the camera's filesystem finds no file by the name "
                    + "it listed", e);
        }
    }

    /** Waits for a free buffer; if the encrypt thread failed meanwhile, surfaces its error instead. */
    private static byte[] takeBuffer(BlockingQueue<byte[]> free, Future<List<PartRecord>> writer, IngestRequest req)
            throws InterruptedException, IOException, IngestException {
        while (true) {
            byte[] b = free.poll(200, TimeUnit.MILLISECONDS);
            if (b != null) {
                return b;
            }
            if (writer.isDone()) {
                await(req, writer);
                throw new IOException("encrypt thread stopped early");
            }
        }
    }

    private static List<PartRecord> await(IngestRequest req, Future<List<PartRecord>> writer)
            throws IngestException, InterruptedException, IOException {
        try {
            return writer.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IngestException ie) {
                throw ie;
            }
            if (cause instanceof InterruptedException) {
                throw interrupted(req);
            }
            throw new IOException("encrypting failed: " + cause.getMessage(), cause);
        }
    }

    private byte[] manifest(IngestRequest req, String sha256, List<PartRecord> parts, long started) throws IOException {
        List<Manifest.Part> list = parts.stream().map(p -> new Manifest.Part(p.index(), p.offset(), p.length(),
                p.plaintextSha256(), p.ciphertextSha256(), p.ciphertextLength())).toList();
        List<Manifest.Recipient> who;
        try {
            who = recipients.describe();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot describe recipients: " + e.getMessage(), e);
        }
        return new Manifest(settings.dockId(), req.cameraId(), req.bay(), req.officerId(),
                new Manifest.FileFacts(req.displayPath(), req.rawPath(), req.size(), Instant.ofEpochMilli(req.mtimeMillis()), sha256),
                settings.partSize(), list, who, settings.agentVersion(), Instant.ofEpochMilli(started),
                Instant.ofEpochMilli(settings.clock().millis()), req.auditHead()).encode();
    }

    private void durable(String name, byte[] bytes) throws IOException {
        try (Spool.Pending p = spool.create(name)) {
            p.stream().write(bytes);
            p.commit();
        }
    }

    /** A cancelled ingest must still clean up: wait for the encrypt thread, then restore the interrupt. */
    private static void awaitEvenIfInterrupted(CountDownLatch done, IngestRequest req) {
        boolean interrupted = Thread.interrupted();
        try {
            if (!done.await(30, TimeUnit.SECONDS)) {
                log.warn("{}: encrypt thread did not stop within 30 s", req.where());
            }
        } catch (InterruptedException e) {
            interrupted = true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void discard(IngestRequest req, Set<String> keep) {
        try {
            spool.deleteAllExcept(req.fileId(), keep);
        } catch (IOException e) {
            log.warn("{}: could not remove partial spool files: {}", req.where(), e.getMessage());
        }
    }

    private static InterruptedException interrupted(IngestRequest req) {
        return new InterruptedException(req.where() + ": ingest cancelled");
    }

    /**
     * A read error is retryable: on a real dock, pulling a camera out mid-read fails the read (EIO)
     * before the debounced undock arrives, and that file must be read again at the next dock, not
     * quarantined. A truly unreadable file fails again at each dock; it is never wiped meanwhile.
     */
    private static int readFully(InputStream in, byte[] buf, int want, IngestRequest req, long done)
            throws IngestException, InterruptedIOException {
        int got = 0;
        try {
            while (got < want) {
                int n = in.read(buf, got, want - got);
                if (n < 0) {
                    break;
                }
                got += n;
            }
        } catch (InterruptedIOException e) {
            throw e;
        } catch (IOException e) {
            throw new IngestException(req.where() + ": read failed at byte " + (done + got) + ": " + e.getMessage(), true, e);
        }
        return got;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256", "SUN");
        } catch (NoSuchAlgorithmException | java.security.NoSuchProviderException e) {
            throw new IllegalStateException("the SUN provider's SHA-256 is required", e);
        }
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    @Override
    public void close() {
        warmUp.interrupt();
        try {
            warmUp.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ExecutorService pool : List.of(encryptors, syncers)) {
            pool.shutdownNow();
            try {
                if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
                    log.warn("custody threads did not stop within 10 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
