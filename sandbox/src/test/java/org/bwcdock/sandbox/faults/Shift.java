package org.bwcdock.sandbox.faults;

import org.bwcdock.testing.Poll;
import com.fasterxml.jackson.databind.JsonNode;
import org.bwcdock.agent.DockAgent;
import org.bwcdock.agent.events.BayPhase;
import org.bwcdock.agent.events.BayView;
import org.bwcdock.agent.config.ConfigLoader;
import org.bwcdock.agent.ledger.CameraRecord;
import org.bwcdock.agent.ledger.EvidenceFile;
import org.bwcdock.agent.ledger.FileState;
import org.bwcdock.sandbox.Custody;
import org.bwcdock.sandbox.Site;
import org.bwcdock.simulation.SimulatedBoard;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A shift end for the fault tests: a {@link Site} and the real agent in-process (as the sandbox runs
 * it), the cameras recorded and assigned before they dock, wait helpers that poll with a deadline
 * and say what they saw when it passes, and the after-the-fact checks every fault test ends with:
 * every event the ledger numbered reached the back office in order, the receiver holds each file
 * once, nothing left a camera before its receipt, the audit chain verifies, the spool is empty.
 */
final class Shift implements AutoCloseable {
    /** How long a shift end may take to complete once a fault is over (CI: two shared cores). */
    static final Duration COMPLETE = Duration.ofSeconds(90);
    private static final long POLL_MILLIS = 50;
    private static final Set<String> OWN_THREADS = Set.of("bwcdock-", "fault-proxy-");

    private final Site site;
    private final DockAgent agent;
    private final List<Site.Camera> cameras;
    private final Path ledgerFile;
    private final Path spool;
    private boolean agentClosed;

    private Shift(Site site, DockAgent agent, List<Site.Camera> cameras, Path dock) {
        this.site = site;
        this.agent = agent;
        this.cameras = cameras;
        this.ledgerFile = dock.resolve("state/ledger.db");
        this.spool = dock.resolve("state/spool");
    }

    /** Starts the site and the agent under {@code work}; every camera of the options' bays is known and assigned. */
    static Shift start(Path work, Site.AgentOptions options, Clock clock) throws Exception {
        Site site = Site.start(work);
        DockAgent agent = null;
        try {
            Path dock = work.resolve("dock");
            agent = DockAgent.create(ConfigLoader.load(site.writeAgentConfig(dock, options)), clock, new SimulatedBoard());
            agent.start();
            List<Site.Camera> cameras = Site.cameras(options.bays());
            for (Site.Camera c : cameras) {
                agent.ledger().recordCamera(new CameraRecord(c.serial(), "2a3b:0001", c.serial(), false));
                agent.ledger().assign(c.serial(), c.officer(), "fault-test");
            }
            return new Shift(site, agent, cameras, dock);
        } catch (Exception | Error e) {
            if (agent != null) {
                agent.close();
            }
            site.close();
            throw e;
        }
    }

    Site site() {
        return site;
    }

    DockAgent agent() {
        return agent;
    }

    List<Site.Camera> cameras() {
        return cameras;
    }

    Path spool() {
        return spool;
    }

    Path ledgerFile() {
        return ledgerFile;
    }

    /** Puts the same sizes of footage on every camera; returns subject → SHA-256, taken before anything docks. */
    Map<String, String> footage(long[] sizes) throws Exception {
        for (Site.Camera c : cameras) {
            site.footage(c, sizes);
        }
        return Custody.footageHashes(site.work().resolve("cameras"));
    }

    void dockAll() throws Exception {
        for (Site.Camera c : cameras) {
            site.dock(c);
        }
    }

    List<EvidenceFile> files() {
        List<EvidenceFile> all = new ArrayList<>();
        for (Site.Camera c : cameras) {
            all.addAll(agent.ledger().filesOf(c.serial()));
        }
        return all;
    }

