package org.bwcdock.receiver;

import org.bwcdock.format.CommitRequest;
import org.bwcdock.format.Manifest;
import org.bwcdock.format.ManifestSignatures;
import org.bwcdock.format.Receipt;
import org.bwcdock.format.Receipts;
import org.bwcdock.format.pki.Digests;
import org.bwcdock.format.pki.TlsContexts;
import org.bwcdock.testing.Jvm;
import org.bwcdock.testing.Poll;
import org.bwcdock.testing.ThrowawayPki;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A throwaway agency, one receiver, and docks that speak to it as docs/evidence-upload.md says; closes all it started. */
final class TestSite implements AutoCloseable {
    final ThrowawayPki pki;
    final ThrowawayPki.Leaf receiptSigner;
    private final ThrowawayPki.Leaf server;
    private final Path dir;
    private final List<Dock> docks = new ArrayList<>();
    EvidenceReceiver receiver;
    /** A receiver in its own JVM instead ({@link #startForked}), and its port. */
    private Process forked;
    private int forkedPort;

    TestSite(Path dir) throws Exception {
        this.dir = dir;
        pki = new ThrowawayPki(Files.createDirectories(dir.resolve("pki")));
        server = pki.issue("receiver", ThrowawayPki.Kind.EC, ThrowawayPki.Use.SERVER);
        receiptSigner = pki.issue("receipt-signer", ThrowawayPki.Kind.EC, ThrowawayPki.Use.SIGNER);
    }

    EvidenceReceiver start(ReceiverLimits limits, Clock clock) throws Exception {
        receiver = EvidenceReceiver.start(settings(limits), clock);
        return receiver;
    }

    /** With the committed evidence in a bucket. */
    EvidenceReceiver startS3(S3Storage bucket) throws Exception {
        receiver = EvidenceReceiver.start(settings(ReceiverLimits.DEFAULTS).withS3(bucket), Clock.systemUTC());
        return receiver;
    }

    ReceiverSettings settings(ReceiverLimits limits) {
        return new ReceiverSettings(new InetSocketAddress("127.0.0.1", 0), dir.resolve("store"),
                server.chainFile(), server.keyFile(), pki.caFile(), receiptSigner.certFile(), receiptSigner.keyFile(),
                limits.uploadExpiry(), 1L << 30, Faults.NONE).withLimits(limits);
    }

    /** The {@code bwcdock-receiver} options this site's receiver needs, before any storage option. */
    List<String> cliOptions() {
        return List.of("--port", "0", "--store", dir.resolve("store").toString(),
                "--tls-cert", server.chainFile().toString(), "--tls-key", server.keyFile().toString(), "--agency-ca", pki.caFile().toString(),
                "--receipt-cert", receiptSigner.certFile().toString(), "--receipt-key", receiptSigner.keyFile().toString());
    }

