package org.bwcdock.receiver;

import org.bwcdock.format.AuditCheckpoint;
import org.bwcdock.format.CommitRequest;
import org.bwcdock.format.FormatException;
import org.bwcdock.format.Manifest;
import org.bwcdock.format.ManifestSignatures;
import org.bwcdock.format.Receipt;
import org.bwcdock.format.SafeText;
import org.bwcdock.format.pki.Digests;
import org.bwcdock.format.Receipts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.Optional;

/** {@code POST /commit}: verify manifest and parts, store the evidence once, answer with a signed receipt. */
final class CommitHandler {
    private static final Logger log = LoggerFactory.getLogger(CommitHandler.class);
    private static final int MAX_BODY = 4 << 20;

    private final UploadStore uploads;
    private final EvidenceStore evidence;
    private final List<X509Certificate> agencyCas;
    private final PrivateKey receiptKey;
    private final X509Certificate receiptCert;
    private final Clock clock;
    private final TrustedTime time;
    /** Commits of the same evidence (a dock repeating its commit) wait for each other; no other commit does. */
    private final ConcurrentHashMap<String, ReentrantLock> evidenceLocks = new ConcurrentHashMap<>();

    CommitHandler(UploadStore uploads, EvidenceStore evidence, List<X509Certificate> agencyCas, PrivateKey receiptKey,
                  X509Certificate receiptCert, Clock clock, TrustedTime time) {
        this.time = time;
        this.uploads = uploads;
        this.evidence = evidence;
        this.agencyCas = agencyCas;
        this.receiptKey = receiptKey;
        this.receiptCert = receiptCert;
        this.clock = clock;
    }

    /** A refusal with the status to answer. */
    static final class Refused extends Exception {
        final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    /** No lock here: the body is read first, and only commits of the same evidence wait for each other. */
    void handle(Exchange x, Docks.Client client) throws IOException {
        try {
            byte[] receipt = commit(readBody(x), client);
            Http.bytes(x, 200, "application/pkcs7-mime", receipt);
        } catch (Refused r) {
            log.warn("commit from {} refused: {}", SafeText.escape(client.dockId()), SafeText.escape(r.getMessage()));
            Http.text(x, r.status, r.getMessage());
        }
    }

    private static byte[] readBody(Exchange x) throws IOException, Refused {
        try (InputStream in = x.body()) {
            byte[] b = in.readNBytes(MAX_BODY + 1);
            if (b.length > MAX_BODY) {
                throw new Refused(413, "commit body over " + MAX_BODY + " bytes");
            }
            return b;
        }
    }

    byte[] commit(byte[] body, Docks.Client dock) throws Refused, IOException {
        String client = dock.dockId();
        CommitRequest req;
        try {
            req = CommitRequest.decode(body);
        } catch (FormatException e) {
            throw new Refused(400, "malformed commit: " + e.getMessage());
        }
        byte[] manifest = req.manifest();
        byte[] signature = req.signature();
        // Who is asking, and whether the manifest is theirs, before anything stored is shown to them.
        verifySignature(manifest, signature, dock);
        Manifest m;
        try {
            m = Manifest.decode(manifest);
        } catch (FormatException e) {
            throw new Refused(400, e.getMessage());
        }
        if (!client.equals(m.dockId())) {
            throw new Refused(403, "manifest dockId " + m.dockId() + " is not the client " + client);
        }
        String evidenceId = Digests.sha256Hex(manifest).substring(0, 32);
        ReentrantLock sameEvidence = evidenceLocks.computeIfAbsent(evidenceId, k -> new ReentrantLock());
        sameEvidence.lock();
        try {
            byte[] receipt = store(req, m, manifest, signature, evidenceId, client);
            req.auditCheckpoint().ifPresent(cp -> keepCheckpoint(cp, client));
            return receipt;
        } finally {
            sameEvidence.unlock();
            evidenceLocks.remove(evidenceId, sameEvidence);
        }
    }

