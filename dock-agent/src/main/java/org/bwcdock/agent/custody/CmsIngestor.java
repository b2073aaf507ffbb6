package org.bwcdock.agent.custody;

import org.bouncycastle.cms.CMSAuthEnvelopedDataStreamGenerator;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.RecipientInfoGenerator;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bwcdock.agent.ledger.PartRecord;
import org.bwcdock.agent.spool.Spool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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
    /** CMS framing + recipient infos + tag, on top of the plaintext length. */
    private static final int PART_OVERHEAD = 16 * 1024;
    private static final long PROGRESS_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final CustodySettings settings;
    private final Spool spool;
    private final SecureRandom random = new SecureRandom();
    private final Recipients recipients;
    private final ManifestSigner signer;
    private final ExecutorService encryptors;
    private final ExecutorService syncers;
    private final Thread warmUp;

    CmsIngestor(CustodySettings settings, Spool spool) {
        this.settings = settings;
        this.spool = spool;
        this.recipients = new Recipients(settings.recipients(), new BouncyCastleProvider(), random);
        this.signer = new ManifestSigner(settings.signingKey(), settings.signingChain());
        AtomicInteger n = new AtomicInteger();
        this.encryptors = Executors.newCachedThreadPool(r -> new Thread(r, "bwcdock-encrypt-" + n.incrementAndGet()));
        AtomicInteger m = new AtomicInteger();
        this.syncers = Executors.newCachedThreadPool(r -> new Thread(r, "bwcdock-spool-sync-" + m.incrementAndGet()));
        this.warmUp = CipherWarmUp.start();
    }

    /** A slice of plaintext on its way to the encrypt thread; {@code partSha256} is set on a part's last chunk. */
    private record Chunk(byte[] buffer, int length, int part, long partOffset, boolean lastOfPart, String partSha256) {
        static final Chunk ABORT = new Chunk(null, 0, -1, 0, false, null);
    }

    @Override
    public IngestResult ingest(IngestRequest req, IngestSource source, IngestListener listener)
            throws IngestException, InterruptedException {
        try {
            spool.deleteAll(req.fileId());
        } catch (IOException e) {
            throw new IngestException(req.where() + ": cannot clear old spool parts: " + e.getMessage(), true, e);
        }
        long started = settings.clock().millis();
        BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
        BlockingQueue<Chunk> work = new ArrayBlockingQueue<>(BUFFERS + 1);
        for (int i = 0; i < BUFFERS; i++) {
            free.add(new byte[CHUNK]);
        }
        // The encrypt task may not have started when an ingest fails early: whoever flips "claimed"
        // first decides whether the task runs, so the abort path never waits for a task that never ran.
        java.util.concurrent.CountDownLatch writerDone = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean claimed = new java.util.concurrent.atomic.AtomicBoolean();
        Future<List<PartRecord>> writer = encryptors.submit(() -> {
            if (!claimed.compareAndSet(false, true)) {
                return List.of();
            }
            try {
                return writeParts(req, work, free, listener);
            } finally {
                writerDone.countDown();
            }
        });
        boolean ok = false;
        try {
            String sha256 = readAndHash(req, source, work, free, writer, listener);
            List<PartRecord> parts = await(req, writer);
            byte[] manifest = manifest(req, sha256, parts, started);
            byte[] signature = signer.sign(manifest);
            durable(Spool.manifestName(req.fileId()), manifest);
            durable(Spool.signatureName(req.fileId()), signature);
            ok = true;
            log.info("{}: ingested {} bytes in {} part(s), sha256 {}", req.where(), req.size(), parts.size(), sha256);
            return new IngestResult(sha256, parts, manifest, signature);
        } catch (InterruptedIOException e) {
            throw interrupted(req);
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
                discard(req);
            }
        }
    }

    private String readAndHash(IngestRequest req, IngestSource source, BlockingQueue<Chunk> work,
                               BlockingQueue<byte[]> free, Future<List<PartRecord>> writer, IngestListener listener)
            throws IOException, InterruptedException, IngestException {
        MessageDigest whole = sha256();
        MessageDigest part = sha256();
        int partSize = settings.partSize();
        long size = req.size();
        long done = 0;
        long lastProgress = System.nanoTime();
        try (InputStream in = source.open()) {
            int index = 0;
            long inPart = 0;
            do {
                byte[] buf = takeBuffer(free, writer, req);
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
                work.put(new Chunk(buf, got, index, inPart - got, last, last ? hex(part.digest()) : null));
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

    private List<PartRecord> writeParts(IngestRequest req, BlockingQueue<Chunk> work, BlockingQueue<byte[]> free,
                                        IngestListener listener) throws Exception {
        // fsync of a 64 MiB part takes tens of milliseconds; it runs on a sync thread while the next
        // part is already being encrypted, so the disk and the CPU work at the same time.
        List<Future<PartRecord>> committed = new ArrayList<>();
        Spool.Pending pending = null;
        OutputStream cms = null;
        DigestOutputStream counted = null;
        long reserved = 0;
        long unclaimed = 0; // room admitted for the whole file that no part has taken yet
        try {
            while (true) {
                Chunk c = work.take();
                if (c == Chunk.ABORT) {
                    throw new InterruptedException("ingest aborted");
                }
                if (cms == null) {
                    if (c.part() == 0) {
                        unclaimed = admit(req, listener);
                    }
                    reserved = partLength(req, c.part()) + PART_OVERHEAD;
                    unclaimed -= reserved;
                    pending = spool.create(Spool.partName(req.fileId(), c.part()));
                    counted = new DigestOutputStream(new BufferedOutputStream(pending.stream(), 256 * 1024), sha256());
                    cms = openCms(counted);
                }
                cms.write(c.buffer(), 0, c.length());
                free.put(c.buffer());
                if (c.lastOfPart()) {
                    cms.close();
                    counted.flush();
                    committed.add(commitLater(req, c, pending, hex(counted.getMessageDigest().digest()), reserved));
                    pending = null;
                    reserved = 0;
                    cms = null;
                    if ((long) c.part() * settings.partSize() + partLength(req, c.part()) >= req.size()) {
                        List<PartRecord> parts = new ArrayList<>();
                        for (Future<PartRecord> f : committed) {
                            parts.add(f.get());
                        }
                        return parts;
                    }
                }
            }
        } finally {
            if (pending != null) {
                pending.close();
            }
            if (reserved > 0) {
                spool.release(reserved);
            }
            if (unclaimed > 0) {
                spool.release(unclaimed);
            }
            for (Future<PartRecord> f : committed) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    log.debug("{}: part commit failed during abort: {}", req.where(), e.getCause().toString());
                }
            }
        }
    }

    /**
     * Reserves spool room for every part of the file before the first part is written, waiting
     * while the spool is full. Room is taken a whole file at a time so that an ingest, once
     * started, never waits half-way: with room taken a part at a time, several bays each holding
     * some parts of a big file could fill the spool between them, none able to finish, and nothing
     * would ever leave the spool (only receipted files do).
     */
    private long admit(IngestRequest req, IngestListener listener) throws InterruptedException, IngestException {
        long room = 0;
        int parts = (int) Math.max(1, (req.size() + settings.partSize() - 1) / settings.partSize());
        for (int i = 0; i < parts; i++) {
            room += partLength(req, i) + PART_OVERHEAD;
        }
        if (spool.full() || !spool.reserve(room, java.time.Duration.ZERO)) {
            listener.waitingForSpool();
            if (!spool.reserve(room, settings.spoolWait())) {
                throw new IngestException(req.where() + ": spool stayed full for " + settings.spoolWait()
                        + "; will retry", true, null);
            }
        }
        return room;
    }

    private Future<PartRecord> commitLater(IngestRequest req, Chunk last, Spool.Pending pending, String cipherSha256,
                                           long reserved) {
        return syncers.submit(() -> {
            try (pending) {
                long length = pending.commit();
                spool.release(reserved - length);
                return new PartRecord(last.part(), (long) last.part() * settings.partSize(), partLength(req, last.part()),
                        last.partSha256(), cipherSha256, length, Spool.partName(req.fileId(), last.part()), null, 0);
            } catch (IOException | RuntimeException e) {
                spool.release(reserved);
                throw e;
            }
        });
    }

    private OutputStream openCms(OutputStream out) throws IOException {
        try {
            CMSAuthEnvelopedDataStreamGenerator gen = new CMSAuthEnvelopedDataStreamGenerator();
            gen.setBufferSize(CHUNK);
            for (RecipientInfoGenerator r : recipients.generatorsForOnePart()) {
                gen.addRecipientInfoGenerator(r);
            }
            return gen.open(out, new GcmEncryptor(random));
        } catch (GeneralSecurityException | CMSException e) {
            throw new IOException("cannot start CMS encryption: " + e.getMessage(), e);
        }
    }

    private long partLength(IngestRequest req, int index) {
        long offset = (long) index * settings.partSize();
        return Math.min(settings.partSize(), req.size() - offset);
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
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("path", req.relativePath());
        file.put("pathBytesHex", hex(req.rawPath()));
        file.put("size", req.size());
        file.put("mtime", Instant.ofEpochMilli(req.mtimeMillis()).toString());
        file.put("sha256", sha256);
        List<Map<String, Object>> partList = new ArrayList<>();
        for (PartRecord p : parts) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", p.index());
            m.put("offset", p.offset());
            m.put("length", p.length());
            m.put("plaintextSha256", p.plaintextSha256());
            m.put("ciphertextSha256", p.ciphertextSha256());
            m.put("ciphertextLength", p.ciphertextLength());
            partList.add(m);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", 1);
        m.put("dockId", settings.dockId());
        m.put("cameraId", req.cameraId());
        m.put("bay", req.bay());
        m.put("officerId", req.officerId());
        m.put("file", file);
        m.put("partSize", settings.partSize());
        m.put("parts", partList);
        m.put("encryption", Map.of("format", "CMS AuthEnvelopedData", "contentEncryption", "AES-256-GCM"));
        try {
            m.put("recipients", recipients.describe());
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot describe recipients: " + e.getMessage(), e);
        }
        m.put("agentVersion", settings.agentVersion());
        m.put("ingestStarted", Instant.ofEpochMilli(started).toString());
        m.put("ingestEnded", Instant.ofEpochMilli(settings.clock().millis()).toString());
        m.put("auditHead", req.auditHead());
        return CanonicalJson.encode(m);
    }

    private void durable(String name, byte[] bytes) throws IOException {
        try (Spool.Pending p = spool.create(name)) {
            p.stream().write(bytes);
            p.commit();
        }
    }

    /** A cancelled ingest must still clean up: wait for the encrypt thread, then restore the interrupt. */
    private static void awaitEvenIfInterrupted(java.util.concurrent.CountDownLatch done, IngestRequest req) {
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

    private void discard(IngestRequest req) {
        try {
            spool.deleteAll(req.fileId());
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