    /**
     * The receiver as {@code bwcdock-receiver} in its own JVM with {@code jvmOptions} (e.g. a heap
     * cap): its output goes to {@code receiver.log}, where its port is read.
     */
    void startForked(List<String> jvmOptions, ReceiverLimits l) throws Exception {
        Path log = dir.resolve("receiver.log");
        forked = Jvm.fork(jvmOptions, Main.class, "--port", "0", "--store", dir.resolve("store").toString(),
                "--tls-cert", server.chainFile().toString(), "--tls-key", server.keyFile().toString(), "--agency-ca", pki.caFile().toString(),
                "--receipt-cert", receiptSigner.certFile().toString(), "--receipt-key", receiptSigner.keyFile().toString(),
                "--header-deadline", l.headerDeadline().toString(), "--idle-timeout", l.idleTimeout().toString(),
                "--min-body-rate", Long.toString(l.minBodyRate()), "--max-open-uploads-per-dock", Integer.toString(l.maxOpenUploadsPerDock()),
                "--max-bytes-in-flight-per-dock", Long.toString(l.maxBytesInFlightPerDock()), "--threads", Integer.toString(l.threads()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Poll.until("the forked receiver listening", Duration.ofSeconds(60), () -> {
            if (!forked.isAlive()) {
                throw new IllegalStateException("the receiver exited (" + forked.exitValue() + "): " + Files.readString(log));
            }
            Matcher m = Pattern.compile("listening on port (\\d+)").matcher(Files.readString(log));
            if (m.find()) {
                forkedPort = Integer.parseInt(m.group(1));
                return true;
            }
            return false;
        });
    }

    int port() {
        return receiver != null ? receiver.port() : forkedPort;
    }

    /** Stored evidence files, read from the store (works for a forked receiver too). */
    long evidenceCount() throws java.io.IOException {
        try (var dirs = Files.list(dir.resolve("store/evidence"))) {
            return dirs.filter(p -> !p.getFileName().toString().endsWith(".tmp")).count();
        }
    }

    /** Whether the forked receiver still runs (an OutOfMemoryError ends it: -XX:+ExitOnOutOfMemoryError). */
    boolean forkedAlive() {
        return forked != null && forked.isAlive();
    }

    Dock dock(String id) throws Exception {
        Dock d = new Dock(id, pki.issue(id, ThrowawayPki.Kind.EC, ThrowawayPki.Use.CLIENT));
        synchronized (docks) {
            docks.add(d);
        }
        return d;
    }

    /** Stops everything it started, and checks that no receiver thread outlived its receiver. */
    @Override
    public void close() throws Exception {
        synchronized (docks) {
            docks.forEach(d -> d.http.close());
        }
        if (receiver != null) {
            receiver.close();
        }
        Jvm.kill(forked);
        Poll.until("every receiver thread stopped", Duration.ofSeconds(10), () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.isAlive() && t.getName().startsWith("receiver-")));
    }

    /** One dock: its certificate and its own HTTP client. */
    final class Dock {
        final String id;
        final ThrowawayPki.Leaf leaf;
        final HttpClient http;

        Dock(String id, ThrowawayPki.Leaf leaf) throws Exception {
            this.id = id;
            this.leaf = leaf;
            http = HttpClient.newBuilder().sslContext(TlsContexts.create(leaf.chainFile(), leaf.keyFile(), pki.caFile()))
                    .connectTimeout(Duration.ofSeconds(10)).build();
        }

        URI uri(String path) {
            return URI.create("https://localhost:" + port() + path);
        }

        HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
            return http.send(b.header("Tus-Resumable", "1.0.0").timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> create(long length) throws Exception {
            return send(HttpRequest.newBuilder(uri("/uploads")).header("Upload-Length", "" + length).POST(HttpRequest.BodyPublishers.noBody()));
        }

        /** Creates an upload and sends {@code bytes} in one PATCH; the upload's path. */
        String upload(byte[] bytes) throws Exception {
            HttpResponse<String> created = create(bytes.length);
            assertEquals(201, created.statusCode(), created.body());
            String location = created.headers().firstValue("Location").orElseThrow();
            HttpResponse<String> patched = send(HttpRequest.newBuilder(uri(location)).header("Upload-Offset", "0")
                    .header("Content-Type", "application/offset+octet-stream")
                    .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(bytes)));
            assertEquals(204, patched.statusCode(), patched.body());
            return URI.create(location).getPath();
        }

        HttpResponse<byte[]> commit(byte[] part, String url, String path) throws Exception {
            byte[] manifest = manifest(part, path).encode();
            byte[] body = new CommitRequest(manifest, ManifestSignatures.sign(manifest, leaf.key(), pki.chain(leaf)), List.of(url)).encode();
            return http.send(HttpRequest.newBuilder(uri("/commit")).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        }

        /** Uploads one part, commits it as file {@code path}, and checks the receipt against exactly those bytes. */
        Receipt uploadAndCommit(byte[] part, String path) throws Exception {
            return commitAndCheck(part, upload(part), path);
        }

        /** Commits the uploaded {@code part} as file {@code path}; the receipt, checked against exactly those bytes. */
        Receipt commitAndCheck(byte[] part, String url, String path) throws Exception {
            HttpResponse<byte[]> r = commit(part, url, path);
            assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
            Receipt receipt = Receipts.verify(r.body(), List.of(receiptSigner.certificate()));
            Receipts.check(receipt, manifest(part, path).encode(), Digests.sha256Hex(part), List.of(Digests.sha256Hex(part)));
            assertEquals(id, receipt.dockId());
            return receipt;
        }

        Manifest manifest(byte[] part, String path) {
            String h = Digests.sha256Hex(part);
            return new Manifest(id, "BWC-9", 1, null,
                    new Manifest.FileFacts(path, path.getBytes(StandardCharsets.UTF_8), part.length,
                            Instant.parse("2026-12-01T09:00:00Z"), h),
                    1 << 20, List.of(new Manifest.Part(0, 0, part.length, h, h, part.length)),
                    List.of(new Manifest.Recipient(h, "CN=evidence", "ECDH-P384-AES256-KW")), "test",
                    Instant.parse("2026-12-01T10:00:00Z"), Instant.parse("2026-12-01T10:00:01Z"), h,
                    new Manifest.ClockEvidence(new Manifest.DockClock("adjtimex", true, 2000, 500), Manifest.CameraClock.unmeasured(120_000)));
        }
    }
}
