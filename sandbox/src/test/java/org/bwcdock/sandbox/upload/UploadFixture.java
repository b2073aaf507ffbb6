package org.bwcdock.sandbox.upload;

import org.bwcdock.receiver.ReceiverSettings;
import org.bwcdock.receiver.EvidenceReceiver;
import org.bwcdock.agent.custody.CustodySettings;
import org.bwcdock.agent.custody.IngestListener;
import org.bwcdock.agent.custody.IngestRequest;
import org.bwcdock.agent.custody.IngestResult;
import org.bwcdock.agent.custody.IngestSource;
import org.bwcdock.agent.custody.Ingestor;
import org.bwcdock.agent.custody.Ingestors;
import org.bwcdock.agent.ledger.PartRecord;
import org.bwcdock.format.pki.TlsContexts;
import org.bwcdock.agent.spool.Spool;
import org.bwcdock.agent.spool.Spools;
import org.bwcdock.testing.ThrowawayPki;
import org.bwcdock.agent.upload.EvidenceSink;
import org.bwcdock.agent.upload.SinkSettings;
import org.bwcdock.agent.upload.Sinks;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/** Real PKI, a real receiver, real custody output to upload, and a TusSink pointed at it. */
final class UploadFixture implements AutoCloseable {
    final Path dir;
    final ThrowawayPki pki;
    final ThrowawayPki.Leaf dock;
    final ThrowawayPki.Leaf server;
    final ThrowawayPki.Leaf receiptSigner;
    final QueuedFaults faults = new QueuedFaults();
    EvidenceReceiver receiver;
    final List<AutoCloseable> closeables = new ArrayList<>();

    /** The receiver's evidence store: {@code null} for its directory, else a bucket. */
    final S3Bucket bucket;

    UploadFixture(Path dir) throws Exception {
        this(dir, "file");
    }

    /** {@code store}: "file" (the receiver's directory) or "s3" (a bucket in S3Proxy). */
    UploadFixture(Path dir, String store) throws Exception {
        this.dir = dir;
        bucket = store.equals("s3") ? new S3Bucket() : null;
        pki = new ThrowawayPki(Files.createDirectories(dir.resolve("pki")));
        dock = pki.issue("dock-test-01", ThrowawayPki.Kind.EC, ThrowawayPki.Use.CLIENT);
        server = pki.issue("receiver", ThrowawayPki.Kind.EC, ThrowawayPki.Use.SERVER);
        receiptSigner = pki.issue("receipt-signer", ThrowawayPki.Kind.EC, ThrowawayPki.Use.SIGNER);
        pki.issue("evidence", ThrowawayPki.Kind.EC, ThrowawayPki.Use.RECIPIENT);
        receiver = startReceiver(0);
    }

    EvidenceReceiver startReceiver(int port) throws Exception {
        ReceiverSettings s = new ReceiverSettings(new InetSocketAddress("127.0.0.1", port), dir.resolve("store"),
                server.chainFile(), server.keyFile(), pki.caFile(), receiptSigner.certFile(), receiptSigner.keyFile(),
                Duration.ofDays(1), 1L << 31, faults);
        return EvidenceReceiver.start(bucket == null ? s : s.withS3(bucket.storage()));
    }

    /** A file ingested by the real custody code: its parts, manifest and signature. */
    record Ingested(IngestResult result, Spool spool) {
        EvidenceSink.Delivery delivery(List<String> urls) {
            List<EvidenceSink.Part> parts = new ArrayList<>();
            for (PartRecord p : result.parts()) {
                parts.add(new EvidenceSink.Part(p.index(), spool.resolve(p.spoolFile()), p.ciphertextLength(),
                        p.ciphertextSha256(), urls == null ? null : urls.get(p.index())));
            }
            return new EvidenceSink.Delivery(1, "camera T bay 1: VID.MP4", parts, result.manifestJson(),
                    result.manifestSignature(), result.plaintextSha256());
        }
    }

    Ingested ingest(ThrowawayPki.Leaf signer, int size, int partSize) throws Exception {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        Spool spool = Spools.open(dir.resolve("spool-" + signer.certificate().getSerialNumber()), Long.MAX_VALUE);
        closeables.add(spool);
        var recipient = org.bwcdock.format.pki.PemFiles.readCertificates(pki.dir.resolve("evidence.pem"));
        try (Ingestor in = Ingestors.create(new CustodySettings("dock-test-01", partSize, recipient, signer.key(),
                pki.chain(signer), "test", Duration.ofMinutes(1), Clock.systemUTC()), spool)) {
            IngestResult r = in.ingest(new IngestRequest(1, "BWC-T", 1, null, "DCIM/VID.MP4", null, size, 0, "0".repeat(64)),
                    new IngestSource() {
                        @Override
                        public InputStream open() {
                            return new ByteArrayInputStream(data);
                        }

                        @Override
                        public boolean unchanged() {
                            return true;
                        }
                    }, IngestListener.NONE);
            return new Ingested(r, spool);
        }
    }

    EvidenceSink sink(int port, ThrowawayPki.Leaf client, Path receiptSigners, long bandwidth) throws Exception {
        return sink(port, client, receiptSigners, bandwidth, List.of(), Clock.systemUTC());
    }

    /** With upload windows, read in {@code clock}'s time. */
    EvidenceSink sink(int port, ThrowawayPki.Leaf client, Path receiptSigners, long bandwidth,
                      List<org.bwcdock.agent.upload.UploadWindow> windows, Clock clock) throws Exception {
        SinkSettings s = new SinkSettings(URI.create("https://127.0.0.1:" + port + "/"),
                Optional.of(TlsContexts.create(client.chainFile(), client.keyFile(), pki.caFile())),
                org.bwcdock.format.ReceiptSigners.of(org.bwcdock.format.pki.PemFiles.readCertificates(receiptSigners)), 1 << 20, Duration.ofSeconds(5),
                Duration.ofSeconds(20), Duration.ofSeconds(60), Duration.ofSeconds(1), bandwidth, "dock-test-01", windows, clock,
                java.time.ZoneOffset.UTC, Optional::empty);
        EvidenceSink sink = Sinks.tus(s);
        closeables.add(sink);
        return sink;
    }

    EvidenceSink sink() throws Exception {
        return sink(receiver.port(), dock, receiptSigner.certFile(), 0);
    }

    static final EvidenceSink.Listener QUIET = new EvidenceSink.Listener() {
        @Override
        public void partCreated(int index, String url) {
        }

        @Override
        public void partProgress(int index, long confirmedOffset) {
        }
    };

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        receiver.close();
        if (bucket != null) {
            bucket.close();
        }
    }
}
