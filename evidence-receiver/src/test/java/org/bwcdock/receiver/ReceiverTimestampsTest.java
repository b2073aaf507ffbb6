package org.bwcdock.receiver;

import org.bwcdock.format.CommitRequest;
import org.bwcdock.format.ManifestSignatures;
import org.bwcdock.format.Receipt;
import org.bwcdock.format.Receipts;
import org.bwcdock.format.pki.Digests;
import org.bwcdock.format.tsa.TimestampAuthority;
import org.bwcdock.format.tsa.TsaSettings;
import org.bwcdock.testing.Openssl;
import org.bwcdock.testing.Poll;
import org.bwcdock.testing.TimestampServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Trusted time at the receiver (docs/evidence-upload.md, "Timestamps"): the dock's manifest token is
 * checked and kept as {@code manifest.tsr}, every receipt is stamped ({@code receipt.tsr}), both
 * verify with the real {@code openssl ts -verify}; a TSA outage costs no receipt, and what is
 * missing is attached later.
 */
@Timeout(120)
class ReceiverTimestampsTest {
    @TempDir
    Path dir;
    private TestSite site;
    private TimestampServer tsa;
    private TimestampServer stranger;
    private TimestampAuthority docksTsa;
    private TimestampAuthority strangersTsa;

    @BeforeEach
    void start() throws Exception {
        site = new TestSite(dir);
        tsa = TimestampServer.start(dir.resolve("tsa"), "Agency");
        stranger = TimestampServer.start(dir.resolve("stranger"), "Stranger");
        docksTsa = TimestampAuthority.http(settings(tsa));
        strangersTsa = TimestampAuthority.http(settings(stranger));
    }

    @AfterEach
    void stop() throws Exception {
        docksTsa.close();
        strangersTsa.close();
        site.close();
        tsa.close();
        stranger.close();
    }

    private static TsaSettings settings(TimestampServer t) {
        return new TsaSettings(t.url(), List.of(t.ca()), Optional.empty(), Duration.ofSeconds(5), Optional.empty());
    }

    private ReceiverSettings.Timestamping timestamping() {
        return new ReceiverSettings.Timestamping(settings(tsa), Duration.ofMillis(200));
    }

    private void startReceiver() throws Exception {
        site.receiver = EvidenceReceiver.start(site.settings(ReceiverLimits.DEFAULTS).withTsa(timestamping()), Clock.systemUTC());
    }

