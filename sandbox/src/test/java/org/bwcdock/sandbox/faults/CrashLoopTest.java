package org.bwcdock.sandbox.faults;

import org.bwcdock.format.pki.Digests;
import org.bwcdock.testing.Jvm;
import org.bwcdock.sandbox.Custody;
import org.bwcdock.sandbox.Site;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Issue #11, crash: the real agent in its own JVM is killed with SIGKILL at random moments of
 * ingest, upload and wipe, and started again each time on the same state. In between, new footage
 * appears on the cameras (while the dock is down: the restart is when the agent sees it). Afterwards
 * one clean run finishes everything, and the run is judged the way an auditor would: every original
 * file has exactly one receipted copy at the receiver, every spool part that ever existed was
 * complete, no camera file went without a receipt, the audit chain verifies.
 *
 * <p>30 iterations by default (CI); a soak with {@code -Dbwcdock.crash.iterations=300}. The seed is
 * printed first: {@code -Dbwcdock.crash.seed=N} replays the same footage, aims and delays (the
 * moments themselves still depend on the machine).
 */
class CrashLoopTest {
    private static final int ITERATIONS = Integer.getInteger("bwcdock.crash.iterations", 30);
    private static final long SEED = Long.getLong("bwcdock.crash.seed", System.nanoTime());
    /** What one iteration may take on a busy 2-core machine (about 5 s is usual), and the final run plus checks. */
    private static final Duration PER_ITERATION = Duration.ofSeconds(18);
    private static final Duration FINAL = Duration.ofSeconds(240);
    /** How long an iteration looks for its phase before it kills at whatever moment it is. */
    private static final Duration AIM = Duration.ofSeconds(15);
    private static final long POLL_MILLIS = 15;
    /** The cameras' directories are cheap to look at, and a wipe is quick. */
    private static final long WIPE_POLL_MILLIS = 2;

    /** Where a kill is aimed. */
    enum Phase { INGEST, UPLOAD, WIPE, PART_BOUNDARY }

    @Test
    void killNineDuringIngestUploadAndWipeLosesNothingAndDuplicatesNothing(@TempDir Path work) throws Exception {
        System.out.printf("crash loop: %d iterations, seed %d (replay: -Dbwcdock.crash.seed=%d)%n", ITERATIONS, SEED, SEED);
        // The time limit grows with -Dbwcdock.crash.iterations, so it is set here rather than by @Timeout.
        Site site = assertTimeoutPreemptively(Duration.ofSeconds(90), () -> Site.start(work), "site start");
        try {
            Loop loop = new Loop(site, work, new Random(SEED));
            try {
                assertTimeoutPreemptively(PER_ITERATION.multipliedBy(ITERATIONS).plus(FINAL), loop::run,
                        () -> "crash loop took too long (seed " + SEED + ")");
            } catch (Throwable t) {
                loop.printLogTail(200);
                System.out.println("crash loop FAILED at iteration " + loop.iteration + "; replay with -Dbwcdock.crash.seed=" + SEED);
                throw t;
            } finally {
                loop.killAgent();
            }
        } finally {
            site.close();
        }
    }

    /** One crash loop: the agent process, the footage the cameras were given, what the kills hit. */
    private static final class Loop {
        private final Site site;
        private final Path work;
        private final Random random;
        private final Path config;
        private final Path ledgerFile;
        private final CrashLedger ledger;
        private final Path spool;
        private final Path agentLog;
        /** Every footage file ever put on a camera: subject → SHA-256. */
        private final Map<String, String> expected = new TreeMap<>();
        private final Map<Phase, Integer> aimed = new EnumMap<>(Phase.class);
        private final Map<Phase, Integer> hit = new EnumMap<>(Phase.class);
        private volatile Process agent;
        private volatile int iteration;
        private int nextFile = 1;
        private long bytes;
        private long partsChecked;
        private int deadlineKills;
        private int tempFilesLeft;
        /** Kills after which a file still INGESTING had a part the server had confirmed bytes of. */
        private int overlapSeen;

        Loop(Site site, Path work, Random random) throws IOException {
            this.site = site;
            this.work = work;
            this.random = random;
            Path dock = work.resolve("dock");
            // The crash loop forks the agent as a dock runs it (its Main), where no simulated chips exist: no hardware.
            // Cameras read at 20 MB/s: a file of three parts takes about half a second, so parts upload while later
            // ones are read (issue #21) and the kills aimed at a part boundary find files half-ingested, half-uploaded.
            this.config = site.writeAgentConfig(dock, Site.AgentOptions.DEFAULT.withSpool("2 GiB", "4 MiB").withBays(4, "none")
                    .withCameraReadRate("20 MB"));
            this.ledgerFile = dock.resolve("state/ledger.db");
            this.ledger = new CrashLedger(ledgerFile);
            this.spool = dock.resolve("state/spool");
            this.agentLog = work.resolve("agent.log");
            for (Phase p : Phase.values()) {
                aimed.put(p, 0);
                hit.put(p, 0);
            }
        }

