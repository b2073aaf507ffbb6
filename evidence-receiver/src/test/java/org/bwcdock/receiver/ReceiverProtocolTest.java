package org.bwcdock.receiver;

import org.bwcdock.format.CommitRequest;
import org.bwcdock.format.Manifest;
import org.bwcdock.format.ManifestSignatures;
import org.bwcdock.format.Receipt;
import org.bwcdock.format.Receipts;
import org.bwcdock.format.pki.Digests;
import org.bwcdock.format.pki.TlsContexts;
import org.bwcdock.testing.ThrowawayPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The receiver on its own, spoken to the way docs/evidence-upload.md describes it, with nothing of
 * the dock: a client certificate, tus requests and a commit built from the evidence-format records.
 */
@Timeout(60)
class ReceiverProtocolTest {
    @TempDir
    Path dir;
    private ThrowawayPki pki;
    private ThrowawayPki.Leaf dock;
    private ThrowawayPki.Leaf receiptSigner;
    private EvidenceReceiver receiver;
    private HttpClient http;

    @BeforeEach
    void start() throws Exception {
        pki = new ThrowawayPki(java.nio.file.Files.createDirectories(dir.resolve("pki")));
        dock = pki.issue("dock-07", ThrowawayPki.Kind.EC, ThrowawayPki.Use.CLIENT);
        ThrowawayPki.Leaf server = pki.issue("receiver", ThrowawayPki.Kind.EC, ThrowawayPki.Use.SERVER);
        receiptSigner = pki.issue("receipt-signer", ThrowawayPki.Kind.EC, ThrowawayPki.Use.SIGNER);
        receiver = EvidenceReceiver.start(new ReceiverSettings(new InetSocketAddress("127.0.0.1", 0), dir.resolve("store"),
                server.chainFile(), server.keyFile(), pki.caFile(), receiptSigner.certFile(), receiptSigner.keyFile(),
                Duration.ofDays(1), 1L << 30, Faults.NONE));
        http = HttpClient.newBuilder().sslContext(TlsContexts.create(dock.chainFile(), dock.keyFile(), pki.caFile()))
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterEach
    void stop() {
        http.close();
        receiver.close();
    }

    private URI uri(String path) {
        return URI.create("https://localhost:" + receiver.port() + path);
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.header("Tus-Resumable", "1.0.0").timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Creates an upload and sends {@code bytes} in one PATCH; returns the upload's path. */
    private String upload(byte[] bytes) throws Exception {
        HttpResponse<String> created = send(HttpRequest.newBuilder(uri("/uploads")).header("Upload-Length", "" + bytes.length)
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(201, created.statusCode(), created.body());
        String location = created.headers().firstValue("Location").orElseThrow();
        HttpResponse<String> patched = send(HttpRequest.newBuilder(uri(location)).header("Upload-Offset", "0")
                .header("Content-Type", "application/offset+octet-stream")
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(bytes)));
        assertEquals(204, patched.statusCode(), patched.body());
        return URI.create(location).getPath();
    }

    private Manifest manifest(String dockId, byte[] part) {
        String h = Digests.sha256Hex(part);
        return new Manifest(dockId, "BWC-9", 1, null,
                new Manifest.FileFacts("DCIM/A.MP4", "DCIM/A.MP4".getBytes(StandardCharsets.UTF_8), part.length,
                        Instant.parse("2026-12-01T09:00:00Z"), h),
                1 << 20, List.of(new Manifest.Part(0, 0, part.length, h, h, part.length)),
                List.of(new Manifest.Recipient(h, "CN=evidence", "ECDH-P384-AES256-KW")), "test",
                Instant.parse("2026-12-01T10:00:00Z"), Instant.parse("2026-12-01T10:00:01Z"), h,
                new Manifest.ClockEvidence(new Manifest.DockClock("adjtimex", true, 2000, 500), Manifest.CameraClock.unmeasured(120_000)));
    }

    private HttpResponse<byte[]> commit(byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri("/commit")).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void uploadAndCommitGiveASignedReceiptForExactlyThoseBytes() throws Exception {
        byte[] part = "not really CMS, but the receiver only hashes it".getBytes(StandardCharsets.US_ASCII);
        String url = upload(part);
        byte[] manifest = manifest("dock-07", part).encode();
        byte[] signature = ManifestSignatures.sign(manifest, dock.key(), pki.chain(dock));
        HttpResponse<byte[]> r = commit(new CommitRequest(manifest, signature, List.of(url)).encode());
        assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        Receipt receipt = Receipts.verify(r.body(), List.of(receiptSigner.certificate()));
        Receipts.check(receipt, manifest, Digests.sha256Hex(part), List.of(Digests.sha256Hex(part)));
        assertEquals("dock-07", receipt.dockId());
        assertEquals(1, receiver.evidenceCount());
    }

    @Test
    void aMalformedCommitIsRefusedNamingTheField() throws Exception {
        HttpResponse<byte[]> r = commit("{\"manifest\":\"%%\",\"signature\":\"\",\"parts\":[]}".getBytes(StandardCharsets.UTF_8));
        assertEquals(400, r.statusCode());
        assertEquals("malformed commit: commit: manifest is not base64", new String(r.body(), StandardCharsets.UTF_8).strip());
        assertEquals(0, receiver.evidenceCount());
    }

    @Test
    void aManifestClaimingAnotherDockIsRefused() throws Exception {
        byte[] part = "bytes".getBytes(StandardCharsets.US_ASCII);
        String url = upload(part);
        byte[] manifest = manifest("dock-99", part).encode();
        byte[] signature = ManifestSignatures.sign(manifest, dock.key(), pki.chain(dock));
        HttpResponse<byte[]> r = commit(new CommitRequest(manifest, signature, List.of(url)).encode());
        assertEquals(403, r.statusCode());
        assertTrue(new String(r.body(), StandardCharsets.UTF_8).contains("manifest dockId dock-99 is not the client dock-07"));
        assertEquals(0, receiver.evidenceCount());
    }

    @Test
    void theSameUploadForTwoPartsIsRefused() throws Exception {
        byte[] part = "bytes".getBytes(StandardCharsets.US_ASCII);
        String url = upload(part);
        Manifest one = manifest("dock-07", part);
        Manifest two = new Manifest(one.dockId(), one.cameraId(), one.bay(), null, one.file(), one.partSize(),
                List.of(one.parts().get(0), new Manifest.Part(1, part.length, part.length, one.parts().get(0).plaintextSha256(),
                        one.parts().get(0).ciphertextSha256(), part.length)), one.recipients(), one.agentVersion(),
                one.ingestStarted(), one.ingestEnded(), one.auditHead(), one.clock());
        byte[] manifest = two.encode();
        HttpResponse<byte[]> r = commit(new CommitRequest(manifest, ManifestSignatures.sign(manifest, dock.key(), pki.chain(dock)),
                List.of(url, url)).encode());
        assertEquals(400, r.statusCode());
        assertEquals("commit lists the same upload for more than one part", new String(r.body(), StandardCharsets.UTF_8).strip());
    }

    @Test
    void aCommitWhileAPatchIsInFlightIsRefusedAndTheBytesStayTheDocks() throws Exception {
        byte[] part = new byte[200_000];
        java.util.Arrays.fill(part, (byte) 7);
        HttpResponse<String> created = send(HttpRequest.newBuilder(uri("/uploads")).header("Upload-Length", "" + part.length)
                .POST(HttpRequest.BodyPublishers.noBody()));
        String url = URI.create(created.headers().firstValue("Location").orElseThrow()).getPath();
        java.util.concurrent.CountDownLatch halfSent = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch goOn = new java.util.concurrent.CountDownLatch(1);
        java.io.InputStream slow = new java.io.InputStream() {
            int sent;

            @Override
            public int read() throws java.io.IOException {
                if (sent == part.length / 2) {
                    halfSent.countDown();
                    try {
                        if (!goOn.await(20, java.util.concurrent.TimeUnit.SECONDS)) {
                            throw new java.io.IOException("test gave up");
                        }
                    } catch (InterruptedException e) {
                        throw new java.io.InterruptedIOException();
                    }
                }
                return sent < part.length ? part[sent++] : -1;
            }
        };
        var patch = http.sendAsync(HttpRequest.newBuilder(uri(url)).header("Tus-Resumable", "1.0.0").header("Upload-Offset", "0")
                .header("Content-Type", "application/offset+octet-stream").timeout(Duration.ofSeconds(30))
                .method("PATCH", HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> slow),
                        part.length)).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(halfSent.await(20, java.util.concurrent.TimeUnit.SECONDS), "the PATCH started");
        byte[] manifest = manifest("dock-07", part).encode();
        byte[] body = new CommitRequest(manifest, ManifestSignatures.sign(manifest, dock.key(), pki.chain(dock)), List.of(url)).encode();
        org.bwcdock.testing.Poll.until("the receiver holding the PATCH's upload", Duration.ofSeconds(10), () -> {
            HttpResponse<byte[]> r = commit(body);
            return r.statusCode() == 409 && new String(r.body(), StandardCharsets.UTF_8).contains("is being written");
        });
        assertEquals(0, receiver.evidenceCount(), "nothing receipted while bytes were still arriving");
        goOn.countDown();
        assertEquals(204, patch.get(30, java.util.concurrent.TimeUnit.SECONDS).statusCode());
        HttpResponse<byte[]> done = commit(body);
        assertEquals(200, done.statusCode(), new String(done.body(), StandardCharsets.UTF_8));
    }

    @Test
    void aPatchWithTheWrongChecksumKeepsNothing() throws Exception {
        HttpResponse<String> created = send(HttpRequest.newBuilder(uri("/uploads")).header("Upload-Length", "10")
                .POST(HttpRequest.BodyPublishers.noBody()));
        URI upload = uri(URI.create(created.headers().firstValue("Location").orElseThrow()).getPath());
        String wrong = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        HttpResponse<String> r = send(HttpRequest.newBuilder(upload).header("Upload-Offset", "0").header("Upload-Checksum", "sha256 " + wrong)
                .header("Content-Type", "application/offset+octet-stream").method("PATCH", HttpRequest.BodyPublishers.ofString("0123456789")));
        assertEquals(460, r.statusCode());
        HttpResponse<String> head = send(HttpRequest.newBuilder(upload).method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertEquals("0", head.headers().firstValue("Upload-Offset").orElseThrow(), "the refused bytes were not kept");
    }

    @Test
    void aStoredReceiptIsNotShownToAnotherDock() throws Exception {
        byte[] part = "bytes of dock 7".getBytes(StandardCharsets.US_ASCII);
        String url = upload(part);
        byte[] manifest = manifest("dock-07", part).encode();
        byte[] body = new CommitRequest(manifest, ManifestSignatures.sign(manifest, dock.key(), pki.chain(dock)), List.of(url)).encode();
        assertEquals(200, commit(body).statusCode());
        ThrowawayPki.Leaf other = pki.issue("dock-08", ThrowawayPki.Kind.EC, ThrowawayPki.Use.CLIENT);
        try (HttpClient asOther = HttpClient.newBuilder().sslContext(TlsContexts.create(other.chainFile(), other.keyFile(), pki.caFile()))
                .connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpResponse<byte[]> r = asOther.send(HttpRequest.newBuilder(uri("/commit")).timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(403, r.statusCode(), "dock 8 replaying dock 7's commit gets no receipt");
            assertTrue(new String(r.body(), StandardCharsets.UTF_8).contains("dock-07"), new String(r.body(), StandardCharsets.UTF_8));
        }
    }

    private String verifyStore() {
        java.io.StringWriter out = new java.io.StringWriter();
        picocli.CommandLine cli = new picocli.CommandLine(new Main()).setOut(new java.io.PrintWriter(out, true));
        int exit = cli.execute("verify", "--store", dir.resolve("store").toString(), "--agency-ca", pki.caFile().toString(),
                "--receipt-signers", receiptSigner.certFile().toString());
        return exit + "\n" + out;
    }

    @Test
    void fixityReportsExactlyTheObjectThatWasAlteredOrLost() throws Exception {
        List<String> ids = new java.util.ArrayList<>();
        for (String clip : List.of("first clip", "second clip", "third clip")) {
            byte[] part = clip.getBytes(StandardCharsets.US_ASCII);
            String url = upload(part);
            byte[] manifest = manifest("dock-07", part).encode();
            HttpResponse<byte[]> r = commit(new CommitRequest(manifest, ManifestSignatures.sign(manifest, dock.key(), pki.chain(dock)),
                    List.of(url)).encode());
            assertEquals(200, r.statusCode());
            ids.add(Receipts.verify(r.body(), List.of(receiptSigner.certificate())).evidenceId());
        }
        String clean = verifyStore();
        assertTrue(clean.startsWith("0\n"), clean);
        assertTrue(clean.contains("3 evidence file(s), 3 intact, 0 missing or altered"), clean);

        Path altered = dir.resolve("store/evidence").resolve(ids.get(0)).resolve("part-0.cms");
        byte[] b = java.nio.file.Files.readAllBytes(altered);
        b[3] ^= 1;
        java.nio.file.Files.write(altered, b);
        java.nio.file.Files.delete(dir.resolve("store/evidence").resolve(ids.get(2)).resolve("part-0.cms"));

        String report = verifyStore();
        assertTrue(report.startsWith("1\n"), report);
        assertTrue(report.contains("BAD " + ids.get(0) + ": part-0.cms: altered"), report);
        assertTrue(report.contains("ok " + ids.get(1)), report);
        assertTrue(report.contains("BAD " + ids.get(2) + ": part-0.cms: missing"), report);
        assertTrue(report.contains("3 evidence file(s), 1 intact, 2 missing or altered"), report);
    }
}
