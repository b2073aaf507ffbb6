package org.bwcdock.sandbox.upload;

import org.bwcdock.receiver.Faults;
import org.bwcdock.testing.FaultProxy;
import org.bwcdock.testing.ThrowawayPki;
import org.bwcdock.format.BadReceiptException;
import org.bwcdock.agent.upload.EvidenceSink;
import org.bwcdock.format.Receipt;
import org.bwcdock.format.Receipts;
import org.bwcdock.agent.upload.UploadException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dock's TusSink against the real reference receiver, one fault at a time, the receiver keeping
 * evidence in its directory ({@link UploadFaultsS3Test}: the same faults with the S3 store).
 */
@Timeout(90)
class UploadFaultsTest {
    @TempDir
    Path dir;
    UploadFixture f;

    /** The receiver's evidence store: "file" or "s3". */
    String store() {
        return "file";
    }

    @BeforeEach
    void setUp() throws Exception {
        f = new UploadFixture(dir, store());
    }

    @AfterEach
    void tearDown() throws Exception {
        f.close();
    }

    private byte[] deliverOk(UploadFixture.Ingested in) throws Exception {
        byte[] receipt = f.sink().deliver(in.delivery(null), UploadFixture.QUIET);
        Receipt r = Receipts.verify(receipt, List.of(f.pki.ca));
        assertEquals(in.result().plaintextSha256(), r.plaintextSha256());
        assertEquals(1, f.receiver.evidenceCount(), "exactly one copy at the receiver");
        return receipt;
    }

    @Test
    void deliversAndTheSameCommitTwiceGivesTheSameReceipt() throws Exception {
        UploadFixture.Ingested in = f.ingest(f.dock, 3_500_000, 1 << 20);
        byte[] first = deliverOk(in);
        byte[] again = f.sink().deliver(in.delivery(null), UploadFixture.QUIET);
        assertArrayEquals(first, again, "a repeated commit returns the stored receipt");
        assertEquals(1, f.receiver.evidenceCount());
    }

    /** The dock died after the server took its commit and before it recorded the receipt; it starts again. */
    @Test
    void aCommitTakenBeforeTheDockDiedIsAskedForNotUploadedAgain() throws Exception {
        UploadFixture.Ingested in = f.ingest(f.dock, 2_500_000, 1 << 20);
        String[] urls = new String[in.result().parts().size()];
        byte[] first = f.sink().deliver(in.delivery(null), creations(urls, new AtomicInteger()));
        AtomicInteger created = new AtomicInteger();
        byte[] again = f.sink().deliver(in.delivery(List.of(urls)), creations(new String[urls.length], created));
        assertArrayEquals(first, again, "the stored receipt");
        assertEquals(0, created.get(), "no part uploaded again");
        assertEquals(1, f.receiver.evidenceCount());
        if (f.bucket != null) {
            assertEquals(List.of(), f.bucket.keys("uploads/"), "no uploads left over in the bucket");
        } else {
            try (var left = Files.list(dir.resolve("store/uploads"))) {
                assertEquals(List.of(), left.toList(), "no uploads left over at the receiver");
            }
        }
    }

    /** Stored uploads that expired at the server before any commit: asked, refused (409), then sent again. */
    @Test
    void uploadsExpiredBeforeAnyCommitAreSentAgain() throws Exception {
        UploadFixture.Ingested in = f.ingest(f.dock, 1_500_000, 1 << 20);
        List<String> expired = new ArrayList<>();
        for (int i = 0; i < in.result().parts().size(); i++) {
            expired.add("/uploads/" + "0".repeat(31) + i);
        }
        AtomicInteger created = new AtomicInteger();
        byte[] receipt = f.sink().deliver(in.delivery(expired), creations(new String[expired.size()], created));
        assertEquals(in.result().plaintextSha256(), Receipts.verify(receipt, List.of(f.pki.ca)).plaintextSha256());
        assertEquals(expired.size(), created.get(), "every part uploaded anew");
        assertEquals(1, f.receiver.evidenceCount());
    }

    private static EvidenceSink.Listener creations(String[] urls, AtomicInteger created) {
        return new EvidenceSink.Listener() {
            @Override
            public void partCreated(int index, String url) {
                urls[index] = url;
                created.incrementAndGet();
            }

            @Override
            public void partProgress(int index, long confirmedOffset) {
            }
        };
    }