        void run() throws Exception {
            long t0 = System.nanoTime();
            for (Site.Camera c : Site.CAMERAS) {
                site.footage(c, new long[0]); // DEVICE.TXT and an empty DCIM/100
                addFootage(c, 1 + random.nextInt(3), false);
                site.dock(c); // and docked for good: the sysfs tree outlives every agent
            }
            for (iteration = 1; iteration <= ITERATIONS; iteration++) {
                Phase target = Phase.values()[(iteration - 1) % Phase.values().length];
                if (((target == Phase.INGEST || target == Phase.PART_BOUNDARY) && iteration > 1) || !anyFootageLeft()) {
                    feed(target == Phase.PART_BOUNDARY);
                }
                long startSeq = ledger.auditHead();
                long marksAtStart = ledger.uploadMarks();
                Set<String> onCameras = onCameras();
                start();
                aimAndKill(target, startSeq, marksAtStart, onCameras);
                if (Files.exists(ledgerFile) && Files.isDirectory(spool)) {
                    partsChecked += Custody.spoolSurvivesCrash(spool, ledgerFile, work);
                    tempFilesLeft += tempFiles();
                    goneOnlyWithReceiptInLedger();
                }
            }
            double loopSeconds = (System.nanoTime() - t0) / 1e9;
            long t1 = System.nanoTime();
            finish();
            System.out.printf("crash loop: %d iterations in %.0f s, final run and checks %.0f s (seed %d)%n", ITERATIONS,
                    loopSeconds, (System.nanoTime() - t1) / 1e9, SEED);
            System.out.printf("crash loop: kills aimed at ingest %d (mid-ingest %d), upload %d (mid-upload %d), wipe %d"
                            + " (mid-wipe %d), a part boundary %d (between parts %d, with a part of an ingesting file at the"
                            + " server %d); %d at the aim deadline%n", aimed.get(Phase.INGEST), hit.get(Phase.INGEST),
                    aimed.get(Phase.UPLOAD), hit.get(Phase.UPLOAD), aimed.get(Phase.WIPE), hit.get(Phase.WIPE),
                    aimed.get(Phase.PART_BOUNDARY), hit.get(Phase.PART_BOUNDARY), overlapSeen, deadlineKills);
            System.out.printf("crash loop: %d files, %.1f MB of footage, each once at the receiver; after the kills %d spool"
                    + " parts decrypted and %d temp files left for the next start%n", expected.size(), bytes / 1e6, partsChecked,
                    tempFilesLeft);
            System.out.printf("crash loop: the receiver holds %d upload(s) that no commit took (%.1f MB; they expire)%n",
                    uncommittedUploads(), uncommittedBytes() / 1e6);
        }

        /** Uploads the receiver still holds: each commit removes its own, so these were left by kills. */
        private long uncommittedUploads() throws IOException {
            try (Stream<Path> files = Files.list(site.receiverStore().resolve("uploads"))) {
                return files.filter(f -> f.getFileName().toString().endsWith(".json")).count();
            }
        }

