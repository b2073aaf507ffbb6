package org.bwcdock.receiver;

import org.bwcdock.format.io.FileTrees;
import com.sun.net.httpserver.HttpExchange;
import org.bwcdock.format.CommitRequest;
import org.bwcdock.format.FormatException;
import org.bwcdock.format.Manifest;
import org.bwcdock.format.ManifestSignatures;
import org.bwcdock.format.Receipt;
import org.bwcdock.format.pki.Digests;
import org.bwcdock.format.Receipts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code POST /commit}: verify manifest and parts, store the evidence once, answer with a signed receipt. */
final class CommitHandler {
    private static final Logger log = LoggerFactory.getLogger(CommitHandler.class);
    private static final int MAX_BODY = 4 << 20;

    private final UploadStore uploads;
    private final Path evidence;
    private final List<X509Certificate> agencyCas;
    private final PrivateKey receiptKey;
    private final X509Certificate receiptCert;
    private final Clock clock;

    CommitHandler(UploadStore uploads, Path evidence, List<X509Certificate> agencyCas, PrivateKey receiptKey,
                  X509Certificate receiptCert, Clock clock) throws IOException {
        this.uploads = uploads;
        this.evidence = Files.createDirectories(evidence);
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

    synchronized void handle(HttpExchange x, Docks.Client client) throws IOException {
        try {
            byte[] receipt = commit(readBody(x), client);
            Http.bytes(x, 200, "application/pkcs7-mime", receipt);
        } catch (Refused r) {
            log.warn("commit from {} refused: {}", client.dockId(), Http.printable(r.getMessage()));
            Http.text(x, r.status, r.getMessage());
        }
    }

    private static byte[] readBody(HttpExchange x) throws IOException {
        try (InputStream in = x.getRequestBody()) {
            byte[] b = in.readNBytes(MAX_BODY + 1);
            if (b.length > MAX_BODY) {
                throw new IOException("commit body over " + MAX_BODY + " bytes");
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
        String evidenceId = Digests.sha256Hex(manifest).substring(0, 32);
        Path dir = evidence.resolve(evidenceId);
        if (Files.exists(dir.resolve("receipt.p7s"))) {
            return Files.readAllBytes(dir.resolve("receipt.p7s")); // the same commit again: the same receipt
        }
        Manifest m;
        try {
            m = Manifest.decode(manifest);
        } catch (FormatException e) {
            throw new Refused(400, e.getMessage());
        }
        if (!client.equals(m.dockId())) {
            throw new Refused(403, "manifest dockId " + m.dockId() + " is not the client " + client);
        }
        verifySignature(manifest, signature, dock);
        List<Manifest.Part> parts = m.parts();
        List<String> urls = req.partUploads();
        if (urls.size() != parts.size()) {
            throw new Refused(400, "commit lists " + urls.size() + " part URLs for " + parts.size() + " manifest parts");
        }
        List<UploadStore.Upload> found = new ArrayList<>();
        List<String> hashes = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            String url = urls.get(i);
            String id = url.substring(url.lastIndexOf('/') + 1);
            Optional<UploadStore.Upload> u = uploads.find(id, client);
            if (u.isEmpty()) {
                throw new Refused(409, "part " + i + ": upload " + url + " not found");
            }
            long length = parts.get(i).ciphertextLength();
            if (u.get().length() != length || uploads.offset(u.get()) != length) {
                throw new Refused(409, "part " + i + ": upload holds " + uploads.offset(u.get()) + " of " + length + " bytes");
            }
            String sha = Digests.sha256Hex(uploads.bin(id));
            if (!sha.equals(parts.get(i).ciphertextSha256())) {
                throw new Refused(409, "part " + i + ": SHA-256 " + sha + " is not the manifest's");
            }
            found.add(u.get());
            hashes.add(sha);
        }
        // Hard links, not moves: if the receiver dies before the final rename, the uploads are intact
        // and the dock's repeated commit starts over from a clean slate.
        Path tmp = evidence.resolve(evidenceId + ".tmp");
        FileTrees.delete(tmp);
        Files.createDirectories(tmp);
        for (int i = 0; i < found.size(); i++) {
            Files.createLink(tmp.resolve("part-" + i + ".cms"), uploads.bin(found.get(i).id()));
        }
        Files.write(tmp.resolve("manifest.json"), manifest);
        Files.write(tmp.resolve("manifest.p7s"), signature);
        byte[] receipt = Receipts.sign(new Receipt(evidenceId, client, m.cameraId(), m.file().path(), m.file().sha256(),
                Digests.sha256Hex(manifest), hashes, clock.instant().toString()), receiptKey, receiptCert);
        Files.write(tmp.resolve("receipt.p7s"), receipt);
        try (var files = Files.list(tmp)) {
            for (Path f : files.toList()) {
                try (FileChannel c = FileChannel.open(f, StandardOpenOption.WRITE)) {
                    c.force(true);
                }
            }
        }
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        uploads.fsyncDir();
        for (UploadStore.Upload u : found) {
            uploads.delete(u);
        }
        log.info("evidence {} stored: dock {}, camera {}, {}", evidenceId, client, m.cameraId(), m.file().path());
        return receipt;
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
        try (var dirs = Files.list(evidence)) {
            return dirs.filter(p -> !p.getFileName().toString().endsWith(".tmp")).count();
        }
    }
}
