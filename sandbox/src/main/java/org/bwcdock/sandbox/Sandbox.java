package org.bwcdock.sandbox;

import org.bwcdock.format.io.FileTrees;
import org.bwcdock.agent.DockAgent;
import org.bwcdock.agent.events.BayPhase;
import org.bwcdock.agent.events.BayView;
import org.bwcdock.agent.config.ConfigLoader;
import org.bwcdock.agent.ledger.CameraRecord;
import org.bwcdock.agent.ledger.EvidenceFile;
import org.bwcdock.agent.ledger.FileState;
import org.bwcdock.simulation.SimulatedBoard;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * {@code ./bwcdock demo}: a shift end on one machine, no hardware. The {@link Site} (agency PKI made
 * with the provisioning CLI, HiveMQ CE, the reference evidence receiver) and the real agent on
 * simulated USB and Pi4J mock hardware; four cameras assigned to four officers dock one after
 * another, and the agent ingests, uploads, gets receipts and wipes them until every bay shows
 * "safe". Exit 0 when it all worked; {@code --keep-running} then leaves it up with a
 * {@link ControlConsole}. Ctrl-C stops everything and deletes the work directory.
 */
public final class Sandbox implements AutoCloseable {
    /** Footage per camera, bytes: a few files from KB to MB (--big for hundreds of MB). */
    static final long[] SMALL = {180_000, 2_500_000, 12_000_000};
    static final long[] BIG = {5_000_000, 60_000_000, 300_000_000};
    private static final Duration LIMIT = Duration.ofSeconds(110);
    private static final Set<FileState> INGESTED = EnumSet.of(FileState.INGESTED, FileState.UPLOADING, FileState.UPLOADED,
            FileState.RECEIPTED, FileState.RELEASED);
    private static final Set<FileState> RECEIPTED = EnumSet.of(FileState.RECEIPTED, FileState.RELEASED);
    private static final String USAGE = "usage: demo [--big | --sizes 180K,2.5M,12M] [--keep-running] [--workdir DIR]";

    private final Site site;
    private final DockAgent agent;
    /** The chips of the simulated dock: badges go on its reader, cameras' charge on its gauges. */
    private final SimulatedBoard board;
    private final LiveView view;
    private boolean closed;

    private Sandbox(Site site, DockAgent agent, SimulatedBoard board, LiveView view) {
        this.site = site;
        this.agent = agent;
        this.board = board;
        this.view = view;
    }