    /** Polls {@code done} until it holds; past {@code limit}, fails naming {@code what} and the state then. */
    static void await(String what, Duration limit, Poll.Condition done, Supplier<String> state) throws Exception {
        Poll.until(what, limit, done, () -> {
            dumpOwnThreads(what);
            return state.get();
        });
    }

    void await(String what, Duration limit, Poll.Condition done) throws Exception {
        await(what, limit, done, this::describe);
    }

    /** Every one of {@code expected} files RELEASED (receipted, then wiped) and every bay "safe". */
    void awaitReleased(int expected) throws Exception {
        await(expected + " files released and every bay safe", COMPLETE, () -> {
            List<EvidenceFile> files = files();
            return files.size() == expected && files.stream().allMatch(f -> f.state() == FileState.RELEASED)
                    && agent.bays().stream().allMatch(b -> b.phase() == BayPhase.SAFE);
        });
    }

    /**
     * Waits until an upload is moving: some file UPLOADING and another {@code bytes} through the
     * receiver's proxy since then, so that a fault injected next hits a transfer in the middle.
     */
    void awaitUploadUnderWay(long bytes) throws Exception {
        await("a file uploading", COMPLETE, () -> files().stream().anyMatch(f -> f.state() == FileState.UPLOADING));
        long from = site.receiverProxy().upstreamBytes();
        await(bytes + " bytes of upload under way", COMPLETE, () -> site.receiverProxy().upstreamBytes() - from >= bytes);
    }

    /** What the dock and the site look like now, for failure messages. */
    String describe() {
        StringBuilder b = new StringBuilder("files:");
        try {
            for (EvidenceFile f : files()) {
                b.append(' ').append(f.cameraId()).append(':').append(f.relativePath()).append('=').append(f.state());
                if (f.reason() != null) {
                    b.append('(').append(f.reason()).append(')');
                }
            }
            b.append("; bays:");
            for (BayView s : agent.bays()) {
                b.append(' ').append(s.bay()).append('=').append(s.phase()).append('/').append(s.lastEvent());
            }
            b.append("; outbox ").append(agent.ledger().pendingEventCount());
        } catch (RuntimeException e) {
            b.append(" (ledger unreadable: ").append(e).append(')');
        }
        b.append("; receiver proxy ").append(site.receiverProxy().mode()).append(' ').append(site.receiverProxy().upstreamBytes())
                .append(" bytes up; broker proxy ").append(site.brokerProxy().mode()).append("; back office events ")
                .append(site.office().events().size());
        return b.toString();
    }

    /** Types of the events the back office received. */
    List<String> eventTypes() {
        return site.office().events().stream().map(e -> e.path("type").asText()).toList();
    }