    private byte[] store(CommitRequest req, Manifest m, byte[] manifest, byte[] signature, String evidenceId, String client)
            throws Refused, IOException {
        Optional<byte[]> stored;
        try {
            stored = evidence.receipt(evidenceId);
        } catch (IOException e) {
            log.warn("evidence {}: stored receipt not readable: {}", evidenceId, SafeText.escape(e.getMessage()));
            throw new Refused(503, "the evidence store cannot be read now; commit again later");
        }
        if (stored.isPresent()) {
            // The same commit again: the same receipt; a manifest token it brings now is kept if none was.
            Optional<byte[]> token = time.manifestToken(req.manifestTimestamp(), signature, client);
            try {
                if (token.isPresent() && evidence.attach(evidenceId, TrustedTime.MANIFEST_TOKEN, token.get())) {
                    log.info("evidence {}: manifest timestamp attached with a repeated commit", evidenceId);
                }
            } catch (IOException e) { // the receipt stands; the dock's retry thread sends the token again
                log.warn("evidence {}: manifest timestamp not attached: {}", evidenceId, SafeText.escape(e.getMessage()));
            }
            return stored.get();
        }
        List<Manifest.Part> parts = m.parts();
        List<String> urls = req.partUploads();
        if (urls.size() != parts.size()) {
            throw new Refused(400, "commit lists " + urls.size() + " part URLs for " + parts.size() + " manifest parts");
        }
        if (new HashSet<>(urls).size() != urls.size()) {
            throw new Refused(400, "commit lists the same upload for more than one part");
        }
        // Every upload of the commit stays locked until its bytes are linked into the evidence: a PATCH
        // on one of them now would change bytes about to be receipted, so the commit waits for nobody and refuses.
        List<ReentrantLock> held = new ArrayList<>();
        List<UploadStore.Upload> found = new ArrayList<>();
        try {
            for (int i = 0; i < urls.size(); i++) {
                String url = urls.get(i);
                String id = url.substring(url.lastIndexOf('/') + 1);
                Optional<UploadStore.Upload> u = uploads.find(id, client);
                if (u.isEmpty()) {
                    throw new Refused(409, "part " + i + ": upload " + url + " not found");
                }
                found.add(u.get());
                ReentrantLock l = uploads.lock(id);
                if (!l.tryLock()) {
                    throw new Refused(409, "part " + i + ": upload " + url
                            + " is being written; commit again when it is complete");
                }
                held.add(l);
            }
            return storeLocked(found, m, manifest, signature, evidenceId, client, req.manifestTimestamp());
        } catch (IOException | java.io.UncheckedIOException e) {
            // The uploads could not be read (removed by another receiver meanwhile, or the store failing): nothing was receipted.
            log.warn("evidence {}: uploads not readable: {}", evidenceId, SafeText.escape(e.getMessage()));
            throw new Refused(503, "the uploads of evidence " + evidenceId
                    + " cannot be read now, so it is not receipted; commit again later");
        } finally {
            held.forEach(ReentrantLock::unlock);
        }
    }

