package org.bwcdock.sandbox;

import org.bwcdock.agent.upload.EvidenceSink;
import org.bwcdock.agent.upload.SinkSettings;
import org.bwcdock.agent.upload.Sinks;
import org.bwcdock.format.Manifest;
import org.bwcdock.format.ManifestSignatures;
import org.bwcdock.format.ReceiptSigners;
import org.bwcdock.format.io.FileTrees;
import org.bwcdock.format.pki.Digests;
import org.bwcdock.format.pki.TlsContexts;
import org.bwcdock.testing.ThrowawayPki;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The receiver row: {@code docks} docks at once, each delivering one file of {@code parts} parts
 * through one receiver (its own JVM) with the dock's TusSink, commit and verified receipt included;
 * next to {@code docks} curl processes at once, each creating and PATCHing the same parts to the
 * same receiver. Their ratio is what serving many docks, commits and receipts costs over moving
 * the same bytes with curl. Run once per store: the receiver's directory, and an S3 bucket (S3Proxy
 * on loopback in this JVM over files in the same place, {@link BenchBucket}) holding uploads and evidence.
 */
final class ReceiverBench {
    private ReceiverBench() {
    }

    record Shape(int docks, int parts, long partBytes) {
        long bytes() {
            return (long) docks * parts * partBytes;
        }
    }

    /** Where the receiver keeps uploads and evidence. */
    enum Store { FILE, S3 }

    static List<Bench.Row> run(Path work, ThrowawayPki pki, Shape shape, Store kind) throws Exception {
        ThrowawayPki.Leaf server = pki.issue("bench-receiver-n", ThrowawayPki.Kind.EC, ThrowawayPki.Use.SERVER);
        ThrowawayPki.Leaf signer = pki.issue("bench-receipts-n", ThrowawayPki.Kind.EC, ThrowawayPki.Use.SIGNER);
        List<ThrowawayPki.Leaf> docks = new ArrayList<>();
        for (int d = 0; d < shape.docks(); d++) {
            docks.add(pki.issue("bench-dock-%02d".formatted(d), ThrowawayPki.Kind.EC, ThrowawayPki.Use.CLIENT));
        }
        List<Path> parts = new ArrayList<>();
        java.util.Random random = new java.util.Random(7);
        for (int p = 0; p < shape.parts(); p++) {
            byte[] b = new byte[(int) shape.partBytes()];
            random.nextBytes(b);
            parts.add(Files.write(work.resolve("receiver-bench-part-" + p + ".cms"), b));
        }
        // The S3 store is emptied after each round; the directory keeps every round's evidence until the end.
        long room = kind == Store.S3 ? 3 * shape.bytes() : (Bench.ROUNDS * 2 + 1) * shape.bytes();
        Optional<Path> inMemory = Bench.inMemory("bwcdock-bench-receiver-n-", room);
        Path store = inMemory.orElse(work.resolve("receiver-n"));
        System.out.println("bench: receiver row (" + kind.name().toLowerCase(java.util.Locale.ROOT) + " store): " + shape.docks()
                + " docks x " + shape.parts() + " parts of " + (shape.partBytes() >> 20) + " MiB, " + (kind == Store.S3 ? "bucket " : "store ")
                + (inMemory.isPresent() ? "in memory " : "on disk ") + store);
        BenchBucket bucket = kind == Store.S3 ? new BenchBucket(store.resolve("bucket")) : null;
        Path secret = work.resolve("receiver-bench-s3-secret");
        List<String> cmd = new ArrayList<>(List.of(Jvms.java(), "-cp", System.getProperty("java.class.path"),
                "org.bwcdock.receiver.Main", "--port", "0", "--store", store.resolve("receiver").toString(),
                "--tls-cert", server.chainFile().toString(), "--tls-key", server.keyFile().toString(),
                "--agency-ca", pki.caFile().toString(), "--receipt-cert", signer.certFile().toString(),
                "--receipt-key", signer.keyFile().toString(), "--max-upload", Long.toString(2 * shape.partBytes())));
        if (bucket != null) {
            cmd.addAll(bucket.receiverOptions(secret));
        }
        Process receiver = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(shape.docks(), r -> new Thread(r, "bench-dock-" + n.incrementAndGet()));
        try {
            String base = "https://127.0.0.1:" + Jvms.awaitLine(receiver, "listening on port ", Duration.ofSeconds(60));
            List<String> hashes = new ArrayList<>();
            for (Path p : parts) {
                hashes.add(Digests.sha256Hex(p));
            }
            List<Double> ours = new ArrayList<>();
            List<Double> curl = new ArrayList<>();
            for (int round = 0; round < Bench.ROUNDS; round++) {
                int r = round;
                double o = wall(pool, docks, dock -> deliver(base, pki, dock, parts, hashes, shape, "BENCH-" + r));
                double c = wall(pool, docks, dock -> curlParts(base, pki, dock, parts, hashes, work));
                System.out.printf("bench: receiver (%s) round %d: %d docks' TusSink %.2f s, %d curl -T %.2f s%n",
                        kind.name().toLowerCase(java.util.Locale.ROOT), round + 1, shape.docks(), o, shape.docks(), c);
                ours.add(o);
                curl.add(c);
                if (bucket != null) {
                    bucket.empty();
                }
            }
            String where = kind == Store.S3 ? ", S3 store" : "";
            String what = shape.docks() + " x curl -T, " + shape.parts() + " parts each" + where;
            return List.of(new Bench.Row(what, curl, shape.bytes()),
                    new Bench.Row(shape.docks() + " docks x " + shape.parts() + " parts + commit" + where, ours, shape.bytes()));
        } finally {
            pool.shutdownNow();
            Jvms.stop(receiver);
            if (bucket != null) {
                bucket.close();
            }
            Files.deleteIfExists(secret);
            FileTrees.delete(store);
            for (Path p : parts) {
                Files.deleteIfExists(p);
            }
        }
    }