    public static void main(String[] args) throws Exception {
        long[] sizes = SMALL;
        boolean keepRunning = false;
        Path workdir = null;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--big" -> sizes = BIG;
                    case "--sizes" -> sizes = sizes(i + 1 < args.length ? args[++i] : "");
                    case "--keep-running" -> keepRunning = true;
                    case "--workdir" -> workdir = workdir(i + 1 < args.length ? args[++i] : "");
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("demo: " + e.getMessage() + "\n" + USAGE);
            System.exit(2);
        }
        boolean keep = workdir != null;
        Path work = keep ? Files.createDirectories(workdir) : Files.createTempDirectory("bwcdock-sandbox-");
        if (keep) {
            // The agent's, receiver's and broker's log lines go to DIR/logs/sandbox.log as well.
            System.setProperty("bwcdock.sandbox.log", Files.createDirectories(work.resolve("logs")).resolve("sandbox.log").toString());
            System.setProperty("logback.configurationFile", "sandbox-logback-workdir.xml");
        } else {
            System.setProperty("logback.configurationFile", "sandbox-logback.xml");
        }
        Sandbox sandbox;
        try {
            sandbox = start(work, System.console() != null, System.out);
        } catch (Exception e) {
            if (!keep) {
                FileTrees.delete(work);
            }
            throw e;
        }
        // Ctrl-C (SIGINT) and SIGTERM: stop agent, servers and threads; leave nothing on disk unless --workdir.
        Thread stopper = new Thread(() -> sandbox.closeAndClean(work, keep), "sandbox-shutdown");
        Runtime.getRuntime().addShutdownHook(stopper);
        int status = sandbox.shiftEnd(sizes).ok() ? 0 : 1;
        if (keepRunning) {
            new ControlConsole(sandbox, new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), System.out).run();
        }
        System.exit(status); // the hook closes everything
    }

    /** "180K,2.5M,12M": each camera's file sizes in bytes (K, M, G are powers of 1000, as cameras label them). */
    static long[] sizes(String list) {
        String[] items = list.split(",");
        if (list.isBlank() || items.length > 20) {
            throw new IllegalArgumentException("--sizes wants 1 to 20 sizes like 180K,2.5M,12M, not '" + list + "'");
        }
        long[] sizes = new long[items.length];
        for (int i = 0; i < items.length; i++) {
            String item = items[i].trim().toUpperCase(java.util.Locale.ROOT);
            double unit = switch (item.isEmpty() ? ' ' : item.charAt(item.length() - 1)) {
                case 'K' -> 1e3;
                case 'M' -> 1e6;
                case 'G' -> 1e9;
                default -> 1;
            };
            try {
                double n = Double.parseDouble(unit == 1 ? item : item.substring(0, item.length() - 1));
                sizes[i] = (long) (n * unit);
            } catch (NumberFormatException e) {
                sizes[i] = -1;
            }
            if (sizes[i] < 1 || sizes[i] > 8_000_000_000L) {
                throw new IllegalArgumentException("--sizes: '" + items[i] + "' is not a size from 1 byte to 8G");
            }
        }
        return sizes;
    }

    /** Starts the site and the agent under {@code work}; nothing is docked yet. */
    public static Sandbox start(Path work, boolean terminal, PrintStream out) throws Exception {
        Site site = Site.start(work);
        try {
            Path config = site.writeAgentConfig(work.resolve("dock"), Site.AgentOptions.DEFAULT);
            SimulatedBoard board = new SimulatedBoard();
            DockAgent agent = DockAgent.create(ConfigLoader.load(config), Clock.systemUTC(), board);
            agent.start();
            for (Site.Camera c : Site.CAMERAS) {
                agent.ledger().recordCamera(new CameraRecord(c.serial(), "2a3b:0001", c.serial(), false));
                agent.ledger().assign(c.serial(), c.officer(), "sandbox");
            }
            return new Sandbox(site, agent, board, new LiveView(out, terminal));
        } catch (Exception | Error e) {
            site.close();
            throw e;
        }
    }

    /** What the scripted shift end achieved. */
    public record ShiftEnd(int files, long bytes, double seconds, double ingestMBps, double uploadMBps, int receipts,
                           long evidenceAtReceiver, int camerasWiped, long mqttMessages, boolean auditOk, boolean ok) {
    }

    /** Puts {@code sizes} of footage on each camera, docks them one after another, and waits for every bay to be safe. */
    public ShiftEnd shiftEnd(long[] sizes) throws Exception {
        long bytes = 0;
        for (Site.Camera c : Site.CAMERAS) {
            bytes += site.footage(c, sizes);
        }
        view.message("sandbox: dock up, MQTT broker (HiveMQ CE) on " + site.broker().uri() + ", evidence receiver on 127.0.0.1:"
                + site.receiver().port() + "; " + Site.CAMERAS.size() + " cameras with " + bytes / 1_000_000 + " MB of footage arrive");
        view.message("sandbox: fleet dashboard on " + site.dashboardPage() + " (back-office user, MQTT over "
                + site.broker().webSocketUri() + ")");
        view.message("sandbox: that broker's certificate is from this demo's throwaway CA " + site.pki().caCert()
                + ": open the page in Chromium started with --ignore-certificate-errors-spki-list=" + site.webSocketSpkiHash()
                + " --user-data-dir=$(mktemp -d), or import that CA into a spare browser profile (docs/operations.md)");
        long t0 = System.nanoTime();
        long deadline = t0 + LIMIT.toNanos();
        long nextDock = t0;
        long ingestedAt = 0;
        long firstIngestedAt = 0;
        long receiptedAt = 0;
        int docked = 0;
        while (System.nanoTime() < deadline) {
            long now = System.nanoTime();
            if (docked < Site.CAMERAS.size() && now >= nextDock) {
                Site.Camera c = Site.CAMERAS.get(docked++);
                dock(c);
                view.message("sandbox: " + c.officer() + " docks " + c.serial() + " in bay " + c.bay());
                nextDock = now + 1_000_000_000L;
            }
            view.show(rows());
            List<EvidenceFile> files = files();
            boolean all = docked == Site.CAMERAS.size() && files.size() == Site.CAMERAS.size() * sizes.length;
            if (firstIngestedAt == 0 && files.stream().anyMatch(f -> INGESTED.contains(f.state()))) {
                firstIngestedAt = now;
            }
            if (ingestedAt == 0 && all && files.stream().allMatch(f -> INGESTED.contains(f.state()))) {
                ingestedAt = now;
            }
            if (receiptedAt == 0 && all && files.stream().allMatch(f -> RECEIPTED.contains(f.state()))) {
                receiptedAt = now;
            }
            if (all && allSafe()) {
                break;
            }
            Thread.sleep(100); // screen refresh
        }
        view.show(rows());
        boolean ok = allSafe();
        double seconds = (System.nanoTime() - t0) / 1e9;
        awaitOutboxDrained();
        ShiftEnd r = summarize(bytes, seconds, rate(bytes, t0, ingestedAt), rate(bytes, firstIngestedAt, receiptedAt), ok);
        view.message(String.format("sandbox: %d files, %.1f MB in %.1f s; ingest %.1f MB/s, upload %.1f MB/s (wall clock, cameras"
                        + " docked 1 s apart); %d receipts verified, %d evidence files at the receiver, %d cameras wiped;"
                        + " audit chain %s", r.files(), r.bytes() / 1e6, r.seconds(), r.ingestMBps(), r.uploadMBps(), r.receipts(),
                r.evidenceAtReceiver(), r.camerasWiped(), r.auditOk() ? "verifies" : "BROKEN"));
        view.message("sandbox: the back office saw " + r.mqttMessages() + " MQTT messages; retained bay states: "
                + site.office().retainedBays());
        view.message(trustedTime());
        view.message(ok ? "sandbox: shift end complete: every bay safe to take"
                : "sandbox: FAILED: not every bay is safe within " + LIMIT.toSeconds() + " s");
        return r;
    }

    /** How many stored manifests and receipts carry an RFC 3161 token, and how to check one with openssl. */
    private String trustedTime() throws IOException {
        Path evidence = site.receiverStore().resolve("evidence");
        int dirs = 0;
        int manifests = 0;
        int receipts = 0;
        Path last = null;
        try (var all = Files.list(evidence)) {
            for (Path d : all.filter(Files::isDirectory).filter(d -> !d.getFileName().toString().endsWith(".tmp")).sorted().toList()) {
                dirs++;
                manifests += Files.exists(d.resolve("manifest.tsr")) ? 1 : 0;
                receipts += Files.exists(d.resolve("receipt.tsr")) ? 1 : 0;
                last = d;
            }
        }
        return "sandbox: trusted time: " + manifests + " of " + dirs + " manifests and " + receipts + " of " + dirs
                + " receipts carry an RFC 3161 token from the sandbox TSA (" + site.tsa().url() + ")"
                + (last == null ? "" : "; check one: openssl ts -verify -in " + last.resolve("manifest.tsr") + " -data "
                + last.resolve("manifest.p7s") + " -CAfile " + site.tsa().caFile());
    }

    /** Plugs the camera in; its bay's simulated gauge reads the camera's charge, as the real cell would. */
    void dock(Site.Camera c) throws IOException {
        board.setGauge(c.bay(), Footage.battery(c.serial()), 3.95);
        site.dock(c);
    }

    private static double rate(long bytes, long from, long to) {
        return from == 0 || to <= from ? 0 : bytes / 1e6 / ((to - from) / 1e9);
    }

    private List<EvidenceFile> files() {
        List<EvidenceFile> all = new ArrayList<>();
        for (Site.Camera c : Site.CAMERAS) {
            all.addAll(agent.ledger().filesOf(c.serial()));
        }
        return all;
    }

    private boolean allSafe() {
        for (Site.Camera c : Site.CAMERAS) {
            List<EvidenceFile> files = agent.ledger().filesOf(c.serial());
            if (files.isEmpty() || !files.stream().allMatch(f -> f.state() == FileState.RELEASED)) {
                return false;
            }
        }
        return agent.bays().stream().allMatch(b -> b.phase() == BayPhase.SAFE);
    }

    /** Lets the dock's outbox drain to the broker before the summary (bounded wait). */
    private void awaitOutboxDrained() throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (agent.ledger().pendingEventCount() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50); // poll
        }
    }

    private ShiftEnd summarize(long bytes, double seconds, double ingest, double upload, boolean ok) throws IOException {
        List<EvidenceFile> files = files();
        int receipts = (int) files.stream().filter(f -> agent.ledger().receipt(f.id()).isPresent()).count();
        int wiped = 0;
        for (Site.Camera c : Site.CAMERAS) {
            try (var left = Files.list(site.volume(c).resolve("DCIM/100"))) {
                if (left.findAny().isEmpty()) {
                    wiped++;
                }
            }
        }
        return new ShiftEnd(files.size(), bytes, seconds, ingest, upload, receipts, site.receiver().evidenceCount(), wiped,
                site.office().messages(), agent.ledger().verifyAudit().ok(), ok);
    }

    /** The bays as the dock shows them (MQTT's view, battery from the gauges). */
    List<BayView> rows() {
        return agent.bays();
    }

    public Site site() {
        return site;
    }

    /** The simulated chips the sandbox's dock runs on. */
    public SimulatedBoard board() {
        return board;
    }

    public DockAgent agent() {
        return agent;
    }

    @Override
    public synchronized void close() throws Exception {
        if (closed) {
            return;
        }
        closed = true;
        try {
            agent.close();
        } finally {
            site.close();
        }
    }

    /** {@code --workdir DIR}: a directory that does not exist yet or is empty, so that nothing of the user's is mixed in. */
    static Path workdir(String dir) {
        if (dir.isBlank()) {
            throw new IllegalArgumentException("--workdir wants a directory");
        }
        Path p = Path.of(dir).toAbsolutePath().normalize();
        try (var entries = Files.isDirectory(p) ? Files.list(p) : java.util.stream.Stream.<Path>empty()) {
            if (Files.exists(p) && (!Files.isDirectory(p) || entries.findAny().isPresent())) {
                throw new IllegalArgumentException("--workdir " + p + " exists and is not an empty directory");
            }
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("--workdir " + p + ": " + e.getMessage());
        }
        return p;
    }

    private void closeAndClean(Path work, boolean keep) {
        try {
            System.out.println("sandbox: stopping agent, receiver and broker");
            close();
            if (keep) {
                System.out.println("sandbox: stopped; the site is kept in " + work + ": pki/ (CA, keys, CRL), receiver/evidence/ "
                        + "(what the receiver stored), dock/state/ (spool, ledger.db), logs/sandbox.log; README: check one file with openssl");
                return;
            }
            FileTrees.delete(work);
            System.out.println("sandbox: stopped; " + work + " removed");
        } catch (Exception e) {
            System.err.println("sandbox: cleanup incomplete: " + e);
        }
    }
}
