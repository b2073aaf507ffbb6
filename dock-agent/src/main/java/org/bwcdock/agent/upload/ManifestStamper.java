package org.bwcdock.agent.upload;

import org.bwcdock.agent.ledger.EvidenceFile;
import org.bwcdock.agent.ledger.EvidenceFiles;
import org.bwcdock.agent.ledger.ManifestTimestamps;
import org.bwcdock.format.BadReceiptException;
import org.bwcdock.format.Receipt;
import org.bwcdock.format.Receipts;
import org.bwcdock.format.pki.Digests;
import org.bwcdock.format.tsa.TimestampAuthority;
import org.bwcdock.format.tsa.TimestampException;
import org.bwcdock.format.tsa.TimestampTokens;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * Trusted time for the dock's manifests (docs/manifest.md, "Timestamps"). The token is on the
 * detached signature ({@code manifest.p7s}), asked for when the file's upload begins and sent with
 * the commit. A TSA that does not answer never holds up custody: the upload and commit go on
 * without it, the ledger's audit records the token as missing, and the thread
 * {@code bwcdock-timestamps} asks the TSA again every retry interval and hands the token to the
 * receiver ({@code POST /timestamp}) after the receipt — by then the camera may long be wiped.
 * Without a TSA configured, it does nothing and sends nothing.
 */
public final class ManifestStamper implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ManifestStamper.class);

    private final Optional<TimestampAuthority> tsa;
    private final EvidenceFiles files;
    private final ManifestTimestamps tokens;
    private final EvidenceSink sink;
    private final Duration retry;
    private final Thread thread;
    private volatile boolean running = true;
    /** After a failed request, commits do not wait on the TSA again until then (System.nanoTime): a dead TSA costs one timeout per retry interval, not one per file. */
    private volatile long quietUntil = System.nanoTime();

    public ManifestStamper(Optional<TimestampAuthority> tsa, EvidenceFiles files, ManifestTimestamps tokens, EvidenceSink sink,
                           Duration retry) {
        this.tsa = tsa;
        this.files = files;
        this.tokens = tokens;
        this.sink = sink;
        this.retry = retry;
        this.thread = new Thread(this::run, "bwcdock-timestamps");
    }

    public void start() {
        if (tsa.isPresent()) {
            thread.start();
        }
    }

    /** The token to send with this commit: the one kept, or a new one from the TSA now, or none (recorded as missing). */
    Optional<byte[]> forCommit(EvidenceFile f, byte[] signature) throws InterruptedException {
        if (tsa.isEmpty()) {
            return Optional.empty();
        }
        Optional<byte[]> kept = tokens.manifestTimestamp(f.id());
        return kept.isPresent() ? kept : ask(f, signature, true);
    }

    /** After the receipt: settled if the receiver says it holds the token; otherwise the retry thread sends it. */
    void receipted(long fileId, byte[] receipt) {
        if (tsa.isEmpty()) {
            return;
        }
        try {
            if (Receipt.PRESENT.equals(Receipts.content(receipt).manifestTimestamp())) {
                tokens.settleManifestTimestamp(fileId, true, "kept by the receiver with the commit");
            }
        } catch (BadReceiptException e) {
            log.warn("file {}: stored receipt unreadable: {}", fileId, e.getMessage()); // verified before; cannot happen
        }
    }

    /** @param onRecord whether a failure gets an audit row (once, at the commit; not again every retry round) */
    private Optional<byte[]> ask(EvidenceFile f, byte[] signature, boolean onRecord) throws InterruptedException {
        if (onRecord && System.nanoTime() - quietUntil < 0) {
            tokens.recordManifestTimestampMissing(f.id(), "the TSA failed a moment ago; asked again within " + retry);
            return Optional.empty();
        }
        try {
            byte[] tsr = tsa.get().stamp(signature);
            quietUntil = System.nanoTime(); // answering again: commits may ask at once
            tokens.recordManifestTimestamp(f.id(), tsr, "RFC 3161 token on manifest.p7s, time " + TimestampTokens.time(tsr));
            return Optional.of(tsr);
        } catch (TimestampException e) {
            log.warn("camera {}: {}: manifest not timestamped now, asking again later: {}", f.cameraId(), f.relativePath(), e.getMessage());
            quietUntil = System.nanoTime() + retry.toNanos();
            if (onRecord) {
                tokens.recordManifestTimestampMissing(f.id(), e.getMessage());
            }
            return Optional.empty();
        }
    }

    private void run() {
        while (running) {
            LockSupport.parkNanos(retry.toNanos());
            if (!running) {
                return;
            }
            try {
                catchUp();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("timestamp retry failed: {}", e.toString());
            }
        }
    }

    /** One round: every receipted file whose receiver lacks its token gets one, until the TSA or the receiver stops answering. */
    void catchUp() throws InterruptedException {
        for (EvidenceFile f : tokens.awaitingManifestTimestamp()) {
            if (!running) {
                return;
            }
            Optional<byte[]> manifest = files.manifest(f.id());
            Optional<byte[]> signature = files.manifestSignature(f.id());
            if (manifest.isEmpty() || signature.isEmpty()) {
                continue;
            }
            Optional<byte[]> kept = tokens.manifestTimestamp(f.id());
            Optional<byte[]> token = kept.isPresent() ? kept : ask(f, signature.get(), false);
            if (token.isEmpty()) {
                return; // the TSA is down still: the next round
            }
            String evidenceId = Digests.sha256Hex(manifest.get()).substring(0, 32);
            try {
                Optional<String> refused = sink.attachManifestTimestamp(evidenceId, token.get());
                tokens.settleManifestTimestamp(f.id(), refused.isEmpty(), refused.map(r -> "refused by the receiver: " + r)
                        .orElse("attached to evidence " + evidenceId + " after the receipt"));
                log.info("camera {}: {}: manifest timestamp {}", f.cameraId(), f.relativePath(),
                        refused.map(r -> "refused by the receiver: " + r).orElse("attached to evidence " + evidenceId));
            } catch (UploadException e) {
                log.warn("camera {}: {}: manifest timestamp not sent now: {}", f.cameraId(), f.relativePath(), e.getMessage());
                return; // the receiver is not answering: the next round
            }
        }
    }

    @Override
    public void close() {
        running = false;
        if (thread.isAlive()) {
            thread.interrupt();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        tsa.ifPresent(TimestampAuthority::close);
    }
}