    interface PerDock {
        void run(ThrowawayPki.Leaf dock) throws Exception;
    }

    /** Seconds from the start of all docks to the end of the last one. */
    private static double wall(ExecutorService pool, List<ThrowawayPki.Leaf> docks, PerDock work) throws Exception {
        long t0 = System.nanoTime();
        List<Future<?>> running = new ArrayList<>();
        for (ThrowawayPki.Leaf d : docks) {
            running.add(pool.submit(() -> {
                work.run(d);
                return null;
            }));
        }
        for (Future<?> f : running) {
            f.get();
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /** One file of all the parts, delivered as the dock does: tus, commit, a receipt it verifies. */
    private static void deliver(String base, ThrowawayPki pki, ThrowawayPki.Leaf dock, List<Path> parts, List<String> hashes, Shape shape,
                                String camera) throws Exception {
        String dockId = dock.certificate().getSubjectX500Principal().getName().replace("CN=", "");
        List<Manifest.Part> mp = new ArrayList<>();
        List<EvidenceSink.Part> sp = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            mp.add(new Manifest.Part(i, i * shape.partBytes(), shape.partBytes(), hashes.get(i), hashes.get(i), shape.partBytes()));
            sp.add(new EvidenceSink.Part(i, parts.get(i), shape.partBytes(), hashes.get(i), null));
        }
        String fileSha = hashes.get(0); // not a real file: the receiver and the dock check the parts, and that the receipt repeats this
        Manifest m = new Manifest(dockId, camera, 1, null, new Manifest.FileFacts("DCIM/BENCH.MP4",
                "DCIM/BENCH.MP4".getBytes(StandardCharsets.UTF_8), shape.bytes() / shape.docks(), Instant.parse("2026-12-01T09:00:00Z"), fileSha),
                (int) shape.partBytes(), mp, List.of(new Manifest.Recipient(fileSha, "CN=evidence", "ECDH-P384-AES256-KW")), "bench",
                Instant.parse("2026-12-01T10:00:00Z"), Instant.parse("2026-12-01T10:00:01Z"), fileSha,
                new Manifest.ClockEvidence(new Manifest.DockClock("adjtimex", true, 2000, 500), Manifest.CameraClock.unmeasured(120_000)));
        byte[] manifest = m.encode();
        byte[] signature = ManifestSignatures.sign(manifest, dock.key(), pki.chain(dock));
        EvidenceSink sink = Sinks.tus(new SinkSettings(URI.create(base + "/"),
                Optional.of(TlsContexts.create(dock.chainFile(), dock.keyFile(), pki.caFile())), ReceiptSigners.of(List.of(pki.ca)),
                8 << 20, Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofSeconds(5), 0, dockId));
        try {
            sink.deliver(new EvidenceSink.Delivery(1, "bench", sp, manifest, signature, fileSha), new EvidenceSink.Listener() {
                @Override
                public void partCreated(int index, String url) {
                }

                @Override
                public void partProgress(int index, long confirmedOffset) {
                }
            });
        } finally {
            sink.close();
        }
    }

    /** The same parts with curl: create, then one PATCH of the whole part with its checksum (left in the store: the bench deletes it). */
    private static void curlParts(String base, ThrowawayPki pki, ThrowawayPki.Leaf dock, List<Path> parts, List<String> hashes, Path work)
            throws Exception {
        List<String> tls = List.of("--cacert", pki.caFile().toString(), "--cert", dock.chainFile().toString(), "--key", dock.keyFile().toString());
        for (int i = 0; i < parts.size(); i++) {
            String location = UploadBench.create(base, tls, Files.size(parts.get(i)), work);
            String checksum = "sha256 " + java.util.Base64.getEncoder().encodeToString(java.util.HexFormat.of().parseHex(hashes.get(i)));
            List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "-f", "-o", "/dev/null", "-X", "PATCH", "-H", "Tus-Resumable: 1.0.0",
                    "-H", "Upload-Offset: 0", "-H", "Content-Type: application/offset+octet-stream", "-H", "Upload-Checksum: " + checksum,
                    "-T", parts.get(i).toString()));
            cmd.addAll(tls);
            cmd.add(base + location);
            Bench.time(cmd, work);
        }
    }
}
