package org.bwcdock.receiver;

import org.bwcdock.format.Receipt;
import org.bwcdock.testing.FaultProxy;
import org.bwcdock.testing.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Committed evidence in a real S3 API server (S3Proxy, in this JVM): receipted only once every object is confirmed. */
@Timeout(120)
class S3EvidenceStoreTest {
    private static final String BUCKET = "agency-evidence";

    @TempDir
    Path dir;
    private TestSite site;
    private S3ProxyServer s3;

    @BeforeEach
    void start() throws Exception {
        site = new TestSite(dir);
        s3 = new S3ProxyServer();
        s3.client().createBucket(b -> b.bucket(BUCKET));
    }

    @AfterEach
    void stop() throws Exception {
        site.close();
        s3.close();
    }

    private static byte[] random(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    private List<String> keys(String prefix) {
        List<String> out = new ArrayList<>();
        for (S3Object o : s3.client().listObjectsV2Paginator(l -> l.bucket(BUCKET).prefix(prefix)).contents()) {
            out.add(o.key());
        }
        return out;
    }

    private byte[] object(String key) {
        return s3.client().getObjectAsBytes(g -> g.bucket(BUCKET).key(key)).asByteArray();
    }

    @Test
    void aCommitIsReceiptedWithEveryObjectByteIdenticalInTheBucket() throws Exception {
        site.startS3(S3ProxyServer.storage(s3.endpoint(), BUCKET));
        TestSite.Dock dock = site.dock("dock-01");
        byte[] part = random(300_000);
        String url = dock.upload(part);
        HttpResponse<byte[]> r = dock.commit(part, url, "DCIM/100/VID0001.MP4");
        assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        Receipt receipt = org.bwcdock.format.Receipts.verify(r.body(), List.of(site.receiptSigner.certificate()));
        String prefix = "evidence/" + receipt.evidenceId() + "/";
        assertEquals(List.of(prefix + "manifest.json", prefix + "manifest.p7s", prefix + "part-0.cms", prefix + "receipt.p7s"),
                keys("evidence/").stream().sorted().toList());
        assertArrayEquals(part, object(prefix + "part-0.cms"), "the part, byte for byte");
        assertArrayEquals(dock.manifest(part, "DCIM/100/VID0001.MP4").encode(), object(prefix + "manifest.json"));
        assertArrayEquals(r.body(), object(prefix + "receipt.p7s"), "the receipt the dock got");
        assertEquals(receipt.evidenceId(), s3.client().headObject(h -> h.bucket(BUCKET).key(prefix + "part-0.cms"))
                .metadata().get("bwcdock-evidence-id"));
        assertEquals(1, site.receiver.evidenceCount());
        assertFalse(Files.exists(dir.resolve("store/evidence")), "nothing committed on the local disk");

        HttpResponse<byte[]> again = dock.commit(part, url, "DCIM/100/VID0001.MP4");
        assertEquals(200, again.statusCode());
        assertArrayEquals(r.body(), again.body(), "a repeated commit gets the stored receipt");
        assertEquals(1, site.receiver.evidenceCount());
    }

    @Test
    void whenTheStoreFailsMidCommitTheDockGetsA503AndNoReceiptAndALaterCommitSucceeds() throws Exception {
        try (FaultProxy link = new FaultProxy("s3", s3.endpoint().getPort())) {
            site.startS3(S3ProxyServer.storage(URI.create("http://127.0.0.1:" + link.port()), BUCKET));
            TestSite.Dock dock = site.dock("dock-01");
            byte[] part = random(2 << 20);
            String url = dock.upload(part);
            long before = link.upstreamBytes();
            link.throttle(512 << 10);
            CompletableFuture<HttpResponse<byte[]>> commit = CompletableFuture.supplyAsync(() -> {
                try {
                    return dock.commit(part, url, "DCIM/100/VID0002.MP4");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // The part is on its way to the store: now the store goes away.
            Poll.until("the part half sent to S3", Duration.ofSeconds(30), () -> link.upstreamBytes() - before > (600 << 10));
            link.mode(FaultProxy.Mode.REFUSE);
            HttpResponse<byte[]> failed = commit.get(60, TimeUnit.SECONDS);
            assertEquals(503, failed.statusCode(), new String(failed.body(), StandardCharsets.UTF_8));
            assertTrue(new String(failed.body(), StandardCharsets.UTF_8).contains("not receipted"));
            assertTrue(keys("evidence/").stream().noneMatch(k -> k.endsWith("/receipt.p7s")), "no receipt stored");
            HttpResponse<byte[]> storeDown = dock.commit(part, url, "DCIM/100/VID0002.MP4");
            assertEquals(503, storeDown.statusCode(), "a store that cannot even be asked for a receipt: 503, not a dropped connection");

            link.throttle(0);
            link.mode(FaultProxy.Mode.PASS);
            assertEquals(0, site.receiver.evidenceCount(), "the interrupted commit does not count");
            Receipt receipt = dock.commitAndCheck(part, url, "DCIM/100/VID0002.MP4");
            assertArrayEquals(part, object("evidence/" + receipt.evidenceId() + "/part-0.cms"), "the repeated commit stored every byte");
            assertEquals(1, site.receiver.evidenceCount());
        }
    }

    @Test
    void objectLockRequiredOnAStoreWithoutObjectLockRefusesToStart() throws Exception {
        S3Storage locked = S3ProxyServer.storage(s3.endpoint(), BUCKET).withObjectLock(30, true);
        Exception refused = assertThrows(java.io.IOException.class, () -> site.startS3(locked));
        assertTrue(refused.getMessage().startsWith("s3-object-lock-required: bucket agency-evidence at " + s3.endpoint()
                + " cannot lock objects (the store answered 501"), refused.getMessage());

        // The command line says so in one line and exits.
        Path secret = Files.writeString(dir.resolve("s3.secret"), S3ProxyServer.SECRET_KEY + "\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        List<String> args = new ArrayList<>(site.cliOptions());
        args.addAll(List.of("--store-type", "s3", "--s3-endpoint", s3.endpoint().toString(), "--s3-bucket", BUCKET, "--s3-path-style",
                "--s3-access-key-id", S3ProxyServer.ACCESS_KEY, "--s3-secret-key-file", secret.toString(),
                "--s3-object-lock-days", "30", "--s3-object-lock-required"));
        StringWriter err = new StringWriter();
        int exit = new picocli.CommandLine(new Main()).setErr(new PrintWriter(err, true)).execute(args.toArray(String[]::new));
        assertEquals(1, exit, err.toString());
        assertTrue(err.toString().startsWith("bwcdock-receiver: not started: s3-object-lock-required: bucket agency-evidence"),
                err.toString());
        assertFalse(err.toString().contains(S3ProxyServer.SECRET_KEY), "the secret is never printed");

        // Not required: it starts, warns, and stores without retention.
        site.startS3(S3ProxyServer.storage(s3.endpoint(), BUCKET).withObjectLock(30, false));
        site.dock("dock-01").uploadAndCommit(random(1000), "DCIM/100/VID0003.MP4");
        assertEquals(1, site.receiver.evidenceCount());
    }

    @Test
    void aBucketThatDoesNotExistRefusesTheStartNamingIt() {
        Exception refused = assertThrows(java.io.IOException.class,
                () -> site.startS3(S3ProxyServer.storage(s3.endpoint(), "no-such-bucket")));
        assertTrue(refused.getMessage().startsWith("s3-bucket: bucket no-such-bucket at " + s3.endpoint() + " cannot be reached"),
                refused.getMessage());
    }

    @Test
    void theNewestAuditCheckpointPerDockIsKeptAsObjects() throws Exception {
        try (S3EvidenceStore store = S3EvidenceStore.open(S3ProxyServer.storage(s3.endpoint(), BUCKET), S3EvidenceStore.Uploads.NONE, java.time.Clock.systemUTC())) {
            org.bwcdock.format.AuditCheckpoint five = new org.bwcdock.format.AuditCheckpoint("dock-1", 5, "a".repeat(64),
                    java.time.Instant.parse("2026-12-04T10:00:00Z"));
            org.bwcdock.format.AuditCheckpoint nine = new org.bwcdock.format.AuditCheckpoint("dock-1", 9, "b".repeat(64),
                    java.time.Instant.parse("2026-12-04T10:05:00Z"));
            assertTrue(store.checkpoint("dock-1").isEmpty());
            store.keepCheckpoint(five, new org.bwcdock.format.AuditCheckpoint.Signed(five.encode(), new byte[] {5}));
            store.keepCheckpoint(nine, new org.bwcdock.format.AuditCheckpoint.Signed(nine.encode(), new byte[] {9}));
            store.keepCheckpoint(five, new org.bwcdock.format.AuditCheckpoint.Signed(five.encode(), new byte[] {5})); // older: ignored
            assertArrayEquals(nine.encode(), store.checkpoint("dock-1").orElseThrow().json());
            assertEquals(List.of("checkpoints/dock-1/9.json", "checkpoints/dock-1/9.p7s"), keys("checkpoints/").stream().sorted().toList());
            // Half-written row 12 (its signature only): row 9 stays in force.
            s3.client().putObject(p -> p.bucket(BUCKET).key("checkpoints/dock-1/12.p7s"),
                    software.amazon.awssdk.core.sync.RequestBody.fromBytes(new byte[] {1}));
            assertArrayEquals(nine.encode(), store.checkpoint("dock-1").orElseThrow().json());
        }
    }

    /** What "the store confirmed the bytes" rests on: this server refuses an object whose bytes are not the checksums sent with it. */
    @Test
    void theStoreRefusesBytesThatAreNotTheChecksumsSentWithThem() {
        byte[] sent = random(1000);
        ObjectDigests right = ObjectDigests.of(sent);
        byte[] other = random(1001);
        ObjectDigests wrong = ObjectDigests.of(java.util.Arrays.copyOf(other, 1000));
        var md5 = assertThrows(software.amazon.awssdk.services.s3.model.S3Exception.class, () -> s3.client().putObject(
                p -> p.bucket(BUCKET).key("t/md5").contentMD5(wrong.md5()), software.amazon.awssdk.core.sync.RequestBody.fromBytes(sent)));
        assertEquals(400, md5.statusCode());
        var sha = assertThrows(software.amazon.awssdk.services.s3.model.S3Exception.class, () -> s3.client().putObject(
                p -> p.bucket(BUCKET).key("t/sha").contentMD5(right.md5()).checksumSHA256(wrong.sha256()),
                software.amazon.awssdk.core.sync.RequestBody.fromBytes(sent)));
        assertEquals(400, sha.statusCode());
        assertTrue(keys("t/").isEmpty(), "nothing kept");
    }

    @Test
    void verifyReHashesTheBucketAndReportsExactlyTheAlteredPart() throws Exception {
        site.startS3(S3ProxyServer.storage(s3.endpoint(), BUCKET));
        TestSite.Dock dock = site.dock("dock-01");
        Receipt kept = dock.uploadAndCommit(random(4000), "DCIM/100/VID0004.MP4");
        Receipt altered = dock.uploadAndCommit(random(5000), "DCIM/100/VID0005.MP4");
        byte[] bytes = object("evidence/" + altered.evidenceId() + "/part-0.cms");
        bytes[100] ^= 1;
        s3.client().putObject(p -> p.bucket(BUCKET).key("evidence/" + altered.evidenceId() + "/part-0.cms"),
                software.amazon.awssdk.core.sync.RequestBody.fromBytes(bytes));

        Path secret = Files.writeString(dir.resolve("s3.secret"), S3ProxyServer.SECRET_KEY);
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        StringWriter out = new StringWriter();
        int exit = new picocli.CommandLine(new Main()).setOut(new PrintWriter(out, true)).execute("verify", "--store-type", "s3",
                "--s3-endpoint", s3.endpoint().toString(), "--s3-bucket", BUCKET, "--s3-path-style",
                "--s3-access-key-id", S3ProxyServer.ACCESS_KEY, "--s3-secret-key-file", secret.toString(),
                "--agency-ca", site.pki.caFile().toString(), "--receipt-signers", site.receiptSigner.certFile().toString());
        assertEquals(1, exit, out.toString());
        List<String> lines = out.toString().lines().toList();
        assertTrue(lines.contains("ok " + kept.evidenceId()), out.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("BAD " + altered.evidenceId() + ": part-0.cms: altered (5000 bytes")),
                out.toString());
        assertEquals("2 evidence file(s), 1 intact, 1 missing or altered", lines.get(lines.size() - 1));
    }

    private static String refusal(String... s3Options) {
        List<String> args = new ArrayList<>(List.of("--store", "/nonexistent", "--tls-cert", "c", "--tls-key", "k", "--agency-ca", "a",
                "--receipt-cert", "r", "--receipt-key", "k"));
        args.addAll(List.of(s3Options));
        StringWriter err = new StringWriter();
        int exit = new picocli.CommandLine(new Main()).setErr(new PrintWriter(err, true)).execute(args.toArray(String[]::new));
        assertEquals(2, exit, err.toString());
        assertFalse(err.toString().contains("Exception"), err.toString());
        return err.toString().lines().findFirst().orElse("");
    }

    @Test
    void eachBadStorageOptionIsRefusedAtLoadNamingIt() {
        assertTrue(refusal("--store-type", "tape").contains("--store-type"), "picocli names the option");
        assertEquals("--s3-bucket: missing", refusal("--store-type", "s3"));
        assertEquals("--s3-bucket: \"Evidence_Bucket\" is not a bucket name (3 to 63 lower-case letters, digits, dots and hyphens)",
                refusal("--store-type", "s3", "--s3-bucket", "Evidence_Bucket"));
        assertEquals("--s3-endpoint: \"ftp://store\" is not an http:// or https:// URL with a host",
                refusal("--store-type", "s3", "--s3-bucket", "evidence", "--s3-endpoint", "ftp://store"));
        assertEquals("--s3-region: \"EU Central\" is not a region name (like eu-central-1)",
                refusal("--store-type", "s3", "--s3-bucket", "evidence", "--s3-region", "EU Central"));
        assertEquals("--s3-object-lock-days: -1 is outside 0..36500 (0: no retention)",
                refusal("--store-type", "s3", "--s3-bucket", "evidence", "--s3-object-lock-days", "-1"));
        assertEquals("--s3-object-lock-required: needs s3-object-lock-days, the retention to set",
                refusal("--store-type", "s3", "--s3-bucket", "evidence", "--s3-object-lock-required"));
        assertTrue(refusal("--store-type", "s3", "--s3-bucket", "evidence", "--s3-access-key-id", "AKIA1")
                .startsWith("--s3-secret-key-file: missing"));
        assertEquals("--store-type: the --s3-... options need --store-type s3", refusal("--s3-bucket", "evidence"));
    }
}
