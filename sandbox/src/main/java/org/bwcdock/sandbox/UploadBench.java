package org.bwcdock.sandbox;

import org.bwcdock.format.pki.Digests;
import org.bwcdock.format.io.FileTrees;
import org.bwcdock.testing.ThrowawayPki;
import org.bwcdock.format.pki.TlsContexts;
import org.bwcdock.agent.upload.EvidenceSink;
import org.bwcdock.agent.upload.SinkSettings;
import org.bwcdock.agent.upload.Sinks;
import org.bwcdock.agent.upload.UploadException;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Upload of one big part over loopback TLS to the reference receiver: curl -T versus our TusSink. */
final class UploadBench {
    private UploadBench() {
    }

    /** Rounds of each contender, alternating (Bench.ROUNDS): the order and the disk's write-back state otherwise decide. */
    private static final int ROUNDS = Bench.ROUNDS;

    /** The rows, and curl's CPU seconds per GB uploading to nginx: the upload's part of the CPU floor. */
    /** @param tusSinkCpuSeconds CPU of one TusSink upload to our receiver, client and receiver (median) */
    record Result(List<Bench.Row> rows, double curlCpuSecondsPerGb, double tusSinkCpuSeconds) {
    }

    static Result run(Path work, ThrowawayPki pki, ThrowawayPki.Leaf dock, Path file, long size) throws Exception {
        ThrowawayPki.Leaf server = pki.issue("bench-receiver", ThrowawayPki.Kind.EC, ThrowawayPki.Use.SERVER);
        ThrowawayPki.Leaf signer = pki.issue("bench-receipts", ThrowawayPki.Kind.EC, ThrowawayPki.Use.SIGNER);
        Path store = store(work, size);
        // The receiver in its own JVM, as in production: in the client's JVM, JSSE's compiled code
        // served both ends, and every upload after the first slowed down by half (curl too).
        Process receiver = new ProcessBuilder(Jvms.java(), "-cp", System.getProperty("java.class.path"),
                "org.bwcdock.receiver.Main", "--port", "0", "--store", store.toString(),
                "--tls-cert", server.chainFile().toString(), "--tls-key", server.keyFile().toString(),
                "--agency-ca", pki.caFile().toString(), "--receipt-cert", signer.certFile().toString(),
                "--receipt-key", signer.keyFile().toString(), "--max-upload", Long.toString(2 * size))
                .redirectErrorStream(true).start();
        try {
            String base = "https://127.0.0.1:" + Jvms.awaitLine(receiver, "listening on port ", Duration.ofSeconds(60));
            List<String> tls = List.of("--cacert", pki.caFile().toString(), "--cert", dock.chainFile().toString(),
                    "--key", dock.keyFile().toString());
            // Same work at the receiver for both: it verifies an Upload-Checksum (computed for curl beforehand, untimed).
            String fileSha = Digests.sha256Hex(file);
            String checksum = "sha256 " + java.util.Base64.getEncoder().encodeToString(java.util.HexFormat.of().parseHex(fileSha));
            List<Double> tusSinkCpu = new java.util.ArrayList<>();
            List<Bench.Row> rows = new java.util.ArrayList<>(rounds("our receiver", base, tls, dock, pki, file, size, fileSha,
                    checksum, work, Optional.of(receiver), tusSinkCpu));
            // The same two clients against a server that is neither ours nor the bottleneck: the ratio is the clients'.
            Path bodies = Bench.inMemory("bwcdock-bench-nginx-", 2 * size).orElse(Files.createDirectories(work.resolve("nginx-bodies")));
            double curlCpu;
            try (NginxPeer nginx = NginxPeer.start(work, server, pki.caFile(), bodies)) {
                rows.addAll(rounds("nginx", nginx.base(), tls, dock, pki, file, size, fileSha, checksum, work, Optional.empty(),
                        new java.util.ArrayList<>()));
                List<String> curl = new java.util.ArrayList<>(List.of("curl", "-sS", "-f", "-o", "/dev/null", "-X", "PATCH",
                        "-H", "Tus-Resumable: 1.0.0", "-H", "Upload-Offset: 0", "-T", file.toString()));
                curl.addAll(tls);
                curl.add(nginx.base() + "/u/cpu");
                curlCpu = CpuFloor.cpuSeconds(curl, work) / size * 1e9;
            } finally {
                FileTrees.delete(bodies);
            }
            return new Result(rows, curlCpu, Bench.median(tusSinkCpu));
        } finally {
            Jvms.stop(receiver);
            FileTrees.delete(store);
        }
    }

