package org.bwcdock.receiver;

import org.bwcdock.format.FormatException;
import org.bwcdock.format.Manifest;
import org.bwcdock.format.SafeText;
import org.bwcdock.format.io.FileTrees;
import org.bwcdock.format.tsa.TimestampAuthority;
import org.bwcdock.format.tsa.TimestampException;
import org.bwcdock.format.tsa.TimestampTokens;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The receiver's side of trusted time (docs/evidence-upload.md, "Timestamps"): checks the manifest
 * token a dock sends with its commit or later ({@code POST /timestamp}), and stamps every receipt
 * it signs. The TSA being down never costs a receipt: the receipt is stored without its token, the
 * evidence id is written to {@code store/timestamps-pending/}, and the thread
 * {@code receiver-timestamps} asks again every retry interval until the token is attached. With no
 * TSA configured, nothing here does anything.
 */
final class TrustedTime implements AutoCloseable {
    static final String MANIFEST_TOKEN = "manifest.tsr";
    static final String RECEIPT_TOKEN = "receipt.tsr";
    private static final Logger log = LoggerFactory.getLogger(TrustedTime.class);
    private static final Pattern EVIDENCE_ID = Pattern.compile("[0-9a-f]{32}");
    private static final int MAX_BODY = 256 << 10;
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private final Optional<TimestampAuthority> tsa;
    private final EvidenceStore evidence;
    private final Path pending;
    private final ScheduledExecutorService thread;
    private final long retryNanos;
    /** After a failed request, commits do not wait on the TSA until then (System.nanoTime); the retry thread still asks. */
    private volatile long quietUntil = System.nanoTime();