        private long uncommittedBytes() throws IOException {
            long sum = 0;
            try (Stream<Path> files = Files.list(site.receiverStore().resolve("uploads"))) {
                for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".bin")).toList()) {
                    sum += Files.size(f);
                }
            }
            return sum;
        }

        // ---- footage ---------------------------------------------------------------------------

        /** New footage on one or two cameras, those already wiped first, while the dock is down. */
        /** @param big files of two or three parts only: something for a kill between parts to hit */
        private void feed(boolean big) throws IOException {
            List<Site.Camera> order = new ArrayList<>(Site.CAMERAS);
            Collections.shuffle(order, random);
            order.sort(Comparator.comparing(c -> !wiped(c)));
            int n = 1 + random.nextInt(2);
            for (Site.Camera c : order.subList(0, n)) {
                addFootage(c, 1 + random.nextInt(3), big);
            }
        }

        /** Files with new names and random bytes: 0.2-1 MB (one part) or 1-12 MB (up to three 4 MiB parts); big: 6-12 MB. */
        private void addFootage(Site.Camera c, int files, boolean big) throws IOException {
            Path dcim = site.volume(c).resolve("DCIM/100");
            byte[] buf = new byte[1 << 20];
            for (int i = 0; i < files; i++) {
                long size = big ? 6_000_000 + random.nextInt(6_000_000)
                        : random.nextInt(10) < 4 ? 200_000 + random.nextInt(800_000) : 1_000_000 + random.nextInt(11_000_000);
                String relative = String.format("DCIM/100/CR%05d.MP4", nextFile++);
                SplittableRandom content = new SplittableRandom(random.nextLong());
                MessageDigest sha = Digests.sha256();
                try (OutputStream out = new DigestOutputStream(Files.newOutputStream(dcim.resolve(relative.substring(9))), sha)) {
                    for (long left = size; left > 0; left -= buf.length) {
                        content.nextBytes(buf);
                        out.write(buf, 0, (int) Math.min(buf.length, left));
                    }
                }
                expected.put(Custody.subject(c.serial(), relative), HexFormat.of().formatHex(sha.digest()));
                bytes += size;
            }
        }

        private boolean wiped(Site.Camera c) {
            try (Stream<Path> left = Files.list(site.volume(c).resolve("DCIM/100"))) {
                return left.findAny().isEmpty();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private int tempFiles() throws IOException {
            try (Stream<Path> files = Files.list(spool)) {
                return (int) files.filter(f -> f.getFileName().toString().endsWith(".tmp")).count();
            }
        }

        private boolean anyFootageLeft() {
            return Site.CAMERAS.stream().anyMatch(c -> !wiped(c));
        }

        // ---- the agent -------------------------------------------------------------------------

        private void start() throws IOException {
            Files.writeString(agentLog, "==== iteration " + iteration + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ProcessBuilder pb = Jvm.fork(List.of("-Xmx192m", "-XX:+UseSerialGC",
                    "-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener"), org.bwcdock.agent.Main.class,
                    "run", "--config", config.toString());
            pb.environment().put("BWCDOCK_LOG_TIME", "%d{HH:mm:ss.SSS} ");
            pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(agentLog.toFile()));
            agent = pb.start();
        }

        /**
         * Waits (bounded) for the aimed phase to show in the ledger, lets a random few milliseconds
         * pass to pick the moment, and kills. Not found in time: killed at that moment anyway.
         */
        private void aimAndKill(Phase target, long startSeq, long marksAtStart, Set<String> onCameras) throws Exception {
            aimed.merge(target, 1, Integer::sum);
            long started = System.nanoTime();
            long deadline = started + AIM.toNanos();
            int pick = random.nextInt(1000); // drawn every time, so that a seed replays the same sequence
            int maxDelay = -1;
            int polls = 0;
            while (maxDelay < 0 && System.nanoTime() < deadline) {
                if (!agent.isAlive()) {
                    fail("the agent exited by itself (status " + agent.exitValue() + ") in iteration " + iteration);
                }
                maxDelay = aim(target, startSeq, marksAtStart, onCameras, polls++);
                if (maxDelay < 0) {
                    Thread.sleep(target == Phase.WIPE ? WIPE_POLL_MILLIS : POLL_MILLIS); // poll
                }
            }
            long delay = maxDelay < 0 ? 0 : pick * maxDelay / 1000;
            if (maxDelay < 0) {
                deadlineKills++;
            } else {
                Thread.sleep(delay); // picks the moment; nothing waits on it
            }
            killAgent();
            overlapSeen += ledger.partsUploadedWhileIngesting() > 0 ? 1 : 0;
            boolean interrupted = interrupted(target, startSeq);
            if (interrupted) {
                hit.merge(target, 1, Integer::sum);
            }
            System.out.printf("crash loop: iteration %d/%d: aimed at %s, %s, killed %.1f s after the start: %s%n", iteration,
                    ITERATIONS, target.name().toLowerCase(Locale.ROOT),
                    maxDelay < 0 ? "not seen in time" : "seen, then " + delay + " ms", (System.nanoTime() - started) / 1e9,
                    interrupted ? "interrupted it" : "missed it");
        }

        /** SIGKILL, and the process is gone before anything looks at what it left. */
        void killAgent() throws InterruptedException {
            Process p = agent;
            if (p != null) {
                p.destroyForcibly();
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    fail("the agent survived SIGKILL for 30 s");
                }
            }
        }

        /** The last clean run: everything receipted and wiped, then SIGTERM, then every check. */
        private void finish() throws Exception {
            iteration = ITERATIONS + 1;
            start();
            long deadline = System.nanoTime() + FINAL.minusSeconds(90).toNanos();
            String left = "";
            while (System.nanoTime() < deadline) {
                if (!agent.isAlive()) {
                    fail("the agent exited by itself (status " + agent.exitValue() + ") in the final run");
                }
                left = unfinished();
                if (left.isEmpty()) {
                    break;
                }
                Thread.sleep(100); // poll
            }
            assertEquals("", left, "the final run did not release everything");
            Process p = agent;
            p.destroy(); // SIGTERM: the agent's shutdown hook closes it cleanly
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                fail("the agent did not stop within 30 s of SIGTERM");
            }
            agent = null;

            List<String> spoolLeft;
            try (Stream<Path> files = Files.list(spool)) {
                spoolLeft = files.map(f -> f.getFileName().toString()).sorted().toList();
            }
            assertEquals(List.of(), spoolLeft, "the spool after everything was receipted and a clean stop (no parts, no *.tmp)");
            Custody.receiverHoldsEachFileOnce(work, expected);
            Set<String> released = Custody.noWipeBeforeReceipt(ledgerFile);
            assertEquals(expected.keySet(), released, "every file released after its receipt");
            Custody.goneOnlyWithReceipt(expected, work.resolve("cameras"), released);
            Custody.auditChainVerifies(ledgerFile);
            assertEquals(0, Custody.spoolPartsDecrypt(spool, work));
        }

        // ---- what the ledger and the cameras show -----------------------------------------------

        /**
         * -1 while the phase is not in sight; else the longest random delay before the kill, ms. A
         * wipe takes only tens of milliseconds (hash each file again, delete it), so it is seen
         * first on the cameras themselves: a file gone means the wipe is deleting.
         */
        private int aim(Phase target, long startSeq, long marksAtStart, Set<String> onCamerasAtStart, int poll) throws IOException {
            if (target == Phase.WIPE) {
                if (!onCameras().containsAll(onCamerasAtStart)) {
                    return 5;
                }
                if (poll % 8 != 0) {
                    return -1;
                }
            }
            try {
                return switch (target) {
                    case INGEST -> ledger.ingestingSince(startSeq) ? 150 : -1;
                    case UPLOAD -> ledger.uploadingSince(startSeq, marksAtStart) ? 300 : -1;
                    case WIPE -> ledger.wipingSince(startSeq) ? 10 : -1;
                    case PART_BOUNDARY -> atPartBoundary(startSeq) ? 60 : -1;
                };
            } catch (SQLException e) {
                return -1; // the agent is still making the ledger
            }
        }

        /** After the kill: was the aimed phase under way at that moment? */
        private boolean interrupted(Phase target, long startSeq) throws SQLException {
            return switch (target) {
                case INGEST -> ledger.ingestingSince(startSeq);
                case UPLOAD -> ledger.uploading();
                case WIPE -> ledger.wipingSince(startSeq);
                case PART_BOUNDARY -> atPartBoundary(startSeq);
            };
        }

        /** Every other kill aimed at a part boundary waits for a part of the ingesting file to be at the server too. */
        private boolean atPartBoundary(long startSeq) throws SQLException {
            return aimed.get(Phase.PART_BOUNDARY) % 2 == 0 ? ledger.uploadedAtPartBoundarySince(startSeq)
                    : ledger.atPartBoundarySince(startSeq);
        }

        /** The footage on the cameras now, by subject: names only, nothing read. */
        private Set<String> onCameras() throws IOException {
            Set<String> subjects = new HashSet<>();
            for (Site.Camera c : Site.CAMERAS) {
                try (Stream<Path> files = Files.list(site.volume(c).resolve("DCIM/100"))) {
                    files.forEach(f -> subjects.add(Custody.subject(c.serial(), "DCIM/100/" + f.getFileName())));
                }
            }
            return subjects;
        }

        /** At this kill's moment: a footage file missing from its camera was receipted first. */
        private void goneOnlyWithReceiptInLedger() throws IOException, SQLException {
            Set<String> present = onCameras();
            Map<String, String> states = ledger.states();
            for (String subject : expected.keySet()) {
                if (!present.contains(subject)) {
                    String state = states.get(subject);
                    assertTrue("RECEIPTED".equals(state) || "RELEASED".equals(state),
                            subject + " is gone from its camera while the ledger has it " + state + " (iteration " + iteration + ")");
                }
            }
        }

        /** What keeps the final run from being done, or "" once every file is in the ledger and released. */
        private String unfinished() {
            Map<String, String> states;
            try {
                states = ledger.states();
            } catch (SQLException e) {
                return "ledger not readable: " + e.getMessage();
            }
            StringBuilder b = new StringBuilder();
            for (String subject : expected.keySet()) {
                if (!"RELEASED".equals(states.get(subject))) {
                    b.append(subject).append(' ').append(states.get(subject)).append("; ");
                }
            }
            states.forEach((subject, state) -> {
                if (!expected.containsKey(subject)) {
                    b.append("unexpected ").append(subject).append(' ').append(state).append("; ");
                }
            });
            return b.toString();
        }

        void printLogTail(int lines) {
            try {
                if (Files.exists(agentLog)) {
                    List<String> all = Files.readAllLines(agentLog);
                    System.out.println("---- last " + lines + " lines of the agent log");
                    all.subList(Math.max(0, all.size() - lines), all.size()).forEach(System.out::println);
                }
            } catch (IOException e) {
                System.out.println("agent log unreadable: " + e);
            }
        }
    }
}