    @Test
    void receiverRestartedMidUploadResumesFromItsOffset() throws Exception {
        UploadFixture.Ingested in = f.ingest(f.dock, 24 << 20, 32 << 20);
        long partBytes = in.result().parts().get(0).ciphertextLength();
        try (FaultProxy proxy = new FaultProxy("receiver", f.receiver.port())) {
            EvidenceSink sink = f.sink(proxy.port(), f.dock, f.receiptSigner.certFile(), 8L << 20); // 8 MB/s: ~3 s
            AtomicReference<Object> result = new AtomicReference<>();
            List<Long> progress = new ArrayList<>();
            Thread t = new Thread(() -> {
                try {
                    result.set(sink.deliver(in.delivery(null), new EvidenceSink.Listener() {
                        @Override
                        public void partCreated(int index, String url) {
                        }

                        @Override
                        public void partProgress(int index, long offset) {
                            synchronized (progress) {
                                progress.add(offset);
                            }
                        }
                    }));
                } catch (Exception e) {
                    result.set(e);
                }
            }, "test-upload");
            t.start();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (maxProgress(progress) < partBytes / 3 && System.nanoTime() < deadline) {
                Thread.sleep(10); // poll
            }
            f.receiver.close(); // the receiver dies mid-upload
            proxy.resetAll();
            f.receiver = f.startReceiver(0); // and comes back, same store, new port
            proxy.retarget(f.receiver.port());
            t.join(60_000);
            assertTrue(result.get() instanceof byte[], () -> "delivery failed: " + result.get());
            assertTrue(proxy.upstreamBytes() < 1.2 * partBytes,
                    "sent " + proxy.upstreamBytes() + " bytes for a part of " + partBytes + ": it restarted from zero");
            assertEquals(1, f.receiver.evidenceCount());
        }
    }

    private static long maxProgress(List<Long> p) {
        synchronized (p) {
            return p.stream().mapToLong(Long::longValue).max().orElse(0);
        }
    }

    @Test
    void connectionResetMidPatch() throws Exception {
        f.faults.add("PATCH", new Faults.ResetAfter(300_000));
        deliverOk(f.ingest(f.dock, 2_000_000, 1 << 20));
    }

    @Test
    void conflict409MeansAskAndContinue() throws Exception {
        f.faults.add("PATCH", new Faults.Status(409));
        deliverOk(f.ingest(f.dock, 2_000_000, 1 << 20));
    }

    @Test
    void checksumMismatch460MeansSendTheChunkAgain() throws Exception {
        f.faults.add("PATCH", new Faults.Status(460));
        deliverOk(f.ingest(f.dock, 2_000_000, 1 << 20));
    }

    @Test
    void storm503IsWaitedOut() throws Exception {
        f.faults.add("POST", new Faults.Status(503), 3).add("PATCH", new Faults.Status(503), 2);
        deliverOk(f.ingest(f.dock, 1_500_000, 1 << 20));
    }

    @Test
    void aDocksLimitAtTheReceiver429IsWaitedOutNotFatal() throws Exception {
        f.faults.add("POST", new Faults.Status(429), 2);
        deliverOk(f.ingest(f.dock, 1_000_000, 1 << 20));
    }

    /** The receiver says when to come back (Retry-After with its 429): the dock waits that long, not its own 1 s. */
    @Test
    void aRetryAfterIsWaitedFor() throws Exception {
        f.faults.add("POST", new Faults.Status(429, "3"));
        deliverOk(f.ingest(f.dock, 1_000_000, 1 << 20));
        List<Long> posts = f.faults.arrivals("POST");
        assertTrue(posts.size() >= 2, "POSTs: " + posts.size());
        long waited = posts.get(1) - posts.get(0);
        assertTrue(waited >= java.util.concurrent.TimeUnit.SECONDS.toNanos(3), "retried after " + waited / 1_000_000 + " ms");
    }

    @Test
    void serverClaimingAnOffsetBeyondTheLengthIsAnError() throws Exception {
        f.faults.add("PATCH", new Faults.Status(409)).add("HEAD", new Faults.LieOffset(1L << 40));
        UploadFixture.Ingested in = f.ingest(f.dock, 1_000_000, 1 << 20);
        UploadException e = assertThrows(UploadException.class, () -> f.sink().deliver(in.delivery(null), UploadFixture.QUIET));
        assertTrue(e.getMessage().contains("beyond the part's"), e.getMessage());
        assertFalse(e.retryable());
        assertEquals(0, f.receiver.evidenceCount());
    }

