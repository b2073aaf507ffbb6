package org.bwcdock.agent.upload;

import org.bwcdock.format.BadReceiptException;
import org.bwcdock.agent.ledger.EvidenceFile;
import org.bwcdock.agent.ledger.FileState;
import org.bwcdock.agent.ledger.EvidenceFiles;
import org.bwcdock.agent.ledger.PartRecord;
import org.bwcdock.agent.spool.Spool;
import org.bwcdock.agent.system.Backoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * Moves ingested files to the evidence server with a fixed number of workers, in lanes: evidence of
 * cameras on legal hold first, then files and cameras the back office flagged ({@code cmd/prioritise}),
 * then the rest; oldest first within a lane. Every step is recorded in the ledger before the next, so
 * a restart resumes: UPLOADING files continue from their stored upload URLs and offsets.
 *
 * <p>A file still being ingested is uploaded part by part as each becomes durable ({@link PartsAhead});
 * its commit waits for INGESTED, when the whole-file hash and the signed manifest exist.
 */
public final class Uploader implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Uploader.class);
    private static final long IDLE_NANOS = 500_000_000L;
    private static final int MAX_FLAGS = 256;

    private final EvidenceFiles files;
    private final Spool spool;
    private final EvidenceSink sink;
    private final UploadListener listener;
    private final List<Thread> workers = new ArrayList<>();
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean paused = new AtomicBoolean();
    /** Flags from the back office, newest last; bounded, the oldest goes first (they only reorder). */
    private final Set<Flag> flags = Collections.synchronizedSet(new LinkedHashSet<>());
    private final Predicate<String> onHold;
    private final ManifestStamper stamper;
    private volatile boolean running = true;
    /** The wait after a delivery that failed but may succeed later; every worker shares it (one server). */
    private final Backoff serverTrouble = new Backoff(Duration.ofSeconds(5), Duration.ofMinutes(2));
    private final PartsAhead ahead;

    /** A flagged camera ({@code path} null) or one file of it. */
    private record Flag(String cameraId, String path) {
    }

    /** @param onHold whether a camera is on legal hold: its evidence goes in the first lane */
    public Uploader(EvidenceFiles files, Spool spool, EvidenceSink sink, int concurrency, UploadListener listener,
                    Predicate<String> onHold) {
        this(files, spool, sink, concurrency, listener, onHold, null);
    }

    /** @param stamper timestamps each manifest before its commit; null: none (tests of the upload alone) */
    public Uploader(EvidenceFiles files, Spool spool, EvidenceSink sink, int concurrency, UploadListener listener,
                    Predicate<String> onHold, ManifestStamper stamper) {
        this.onHold = onHold;
        this.stamper = stamper;
        this.files = files;
        this.spool = spool;
        this.sink = sink;
        this.listener = listener;
        this.ahead = new PartsAhead(files, spool, sink);
        for (int i = 1; i <= concurrency; i++) {
            workers.add(new Thread(this::work, "bwcdock-upload-" + i));
        }
    }

    public void start() {
        workers.forEach(Thread::start);
    }

    /** Wakes idle workers: new evidence was ingested. */
    public void poke() {
        workers.forEach(LockSupport::unpark);
    }

    public void pause() {
        paused.set(true);
    }

    public void resume() {
        paused.set(false);
        poke();
    }

    public boolean paused() {
        return paused.get();
    }

    /** Uploads this camera's evidence (or only its file at {@code path}, if not null) before unflagged evidence. */
    public void prioritise(String cameraId, String path) {
        synchronized (flags) {
            Flag f = new Flag(cameraId, path);
            flags.remove(f);
            flags.add(f);
            if (flags.size() > MAX_FLAGS) {
                flags.remove(flags.iterator().next());
            }
        }
        poke();
    }

    public void bandwidth(long bytesPerSecond) {
        sink.bandwidth(bytesPerSecond);
    }

    private void work() {
        while (running) {
            EvidenceFile next = paused.get() ? null : claim();
            if (next == null) {
                LockSupport.parkNanos(IDLE_NANOS);
                continue;
            }
            try {
                upload(next);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.error("camera {}: {}: upload failed: {}", next.cameraId(), next.relativePath(), e.toString());
            } finally {
                inFlight.remove(next.id());
            }
        }
    }

    private synchronized EvidenceFile claim() {
        List<EvidenceFile> waiting = java.util.stream.Stream.concat(
                        files.filesIn(FileState.INGESTED, FileState.UPLOADING, FileState.UPLOADED).stream(),
                        files.ingestingWithPartsToUpload().stream())
                .filter(f -> !inFlight.contains(f.id())).toList();
        if (waiting.isEmpty()) {
            return null;
        }
        Map<String, Boolean> held = new HashMap<>();
        Set<Flag> flagged;
        synchronized (flags) {
            flagged = Set.copyOf(flags);
        }
        return waiting.stream()
                .min(Comparator.comparingInt((EvidenceFile f) -> lane(f, held, flagged)).thenComparingLong(EvidenceFile::id))
                .filter(f -> inFlight.add(f.id()))
                .orElse(null);
    }

    /** 0: its camera is on legal hold; 1: the file is flagged; 2: its camera is flagged; 3: the rest. */
    private int lane(EvidenceFile f, Map<String, Boolean> held, Set<Flag> flagged) {
        if (held.computeIfAbsent(f.cameraId(), onHold::test)) {
            return 0;
        }
        if (flagged.contains(new Flag(f.cameraId(), f.relativePath()))) {
            return 1;
        }
        return flagged.contains(new Flag(f.cameraId(), null)) ? 2 : 3;
    }

    private void upload(EvidenceFile f) throws InterruptedException {
        String where = "camera " + f.cameraId() + ": " + f.relativePath();
        if (f.state() == FileState.INGESTING) {
            java.util.Optional<Duration> trouble = ahead.sendReadyParts(f, where);
            if (trouble.isEmpty()) {
                serverTrouble.reset();
            } else {
                serverTrouble.pause(trouble.get());
            }
            return;
        }
        if (f.state() == FileState.INGESTED) {
            files.transition(f.id(), FileState.INGESTED, FileState.UPLOADING, null);
        } else if (f.state() == FileState.UPLOADED) {
            files.transition(f.id(), FileState.UPLOADED, FileState.UPLOADING, "commit again after a restart");
        }
        List<EvidenceSink.Part> parts = new ArrayList<>();
        List<PartRecord> records = files.parts(f.id());
        long total = records.stream().mapToLong(PartRecord::ciphertextLength).sum();
        long[] confirmed = new long[records.size()];
        String[] urls = records.stream().map(PartRecord::uploadUrl).toArray(String[]::new);
        for (PartRecord p : records) {
            parts.add(new EvidenceSink.Part(p.index(), spool.resolve(p.spoolFile()), p.ciphertextLength(),
                    p.ciphertextSha256(), p.uploadUrl()));
        }
        byte[] manifest = files.manifest(f.id()).orElseThrow();
        // Manifest and signature from the ledger, where ingest recorded them in one transaction.
        byte[] signature = files.manifestSignature(f.id()).orElseThrow(
                () -> new IllegalStateException("file " + f.id() + " has a manifest but no signature in the files"));
        // Asked for before the commit; without one (the TSA down) the commit goes ahead and it follows later.
        java.util.Optional<byte[]> token = stamper == null ? java.util.Optional.empty() : stamper.forCommit(f, signature);
        try {
            byte[] receipt = sink.deliver(new EvidenceSink.Delivery(f.id(), where, parts, manifest, signature, f.plaintextSha256(), token),
                    new EvidenceSink.Listener() {
                        @Override
                        public void partCreated(int index, String url) {
                            urls[index] = url;
                            files.recordPartUpload(f.id(), index, url, 0);
                        }

                        @Override
                        public void partProgress(int index, long confirmedOffset) {
                            // The URL is known here already: no ledger read on every progress report.
                            files.recordPartUpload(f.id(), index, urls[index], confirmedOffset);
                            confirmed[index] = confirmedOffset;
                            listener.progress(f, java.util.Arrays.stream(confirmed).sum(), total);
                        }
                    });
            files.transition(f.id(), FileState.UPLOADING, FileState.UPLOADED, null);
            files.recordReceipt(f.id(), receipt);
            if (stamper != null) {
                stamper.receipted(f.id(), receipt);
            }
            serverTrouble.reset();
            // The bay first (the wipe may start now), then the spool: a start removes what a crash left there.
            listener.receipted(files.file(f.id()).orElseThrow());
            try {
                spool.deleteAll(f.id());
            } catch (IOException e) {
                log.warn("{}: receipted, but its spool files could not be removed: {}", where, e.getMessage());
            }
        } catch (UploadException e) {
            log.warn("{}: {}", where, e.getMessage());
            if (!e.retryable()) {
                files.transition(f.id(), FileState.UPLOADING, FileState.FAILED, e.getMessage());
            } else {
                if (e.uploadsLost()) {
                    for (PartRecord p : files.parts(f.id())) {
                        files.recordPartUpload(f.id(), p.index(), null, 0);
                    }
                }
                serverTrouble.pause(e.retryAfter()); // not the next file at once: the server is in trouble
            }
        } catch (BadReceiptException e) {
            log.error("{}: receipt rejected: {}", where, e.getMessage());
            files.transition(f.id(), FileState.UPLOADING, FileState.FAILED, "receipt rejected: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        running = false;
        serverTrouble.stop();
        workers.forEach(Thread::interrupt);
        for (Thread t : workers) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        sink.close();
    }
}
