package org.bwcdock.receiver;

import org.bwcdock.agent.system.FileTrees;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import org.bwcdock.agent.custody.ManifestSignatures;
import org.bwcdock.agent.pki.Certificates;
import org.bwcdock.agent.pki.Digests;
import org.bwcdock.agent.upload.Receipts;
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
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/** {@code POST /commit}: verify manifest and parts, store the evidence once, answer with a signed receipt. */
final class CommitHandler {
    private static final Logger log = LoggerFactory.getLogger(CommitHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();
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

    synchronized void handle(HttpExchange x, String client) throws IOException {
        try {
            byte[] receipt = commit(readBody(x), client);
            Http.bytes(x, 200, "application/pkcs7-mime", receipt);
        } catch (Refused r) {
            log.warn("commit from {} refused: {}", client, r.getMessage());
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

    byte[] commit(byte[] body, String client) throws Refused, IOException {
        JsonNode req;
        byte[] manifest;
        byte[] signature;
        try {
            req = JSON.readTree(body);
            manifest = Base64.getDecoder().decode(req.path("manifest").asText());
            signature = Base64.getDecoder().decode(req.path("signature").asText());
        } catch (IOException | IllegalArgumentException e) {
            throw new Refused(400, "malformed commit: " + e.getMessage());
        }
        String evidenceId = Digests.sha256Hex(manifest).substring(0, 32);
        Path dir = evidence.resolve(evidenceId);
        if (Files.exists(dir.resolve("receipt.p7s"))) {
            return Files.readAllBytes(dir.resolve("receipt.p7s")); // the same commit again: the same receipt
        }
        verifySignature(manifest, signature, client);
        JsonNode m;
        try {
            m = JSON.readTree(manifest);
        } catch (IOException e) {
            throw new Refused(400, "manifest is not JSON");
        }
        if (!client.equals(m.path("dockId").asText())) {
            throw new Refused(403, "manifest dockId " + m.path("dockId").asText() + " is not the client " + client);
        }
        JsonNode parts = m.path("parts");
        JsonNode urls = req.path("parts");
        if (!parts.isArray() || parts.isEmpty() || !urls.isArray() || urls.size() != parts.size()) {
            throw new Refused(400, "commit lists " + urls.size() + " part URLs for " + parts.size() + " manifest parts");
        }
        List<UploadStore.Upload> found = new ArrayList<>();
        List<String> hashes = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            String url = urls.get(i).asText();
            String id = url.substring(url.lastIndexOf('/') + 1);
            Optional<UploadStore.Upload> u = uploads.find(id, client);
            if (u.isEmpty()) {
                throw new Refused(409, "part " + i + ": upload " + url + " not found");
            }
            long length = parts.get(i).path("ciphertextLength").asLong();
            if (u.get().length() != length || uploads.offset(u.get()) != length) {
                throw new Refused(409, "part " + i + ": upload holds " + uploads.offset(u.get()) + " of " + length + " bytes");
            }
            String sha = Digests.sha256Hex(uploads.bin(id));
            if (!sha.equals(parts.get(i).path("ciphertextSha256").asText())) {
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
        byte[] receipt = Receipts.sign(new Receipts.Receipt(evidenceId, client, m.path("cameraId").asText(),
                m.path("file").path("path").asText(), m.path("file").path("sha256").asText(), Digests.sha256Hex(manifest),
                hashes, clock.instant().toString()), receiptKey, receiptCert);
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
        log.info("evidence {} stored: dock {}, camera {}, {}", evidenceId, client, m.path("cameraId").asText(),
                m.path("file").path("path").asText());
        return receipt;
    }

    private void verifySignature(byte[] manifest, byte[] signature, String client) throws Refused {
        X509Certificate signer;
        try {
            signer = ManifestSignatures.verify(manifest, signature, agencyCas);
            signer.checkValidity(); // the dock committing now must hold a valid certificate now
        } catch (java.security.GeneralSecurityException e) {
            throw new Refused(403, e.getMessage());
        }
        String cn = Certificates.commonName(signer);
        if (!client.equals(cn)) {
            throw new Refused(403, "manifest signed by " + cn + ", uploaded by " + client);
        }
    }

    long evidenceCount() throws IOException {
        try (var dirs = Files.list(evidence)) {
            return dirs.filter(p -> !p.getFileName().toString().endsWith(".tmp")).count();
        }
    }
}