    @Test
    void receiptFromAnUntrustedSignerIsRejected(@TempDir Path other) throws Exception {
        ThrowawayPki otherPki = new ThrowawayPki(other);
        ThrowawayPki.Leaf stranger = otherPki.issue("stranger", ThrowawayPki.Kind.EC, ThrowawayPki.Use.SIGNER);
        UploadFixture.Ingested in = f.ingest(f.dock, 500_000, 1 << 20);
        EvidenceSink sink = f.sink(f.receiver.port(), f.dock, stranger.certFile(), 0);
        BadReceiptException e = assertThrows(BadReceiptException.class, () -> sink.deliver(in.delivery(null), UploadFixture.QUIET));
        assertTrue(e.getMessage().contains("neither issued by the agency CA nor pinned"), e.getMessage());
        assertEquals(1, f.receiver.evidenceCount());
    }

    @Test
    void receiptWithTheWrongHashIsRejected() throws Exception {
        UploadFixture.Ingested in = f.ingest(f.dock, 500_000, 1 << 20);
        byte[] forged = Receipts.sign(new Receipt("x", "dock-test-01", "BWC-T", "DCIM/VID.MP4", "0".repeat(64),
                org.bwcdock.format.pki.Digests.sha256Hex(in.result().manifestJson()), List.of(in.result().parts().get(0).ciphertextSha256()), "now"),
                f.receiptSigner.key(), f.receiptSigner.certificate());
        Receipt r = Receipts.verify(forged, List.of(f.receiptSigner.certificate()));
        BadReceiptException e = assertThrows(BadReceiptException.class, () -> Receipts.check(r, in.result().manifestJson(),
                in.result().plaintextSha256(), List.of(in.result().parts().get(0).ciphertextSha256())));
        assertTrue(e.getMessage().contains("is not the ingest hash"), e.getMessage());
    }

    @Test
    void clientWithACertificateFromAnotherCaIsRefused(@TempDir Path other) throws Exception {
        ThrowawayPki otherPki = new ThrowawayPki(other);
        ThrowawayPki.Leaf intruder = otherPki.issue("dock-test-01", ThrowawayPki.Kind.EC, ThrowawayPki.Use.CLIENT);
        UploadFixture.Ingested in = f.ingest(f.dock, 100_000, 1 << 20);
        EvidenceSink sink = f.sink(f.receiver.port(), intruder, f.receiptSigner.certFile(), 0);
        Exception e = assertThrows(Exception.class, () -> sink.deliver(in.delivery(null), UploadFixture.QUIET));
        assertTrue(e instanceof UploadException, e::toString);
        assertEquals(0, f.receiver.evidenceCount());
    }

    @Test
    void manifestSignedByAnotherDockThanTheClientIsRefused() throws Exception {
        ThrowawayPki.Leaf otherDock = f.pki.issue("dock-test-02", ThrowawayPki.Kind.EC, ThrowawayPki.Use.CLIENT);
        UploadFixture.Ingested in = f.ingest(otherDock, 100_000, 1 << 20);
        UploadException e = assertThrows(UploadException.class, () -> f.sink().deliver(in.delivery(null), UploadFixture.QUIET));
        assertTrue(e.getMessage().contains("403"), e.getMessage());
        assertEquals(0, f.receiver.evidenceCount());
    }

    @Test
    void receiverStoreSurvivesForEvidenceOpen() throws Exception {
        deliverOk(f.ingest(f.dock, 1_200_000, 1 << 20));
        if (f.bucket != null) {
            List<String> keys = f.bucket.keys("evidence/");
            String prefix = keys.get(0).substring(0, keys.get(0).lastIndexOf('/') + 1);
            assertEquals(List.of(prefix + "manifest.json", prefix + "manifest.p7s", prefix + "part-0.cms", prefix + "part-1.cms",
                    prefix + "receipt.p7s"), keys.stream().sorted().toList());
            return;
        }
        try (var dirs = Files.list(dir.resolve("store/evidence"))) {
            Path ev = dirs.findFirst().orElseThrow();
            assertTrue(Files.exists(ev.resolve("manifest.json")) && Files.exists(ev.resolve("manifest.p7s"))
                    && Files.exists(ev.resolve("part-0.cms")) && Files.exists(ev.resolve("part-1.cms"))
                    && Files.exists(ev.resolve("receipt.p7s")));
        }
    }
}
