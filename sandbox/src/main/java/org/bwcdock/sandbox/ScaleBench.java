package org.bwcdock.sandbox;

import org.bwcdock.format.io.FileTrees;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * How cost grows with bays and file sizes: the whole agent in its own JVM (-Xmx64m) against a
 * {@link Site}, every camera docked before the agent starts, until every file is receipted and wiped;
 * with one bay, then the camera docked again with a new file while the agent runs on ({@link Warm}).
 * Prints one row per scenario: time, throughput, CPU per GB, peak heap and RSS, start-to-online
 * and start-to-first-ingest.
 */
final class ScaleBench {
    private static final Duration LIMIT = Duration.ofMinutes(30);
    private static final String HEAP = "-Xmx64m";

    /** One scenario: {@code bays} cameras docked at once, one file of {@code fileBytes} each. */
    record Scenario(int bays, long fileBytes) {
    }

    /**
     * @param warm one bay only: the same camera docked again with a new file of the same size once the first was wiped,
     *             while the agent runs on (empty if not measured or failed)
     */
    record Result(Scenario s, double totalSeconds, double ingestSeconds, double cpuSeconds, long heapPeak, long heapPoolPeaks,
                  long rssPeakKb, double onlineSeconds, double firstIngestSeconds, double firstUploadSeconds, String stages,
                  double agentCpuToSafe, double siteCpuToSafe, java.util.Optional<Warm> warm, String failure) {
    }

    /**
     * A dock that has been running: what an officer docking at the end of a shift waits for, since the agent runs for
     * days. Like the bench's ingest-alone and upload-alone rows, it runs with the JIT warm.
     *
     * @param dockedToSafe seconds from the dock to the last file wiped; {@code readToSafe} from its first byte read
     * @param agentCpu CPU seconds of the agent from the dock to safe; {@code siteCpu} those of the site (receiver, broker, TSA)
     */
    record Warm(double dockedToSafe, double readToSafe, double agentCpu, double siteCpu, String stages) {
    }

    /** The ledger's records of a file's way to safe, in order: what each is called in the bench's output. */
    private static final List<Map.Entry<String, String>> STAGES = List.of(
            Map.entry("min(spooled_at)", "first part durable"), Map.entry("min(uploaded_at)", "first part at the server"),
            Map.entry("file-ingested", "ingested"), Map.entry("max(uploaded_at)", "last part at the server"),
            Map.entry("file-uploading", "commit asked"), Map.entry("file-uploaded", "receipt in"),
            Map.entry("wipe-start", "wipe started"), Map.entry("file-released", "wiped"));

    private ScaleBench() {
    }

    /** @param jfr where to keep a JFR recording (profile settings) of the agent per scenario, if given */
    static List<Result> run(Path work, List<Scenario> scenarios, java.util.Optional<Path> jfr) throws Exception {
        List<Result> results = new ArrayList<>();
        for (Scenario s : scenarios) {
            String name = "scale-" + s.bays() + "x" + (s.fileBytes() >> 20);
            Path dir = work.resolve(name);
            List<String> options = jfr.map(d -> List.of("-XX:StartFlightRecording=settings=profile,filename="
                    + d.toAbsolutePath().resolve(name + ".jfr"))).orElse(List.of());
            try {
                results.add(one(dir, s, options));
            } finally {
                FileTrees.delete(dir);
            }
            print(results.get(results.size() - 1), results.size() == 1);
        }
        return results;
    }

