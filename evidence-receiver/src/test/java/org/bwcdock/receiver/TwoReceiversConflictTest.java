package org.bwcdock.receiver;

import org.bwcdock.format.Receipt;
import org.bwcdock.format.pki.TlsContexts;
import org.bwcdock.testing.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Object;

import javax.net.ssl.SSLSocket;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Point 2's guarantees across two receivers on one bucket (S3Proxy in this JVM), over HTTPS: a PATCH
 * under way on receiver B while the dock completes and commits the upload on receiver A neither
 * delays the receipt nor lands afterwards; a commit of an upload still incomplete is refused.
 */
@Timeout(120)
class TwoReceiversConflictTest {
    private static final String BUCKET = "two-receivers";

    @TempDir
    Path dir;
    private TestSite site;
    private S3ProxyServer s3;
    private EvidenceReceiver b;
    private final List<SSLSocket> sockets = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        site = new TestSite(dir);
        s3 = new S3ProxyServer();
        s3.client().createBucket(c -> c.bucket(BUCKET));
        S3Storage bucket = S3ProxyServer.storage(s3.endpoint(), BUCKET);
        // No body-rate floor: the PATCH held open on B must not be cut off by it while A commits.
        ReceiverLimits limits = new ReceiverLimits(Duration.ofSeconds(10), Duration.ofSeconds(60), 0, 100, 1L << 30,
                Duration.ofDays(1), Duration.ofMinutes(5), 8);
        ReceiverSettings a = site.settings(limits).withS3(bucket);
        site.receiver = EvidenceReceiver.start(a, Clock.systemUTC());
        // B: the same everything, a --store of its own (it only stages PATCH bodies there).
        b = EvidenceReceiver.start(new ReceiverSettings(new InetSocketAddress("127.0.0.1", 0), dir.resolve("store-b"), a.tlsChain(),
                a.tlsKey(), a.agencyCas(), a.receiptCert(), a.receiptKey(), a.uploadExpiry(), a.maxUploadBytes(), Faults.NONE,
                Optional.empty(), limits, Optional.of(bucket), Optional.empty()), Clock.systemUTC());
    }

    @AfterEach
    void stop() throws Exception {
        for (SSLSocket s : sockets) {
            s.close();
        }
        b.close();
        site.close();
        s3.close();
    }

    private List<String> keys(String prefix) {
        List<String> out = new ArrayList<>();
        for (S3Object o : s3.client().listObjectsV2Paginator(l -> l.bucket(BUCKET).prefix(prefix)).contents()) {
            out.add(o.key());
        }
        return out;
    }

    private static HttpRequest.Builder patch(URI uri, long offset, byte[] body) {
        return HttpRequest.newBuilder(uri).header("Upload-Offset", Long.toString(offset)).header("Content-Type", "application/offset+octet-stream")
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(body));
    }

    @Test
    void aPatchUnderWayOnBCannotLandOnTheUploadTheDockCompletedAndCommittedOnA() throws Exception {
        TestSite.Dock dock = site.dock("dock-01");
        byte[] part = new byte[200_000];
        new Random(19).nextBytes(part);
        HttpResponse<String> created = dock.create(part.length);
        assertEquals(201, created.statusCode(), created.body());
        String path = URI.create(created.headers().firstValue("Location").orElseThrow()).getPath();
        HttpResponse<String> first = dock.send(patch(dock.uri(path), 0, Arrays.copyOfRange(part, 0, 100_000)));
        assertEquals(204, first.statusCode(), first.body());

        // On B, a PATCH at offset 100000 (the right one when it starts) whose body stops half way.
        SSLSocket slow = (SSLSocket) TlsContexts.create(dock.leaf.chainFile(), dock.leaf.keyFile(), site.pki.caFile()).getSocketFactory()
                .createSocket("127.0.0.1", b.port());
        sockets.add(slow);
        slow.setSoTimeout(30_000);
        slow.startHandshake();
        OutputStream out = slow.getOutputStream();
        byte[] other = new byte[100_000];
        new Random(20).nextBytes(other);
        out.write(("PATCH " + path + " HTTP/1.1\r\nHost: localhost\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 100000\r\n"
                + "Content-Type: application/offset+octet-stream\r\nContent-Length: 100000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(other, 0, 50_000);
        out.flush();
        String id = path.substring(path.lastIndexOf('/') + 1);
        Poll.until("B staging the PATCH body", Duration.ofSeconds(20), () -> Files.exists(dir.resolve("store-b/staging/" + id + ".stage")));

        // Meanwhile on A: a commit of the incomplete upload is refused, then the dock completes it and commits.
        HttpResponse<byte[]> early = dock.commit(part, path, "DCIM/100/VID0001.MP4");
        assertEquals(409, early.statusCode());
        assertTrue(new String(early.body(), StandardCharsets.UTF_8).contains("holds 100000 of 200000 bytes"),
                new String(early.body(), StandardCharsets.UTF_8));
        HttpResponse<String> second = dock.send(patch(dock.uri(path), 100_000, Arrays.copyOfRange(part, 100_000, part.length)));
        assertEquals(204, second.statusCode(), second.body());
        Receipt receipt = dock.commitAndCheck(part, path, "DCIM/100/VID0001.MP4"); // receipted for exactly `part`

        // B's PATCH now ends: its bytes cannot go where the dock's went, nor anywhere else.
        out.write(other, 50_000, 50_000);
        out.flush();
        String answer = new String(slow.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
        assertEquals("HTTP/1.1 409", answer);
        assertEquals(List.of(), keys("uploads/"), "nothing of the upload is left in the bucket");
        assertArrayEquals(part, s3.client().getObjectAsBytes(g -> g.bucket(BUCKET).key("evidence/" + receipt.evidenceId() + "/part-0.cms"))
                .asByteArray(), "the evidence holds the bytes receipted");
    }
}
