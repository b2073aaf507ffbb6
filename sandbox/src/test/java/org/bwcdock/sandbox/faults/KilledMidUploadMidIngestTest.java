package org.bwcdock.sandbox.faults;

import org.bwcdock.sandbox.Custody;
import org.bwcdock.sandbox.Footage;
import org.bwcdock.sandbox.Site;
import org.bwcdock.testing.Jvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Issue #21: kill -9 of the agent (its own JVM) while a file is half ingested and its first part is
 * already at the server. The next start resumes: the durable parts are kept (read again only for the
 * whole-file hash), the part at the server is not sent again — no upload is left at the receiver that
 * no commit took — and the file is committed once, receipted, and wiped once.
 */
@Timeout(240)
class KilledMidUploadMidIngestTest {
    private static final long SIZE = 24L << 20;

    @Test
    void aKillAfterAPartReachedTheServerResumesWithoutSendingItAgain(@TempDir Path work) throws Exception {
        try (Site site = Site.start(work)) {
            Path dock = work.resolve("dock");
            Path config = site.writeAgentConfig(dock, Site.AgentOptions.DEFAULT.withSpool("1 GiB", "4 MiB").withBays(1, "none")
                    .withCameraReadRate("4 MB"));
            Path ledgerFile = dock.resolve("state/ledger.db");
            CrashLedger ledger = new CrashLedger(ledgerFile);
            Site.Camera camera = Site.cameras(1).get(0);
            site.footage(camera, new long[] {SIZE});
            Map<String, String> expected = Custody.footageHashes(work.resolve("cameras"));
            String subject = Custody.subject(camera.serial(), Footage.relativePath(0));
            site.dock(camera);

            Process agent = start(config, work.resolve("agent-1.log"));
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (!ledger.uploadedAtPartBoundarySince(0)) {
                    assertTrue(agent.isAlive(), "the agent exited by itself");
                    assertTrue(System.nanoTime() < deadline, "never a part at the server while the file was ingesting: "
                            + ledger.states());
                    Thread.sleep(10); // poll
                }
            } finally {
                agent.destroyForcibly(); // SIGKILL, mid-ingest and mid-upload
                assertTrue(agent.waitFor(30, TimeUnit.SECONDS), "the agent survived SIGKILL");
            }
            List<String[]> atKill = parts(ledgerFile);
            assertEquals("INGESTING", ledger.states().get(subject), "the file at the kill");
            assertTrue(atKill.size() < 6 && atKill.stream().anyMatch(p -> p[1] != null), "parts at the kill: "
                    + atKill.stream().map(p -> p[0] + "@" + p[1]).toList());

            Process again = start(config, work.resolve("agent-2.log"));
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (!"RELEASED".equals(ledger.states().get(subject))) {
                    assertTrue(again.isAlive(), "the restarted agent exited by itself");
                    assertTrue(System.nanoTime() < deadline, "not released after the restart: " + ledger.states());
                    Thread.sleep(50); // poll
                }
            } finally {
                again.destroy(); // SIGTERM: a clean stop
                if (!again.waitFor(30, TimeUnit.SECONDS)) {
                    again.destroyForcibly();
                    fail("the agent did not stop within 30 s of SIGTERM");
                }
            }
            Custody.receiverHoldsEachFileOnce(work, expected);
            // No byte sent twice: an upload no commit took may be left only by a kill between the receiver's
            // 201 and the ledger recording its URL (tus creation cannot be asked about later); it holds nothing
            // and was never in the ledger, and the sweeper removes it when it expires.
            List<String> known = atKill.stream().map(p -> p[1]).filter(java.util.Objects::nonNull).toList();
            try (Stream<Path> left = Files.list(site.receiverStore().resolve("uploads"))) {
                for (Path json : left.filter(f -> f.toString().endsWith(".json")).toList()) {
                    String id = json.getFileName().toString().replace(".json", "");
                    Path bytes = json.resolveSibling(id + ".bin");
                    assertEquals(0, Files.exists(bytes) ? Files.size(bytes) : 0, "an upload no commit took holds bytes: " + id);
                    assertTrue(known.stream().noneMatch(u -> u.endsWith(id)), "an upload in the ledger at the kill was not reused: " + id);
                }
            }
            List<String[]> after = parts(ledgerFile);
            for (String[] p : atKill) {
                if (p[1] != null) {
                    String url = after.stream().filter(q -> q[0].equals(p[0])).findFirst().orElseThrow()[1];
                    assertEquals(p[1], url, "part " + p[0] + " went to the server before the kill: its upload was reused");
                }
            }
            assertTrue(audit(ledgerFile, subject).stream().anyMatch(d -> d.contains("resumed after")),
                    "no resumed ingest in the audit: " + audit(ledgerFile, subject));
            assertEquals(java.util.Set.of(subject), Custody.noWipeBeforeReceipt(ledgerFile), "released once, after its receipt");
            Custody.goneOnlyWithReceipt(expected, work.resolve("cameras"), java.util.Set.of(subject));
            Custody.auditChainVerifies(ledgerFile);
        }
    }

    private static Process start(Path config, Path log) throws Exception {
        ProcessBuilder pb = Jvm.fork(List.of("-Xmx192m", "-XX:+UseSerialGC",
                "-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener"), org.bwcdock.agent.Main.class,
                "run", "--config", config.toString());
        return pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** {index, upload URL or null} of the ledger's parts, read-only (the agent's WAL is its own to recover). */
    private static List<String[]> parts(Path ledger) throws Exception {
        List<String[]> out = new ArrayList<>();
        try (Connection c = readOnly(ledger);
             ResultSet r = c.createStatement().executeQuery("SELECT idx, upload_url FROM parts ORDER BY idx")) {
            while (r.next()) {
                out.add(new String[] {Integer.toString(r.getInt(1)), r.getString(2)});
            }
        }
        return out;
    }

    private static List<String> audit(Path ledger, String subject) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = readOnly(ledger);
             PreparedStatement p = c.prepareStatement("SELECT action || ': ' || detail FROM audit WHERE subject = ? ORDER BY seq")) {
            p.setString(1, subject);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(r.getString(1));
                }
            }
        }
        return out;
    }

    private static Connection readOnly(Path ledger) throws Exception {
        SQLiteConfig c = new SQLiteConfig();
        c.setReadOnly(true);
        c.setBusyTimeout(2000);
        return DriverManager.getConnection("jdbc:sqlite:" + ledger, c.toProperties());
    }
}