    /** {@code found}: the commit's uploads in part order, each locked by the caller. */
    private byte[] storeLocked(List<UploadStore.Upload> found, Manifest m, byte[] manifest, byte[] signature, String evidenceId,
                               String client, Optional<byte[]> sentToken) throws Refused, IOException {
        List<Manifest.Part> parts = m.parts();
        List<String> hashes = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            UploadStore.Upload u = found.get(i);
            long length = parts.get(i).ciphertextLength();
            if (u.length() != length || uploads.offset(u) != length) {
                throw new Refused(409, "part " + i + ": upload holds " + uploads.offset(u) + " of " + length + " bytes");
            }
            String sha = uploads.sha256(u);
            if (!sha.equals(parts.get(i).ciphertextSha256())) {
                throw new Refused(409, "part " + i + ": SHA-256 " + sha + " is not the manifest's");
            }
            hashes.add(sha);
        }
        // Trusted time: the receipt says truthfully whether the manifest's token is kept with it, and is
        // itself stamped; a TSA that does not answer leaves the token for later, never the receipt.
        Optional<byte[]> manifestToken = time.manifestToken(sentToken, signature, client);
        String tokenState = !time.enabled() ? null : manifestToken.isPresent() ? Receipt.PRESENT : Receipt.MISSING;
        byte[] receipt = Receipts.sign(new Receipt(evidenceId, client, m.cameraId(), m.file().path(), m.file().sha256(),
                Digests.sha256Hex(manifest), hashes, clock.instant().toString(), tokenState), receiptKey, receiptCert);
        Optional<byte[]> receiptToken;
        try {
            receiptToken = time.stampReceipt(receipt, evidenceId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while timestamping the receipt", e);
        }
        java.util.Map<String, byte[]> tokens = new java.util.LinkedHashMap<>();
        manifestToken.ifPresent(t -> tokens.put(TrustedTime.MANIFEST_TOKEN, t));
        receiptToken.ifPresent(t -> tokens.put(TrustedTime.RECEIPT_TOKEN, t));
        if (time.enabled() && receiptToken.isEmpty()) {
            time.pending(evidenceId); // before the evidence is stored: a crash in between cannot lose the retry
        }
        try {
            evidence.put(evidenceId, found, manifest, signature, receipt, tokens); // durable when it returns
        } catch (IOException e) {
            // Not receipted, and the uploads are kept: the dock backs off on a 5xx and commits again.
            log.warn("evidence {} not stored: {}", evidenceId, SafeText.escape(e.getMessage()));
            throw new Refused(503, "evidence " + evidenceId + " could not be stored, so it is not receipted; commit again later");
        }
        for (UploadStore.Upload u : found) {
            try {
                uploads.delete(u);
            } catch (IOException e) { // the evidence is stored and receipted; the upload expires and the sweeper removes it
                log.warn("evidence {}: upload {} not removed: {}", evidenceId, u.id(), SafeText.escape(e.getMessage()));
            }
        }
        log.info("evidence {} stored: dock {}, camera {}, {}", evidenceId, client, SafeText.escape(m.cameraId()),
                SafeText.escape(m.file().path()));
        return receipt;
    }

    /**
     * The dock's audit checkpoint, kept if it is signed by this dock and newer than the one kept: off
     * the dock, it is what catches a truncated or recomputed audit chain later. A bad one is logged
     * and ignored; it never costs the evidence its receipt.
     */
    private void keepCheckpoint(AuditCheckpoint.Signed signed, String client) {
        try {
            AuditCheckpoint cp = AuditCheckpoint.verify(signed.json(), signed.signature(), agencyCas);
            if (!cp.dockId().equals(client)) {
                throw new java.security.SignatureException("checkpoint of dock " + cp.dockId() + ", sent by dock " + client);
            }
            evidence.keepCheckpoint(cp, signed);
        } catch (java.security.SignatureException | FormatException | IOException e) {
            log.warn("audit checkpoint from dock {} not kept: {}", SafeText.escape(client), SafeText.escape(e.getMessage()));
        }
    }

    /** Signed by a dock for itself, and by the very certificate this connection presented. */
    private void verifySignature(byte[] manifest, byte[] signature, Docks.Client client) throws Refused {
        X509Certificate signer;
        try {
            signer = ManifestSignatures.verifyFromDock(manifest, signature, agencyCas, client.dockId());
            signer.checkValidity(); // the dock committing now must hold a valid certificate now
        } catch (java.security.GeneralSecurityException e) {
            throw new Refused(403, e.getMessage());
        }
        if (!signer.equals(client.certificate())) {
            throw new Refused(403, "manifest signed by another certificate of dock " + client.dockId() + " (serial "
                    + signer.getSerialNumber().toString(16) + ") than the one this connection presented (serial "
                    + client.certificate().getSerialNumber().toString(16) + ")");
        }
    }

    long evidenceCount() throws IOException {
        return evidence.count();
    }
}
