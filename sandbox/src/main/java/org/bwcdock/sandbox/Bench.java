package org.bwcdock.sandbox;

import org.bwcdock.agent.custody.CustodySettings;
import org.bwcdock.agent.custody.IngestRequest;
import org.bwcdock.agent.custody.IngestResult;
import org.bwcdock.agent.custody.IngestSource;
import org.bwcdock.agent.custody.Ingestor;
import org.bwcdock.agent.custody.Ingestors;
import org.bwcdock.format.pki.PemFiles;
import org.bwcdock.testing.ThrowawayPki;
import org.bwcdock.agent.spool.Spool;
import org.bwcdock.agent.spool.Spools;
import org.bwcdock.format.io.FileTrees;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./bwcdock bench}: measures our ingest and upload against the tools a user would otherwise
 * reach for, on the same file in the same run, then how the whole agent scales with bays and file
 * sizes ({@link ScaleBench}), and prints tables. Not a test: it asserts
 * nothing, CI only checks that it runs ({@code --quick}).
 */
public final class Bench {
    private Bench() {
    }

    private static final String USAGE = "usage: bench [--quick] [--size-mib N] [--scale-bays 1,2,4,8] [--scale-mib 100,1024,4096]"
            + " [--no-scale] [--no-start] [--jfr DIR]";

