package org.bwcdock.agent.ledger;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/** {@code bwcdock-agent audit verify}: prints the chain's state; 0 when intact, 1 when broken. */
public final class AuditCommand {
    private AuditCommand() {
    }

    public static int verify(Path ledgerFile, PrintWriter out) {
        if (!Files.isRegularFile(ledgerFile)) {
            out.println("error: " + ledgerFile + " does not exist");
            return 2;
        }
        try (Ledger ledger = Ledgers.open(ledgerFile, Clock.systemUTC())) {
            AuditVerification v = ledger.verifyAudit();
            if (v.ok()) {
                out.println("audit chain ok: " + v.rows() + " rows");
                return 0;
            }
            out.println("audit chain broken at row " + v.firstBrokenRow().getAsLong() + ": " + v.problem());
            return 1;
        }
    }
}