    /**
     * Alternating rounds of curl -T and TusSink, each one PATCH of the whole file, against {@code base};
     * the CPU of each TusSink round, this JVM's and the {@code server}'s, into {@code tusSinkCpu}.
     */
    private static List<Bench.Row> rounds(String peer, String base, List<String> tls, ThrowawayPki.Leaf dock, ThrowawayPki pki,
                                          Path file, long size, String fileSha, String checksum, Path work, Optional<Process> server,
                                          List<Double> tusSinkCpu) throws Exception {
        EvidenceSink sink = Sinks.tus(new SinkSettings(URI.create(base + "/"),
                Optional.of(TlsContexts.create(dock.chainFile(), dock.keyFile(), pki.caFile())),
                org.bwcdock.format.ReceiptSigners.of(List.of(pki.ca)), (int) Math.min(Integer.MAX_VALUE, size),
                Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofSeconds(5), 0, "bench-dock"));
        List<Double> curlTimes = new java.util.ArrayList<>();
        List<Double> oursTimes = new java.util.ArrayList<>();
        try {
            for (int round = 0; round < ROUNDS; round++) {
                String location = create(base, tls, size, work);
                List<String> curl = new java.util.ArrayList<>(List.of("curl", "-sS", "-f", "-o", "/dev/null", "-X", "PATCH",
                        "-H", "Tus-Resumable: 1.0.0", "-H", "Upload-Offset: 0", "-H", "Content-Type: application/offset+octet-stream",
                        "-H", "Upload-Checksum: " + checksum, "-T", file.toString()));
                curl.addAll(tls);
                curl.add(location.startsWith("http") ? location : base + location);
                double c = Bench.time(curl, work);
                long cpu0 = CpuTime.thisJvmNanos() + server.map(p -> CpuTime.processNanos(p.pid())).orElse(0L);
                double o = ours(sink, file, size, fileSha);
                tusSinkCpu.add((CpuTime.thisJvmNanos() + server.map(p -> CpuTime.processNanos(p.pid())).orElse(0L) - cpu0) / 1e9);
                System.out.printf("bench: upload to %s, round %d: curl -T %.2f s, TusSink %.2f s%n", peer, round + 1, c, o);
                curlTimes.add(c);
                oursTimes.add(o);
            }
        } finally {
            sink.close();
        }
        return List.of(new Bench.Row("curl -T to " + peer + " (PATCH + Upload-Checksum, TLS)", curlTimes, size),
                new Bench.Row("bwcdock TusSink to " + peer, oursTimes, size));
    }

    /**
     * The receiver's store in memory (/dev/shm) when it fits: the upload bench compares the two
     * clients, and with a disk store the disk's write-back state decided the result (the same
     * curl upload took 2.0 s and then 4.7 s on this machine).
     */
    private static Path store(Path work, long size) throws IOException {
        Optional<Path> inMemory = Bench.inMemory("bwcdock-bench-receiver-", (ROUNDS * 2 + 1) * size);
        if (inMemory.isPresent()) {
            System.out.println("bench: the receiver stores uploads in " + inMemory.get() + " (memory), so the disk is not measured");
            return inMemory.get();
        }
        System.out.println("bench: the receiver stores uploads on disk in " + work + "; disk speed is part of the upload figures");
        return work.resolve("receiver");
    }

    private static double ours(EvidenceSink sink, Path file, long size, String fileSha) throws Exception {
        // Not a real manifest: the receiver refuses the commit at once, after the whole part is uploaded.
        EvidenceSink.Delivery d = new EvidenceSink.Delivery(1, "bench", List.of(new EvidenceSink.Part(0, file, size, fileSha, null)), "{}".getBytes(StandardCharsets.UTF_8), new byte[] {0},
                "0".repeat(64));
        long t0 = System.nanoTime();
        try {
            sink.deliver(d, new EvidenceSink.Listener() {
                @Override
                public void partCreated(int index, String url) {
                }

                @Override
                public void partProgress(int index, long confirmedOffset) {
                }
            });
            throw new IllegalStateException("the bench commit should have been refused");
        } catch (UploadException expected) {
            // upload done, commit refused as intended
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /** A tus upload of {@code size} bytes created with curl (untimed); its Location. */
    static String create(String base, List<String> tls, long size, Path work) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("curl", "-sS", "-f", "-i", "-X", "POST", "-H", "Tus-Resumable: 1.0.0",
                "-H", "Upload-Length: " + size));
        cmd.addAll(tls);
        cmd.add(base + "/uploads");
        Process p = new ProcessBuilder(cmd).directory(work.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        Matcher m = Pattern.compile("(?im)^location:\\s*(\\S+)").matcher(out);
        if (!m.find()) {
            throw new IOException("curl could not create an upload: " + out);
        }
        return m.group(1);
    }
}
