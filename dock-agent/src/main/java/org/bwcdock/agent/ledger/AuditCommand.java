package org.bwcdock.agent.ledger;

import org.bwcdock.format.AuditCheckpoint;
import org.bwcdock.format.FormatException;
import org.bwcdock.format.pki.PemFiles;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SignatureException;
import java.time.Clock;
import java.util.Optional;

/** {@code bwcdock-agent audit verify}: prints the chain's state; 0 when intact, 1 when broken, 2 when it cannot tell. */
public final class AuditCommand {
    private AuditCommand() {
    }

    /** A signed checkpoint to hold the chain against, and the agency CA(s) its dock certificate must chain to. */
    public record Checkpoint(Path json, Path signature, Path agencyCas) {
    }

    public static int verify(Path ledgerFile, PrintWriter out) {
        return verify(ledgerFile, Optional.empty(), out);
    }

    public static int verify(Path ledgerFile, Optional<Checkpoint> checkpoint, PrintWriter out) {
        if (!Files.isRegularFile(ledgerFile)) {
            out.println("error: " + ledgerFile + " does not exist");
            return 2;
        }
        AuditCheckpoint cp = null;
        if (checkpoint.isPresent()) {
            Checkpoint c = checkpoint.get();
            try {
                cp = AuditCheckpoint.verify(Files.readAllBytes(c.json()), Files.readAllBytes(c.signature()),
                        PemFiles.readCertificates(c.agencyCas()));
            } catch (IOException | SignatureException | FormatException e) {
                out.println("error: checkpoint " + c.json() + " cannot be trusted: " + e.getMessage());
                return 2;
            }
        }
        try (Ledger ledger = Ledgers.open(ledgerFile, Clock.systemUTC())) {
            AuditVerification v = cp == null ? ledger.verifyAudit() : ledger.verifyAudit(cp.seq(), cp.head());
            if (!v.ok()) {
                out.println("audit chain broken at row " + v.firstBrokenRow().getAsLong() + ": " + v.problem());
                return 1;
            }
            out.println("audit chain ok: " + v.rows() + " rows" + (cp == null
                    ? " (no signed checkpoint given: deleting the newest rows or recomputing the chain would not show)"
                    : "; rows 1.." + cp.seq() + " are those dock " + cp.dockId() + " signed at " + cp.at()));
            return 0;
        }
    }
}