    /** Events the back office received, first copies only (QoS 1 may deliver one twice). */
    List<JsonNode> distinctEvents() {
        Map<String, Long> seen = new HashMap<>();
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode e : site.office().events()) {
            Long before = seen.putIfAbsent(e.path("eventId").asText(), e.path("sequence").asLong());
            if (before == null) {
                out.add(e);
            } else {
                assertEquals(before, e.path("sequence").asLong(), "event " + e.path("eventId").asText() + " delivered again with another sequence");
            }
        }
        return out;
    }

    /**
     * The outbox drains, and the back office has every event the ledger numbered: sequences 1 to the
     * last one, none missing, in sequence order once redeliveries are dropped.
     */
    void assertEventsArrived() throws Exception {
        await("the outbox to drain", COMPLETE, () -> agent.ledger().pendingEventCount() == 0);
        long last = lastSequence();
        assertTrue(last > 0, "the ledger numbered no events");
        await("the back office to receive events 1.." + last, COMPLETE,
                () -> distinctEvents().stream().filter(e -> e.path("sequence").asLong() <= last).count() >= last);
        List<Long> order = distinctEvents().stream().map(e -> e.path("sequence").asLong()).filter(s -> s <= last).toList();
        assertEquals(LongStream.rangeClosed(1, last).boxed().toList(), order,
                "events at the back office in arrival order, redeliveries dropped");
    }

    /** The highest event sequence the ledger ever gave out (published events leave the outbox; the counter stays). */
    long lastSequence() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + ledgerFile);
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'")) {
            return r.next() ? r.getLong(1) : 0;
        }
    }

    /** The audit log's actions for one subject ("CAMERA:path"), in chain order, as "action: detail". */
    List<String> auditOf(String subject) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + ledgerFile);
             PreparedStatement p = c.prepareStatement("SELECT action, detail FROM audit WHERE subject = ? ORDER BY seq")) {
            p.setString(1, subject);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(r.getString(1) + ": " + r.getString(2));
                }
            }
        }
        return out;
    }

    /** Names of the files in the spool now (parts, manifests, temporaries). */
    List<String> spoolFiles() throws Exception {
        if (!Files.isDirectory(spool)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(spool)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * The end of every fault test, after every file was released: all events arrived; then, with the
     * agent stopped, the receiver holds each file once and restores it, every file left its camera
     * only after its receipt, the audit chain verifies and the spool holds nothing.
     */
    void assertCustody(Map<String, String> before) throws Exception {
        assertCustody(before, true);
    }

    /**
     * {@link #assertCustody(Map)}; with {@code openEvidence} false, the receiver's copies are counted
     * from their manifests instead of decrypted (for footage of hundreds of MB). The receipts, which
     * the agent verified against the ingest hashes, and the wipe's hash check still hold.
     */
    void assertCustody(Map<String, String> before, boolean openEvidence) throws Exception {
        assertEventsArrived();
        closeAgent();
        if (openEvidence) {
            Custody.receiverHoldsEachFileOnce(site.work(), before);
        } else {
            Map<String, Integer> once = new HashMap<>();
            before.keySet().forEach(k -> once.put(k, 1));
            assertEquals(once, Custody.receiverCopies(site.work()), "copies of each file at the receiver");
        }
        Set<String> released = Custody.noWipeBeforeReceipt(ledgerFile);
        assertEquals(before.keySet(), released, "every file released after its receipt");
        Custody.goneOnlyWithReceipt(before, site.work().resolve("cameras"), released);
        Custody.auditChainVerifies(ledgerFile);
        assertEquals(List.of(), spoolFiles(), "spool files left after every receipt");
    }

    private void closeAgent() {
        if (!agentClosed) {
            agentClosed = true;
            agent.close();
        }
    }

    /** Stops agent and site, then checks that none of the agent's or the proxies' threads is left. */
    @Override
    public void close() throws Exception {
        try {
            closeAgent();
        } finally {
            site.close();
        }
        await("the agent's and the proxies' threads to end", Duration.ofSeconds(15), () -> ownThreads().isEmpty(),
                () -> "still running: " + ownThreads());
    }

    /** For the report of a timed-out wait: where the agent's threads are (stderr, in the test's output). */
    private static void dumpOwnThreads(String what) {
        StringBuilder b = new StringBuilder("threads when the wait for ").append(what).append(" timed out:\n");
        Thread.getAllStackTraces().forEach((t, stack) -> {
            if (OWN_THREADS.stream().anyMatch(t.getName()::startsWith) || t.getName().startsWith("MQTT")) {
                b.append(t.getName()).append(' ').append(t.getState()).append('\n');
                for (int i = 0; i < Math.min(stack.length, 12); i++) {
                    b.append("    at ").append(stack[i]).append('\n');
                }
            }
        });
        System.err.print(b);
    }

    /** The agent's threads (Paho renames its pool threads after the client id), and the proxies'. */
    private static Set<String> ownThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> OWN_THREADS.stream().anyMatch(n::startsWith) || n.endsWith(": " + Site.DOCK_ID))
                .collect(Collectors.toSet());
    }
}
