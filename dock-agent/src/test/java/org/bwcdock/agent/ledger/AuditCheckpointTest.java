package org.bwcdock.agent.ledger;

import org.bwcdock.testing.ThrowawayPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A signed audit checkpoint catches what the bare hash chain cannot: the newest rows deleted, and
 * the whole chain recomputed after an edit. Both leave a chain that is consistent in itself.
 */
@Timeout(60)
class AuditCheckpointTest {
    @TempDir
    Path dir;

    @Test
    void deletedNewestRowsAndARecomputedChainAreCaughtByTheCheckpoint() throws Exception {
        ThrowawayPki pki = new ThrowawayPki(Files.createDirectories(dir.resolve("pki")));
        ThrowawayPki.Leaf dock = pki.issue("dock-7", ThrowawayPki.Kind.EC, ThrowawayPki.Use.CLIENT);
        Path db = dir.resolve("ledger.db");
        try (Ledger ledger = Ledgers.open(db, Clock.systemUTC());
             AuditCheckpointer checkpointer = new AuditCheckpointer(ledger, "dock-7", dir, dock.key(), pki.chain(dock),
                     Clock.systemUTC())) {
            for (int i = 1; i <= 6; i++) {
                ledger.audit("agent", "file-released", "CAM-1:DCIM/" + i + ".MP4", "wiped");
            }
            assertTrue(checkpointer.checkpoint().isPresent(), "a checkpoint of the 6 rows");
        }
        AuditCommand.Checkpoint cp = new AuditCommand.Checkpoint(dir.resolve(AuditCheckpointer.FILE),
                dir.resolve(AuditCheckpointer.SIGNATURE), pki.caFile());
        assertEquals(0, verify(db, cp).code(), verify(db, cp).out());

        // Keep a copy, then delete the two newest rows: the chain alone still verifies.
        Path truncated = Files.copy(db, dir.resolve("truncated.db"));
        sql(truncated, "DELETE FROM audit WHERE seq > (SELECT max(seq) - 2 FROM audit)");
        assertEquals(0, verify(truncated, null).code(), "the bare chain cannot see a cut end: " + verify(truncated, null).out());
        Result cut = verify(truncated, cp);
        assertEquals(1, cut.code(), cut.out());
        assertTrue(cut.out().contains("rows were deleted from its end"), cut.out());

        // Edit row 3 and recompute every hash from there: consistent in itself, not what the dock signed.
        Path rewritten = Files.copy(db, dir.resolve("rewritten.db"));
        sql(rewritten, "UPDATE audit SET detail = 'not wiped' WHERE seq = 3");
        rechain(rewritten);
        assertEquals(0, verify(rewritten, null).code(), "the recomputed chain verifies in itself: " + verify(rewritten, null).out());
        Result forged = verify(rewritten, cp);
        assertEquals(1, forged.code(), forged.out());
        assertTrue(forged.out().contains("the chain was rewritten"), forged.out());
    }

    @Test
    void aCheckpointSignedByAnotherDockOrAlteredIsNotTrusted() throws Exception {
        ThrowawayPki pki = new ThrowawayPki(Files.createDirectories(dir.resolve("pki")));
        ThrowawayPki.Leaf dock = pki.issue("dock-7", ThrowawayPki.Kind.EC, ThrowawayPki.Use.CLIENT);
        ThrowawayPki.Leaf other = pki.issue("dock-8", ThrowawayPki.Kind.EC, ThrowawayPki.Use.CLIENT);
        Path db = dir.resolve("ledger.db");
        try (Ledger ledger = Ledgers.open(db, Clock.systemUTC())) {
            ledger.audit("agent", "start", "dock-7", "test");
            // dock-8's key signing a checkpoint that names dock-7
            Path by8 = Files.createDirectories(dir.resolve("by8"));
            try (AuditCheckpointer c = new AuditCheckpointer(ledger, "dock-7", by8, other.key(), pki.chain(other), Clock.systemUTC())) {
                c.checkpoint();
            }
            Result r = verify(db, new AuditCommand.Checkpoint(by8.resolve(AuditCheckpointer.FILE), by8.resolve(AuditCheckpointer.SIGNATURE),
                    pki.caFile()));
            assertEquals(2, r.code(), r.out());
            assertTrue(r.out().contains("signed by dock \"dock-8\""), r.out());

            Path own = Files.createDirectories(dir.resolve("own"));
            try (AuditCheckpointer c = new AuditCheckpointer(ledger, "dock-7", own, dock.key(), pki.chain(dock), Clock.systemUTC())) {
                c.checkpoint();
            }
            Path json = own.resolve(AuditCheckpointer.FILE);
            Files.writeString(json, Files.readString(json).replaceFirst("\"seq\":\\d+", "\"seq\":1000"));
            Result altered = verify(db, new AuditCommand.Checkpoint(json, own.resolve(AuditCheckpointer.SIGNATURE), pki.caFile()));
            assertEquals(2, altered.code(), altered.out());
            assertTrue(altered.out().contains("does not verify"), altered.out());
        }
    }

    private record Result(int code, String out) {
    }

    private static Result verify(Path db, AuditCommand.Checkpoint cp) {
        StringWriter w = new StringWriter();
        int code = AuditCommand.verify(db, Optional.ofNullable(cp), new PrintWriter(w, true));
        return new Result(code, w.toString());
    }

    private static void sql(Path db, String statement) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.executeUpdate(statement);
        }
    }

    /** What an insider with the database would do after an edit: recompute every link and hash. */
    static void rechain(Path db) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            String prev = AuditChain.GENESIS;
            try (Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT seq, at, actor, action, subject, detail, scheme FROM audit ORDER BY seq");
                 PreparedStatement u = c.prepareStatement("UPDATE audit SET prev_hash = ?, hash = ? WHERE seq = ?")) {
                while (r.next()) {
                    String hash = AuditChain.hash(r.getInt(7), r.getLong(1), r.getLong(2), r.getString(3), r.getString(4), r.getString(5),
                            r.getString(6), prev);
                    u.setString(1, prev);
                    u.setString(2, hash);
                    u.setLong(3, r.getLong(1));
                    u.executeUpdate();
                    prev = hash;
                }
            }
        }
    }
}