    private static byte[] random(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    /** What the dock committed: the manifest, its signature, and the receipt it got. */
    private record Committed(String evidenceId, byte[] signature, Receipt receipt) {
    }

    /** Uploads {@code part} and commits it with a token on the signature from {@code stamp} (null: none). */
    private Committed commit(TestSite.Dock dock, byte[] part, String path, TimestampAuthority stamp) throws Exception {
        String url = dock.upload(part);
        byte[] manifest = dock.manifest(part, path).encode();
        byte[] signature = ManifestSignatures.sign(manifest, dock.leaf.key(), site.pki.chain(dock.leaf));
        Optional<byte[]> token = stamp == null ? Optional.empty() : Optional.of(stamp.stamp(signature));
        byte[] body = new CommitRequest(manifest, signature, List.of(url), Optional.empty(), token).encode();
        HttpResponse<byte[]> r = dock.http.send(HttpRequest.newBuilder(dock.uri("/commit")).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        Receipt receipt = Receipts.verify(r.body(), List.of(site.receiptSigner.certificate()));
        return new Committed(Digests.sha256Hex(manifest).substring(0, 32), signature, receipt);
    }

    private static HttpResponse<String> lateToken(TestSite.Dock dock, String evidenceId, byte[] token) throws Exception {
        String body = "{\"evidenceId\":\"" + evidenceId + "\",\"manifestTimestamp\":\"" + Base64.getEncoder().encodeToString(token) + "\"}";
        return dock.http.send(HttpRequest.newBuilder(dock.uri("/timestamp")).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private Path evidence(String id) {
        return dir.resolve("store/evidence").resolve(id);
    }

    private void opensslVerifies(Path token, Path data) throws Exception {
        Openssl.Result r = Openssl.run("ts", "-verify", "-in", token.toString(), "-data", data.toString(), "-CAfile", tsa.caFile().toString());
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("Verification: OK"), r.output());
    }

    @Test
    void theDocksTokenIsKeptBesideTheSignatureAndTheReceiptIsStampedBothVerifyWithOpenssl() throws Exception {
        startReceiver();
        TestSite.Dock dock = site.dock("dock-01");
        Committed c = commit(dock, random(100_000), "DCIM/VID0001.MP4", docksTsa);
        assertEquals(Receipt.PRESENT, c.receipt().manifestTimestamp());
        Path ev = evidence(c.evidenceId());
        opensslVerifies(ev.resolve("manifest.tsr"), ev.resolve("manifest.p7s"));
        opensslVerifies(ev.resolve("receipt.tsr"), ev.resolve("receipt.p7s"));
        assertFalse(Files.exists(dir.resolve("store/timestamps-pending").resolve(c.evidenceId())));
        // Fixity (receiver verify --tsa-ca): intact, then an altered token and a removed one are named.
        Fixity fixity = new Fixity(StoredEvidence.directory(dir.resolve("store")), List.of(site.pki.ca),
                org.bwcdock.format.ReceiptSigners.of(List.of(site.receiptSigner.certificate())), List.of(tsa.ca()));
        assertTrue(fixity.verify(c.evidenceId()).intact(), fixity.verify(c.evidenceId()).problems().toString());
        byte[] token = Files.readAllBytes(ev.resolve("receipt.tsr"));
        byte[] altered = token.clone();
        altered[altered.length / 3] ^= 1;
        Files.write(ev.resolve("receipt.tsr"), altered);
        assertTrue(fixity.verify(c.evidenceId()).problems().stream().anyMatch(p -> p.startsWith("receipt.tsr: ")),
                fixity.verify(c.evidenceId()).problems().toString());
        Files.write(ev.resolve("receipt.tsr"), token);
        byte[] manifestToken = Files.readAllBytes(ev.resolve("manifest.tsr"));
        Files.delete(ev.resolve("manifest.tsr"));
        assertEquals(List.of("manifest.tsr: missing (the receipt says it was kept)"), fixity.verify(c.evidenceId()).problems());
        Files.write(ev.resolve("manifest.tsr"), manifestToken);
        // The receipt's token is on the receipt, not on anything else: openssl refuses it for the manifest.
        Openssl.Result wrong = Openssl.run("ts", "-verify", "-in", ev.resolve("receipt.tsr").toString(), "-data",
                ev.resolve("manifest.p7s").toString(), "-CAfile", tsa.caFile().toString());
        assertTrue(wrong.exit() != 0, wrong.output());
    }

    @Test
    void aTokenFromAnotherTsaOrForOtherDataIsRefusedAndTheReceiptSaysMissing() throws Exception {
        startReceiver();
        TestSite.Dock dock = site.dock("dock-01");
        Committed c = commit(dock, random(50_000), "DCIM/VID0002.MP4", strangersTsa);
        assertEquals(Receipt.MISSING, c.receipt().manifestTimestamp());
        Path ev = evidence(c.evidenceId());
        assertFalse(Files.exists(ev.resolve("manifest.tsr")));
        assertTrue(Files.exists(ev.resolve("receipt.tsr")), "the receipt is stamped whatever the dock sent");

        HttpResponse<String> fromStranger = lateToken(dock, c.evidenceId(), strangersTsa.stamp(c.signature()));
        assertEquals(422, fromStranger.statusCode(), fromStranger.body());
        assertTrue(fromStranger.body().contains("does not chain to the configured TSA CA"), fromStranger.body());
        HttpResponse<String> otherData = lateToken(dock, c.evidenceId(), docksTsa.stamp("other bytes".getBytes(StandardCharsets.UTF_8)));
        assertEquals(422, otherData.statusCode(), otherData.body());
        assertTrue(otherData.body().contains("for other data"), otherData.body());
        assertFalse(Files.exists(ev.resolve("manifest.tsr")));

        // Another dock may not attach anything to this dock's evidence.
        TestSite.Dock other = site.dock("dock-02");
        assertEquals(404, lateToken(other, c.evidenceId(), docksTsa.stamp(c.signature())).statusCode());

        byte[] good = docksTsa.stamp(c.signature());
        HttpResponse<String> ok = lateToken(dock, c.evidenceId(), good);
        assertEquals(204, ok.statusCode(), ok.body());
        opensslVerifies(ev.resolve("manifest.tsr"), ev.resolve("manifest.p7s"));
        // Sent again (the dock did not hear the answer): still 204, and the first token stays.
        assertEquals(204, lateToken(dock, c.evidenceId(), docksTsa.stamp(c.signature())).statusCode());
        assertArrayEquals(good, Files.readAllBytes(ev.resolve("manifest.tsr")));
    }

    @Test
    void aTsaOutageCostsNoReceiptAndTheReceiptIsStampedWhenTheTsaIsBack() throws Exception {
        startReceiver();
        TestSite.Dock dock = site.dock("dock-01");
        tsa.down(true);
        Committed c = commit(dock, random(70_000), "DCIM/VID0003.MP4", null);
        assertEquals(Receipt.MISSING, c.receipt().manifestTimestamp());
        Path ev = evidence(c.evidenceId());
        assertTrue(Files.exists(ev.resolve("receipt.p7s")));
        assertFalse(Files.exists(ev.resolve("receipt.tsr")));
        assertTrue(Files.exists(dir.resolve("store/timestamps-pending").resolve(c.evidenceId())));
        tsa.down(false);
        Poll.until("the receipt timestamped late", Duration.ofSeconds(30), () -> Files.exists(ev.resolve("receipt.tsr")));
        opensslVerifies(ev.resolve("receipt.tsr"), ev.resolve("receipt.p7s"));
        Poll.until("the pending note removed", Duration.ofSeconds(10),
                () -> !Files.exists(dir.resolve("store/timestamps-pending").resolve(c.evidenceId())));
    }

    @Test
    void aTokenResentWithARepeatedCommitIsKept() throws Exception {
        startReceiver();
        TestSite.Dock dock = site.dock("dock-01");
        byte[] part = random(30_000);
        String url = dock.upload(part);
        byte[] manifest = dock.manifest(part, "DCIM/VID0004.MP4").encode();
        byte[] signature = ManifestSignatures.sign(manifest, dock.leaf.key(), site.pki.chain(dock.leaf));
        for (Optional<byte[]> token : List.of(Optional.<byte[]>empty(), Optional.of(docksTsa.stamp(signature)))) {
            byte[] body = new CommitRequest(manifest, signature, List.of(url), Optional.empty(), token).encode();
            HttpResponse<byte[]> r = dock.http.send(HttpRequest.newBuilder(dock.uri("/commit")).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, r.statusCode());
        }
        Path ev = evidence(Digests.sha256Hex(manifest).substring(0, 32));
        opensslVerifies(ev.resolve("manifest.tsr"), ev.resolve("manifest.p7s"));
    }

    @Test
    void inAnS3BucketTheTokensAreObjectsBesideTheSignatureToo() throws Exception {
        try (S3ProxyServer s3 = new S3ProxyServer()) {
            s3.client().createBucket(b -> b.bucket("agency-evidence"));
            site.receiver = EvidenceReceiver.start(site.settings(ReceiverLimits.DEFAULTS).withS3(S3ProxyServer.storage(s3.endpoint(), "agency-evidence"))
                    .withTsa(timestamping()), Clock.systemUTC());
            TestSite.Dock dock = site.dock("dock-01");
            Committed withToken = commit(dock, random(40_000), "DCIM/VID0005.MP4", docksTsa);
            assertEquals(Receipt.PRESENT, withToken.receipt().manifestTimestamp());
            Committed late = commit(dock, random(41_000), "DCIM/VID0006.MP4", null);
            assertEquals(Receipt.MISSING, late.receipt().manifestTimestamp());
            assertEquals(204, lateToken(dock, late.evidenceId(), docksTsa.stamp(late.signature())).statusCode());
            for (Committed c : List.of(withToken, late)) {
                Path out = Files.createDirectories(dir.resolve("from-bucket").resolve(c.evidenceId()));
                for (String name : List.of("manifest.p7s", "manifest.tsr", "receipt.p7s", "receipt.tsr")) {
                    Files.write(out.resolve(name), s3.client().getObjectAsBytes(g -> g.bucket("agency-evidence")
                            .key("evidence/" + c.evidenceId() + "/" + name)).asByteArray());
                }
                opensslVerifies(out.resolve("manifest.tsr"), out.resolve("manifest.p7s"));
                opensslVerifies(out.resolve("receipt.tsr"), out.resolve("receipt.p7s"));
            }
            site.receiver.close();
            site.receiver = null;
        }
    }
}
