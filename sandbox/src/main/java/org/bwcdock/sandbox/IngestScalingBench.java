package org.bwcdock.sandbox;

import org.bwcdock.agent.custody.CustodySettings;
import org.bwcdock.agent.custody.IngestRequest;
import org.bwcdock.agent.custody.IngestResult;
import org.bwcdock.agent.custody.IngestSource;
import org.bwcdock.agent.custody.Ingestor;
import org.bwcdock.agent.custody.Ingestors;
import org.bwcdock.agent.spool.Spool;
import org.bwcdock.agent.spool.Spools;
import org.bwcdock.format.io.FileTrees;
import org.bwcdock.format.pki.PemFiles;
import org.bwcdock.testing.ThrowawayPki;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Issue #21, point 2: how ingest scales with cores, with the CPU's AES and SHA instructions and
 * without them (what a Raspberry Pi 4, which has none, looks like to Java). Each variant is an ingest
 * in its own JVM, pinned with {@code taskset} to 1 or 2 CPUs (and told so with
 * {@code -XX:ActiveProcessorCount}); the variants alternate round by round and the medians are
 * printed with the 2-core / 1-core ratio. The spool is in memory where /dev/shm has room, so the
 * figure is the CPU's, not the disk's. Parts of {@value #PART_MIB} MiB: small enough against the
 * read-ahead that one file's parts can be encrypted side by side ({@code encryptThreads} = the cores). Called from {@link Bench}; its own class so as not to mix with
 * the other rows there.
 */
final class IngestScalingBench {
    /** What turns off the AES, GHASH and SHA instructions for the JVM (UseAESIntrinsics is a diagnostic flag on JDK 25). */
    static final List<String> PI4_FLAGS = List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:-UseAES", "-XX:-UseAESIntrinsics",
            "-XX:-UseSHA", "-XX:-UseSHA256Intrinsics");

    static final int PART_MIB = 8;

    private IngestScalingBench() {
    }

    /** @param quick one round of 16 MiB: only that it runs (CI); otherwise five rounds of {@code size} */
    static void run(Path work, long size, boolean quick) throws Exception {
        int rounds = quick ? 1 : Bench.ROUNDS;
        long bytes = quick ? 16L << 20 : size;
        int cpus = Math.min(2, Runtime.getRuntime().availableProcessors());
        Path dir = Files.createDirectories(work.resolve("scaling"));
        Path file = dir.resolve("footage.bin");
        try (OutputStream out = Files.newOutputStream(file)) {
            SplittableRandom r = new SplittableRandom(21);
            byte[] b = new byte[1 << 20];
            for (long left = bytes; left > 0; left -= b.length) {
                r.nextBytes(b);
                out.write(b, 0, (int) Math.min(b.length, left));
            }
        }
        ThrowawayPki pki = new ThrowawayPki(Files.createDirectories(dir.resolve("pki")));
        ThrowawayPki.Leaf dock = pki.issue("bench-dock", ThrowawayPki.Kind.EC, ThrowawayPki.Use.CLIENT);
        ThrowawayPki.Leaf recipient = pki.issue("bench-evidence", ThrowawayPki.Kind.RSA, ThrowawayPki.Use.RECIPIENT);
        Path spool = Bench.inMemory("bwcdock-scaling-spool-", 2 * bytes).orElse(dir.resolve("spool"));
        Map<String, List<Double>> times = new LinkedHashMap<>();
        try {
            for (int round = 1; round <= rounds; round++) {
                for (boolean pi4 : new boolean[] {false, true}) {
                    for (int n = 1; n <= cpus; n++) {
                        String key = (pi4 ? "no AES/SHA instructions" : "AES/SHA instructions") + ", " + n + " core(s)";
                        double s = child(file, spool, dock, recipient, bytes, pi4, n);
                        times.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
                    }
                }
            }
        } finally {
            if (spool.startsWith("/dev/shm")) {
                FileTrees.delete(spool);
            }
        }
        System.out.printf("ingest scaling (%d MiB in %d MiB parts, %d round(s), medians; spool %s):%n", bytes >> 20, PART_MIB, rounds,
                spool.startsWith("/dev/shm") ? "in memory" : "on disk");
        times.forEach((k, v) -> System.out.printf("  %-42s %8.1f MB/s%n", k, bytes / Bench.median(v) / 1e6));
        if (cpus == 2) {
            for (String flags : List.of("AES/SHA instructions", "no AES/SHA instructions")) {
                System.out.printf("  scaling 2 cores / 1 core, %-24s %.2f%n", flags + ":",
                        Bench.median(times.get(flags + ", 1 core(s)")) / Bench.median(times.get(flags + ", 2 core(s)")));
            }
        }
    }

    private static double child(Path file, Path spool, ThrowawayPki.Leaf dock, ThrowawayPki.Leaf recipient, long bytes,
                                boolean pi4, int cores) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("taskset", "-c", cores == 1 ? "0" : "0-" + (cores - 1), Jvms.java(),
                "-Xmx64m", "-XX:ActiveProcessorCount=" + cores));
        if (pi4) {
            cmd.addAll(PI4_FLAGS);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Child.class.getName(), file.toString(), spool.toString(),
                dock.chainFile().toString(), dock.keyFile().toString(), recipient.certFile().toString(), Long.toString(bytes)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            return Double.parseDouble(Jvms.awaitLine(p, "seconds ", Duration.ofMinutes(10)));
        } finally {
            Jvms.stop(p);
        }
    }

    /** One ingest of the file, after a warm-up of its first 8 MiB; prints "seconds S". */
    static final class Child {
        public static void main(String[] a) throws Exception {
            Path file = Path.of(a[0]);
            long size = Long.parseLong(a[5]);
            var settings = new CustodySettings("bench-dock", PART_MIB << 20, PemFiles.readCertificates(Path.of(a[4])),
                    org.bwcdock.format.pki.PemFiles.readPrivateKey(Path.of(a[3])), PemFiles.readCertificates(Path.of(a[2])), "bench",
                    Duration.ofMinutes(1), Clock.systemUTC());
            try (Spool spool = Spools.open(Path.of(a[1]), Long.MAX_VALUE); Ingestor ingestor = Ingestors.create(settings, spool)) {
                once(ingestor, spool, file, Math.min(size, 8L << 20));
                long t0 = System.nanoTime();
                once(ingestor, spool, file, size);
                System.out.printf("seconds %.4f%n", (System.nanoTime() - t0) / 1e9);
            }
        }

        private static void once(Ingestor ingestor, Spool spool, Path file, long size) throws Exception {
            IngestSource source = new IngestSource() {
                @Override
                public InputStream open() throws IOException {
                    return new java.io.BufferedInputStream(Files.newInputStream(file)) {
                        private long left = size;

                        @Override
                        public synchronized int read() throws IOException {
                            if (left <= 0) {
                                return -1;
                            }
                            left--;
                            return super.read();
                        }

                        @Override
                        public synchronized int read(byte[] b, int off, int len) throws IOException {
                            if (left <= 0) {
                                return -1;
                            }
                            int n = super.read(b, off, (int) Math.min(len, left));
                            left -= Math.max(0, n);
                            return n;
                        }
                    };
                }

                @Override
                public boolean unchanged() {
                    return true;
                }
            };
            IngestResult r = ingestor.ingest(new IngestRequest(1, "BENCH", 1, null, "footage.bin", null, size, 0,
                    "0".repeat(64)), source, (d, t) -> { });
            if (r.parts().isEmpty()) {
                throw new IllegalStateException("no parts");
            }
            spool.deleteAll(1);
        }
    }
}
