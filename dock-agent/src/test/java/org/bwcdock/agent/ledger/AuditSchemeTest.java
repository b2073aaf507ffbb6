package org.bwcdock.agent.ledger;

import org.bwcdock.format.AuditRows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Audit scheme 2 (text lines a shell can hash): rows an older agent wrote in scheme 1 still verify
 * after the upgrade, new rows are scheme 2, and the export holds only rows a shell can check.
 */
@Timeout(30)
class AuditSchemeTest {
    @TempDir
    Path dir;

    /** What an older agent left: every row in scheme 1 (the migration's default), its hashes its own. */
    private static void asWrittenByAnOlderAgent(Path db) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("UPDATE audit SET scheme = 1");
        }
        AuditCheckpointTest.rechain(db);
    }

    @Test
    void olderRowsVerifyNewRowsAreTextAndOnlyTheyAreExported() throws Exception {
        Path db = dir.resolve("ledger.db");
        try (Ledger ledger = Ledgers.open(db, Clock.systemUTC())) {
            for (int i = 1; i <= 3; i++) {
                ledger.audit("agent", "old", "row", "before the upgrade " + i);
            }
        }
        asWrittenByAnOlderAgent(db);
        try (Ledger ledger = Ledgers.open(db, Clock.systemUTC())) {
            assertTrue(ledger.verifyAudit().ok(), "scheme 1 rows verify as written: " + ledger.verifyAudit().problem());
            ledger.audit("agent", "new", "BWC-1:DCIM/A.MP4", "file 1 from DISCOVERED");
            ledger.audit("agent", "new", "BWC-1", "");
            assertTrue(ledger.verifyAudit().ok(), ledger.verifyAudit().problem());
            List<AuditRows.Row> rows = ledger.auditRows(4);
            assertEquals(2, rows.size());
            assertNull(AuditRows.problem(rows), "scheme 2 rows recompute from their text alone");
            assertEquals(AuditRows.rowHash(4, rows.get(0).at(), AuditRows.fieldsHash("agent", "new", "BWC-1:DCIM/A.MP4",
                    "file 1 from DISCOVERED"), rows.get(0).prev()), rows.get(0).hash());
            LedgerException e = assertThrows(LedgerException.class, () -> ledger.auditRows(1));
            assertTrue(e.getMessage().contains("row 1 was written before audit scheme 2"), e.getMessage());
        }

        StringWriter out = new StringWriter();
        Path export = dir.resolve("audit.tsv");
        assertEquals(0, AuditCommand.export(db, 4, export, new PrintWriter(out, true)), out.toString());
        assertTrue(out.toString().contains("exported 2 audit rows (4..5)"), out.toString());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(export)));
        List<AuditRows.Row> back = AuditRows.parse(Files.readAllBytes(export));
        assertEquals("", back.get(1).detail(), "an empty field survives the text form");
        assertNull(AuditRows.problem(back));
        assertEquals(2, AuditCommand.export(db, 4, export, new PrintWriter(new StringWriter(), true)), "never overwritten");
    }

    @Test
    void aBrokenChainIsNotExported() throws Exception {
        Path db = dir.resolve("ledger.db");
        try (Ledger ledger = Ledgers.open(db, Clock.systemUTC())) {
            ledger.audit("agent", "a", "b", "c");
            ledger.audit("agent", "a", "b", "d");
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("UPDATE audit SET detail = 'x' WHERE seq = 1");
        }
        StringWriter out = new StringWriter();
        assertEquals(1, AuditCommand.export(db, 1, dir.resolve("audit.tsv"), new PrintWriter(out, true)));
        assertTrue(out.toString().contains("not exported: audit chain broken at row 1"), out.toString());
        assertTrue(Files.notExists(dir.resolve("audit.tsv")));
    }
}
