package org.bwcdock.receiver;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The offset and conflict rules of uploads kept in a bucket, with two stores on one bucket of a real
 * S3 API server (S3Proxy, in this JVM) standing for two receivers: the offset is read from the
 * bucket, each offset is written once, a complete upload cannot change, and a PATCH landing after
 * its upload was committed or removed does not stay.
 */
@Timeout(120)
class S3UploadStoreTest {
    private static final String BUCKET = "uploads-test";

    @TempDir
    Path dir;
    private S3ProxyServer s3;
    private S3Client client;
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    };

    @BeforeEach
    void start() throws Exception {
        s3 = new S3ProxyServer();
        s3.client().createBucket(b -> b.bucket(BUCKET));
        client = S3ProxyServer.client(s3.endpoint());
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        s3.close();
    }

    /** A receiver's upload store on the shared bucket, its staging directory its own. */
    private S3UploadStore receiver(String name, int maxOpen) throws Exception {
        return new S3UploadStore(client, BUCKET, dir.resolve(name), Duration.ofHours(1), clock, maxOpen, 1L << 30);
    }

    private static byte[] random(int size, int seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** A PATCH body staged, then kept at {@code offset}, as TusHandler does it. */
    private static void patch(UploadStore store, UploadStore.Upload u, long offset, byte[] body) throws Exception {
        stage(store, u, body);
        store.keepStaged(u, offset, body.length, org.bwcdock.format.pki.Digests.sha256().digest(body));
    }

    private static void stage(UploadStore store, UploadStore.Upload u, byte[] body) throws Exception {
        try (WritableByteChannel c = store.stage(u)) {
            c.write(ByteBuffer.wrap(body));
        }
    }

    private static byte[] read(UploadStore store, UploadStore.Upload u) throws Exception {
        try (InputStream in = store.read(u)) {
            return in.readAllBytes();
        }
    }

    private List<String> keys(String prefix) {
        List<String> out = new ArrayList<>();
        for (S3Object o : s3.client().listObjectsV2Paginator(l -> l.bucket(BUCKET).prefix(prefix)).contents()) {
            out.add(o.key());
        }
        return out;
    }

    @Test
    void theStoreRefusesASecondObjectUnderAKeyWrittenWithIfNoneMatch() {
        // The premise of the design: a conditional PUT that S3Proxy (like S3 itself) refuses with 412.
        client.putObject(p -> p.bucket(BUCKET).key("k").ifNoneMatch("*"), RequestBody.fromString("first"));
        S3Exception e = assertThrows(S3Exception.class,
                () -> client.putObject(p -> p.bucket(BUCKET).key("k").ifNoneMatch("*"), RequestBody.fromString("second")));
        assertEquals(412, e.statusCode());
        assertEquals("first", s3.client().getObjectAsBytes(g -> g.bucket(BUCKET).key("k")).asUtf8String());
    }

    @Test
    void anUploadStartedOnOneReceiverContinuesOnTheOtherAtTheOffsetTheBucketHolds() throws Exception {
        S3UploadStore a = receiver("a", 10);
        S3UploadStore b = receiver("b", 10);
        byte[] bytes = random(300_000, 1);
        UploadStore.Upload u = a.create("dock-01", bytes.length);
        assertEquals(u, b.find(u.id(), "dock-01").orElseThrow(), "the other receiver finds it");
        assertTrue(b.find(u.id(), "dock-02").isEmpty(), "another dock does not");
        patch(a, u, 0, Arrays.copyOfRange(bytes, 0, 100_000));
        assertEquals(100_000, b.offset(u));
        assertEquals(org.bwcdock.format.pki.Digests.sha256Hex(Arrays.copyOfRange(bytes, 0, 100_000)), a.sha256(u),
                "the hash of what is there so far (and not remembered: it will change)");
        patch(b, u, 100_000, Arrays.copyOfRange(bytes, 100_000, 250_000));
        assertEquals(250_000, a.offset(u));
        patch(a, u, 250_000, Arrays.copyOfRange(bytes, 250_000, bytes.length));
        assertEquals(bytes.length, b.offset(u));
        assertArrayEquals(bytes, read(b, u));
        assertEquals(org.bwcdock.format.pki.Digests.sha256Hex(bytes), a.sha256(u));
        assertEquals(List.of(S3UploadStore.chunkKey(u, 0), S3UploadStore.chunkKey(u, 100_000), S3UploadStore.chunkKey(u, 250_000)),
                keys("uploads/dock-01/" + u.id() + "/chunk-"), "one object per accepted PATCH, keyed by its offset");
    }

    @Test
    void twoPatchesAtTheSameOffsetOnTwoReceiversKeepExactlyOne() throws Exception {
        S3UploadStore a = receiver("a", 10);
        S3UploadStore b = receiver("b", 10);
        UploadStore.Upload u = a.create("dock-01", 2000);
        byte[] first = random(1000, 2);
        byte[] second = random(1500, 3);
        // Both saw offset 0 and staged their body; the first to store wins, the second gets the 409.
        stage(a, u, first);
        stage(b, u, second);
        a.keepStaged(u, 0, first.length, org.bwcdock.format.pki.Digests.sha256().digest(first));
        UploadStore.Conflict c = assertThrows(UploadStore.Conflict.class, () -> b.keepStaged(u, 0, second.length, org.bwcdock.format.pki.Digests.sha256().digest(second)));
        assertTrue(c.getMessage().contains("offset 0"), c.getMessage());
        assertEquals(1000, b.offset(u));
        assertArrayEquals(first, read(b, u), "the bytes are the first PATCH's, whole");
        assertTrue(!b.hasStaged(u), "the refused body is not kept anywhere");
    }

    @Test
    void aCompleteUploadCannotChangeWhateverAStalePatchSends() throws Exception {
        S3UploadStore a = receiver("a", 10);
        S3UploadStore b = receiver("b", 10);
        byte[] bytes = random(2000, 4);
        UploadStore.Upload u = a.create("dock-01", bytes.length);
        patch(a, u, 0, Arrays.copyOfRange(bytes, 0, 1000));
        patch(a, u, 1000, Arrays.copyOfRange(bytes, 1000, 2000));
        // A PATCH on the other receiver that read the offset before the upload was complete can only
        // aim at an offset the chain once ended at: every one of them is taken.
        for (long stale : new long[] {0, 1000}) {
            assertThrows(UploadStore.Conflict.class, () -> patch(b, u, stale, random(1000, 5)));
        }
        assertArrayEquals(bytes, read(a, u), "what a commit receipted is still what the bucket holds");
    }

    @Test
    void aPatchLandingAfterItsUploadWasCommittedOrRemovedDoesNotStay() throws Exception {
        S3UploadStore a = receiver("a", 10);
        S3UploadStore b = receiver("b", 10);
        UploadStore.Upload u = a.create("dock-01", 5000);
        patch(a, u, 0, random(1000, 6));
        byte[] late = random(1000, 7);
        stage(b, u, late); // B is receiving a body for offset 1000 ...
        a.delete(u);       // ... when A commits (or deletes) the upload
        UploadStore.Conflict c = assertThrows(UploadStore.Conflict.class,
                () -> b.keepStaged(u, 1000, 1000, org.bwcdock.format.pki.Digests.sha256().digest(late)));
        assertTrue(c.getMessage().contains("committed or removed"), c.getMessage());
        assertEquals(List.of(), keys("uploads/"), "nothing of the upload is left in the bucket");
        assertTrue(b.find(u.id(), "dock-01").isEmpty());
    }

    @Test
    void limitsAndExpiryAreReadFromTheBucketSoEveryReceiverSeesEveryUpload() throws Exception {
        S3UploadStore a = receiver("a", 2);
        S3UploadStore b = receiver("b", 2);
        UploadStore.Upload first = a.create("dock-01", 100);
        b.create("dock-01", 100);
        UploadStore.OverLimit refused = assertThrows(UploadStore.OverLimit.class, () -> b.create("dock-01", 100));
        assertTrue(refused.getMessage().contains("max-open-uploads-per-dock"), refused.getMessage());
        assertThrows(UploadStore.OverLimit.class, () -> a.create("dock-01", 100), "A counts B's upload too");
        b.create("dock-02", 100); // another dock has its own limit
        assertEquals(new UploadStore.Usage(2, 200), a.usage("dock-01"));

        now.set(now.get().plus(Duration.ofHours(2)));
        assertTrue(b.expired(first));
        assertEquals(3, b.sweep(), "B's sweeper removes what A created as well");
        assertEquals(List.of(), keys("uploads/"));
        assertEquals(UploadStore.Usage.NONE, a.usage("dock-01"));
        a.create("dock-01", 100);
    }

    @Test
    void chunksLeftByARemovalCutShortAreSweptAndAnUploadInUseIsNot() throws Exception {
        S3UploadStore a = receiver("a", 10);
        UploadStore.Upload live = a.create("dock-01", 5000);
        patch(a, live, 0, random(1000, 8));
        // What a receiver killed between deleting an upload's info- and its chunks leaves behind.
        String orphan = "uploads/dock-01/" + "0".repeat(31) + "1/chunk-" + "0".repeat(19);
        client.putObject(p -> p.bucket(BUCKET).key(orphan), RequestBody.fromBytes(random(1000, 9)));
        assertEquals(1, receiver("b", 10).sweep());
        assertTrue(!keys("uploads/").contains(orphan), "the orphaned chunk is gone");
        assertEquals(1000, a.offset(live), "the upload in use is untouched");
        assertEquals(2, keys("uploads/dock-01/" + live.id() + "/").size());
    }
}