    public static void main(String[] args) throws Exception {
        System.setProperty("logback.configurationFile", "sandbox-logback.xml");
        long mib = 1024;
        List<Integer> bays = List.of(1, 2, 4, 8);
        List<Long> sizesMib = List.of(100L, 1024L, 4096L);
        boolean scale = true;
        boolean start = true;
        Optional<Path> jfr = Optional.empty();
        boolean quick = false;
        int startRounds = ROUNDS;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--size-mib" -> mib = Long.parseLong(args[++i]);
                    case "--quick" -> {
                        quick = true;
                        mib = 64;
                        bays = List.of(1, 2);
                        sizesMib = List.of(16L);
                        startRounds = 1;
                    }
                    case "--scale-bays" -> bays = java.util.Arrays.stream(args[++i].split(",")).map(Integer::valueOf).toList();
                    case "--scale-mib" -> sizesMib = java.util.Arrays.stream(args[++i].split(",")).map(Long::valueOf).toList();
                    case "--no-scale" -> scale = false;
                    case "--no-start" -> start = false;
                    case "--jfr" -> jfr = Optional.of(Files.createDirectories(Path.of(args[++i])));
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
        } catch (RuntimeException e) {
            System.err.println("bench: " + e.getMessage() + "\n" + USAGE);
            System.exit(2);
        }
        Path work = Files.createTempDirectory("bwcdock-bench-");
        boolean ok = true;
        try {
            Baseline base = run(work, mib << 20);
            IngestScalingBench.run(work, Math.min(mib, 256) << 20, quick); // issue #21.2: cores × AES/SHA instructions
            if (scale) {
                List<ScaleBench.Scenario> scenarios = scenarios(bays, sizesMib);
                ScaleBench.requireDisk(work, scenarios);
                List<ScaleBench.Result> results = ScaleBench.run(work, scenarios, jfr);
                ok = ScaleBench.ok(results);
                printAgainstFloor(results, base.floor());
                printTimeToSafe(results, base);
            }
            if (start) {
                ScaleBench.startUp(work, startRounds);
            }
        } finally {
            FileTrees.delete(work);
        }
        System.exit(ok ? 0 : 1);
    }

    /** The agent's CPU per GB end to end beside the floor measured in this run (target: at most 2 x). */
    private static void printAgainstFloor(List<ScaleBench.Result> results, CpuFloor.Floor floor) {
        System.out.printf("%nCPU per GB end to end against the floor of this run (%d x SHA-256 %.2f + AES-256-GCM %.2f + curl upload"
                + " %.2f = %.2f CPU s/GB; target <= 2 x)%n", CpuFloor.HASH_PASSES, floor.sha256(), floor.aesGcm(), floor.curlUpload(),
                floor.total());
        for (ScaleBench.Result r : results) {
            if (r.failure() == null) {
                double perGb = r.cpuSeconds() / (r.s().bays() * r.s().fileBytes() / 1e9);
                System.out.printf("  %d bay(s) x %d MB: agent %.2f CPU s/GB = %.2f x the floor%n", r.s().bays(),
                        r.s().fileBytes() / 1_000_000, perGb, perGb / floor.total());
                r.warm().ifPresent(w -> {
                    double warmPerGb = w.agentCpu() / (r.s().fileBytes() / 1e9);
                    System.out.printf("    docked again, the agent running on: %.2f CPU s/GB = %.2f x the floor%n", warmPerGb,
                            warmPerGb / floor.total());
                });
            }
        }
        // A start costs CPU whatever the footage (class loading, JIT, the AES-GCM warm-up): one bay's smallest and
        // largest file separate that fixed part from the cost of each further GB.
        List<ScaleBench.Result> oneBay = results.stream().filter(r -> r.failure() == null && r.s().bays() == 1)
                .sorted(java.util.Comparator.comparingLong(r -> r.s().fileBytes())).toList();
        if (oneBay.size() >= 2 && oneBay.getLast().s().fileBytes() > oneBay.getFirst().s().fileBytes()) {
            ScaleBench.Result small = oneBay.getFirst();
            ScaleBench.Result large = oneBay.getLast();
            double slope = (large.cpuSeconds() - small.cpuSeconds()) / ((large.s().fileBytes() - small.s().fileBytes()) / 1e9);
            double fixed = small.cpuSeconds() - slope * small.s().fileBytes() / 1e9;
            System.out.printf("  each further GB (one bay, %d MB to %d MB): %.2f CPU s/GB = %.2f x the floor; fixed per start: %.1f CPU s%n",
                    small.s().fileBytes() / 1_000_000, large.s().fileBytes() / 1_000_000, slope, slope / floor.total(), fixed);
        }
    }

    /** Every bay count with a 1 GiB file each (or the middle size), and one bay with every file size. */
    static List<ScaleBench.Scenario> scenarios(List<Integer> bays, List<Long> sizesMib) {
        long middle = sizesMib.contains(1024L) ? 1024L : sizesMib.get(sizesMib.size() / 2);
        List<ScaleBench.Scenario> list = new ArrayList<>();
        for (long size : sizesMib) {
            list.add(new ScaleBench.Scenario(1, size << 20));
        }
        for (int n : bays) {
            if (n != 1) {
                list.add(new ScaleBench.Scenario(n, middle << 20));
            }
        }
        return list;
    }

    /** A new directory in memory (/dev/shm) if it has room for {@code bytes}; empty if not. */
    static Optional<Path> inMemory(String prefix, long bytes) throws IOException {
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.getFileStore(shm).getUsableSpace() > bytes) {
            return Optional.of(Files.createTempDirectory(shm, prefix));
        }
        return Optional.empty();
    }

    /** Alternating rounds of every contender: at least five, so that one lucky or unlucky run decides nothing. */
    static final int ROUNDS = 5;

    /** One contender's times, one per round, in round order. */
    record Row(String what, List<Double> seconds, long bytes) {
        Row {
            seconds = List.copyOf(seconds);
        }

        double median() {
            return Bench.median(seconds);
        }

        double mbps() {
            return bytes / median() / 1e6;
        }

        /** The median over rounds of this row's speed divided by {@code peer}'s in the same round. */
        double ratioTo(Row peer) {
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < Math.min(seconds.size(), peer.seconds.size()); i++) {
                ratios.add(peer.seconds.get(i) / seconds.get(i));
            }
            return Bench.median(ratios);
        }
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** What this run measured of the parts alone, for the whole agent's rows: the CPU floor, ingest and upload of {@code bytes}. */
    /** @param ingestCpu, uploadCpu CPU seconds of one ingest alone, of one upload alone (TusSink and our receiver), medians */
    record Baseline(CpuFloor.Floor floor, double ingestSeconds, double uploadSeconds, long bytes, double ingestCpu, double uploadCpu) {
    }

    /** Time to safe against the longer of ingest alone and upload alone, where this run measured both at that size. */
    private static void printTimeToSafe(List<ScaleBench.Result> results, Baseline base) {
        for (ScaleBench.Result r : results) {
            if (r.failure() == null && r.s().bays() == 1 && r.s().fileBytes() == base.bytes()) {
                double longer = Math.max(base.ingestSeconds(), base.uploadSeconds());
                System.out.printf("%ntime to safe, 1 bay x %d MB, against max(ingest %.2f s, upload %.2f s) = %.2f s (target <= 1.2 x):%n"
                                + "  docked before the agent started: %.1f s from the first byte read to safe (from the agent's start"
                                + " %.1f s): %.2f x (the JIT is cold; the agent's start is not in either)%n", r.s().fileBytes() / 1_000_000,
                        base.ingestSeconds(), base.uploadSeconds(), longer, r.totalSeconds() - r.firstIngestSeconds(),
                        r.totalSeconds(), (r.totalSeconds() - r.firstIngestSeconds()) / longer);
                // The bench's ingest-alone and upload-alone rows run warm: so does a dock that has been up since its last boot.
                r.warm().ifPresent(w -> System.out.printf("  docked again, the agent running on: %.1f s from the first byte read to"
                        + " safe: %.2f x; %.1f s from the dock: %.2f x%n", w.readToSafe(), w.readToSafe() / longer, w.dockedToSafe(),
                        w.dockedToSafe() / longer));
                // What the cores allow: every CPU second that the two need apart has to fit on this machine's cores together.
                int cores = Runtime.getRuntime().availableProcessors();
                double apart = base.ingestCpu() + base.uploadCpu();
                System.out.printf("  the CPU it takes: ingest alone %.1f s and upload alone %.1f s (TusSink and receiver) = %.1f CPU s,"
                                + " so on %d cores no less than %.2f s even overlapped perfectly: %.2f x the longer; end to end it took"
                                + " %.1f CPU s (agent %.1f, site %.1f), at least %.2f s on %d cores%n", base.ingestCpu(), base.uploadCpu(),
                        apart, cores, apart / cores, apart / cores / longer, r.agentCpuToSafe() + r.siteCpuToSafe(), r.agentCpuToSafe(),
                        r.siteCpuToSafe(), (r.agentCpuToSafe() + r.siteCpuToSafe()) / cores, cores);
                r.warm().ifPresent(w -> System.out.printf("  docked again: it took %.1f CPU s (agent %.1f, site %.1f), at least %.2f s"
                        + " on %d cores%n", w.agentCpu() + w.siteCpu(), w.agentCpu(), w.siteCpu(), (w.agentCpu() + w.siteCpu()) / cores,
                        cores));
            }
        }
    }

    static Baseline run(Path work, long size) throws Exception {
        Path file = work.resolve("footage.mp4");
        System.out.printf("bench: writing %d MiB of random footage to %s%n", size >> 20, file);
        writeRandom(file, size);
        ThrowawayPki pki = new ThrowawayPki(Files.createDirectories(work.resolve("pki")));
        ThrowawayPki.Leaf dock = pki.issue("bench-dock", ThrowawayPki.Kind.EC, ThrowawayPki.Use.CLIENT);
        ThrowawayPki.Leaf recipient = pki.issue("bench-evidence", ThrowawayPki.Kind.RSA, ThrowawayPki.Use.RECIPIENT);
        // Warm the page cache so every contender reads from memory, like the JIT warm-up below.
        time(List.of("cat", file.toString()), work);

        ingest(work, dock, recipient, file, Math.min(size, 256L << 20)); // JIT warm-up, not measured
        Optional<Path> spoolInMemory = inMemory("bwcdock-bench-spool-", 2 * size);
        List<Double> dgst = new ArrayList<>();
        List<Double> cms = new ArrayList<>();
        List<Double> ours = new ArrayList<>();
        List<Double> oursCpu = new ArrayList<>();
        List<Double> oursInMemory = new ArrayList<>();
        List<Double> synced = new ArrayList<>();
        try {
            for (int round = 1; round <= ROUNDS; round++) {
                // The spool's disk as a durable spool sees it: the same bytes written and fsync'd.
                synced.add(size / CpuFloor.syncedWriteMbps(work, size) / 1e6);
                dgst.add(time(List.of("openssl", "dgst", "-sha256", file.toString()), work));
                cms.add(time(List.of("openssl", "cms", "-encrypt", "-binary", "-aes-256-gcm", "-stream", "-outform", "DER",
                        "-in", file.toString(), "-out", work.resolve("openssl.cms").toString(), recipient.certFile().toString()), work));
                Files.deleteIfExists(work.resolve("openssl.cms"));
                long cpu0 = CpuTime.thisJvmNanos();
                ours.add(ingest(work, dock, recipient, file, size));
                oursCpu.add((CpuTime.thisJvmNanos() - cpu0) / 1e9);
                // The same with the spool in memory: what the CPU does when the disk is not the limit.
                if (spoolInMemory.isPresent()) {
                    oursInMemory.add(ingest(spoolInMemory.get(), dock, recipient, file, size));
                }
                System.out.printf("bench: ingest round %d: dgst %.2f s, cms %.2f s, ingest %.2f s%s%n", round, dgst.getLast(),
                        cms.getLast(), ours.getLast(), oursInMemory.isEmpty() ? "" : String.format(", in memory %.2f s", oursInMemory.getLast()));
            }
        } finally {
            if (spoolInMemory.isPresent()) {
                FileTrees.delete(spoolInMemory.get());
            }
        }
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("openssl dgst -sha256", dgst, size));
        rows.add(new Row("openssl cms -encrypt -aes-256-gcm", cms, size));
        rows.add(new Row("bwcdock ingest (sha256 + CMS parts + fsync)", ours, size));
        Row inMemory = oursInMemory.isEmpty() ? null : new Row("bwcdock ingest, spool in memory (/dev/shm)", oursInMemory, size);
        UploadBench.Result upload = UploadBench.run(work, pki, dock, file, size);
        rows.addAll(upload.rows());
        // The same number of bytes again, as 4 docks x 4 parts at once through one receiver.
        ReceiverBench.Shape shape = new ReceiverBench.Shape(4, 4, Math.max(1 << 20, size / 16));
        rows.addAll(ReceiverBench.run(work, pki, shape, ReceiverBench.Store.FILE));
        rows.addAll(ReceiverBench.run(work, pki, shape, ReceiverBench.Store.S3));

        System.out.println();
        System.out.printf("%-52s %10s %10s   (%d alternating rounds)%n", "on " + (size >> 20) + " MiB, "
                + Runtime.getRuntime().availableProcessors() + " cores", "median s", "MB/s", ROUNDS);
        for (Row r : rows) {
            System.out.printf("%-52s %10.2f %10.0f%n", r.what(), r.median(), r.mbps());
        }
        if (inMemory != null) {
            System.out.printf("%-52s %10.2f %10.0f%n", inMemory.what(), inMemory.median(), inMemory.mbps());
        }
        Row disk = new Row("dd bs=1M conv=fsync (the spool's disk)", synced, size);
        System.out.printf("%-52s %10.2f %10.0f%n", disk.what(), disk.median(), disk.mbps());
        Row ingest = rows.get(2);
        System.out.println("\npairwise ratios (median over rounds of the speeds measured in the same round):");
        System.out.printf("ratio ingest / openssl dgst -sha256:  %.2f%n", ingest.ratioTo(rows.get(0)));
        System.out.printf("ratio ingest / dd conv=fsync:         %.2f%n", ingest.ratioTo(disk));
        System.out.printf("ratio ingest / min(dgst, dd fsync):   %.2f (target >= 0.90)%n", ingest.ratioTo(
                rows.get(0).median() > disk.median() ? rows.get(0) : disk));
        System.out.printf("ratio ingest / openssl cms -encrypt: %.2f (target > 1.00)%n", ingest.ratioTo(rows.get(1)));
        if (inMemory != null) {
            System.out.printf("the same, spool in memory:           %.2f (target >= 0.60) and %.2f%n", inMemory.ratioTo(rows.get(0)),
                    inMemory.ratioTo(rows.get(1)));
        }
        System.out.printf("ratio TusSink / curl -T, our receiver: %.2f (target >= 0.90)%n", rows.get(4).ratioTo(rows.get(3)));
        System.out.printf("ratio TusSink / curl -T, nginx:        %.2f (target >= 0.90; nginx is not ours and not the limit)%n",
                rows.get(6).ratioTo(rows.get(5)));
        System.out.printf("ratio receiver, 4 docks / 4 x curl:  %.2f (filesystem store; no target yet)%n", rows.get(8).ratioTo(rows.get(7)));
        System.out.printf("the same, S3 store (S3Proxy):         %.2f (no target yet)%n", rows.get(10).ratioTo(rows.get(9)));
        CpuFloor.Floor floor = new CpuFloor.Floor(median(List.of(CpuFloor.sha256SecondsPerGb(file, size, work),
                CpuFloor.sha256SecondsPerGb(file, size, work), CpuFloor.sha256SecondsPerGb(file, size, work))),
                CpuFloor.aesGcmSecondsPerGb(work), upload.curlCpuSecondsPerGb());
        System.out.printf("CPU floor per GB: SHA-256 %.2f s (x %d passes), AES-256-GCM %.2f s, curl upload %.2f s: %.2f s%n",
                floor.sha256(), CpuFloor.HASH_PASSES, floor.aesGcm(), floor.curlUpload(), floor.total());
        return new Baseline(floor, ingest.median(), rows.get(4).median(), size, median(oursCpu), upload.tusSinkCpuSeconds());
    }

    private static double ingest(Path work, ThrowawayPki.Leaf dock, ThrowawayPki.Leaf recipient, Path file, long size)
            throws Exception {
        Path spoolDir = work.resolve("spool");
        var settings = new CustodySettings("bench-dock", 64 << 20, List.of(recipient.certificate()), dock.key(),
                PemFiles.readCertificates(dock.chainFile()), "bench", Duration.ofMinutes(1), Clock.systemUTC());
        try (Spool spool = Spools.open(spoolDir, Long.MAX_VALUE); Ingestor ingestor = Ingestors.create(settings, spool)) {
            IngestSource source = new IngestSource() {
                @Override
                public InputStream open() throws IOException {
                    return limited(Files.newInputStream(file), size);
                }

                @Override
                public boolean unchanged() {
                    return true;
                }
            };
            long t0 = System.nanoTime();
            IngestResult r = ingestor.ingest(new IngestRequest(1, "BENCH", 1, null, "footage.mp4", null, size,
                    0, "0".repeat(64)), source, (d, t) -> { });
            double s = (System.nanoTime() - t0) / 1e9;
            if (r.parts().isEmpty()) {
                throw new IllegalStateException("no parts");
            }
            spool.deleteAll(1);
            return s;
        }
    }

    /** The first {@code limit} bytes of {@code in}: the warm-up ingests a prefix of the same file. */
    private static InputStream limited(InputStream in, long limit) {
        return new java.io.FilterInputStream(in) {
            private long left = limit;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int n = super.read(b, off, (int) Math.min(len, left));
                if (n > 0) {
                    left -= n;
                }
                return n;
            }
        };
    }

    static double time(List<String> cmd, Path work) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).directory(work.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IOException(cmd + " failed");
            }
        } finally {
            p.destroyForcibly();
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void writeRandom(Path file, long size) throws IOException {
        SplittableRandom random = new SplittableRandom(7);
        byte[] buf = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = size; left > 0; left -= buf.length) {
                random.nextBytes(buf);
                out.write(buf, 0, (int) Math.min(buf.length, left));
            }
        }
    }
}