    TrustedTime(Optional<ReceiverSettings.Timestamping> settings, EvidenceStore evidence, Path store) throws IOException {
        this.tsa = settings.map(s -> TimestampAuthority.http(s.tsa()));
        this.evidence = evidence;
        this.pending = store.resolve("timestamps-pending");
        this.retryNanos = settings.map(s -> s.retryInterval().toNanos()).orElse(0L);
        if (settings.isPresent()) {
            Files.createDirectories(pending);
            long every = settings.get().retryInterval().toMillis();
            thread = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "receiver-timestamps"));
            thread.scheduleWithFixedDelay(this::retryPending, every, every, TimeUnit.MILLISECONDS);
        } else {
            thread = null;
        }
    }

    boolean enabled() {
        return tsa.isPresent();
    }

    /**
     * The dock's token on {@code signature}, if there is one and it checks out against the TSA CA;
     * a bad one is logged and left out (the receipt then says "missing"), never a refused commit.
     */
    Optional<byte[]> manifestToken(Optional<byte[]> token, byte[] signature, String dockId) {
        if (tsa.isEmpty() || token.isEmpty()) {
            return Optional.empty();
        }
        try {
            TimestampTokens.verify(token.get(), signature, tsa.get().settings().cas(), tsa.get().settings().policy());
            return token;
        } catch (TimestampException e) {
            log.warn("manifest timestamp from dock {} not kept: {}", SafeText.escape(dockId), SafeText.escape(e.getMessage()));
            return Optional.empty();
        }
    }

    /**
     * A token on the signed receipt now, or empty (the TSA is down: {@link #pending} it). A commit does
     * not wait on a TSA that failed within the last retry interval: one timeout per interval, not per commit.
     */
    Optional<byte[]> stampReceipt(byte[] receipt, String evidenceId) throws InterruptedException {
        return tsa.isEmpty() || System.nanoTime() - quietUntil < 0 ? Optional.empty() : stamp(receipt, evidenceId);
    }

    private Optional<byte[]> stamp(byte[] receipt, String evidenceId) throws InterruptedException {
        try {
            byte[] token = tsa.get().stamp(receipt);
            quietUntil = System.nanoTime(); // answering again: commits may ask at once
            return Optional.of(token);
        } catch (TimestampException e) {
            quietUntil = System.nanoTime() + retryNanos;
            log.warn("evidence {}: receipt not timestamped now ({}); asking again later", evidenceId, SafeText.escape(e.getMessage()));
            return Optional.empty();
        }
    }

    /** Remembered, durably, to be stamped later: called before the evidence is stored, so no crash loses it. */
    void pending(String evidenceId) {
        try {
            FileTrees.writeSynced(pending.resolve(evidenceId), new byte[0], Set.of(StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING));
            FileTrees.fsyncDirectory(pending);
        } catch (IOException e) {
            log.warn("evidence {}: could not note its missing receipt timestamp: {}", evidenceId, SafeText.escape(e.getMessage()));
        }
    }

    /** Every receipt still without its token, stamped and attached; those the TSA does not answer for wait for the next round. */
    void retryPending() {
        try (var ids = Files.list(pending)) {
            for (Path p : ids.toList()) {
                String id = p.getFileName().toString();
                if (!EVIDENCE_ID.matcher(id).matches()) {
                    continue;
                }
                Optional<byte[]> receipt = evidence.object(id, "receipt.p7s");
                if (receipt.isEmpty()) {
                    continue; // noted before its commit was stored: that commit is still underway, or the dock repeats it
                }
                if (evidence.object(id, RECEIPT_TOKEN).isEmpty()) {
                    Optional<byte[]> token = stamp(receipt.get(), id);
                    if (token.isEmpty()) {
                        return; // the TSA is still down: the rest waits too
                    }
                    evidence.attach(id, RECEIPT_TOKEN, token.get());
                    log.info("evidence {}: receipt timestamped late", id);
                }
                Files.delete(p);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) { // the next round tries again; a thrown exception would end the schedule
            log.warn("timestamping pending receipts failed: {}", SafeText.escape(e.toString()));
        }
    }

    /**
     * {@code POST /timestamp}, body {@code {"evidenceId": "...", "manifestTimestamp": "<base64 DER>"}}:
     * a manifest token the dock got after its commit. 204 when stored (or one was stored before),
     * 404 for evidence that is not this dock's or not there, 422 for a token that does not check
     * out against the stored signature and the TSA CA, 501 without a TSA configured.
     */
    void handle(Exchange x, Docks.Client client) throws IOException {
        if (tsa.isEmpty()) {
            Http.text(x, 501, "this receiver has no TSA configured and keeps no timestamps");
            return;
        }
        byte[] body;
        try (InputStream in = x.body()) {
            body = in.readNBytes(MAX_BODY + 1);
        }
        if (body.length > MAX_BODY) {
            Http.text(x, 413, "timestamp body over " + MAX_BODY + " bytes");
            return;
        }
        String evidenceId;
        byte[] token;
        try {
            var n = JSON.readTree(body);
            if (n == null || !n.path("evidenceId").isTextual() || !n.path("manifestTimestamp").isTextual()) {
                throw new IllegalArgumentException("evidenceId and manifestTimestamp (strings) are required");
            }
            evidenceId = n.get("evidenceId").asText();
            token = Base64.getDecoder().decode(n.get("manifestTimestamp").asText());
        } catch (IOException | IllegalArgumentException e) {
            Http.text(x, 400, "malformed timestamp request: " + e.getMessage());
            return;
        }
        if (!EVIDENCE_ID.matcher(evidenceId).matches()) {
            Http.text(x, 400, "evidenceId is not 32 lowercase hex digits");
            return;
        }
        Optional<byte[]> manifest = evidence.object(evidenceId, "manifest.json");
        Optional<byte[]> signature = evidence.object(evidenceId, "manifest.p7s");
        if (manifest.isEmpty() || signature.isEmpty() || evidence.object(evidenceId, "receipt.p7s").isEmpty()
                || !ownedBy(manifest.get(), client.dockId())) {
            Http.text(x, 404, "no committed evidence " + evidenceId + " of dock " + client.dockId());
            return;
        }
        try {
            TimestampTokens.verify(token, signature.get(), tsa.get().settings().cas(), tsa.get().settings().policy());
        } catch (TimestampException e) {
            log.warn("late manifest timestamp for evidence {} from dock {} refused: {}", evidenceId, SafeText.escape(client.dockId()),
                    SafeText.escape(e.getMessage()));
            Http.text(x, 422, "timestamp refused: " + e.getMessage());
            return;
        }
        if (evidence.attach(evidenceId, MANIFEST_TOKEN, token)) {
            log.info("evidence {}: manifest timestamp attached late by dock {}", evidenceId, SafeText.escape(client.dockId()));
        }
        Http.empty(x, 204);
    }

    private static boolean ownedBy(byte[] manifest, String dockId) {
        try {
            return Manifest.decode(manifest).dockId().equals(dockId);
        } catch (FormatException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (thread != null) {
            thread.shutdownNow();
            try {
                thread.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        tsa.ifPresent(TimestampAuthority::close);
    }
}