    /**
     * Start-up with and without an AppCDS archive (what the packaged launcher uses under systemd),
     * alternating for {@code rounds} rounds on one bay with a small file: start → MQTT online and
     * start → first byte read (the first ingest), medians and the median of the per-round ratios.
     */
    static void startUp(Path work, int rounds) throws Exception {
        Path archive = work.resolve("agent.jsa");
        List<String> cds = List.of("-XX:SharedArchiveFile=" + archive, "-XX:+AutoCreateSharedArchive", "-Xlog:cds*=off,aot*=off");
        Scenario s = new Scenario(1, 16L << 20);
        Path dir = work.resolve("start");
        try {
            one(dir, s, cds); // writes the archive at exit: the first start of a new install
        } finally {
            FileTrees.delete(dir);
        }
        List<Double> onlinePlain = new ArrayList<>();
        List<Double> onlineCds = new ArrayList<>();
        List<Double> readPlain = new ArrayList<>();
        List<Double> readCds = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            for (boolean withCds : new boolean[] {false, true}) {
                Result r;
                try {
                    r = one(dir, s, withCds ? cds : List.of());
                } finally {
                    FileTrees.delete(dir);
                }
                if (r.failure() != null) {
                    System.out.printf("start: round %d %s FAILED: %s%n", round, withCds ? "AppCDS" : "plain", r.failure());
                    return;
                }
                (withCds ? onlineCds : onlinePlain).add(r.onlineSeconds());
                (withCds ? readCds : readPlain).add(r.firstIngestSeconds());
            }
            System.out.printf("bench: start round %d: online %.2f s plain, %.2f s AppCDS; first read %.2f s plain, %.2f s AppCDS%n",
                    round, onlinePlain.getLast(), onlineCds.getLast(), readPlain.getLast(), readCds.getLast());
        }
        System.out.printf("%nstart (%d alternating rounds, the agent in its own JVM, %s)   median s plain   median s AppCDS   ratio%n",
                rounds, HEAP);
        printStart("start -> MQTT online", onlinePlain, onlineCds);
        printStart("start -> first byte read from a camera", readPlain, readCds);
    }

    private static void printStart(String what, List<Double> plain, List<Double> cds) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < plain.size(); i++) {
            ratios.add(cds.get(i) / plain.get(i));
        }
        System.out.printf("%-58s %15.2f %17.2f %7.2f%n", what, Bench.median(plain), Bench.median(cds), Bench.median(ratios));
    }

    private static Result one(Path dir, Scenario s) throws Exception {
        return one(dir, s, List.of());
    }

    /**
     * The receiver keeps its store in memory when it fits, as in the upload bench: it stands for a server
     * elsewhere, whose disk is not the dock's; here the spool and it would share one disk's fsyncs.
     */
    private static Result one(Path dir, Scenario s, List<String> jvmOptions) throws Exception {
        java.util.Optional<Path> store = Bench.inMemory("bwcdock-bench-site-receiver-", 2L * s.bays() * s.fileBytes());
        if (store.isPresent()) {
            Files.createDirectories(dir);
            Files.createSymbolicLink(dir.resolve("receiver"), store.get());
        }
        try {
            return oneOn(dir, s, jvmOptions);
        } finally {
            if (store.isPresent()) {
                FileTrees.delete(store.get());
            }
        }
    }

    private static Result oneOn(Path dir, Scenario s, List<String> jvmOptions) throws Exception {
        try (Site site = Site.start(dir)) {
            Path config = site.writeAgentConfig(dir.resolve("dock"),
                    new Site.AgentOptions("64 GiB", "64 MiB", s.bays(), "none").direct());
            for (Site.Camera c : Site.cameras(s.bays())) {
                site.footage(c, new long[] {s.fileBytes()});
                site.dock(c);
            }
            Path report = dir.resolve("agent-report.txt");
            Path log = dir.resolve("agent.log");
            List<String> cmd = new ArrayList<>(List.of(Jvms.java(), HEAP, "-XX:+ExitOnOutOfMemoryError")); // as the launcher runs it
            cmd.addAll(jvmOptions);
            cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-Dlogback.configurationFile=sandbox-logback.xml",
                    "-cp", System.getProperty("java.class.path"), BenchAgent.class.getName(), config.toString(), report.toString()));
            Instant start = Instant.now();
            long t0 = System.nanoTime();
            Process agent = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Path ledger = dir.resolve("dock/state/ledger.db");
            long ingestedAt = 0;
            long releasedAt = 0;
            // CPU of the agent and of the site from the first byte read (within a poll) to safe.
            long[] cpuAtFirstRead = null;
            long[] cpuAtSafe = null;
            String failure = null;
            String stages = "";
            java.util.Optional<Warm> warm = java.util.Optional.empty();
            try {
                long deadline = t0 + LIMIT.toNanos();
                while (System.nanoTime() < deadline && agent.isAlive()) {
                    Map<String, Integer> states = states(ledger);
                    if (cpuAtFirstRead == null && states.keySet().stream().anyMatch(k -> !k.equals("DISCOVERED"))) {
                        cpuAtFirstRead = new long[] {CpuTime.processNanos(agent.pid()), CpuTime.thisJvmNanos()};
                    }
                    int released = states.getOrDefault("RELEASED", 0);
                    int ingested = released + states.getOrDefault("RECEIPTED", 0) + states.getOrDefault("UPLOADED", 0)
                            + states.getOrDefault("UPLOADING", 0) + states.getOrDefault("INGESTED", 0);
                    if (ingestedAt == 0 && ingested == s.bays()) {
                        ingestedAt = System.nanoTime();
                    }
                    if (released == s.bays()) {
                        releasedAt = System.nanoTime();
                        cpuAtSafe = new long[] {CpuTime.processNanos(agent.pid()), CpuTime.thisJvmNanos()};
                        break;
                    }
                    Thread.sleep(100); // poll the ledger
                }
                if (releasedAt == 0) {
                    failure = agent.isAlive() ? "not done within " + LIMIT.toMinutes() + " min" : "agent exited " + agent.exitValue();
                } else {
                    stages = stages(ledger, 0); // before a second dock adds its own rows
                    if (s.bays() == 1) {
                        warm = dockAgain(site, s, agent, ledger, deadline);
                    }
                }
            } finally {
                agent.destroy(); // SIGTERM: the agent stops cleanly and writes its report
                if (!agent.waitFor(60, TimeUnit.SECONDS)) {
                    agent.destroyForcibly().waitFor();
                }
            }
            if (failure != null || !Files.exists(report)) {
                List<String> lines = Files.readAllLines(log);
                System.err.println(String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
                return new Result(s, 0, 0, 0, 0, 0, 0, 0, 0, 0, "", 0, 0, java.util.Optional.empty(),
                        failure == null ? "no report" : failure);
            }
            Map<String, Long> m = parse(Files.readString(report));
            double online = site.office().firstOnline().map(t -> Duration.between(start, t).toMillis() / 1e3).orElse(-1.0);
            double firstIngest = firstAudit(ledger, "file-ingesting", 0).map(at -> (at - start.toEpochMilli()) / 1e3).orElse(-1.0);
            double firstUpload = firstPartUploaded(ledger).map(at -> (at - start.toEpochMilli()) / 1e3).orElse(-1.0);
            // The agent's CPU from its start to safe: its report at exit would count a second dock's too.
            return new Result(s, (releasedAt - t0) / 1e9, (ingestedAt - t0) / 1e9, cpuAtSafe[0] / 1e9, m.get("heapPeakSampled"),
                    m.get("heapPoolPeaks"), m.get("rssPeakKb"), online, firstIngest, firstUpload, stages,
                    (cpuAtSafe[0] - cpuAtFirstRead[0]) / 1e9, (cpuAtSafe[1] - cpuAtFirstRead[1]) / 1e9, warm, null);
        }
    }

    /**
     * The one camera undocked, given a new file of the same size and docked again, until that file is wiped too. Empty
     * (with the reason printed) if that does not happen before {@code deadline}.
     */
    private static java.util.Optional<Warm> dockAgain(Site site, Scenario s, Process agent, Path ledger, long deadline)
            throws Exception {
        Site.Camera camera = Site.cameras(1).get(0);
        site.undock(camera);
        while (!site.office().bayStates().getOrDefault(camera.bay(), com.fasterxml.jackson.databind.node.NullNode.getInstance())
                .path("phase").asText().equals("empty")) {
            if (System.nanoTime() > deadline || !agent.isAlive()) {
                System.out.println("scale: the bay did not report the undock; no warm run");
                return java.util.Optional.empty();
            }
            Thread.sleep(50); // poll the back office's view of the bay
        }
        site.footage(camera, new long[] {s.fileBytes()}, 1);
        long dockedAt = System.currentTimeMillis();
        long t0 = System.nanoTime();
        long[] cpu0 = {CpuTime.processNanos(agent.pid()), CpuTime.thisJvmNanos()};
        site.dock(camera);
        while (states(ledger).getOrDefault("RELEASED", 0) < 2) {
            if (System.nanoTime() > deadline || !agent.isAlive()) {
                System.out.println("scale: the file of the second dock was not wiped in time; no warm run");
                return java.util.Optional.empty();
            }
            Thread.sleep(100); // poll the ledger
        }
        double dockedToSafe = (System.nanoTime() - t0) / 1e9;
        long[] cpu1 = {CpuTime.processNanos(agent.pid()), CpuTime.thisJvmNanos()};
        long firstRead = firstAudit(ledger, "file-ingesting", dockedAt).orElse(dockedAt);
        double readToSafe = dockedToSafe - (firstRead - dockedAt) / 1e3;
        return java.util.Optional.of(new Warm(dockedToSafe, readToSafe, (cpu1[0] - cpu0[0]) / 1e9, (cpu1[1] - cpu0[1]) / 1e9,
                stages(ledger, dockedAt)));
    }

    private static Map<String, Integer> states(Path ledger) throws SQLException {
        Map<String, Integer> states = new HashMap<>();
        if (!Files.exists(ledger)) {
            return states;
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + ledger + "?mode=ro");
             ResultSet rs = c.createStatement().executeQuery("SELECT state, count(*) FROM evidence_files GROUP BY state")) {
            while (rs.next()) {
                states.put(rs.getString(1), rs.getInt(2));
            }
        } catch (SQLException e) {
            if (e.getMessage().contains("no such table")) {
                return states; // the agent is still creating its ledger
            }
            throw e;
        }
        return states;
    }

    /**
     * Where the time to safe went: each of {@link #STAGES} in seconds after the first byte read; of the
     * audit rows the last (with several bays, the last file decides when the dock is safe).
     */
    private static String stages(Path ledger, long since) throws SQLException {
        long first = firstAudit(ledger, "file-ingesting", since).orElse(0L);
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, String> stage : STAGES) {
            String key = stage.getKey();
            java.util.Optional<Long> at = key.endsWith("_at)")
                    ? ledgerTime(ledger, "SELECT " + key + " FROM parts WHERE " + key.substring(4, key.length() - 1) + " >= ?", since)
                    : ledgerTime(ledger, "SELECT max(at) FROM audit WHERE action = ? AND at >= ?", key, since);
            if (at.isPresent() && first > 0) {
                out.append(out.isEmpty() ? "" : ", ").append(stage.getValue()).append(String.format(" %.2f", (at.get() - first) / 1e3));
            }
        }
        return out.toString();
    }

    /**
     * When the server first confirmed a whole part (epoch ms). Parts go up while their file is still
     * read, so the file's {@code file-uploading} row (the commit's) comes too late to say this.
     */
    private static java.util.Optional<Long> firstPartUploaded(Path ledger) throws SQLException {
        return ledgerTime(ledger, "SELECT min(uploaded_at) FROM parts");
    }

    /** When the ledger first recorded {@code action} (epoch ms) at or after {@code since}: e.g. the first ingest. */
    private static java.util.Optional<Long> firstAudit(Path ledger, String action, long since) throws SQLException {
        return ledgerTime(ledger, "SELECT min(at) FROM audit WHERE action = ? AND at >= ?", action, since);
    }

    /** The one time (epoch ms) {@code sql} selects from the ledger, if there is one. */
    private static java.util.Optional<Long> ledgerTime(Path ledger, String sql, Object... params) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + ledger + "?mode=ro");
             var q = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                q.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = q.executeQuery()) {
                long at = rs.next() ? rs.getLong(1) : 0;
                return at > 0 ? java.util.Optional.of(at) : java.util.Optional.empty();
            }
        }
    }

    private static Map<String, Long> parse(String report) {
        Map<String, Long> m = new HashMap<>();
        for (String kv : report.trim().split("\\s+")) {
            int eq = kv.indexOf('=');
            m.put(kv.substring(0, eq), Long.parseLong(kv.substring(eq + 1)));
        }
        return m;
    }

    private static void print(Result r, boolean header) {
        if (header) {
            System.out.println();
            System.out.printf("scale: the agent in its own JVM (%s), all cameras docked before it starts, until every file is wiped;"
                    + " it reaches the receiver directly, whose store is in memory where it fits%n", HEAP);
            System.out.printf("%4s %8s %8s %8s %8s %8s %8s %9s %9s %8s %8s %8s%n", "bays", "file MB", "total s", "ingest s", "ingest",
                    "e2e", "CPU s/GB", "heap MB", "RSS MB", "online s", "1st in s", "1st part");
            System.out.printf("%4s %8s %8s %8s %8s %8s %8s %9s %9s %8s %8s %8s%n", "", "", "", "", "MB/s", "MB/s", "", "peak", "peak", "", "",
                    "up s");
        }
        Scenario s = r.s();
        if (r.failure() != null) {
            System.out.printf("%4d %8d FAILED: %s%n", s.bays(), s.fileBytes() / 1_000_000, r.failure());
            return;
        }
        double mb = s.bays() * s.fileBytes() / 1e6;
        System.out.printf("%4d %8d %8.1f %8.1f %8.0f %8.0f %8.2f %9.1f %9.0f %8.2f %8.2f %8.2f%n", s.bays(), s.fileBytes() / 1_000_000,
                r.totalSeconds(), r.ingestSeconds(), mb / r.ingestSeconds(), mb / r.totalSeconds(), r.cpuSeconds() / (mb / 1e3),
                r.heapPeak() / 1e6, r.rssPeakKb() / 1e3, r.onlineSeconds(), r.firstIngestSeconds(), r.firstUploadSeconds());
        System.out.printf("%4s s after the first byte read: %s; CPU s from then to safe: the agent %.1f, the site (receiver,"
                + " broker, TSA, in the bench's JVM) %.1f%n", "", r.stages(), r.agentCpuToSafe(), r.siteCpuToSafe());
        r.warm().ifPresent(w -> System.out.printf("%4s docked again with a new file, the agent running on: %.1f s docked to safe,"
                + " %.1f s from the first byte read; CPU s docked to safe: the agent %.1f (%.2f s/GB), the site %.1f%n"
                + "%4s s after the first byte read: %s%n", "", w.dockedToSafe(), w.readToSafe(), w.agentCpu(),
                w.agentCpu() / (s.fileBytes() / 1e9), w.siteCpu(), "", w.stages()));
    }

    static boolean ok(List<Result> results) {
        return results.stream().allMatch(r -> r.failure() == null);
    }

    static void requireDisk(Path work, List<Scenario> scenarios) throws IOException {
        long need = scenarios.stream().mapToLong(s -> 3L * s.bays() * s.fileBytes()).max().orElse(0) + (1L << 30);
        long free = Files.getFileStore(work).getUsableSpace();
        if (free < need) {
            throw new IOException("scale benchmark needs " + need / (1L << 30) + " GiB free in " + work + " (camera copy, spool,"
                    + " receiver store); " + free / (1L << 30) + " GiB free. Use --scale-sizes / --scale-bays for less.");
        }
    }
}
