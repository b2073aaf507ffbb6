package org.bwcdock.agent.ledger;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tampering with the audit table behind the ledger's back is detected and located. */
@Timeout(30)
class AuditChainTest {
    @TempDir
    Path dir;
    Path db;

    @BeforeEach
    void tenRows() {
        db = dir.resolve("ledger.db");
        try (Ledger ledger = Ledgers.open(db, Clock.systemUTC())) {
            for (int i = 1; i <= 10; i++) {
                ledger.audit("test", "step", "row", "detail " + i);
            }
            assertTrue(ledger.verifyAudit().ok());
            assertEquals(10, ledger.verifyAudit().rows());
        }
    }

    private void tamper(String... sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    private AuditVerification verify() {
        try (Ledger ledger = Ledgers.open(db, Clock.systemUTC())) {
            return ledger.verifyAudit();
        }
    }

    @Test
    void editedRowIsNamed() throws SQLException {
        tamper("UPDATE audit SET detail = 'nothing to see' WHERE seq = 4");
        AuditVerification v = verify();
        assertFalse(v.ok());
        assertEquals(4, v.firstBrokenRow().getAsLong());
        assertTrue(v.problem().contains("edited"), v.problem());
    }

    @Test
    void deletedRowIsNamed() throws SQLException {
        tamper("DELETE FROM audit WHERE seq = 6");
        AuditVerification v = verify();
        assertFalse(v.ok());
        assertEquals(7, v.firstBrokenRow().getAsLong());
    }

    @Test
    void deletedRowWithRenumberingIsStillFound() throws SQLException {
        // A careful forger closes the gap in the sequence numbers; the hash links still break.
        tamper("DELETE FROM audit WHERE seq = 6", "UPDATE audit SET seq = seq - 1 WHERE seq > 6");
        AuditVerification v = verify();
        assertFalse(v.ok());
        assertEquals(6, v.firstBrokenRow().getAsLong());
    }

    @Test
    void reorderedRowsAreNamed() throws SQLException {
        // Swap the contents of rows 3 and 8, keeping their sequence numbers.
        String cols = "at, actor, action, subject, detail, prev_hash, hash";
        tamper("CREATE TEMP TABLE r3 AS SELECT " + cols + " FROM audit WHERE seq = 3",
                "CREATE TEMP TABLE r8 AS SELECT " + cols + " FROM audit WHERE seq = 8",
                "UPDATE audit SET (" + cols + ") = (SELECT " + cols + " FROM r8) WHERE seq = 3",
                "UPDATE audit SET (" + cols + ") = (SELECT " + cols + " FROM r3) WHERE seq = 8");
        AuditVerification v = verify();
        assertFalse(v.ok());
        assertEquals(3, v.firstBrokenRow().getAsLong());
    }

    @Test
    void auditVerifyCommandNamesTheBrokenRow() throws SQLException {
        StringWriter out = new StringWriter();
        assertEquals(0, AuditCommand.verify(db, new PrintWriter(out, true)));
        assertTrue(out.toString().contains("audit chain ok: 10 rows"), out::toString);
        tamper("UPDATE audit SET actor = 'someone else' WHERE seq = 2");
        out.getBuffer().setLength(0);
        assertEquals(1, AuditCommand.verify(db, new PrintWriter(out, true)));
        assertTrue(out.toString().startsWith("audit chain broken at row 2: "), out::toString);
    }

    @Test
    void headIsTheNewestRowsHash() {
        try (Ledger ledger = Ledgers.open(db, Clock.systemUTC())) {
            String head = ledger.auditHead();
            ledger.audit("test", "more", "row", "x");
            assertFalse(head.equals(ledger.auditHead()));
            assertEquals(64, ledger.auditHead().length());
        }
    }
}
