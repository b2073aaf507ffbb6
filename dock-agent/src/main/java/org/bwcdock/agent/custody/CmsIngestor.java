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
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * One ingest: the caller's thread reads the camera once, in order, and computes the whole-file SHA-256;
 * the parts are encrypted on up to {@link CustodySettings#encryptThreads()} encrypt threads at once
 * (each part's AES-GCM, ciphertext SHA-256 and spool write on one thread, its plaintext SHA-256 on a
 * second, {@link PartWriter}) and committed on sync threads ({@link PartDispatch}). Buffers are 256 KiB,
 * a fixed pool per ingest plus what the dock-wide {@link ReadAhead} lends, so memory stays bounded
 * whatever the file size.
 */
final class CmsIngestor implements Ingestor {
    private static final Logger log = LoggerFactory.getLogger(CmsIngestor.class);
    /**
     * What the reader hands on at once: each hand-off may wake a thread, and on two cores the wake-ups of 64 KiB
     * hand-offs cost 5 % of an ingest's CPU (perf). Below G1's humongous size (half a 1 MiB region).
     */
    static final int CHUNK = 256 * 1024;
    /** JCE's fast path wants at most 64 KiB per update (DESIGN.md): larger ones stay slow on a cold JVM. */
    static final int UPDATE = 64 * 1024;
    /** Each ingest's own buffers: 1 MiB (eight bays at once must fit the agent's 64 MiB heap; a bay alone borrows {@link #READ_AHEAD_BUFFERS}). */
    static final int BUFFERS = 4;
    /** What all ingests together may borrow beyond their own (8 MiB), when parts are encrypted on several threads. */
    static final int READ_AHEAD_BUFFERS = 32;
    private static final long PROGRESS_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final CustodySettings settings;
    private final Spool spool;
    private final SecureRandom random = new SecureRandom();
    private final Recipients recipients;
    private final ReadAhead readAhead = new ReadAhead(READ_AHEAD_BUFFERS);
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
        int total = partCount(req, settings);
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
        Set<String> durable = ConcurrentHashMap.newKeySet();
        durable.addAll(keep);
        PartDispatch dispatch = new PartDispatch(req, settings, spool, recipients, random, encryptors, syncers, listener,
                readAhead, kept.size(), durable);
        boolean ok = false;
        boolean cancelled = false;
        try {
            String sha256 = readAndHash(req, kept, source, dispatch, listener);
            List<PartRecord> parts = new ArrayList<>(kept);
            parts.addAll(dispatch.finish());
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
                // Encrypt and sync threads may be writing or committing parts right now: stop them before deleting.
                dispatch.abort();
                // Cancelled: the parts told durable stay for a resumed ingest. Failed: nothing stays.
                discard(req, cancelled ? Set.copyOf(durable) : Set.of());
            }
            dispatch.close();
        }
    }

    static int partCount(IngestRequest req, CustodySettings settings) {
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

    private String readAndHash(IngestRequest req, List<PartRecord> kept, IngestSource source, PartDispatch dispatch,
                               IngestListener listener) throws IOException, InterruptedException, IngestException {
        MessageDigest whole = sha256();
        MessageDigest keptPart = sha256(); // only for parts kept from an interrupted ingest: the others hash their own
        int partSize = settings.partSize();
        long size = req.size();
        long done = 0;
        long lastProgress = System.nanoTime();
        try (InputStream in = open(req, source)) {
            int index = 0;
            long inPart = 0;
            do {
                byte[] buf = dispatch.buffer();
                int want = (int) Math.min(CHUNK, Math.min(partSize - inPart, size - done));
                int got = readFully(in, buf, want, req, done);
                if (got < want) {
                    throw new FileChangedException(req.where() + ": file ended at byte " + (done + got)
                            + " of " + size + " (it changed while being read)");
                }
                update(whole, buf, got);
                done += got;
                inPart += got;
                boolean last = inPart == partSize || done == size;
                if (index < kept.size()) {
                    update(keptPart, buf, got);
                    dispatch.recycle(buf);
                    if (last && !hex(keptPart.digest()).equals(kept.get(index).plaintextSha256())) {
                        throw new FileChangedException(req.where() + ": part " + index + " read again differs from the part"
                                + " kept from the interrupted ingest (the file changed)");
                    }
                } else {
                    dispatch.put(new Chunk(buf, got, index, last));
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
                Instant.ofEpochMilli(settings.clock().millis()), req.auditHead(), req.clock()).encode();
    }

    private void durable(String name, byte[] bytes) throws IOException {
        try (Spool.Pending p = spool.create(name)) {
            p.stream().write(bytes);
            p.commit();
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

    /** {@code md.update(b, 0, length)} in slices of at most {@link #UPDATE}. */
    static void update(MessageDigest md, byte[] b, int length) {
        for (int off = 0; off < length; off += UPDATE) {
            md.update(b, off, Math.min(UPDATE, length - off));
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
