package org.bwcdock.agent.ledger;

import org.bwcdock.format.AuditCheckpoint;
import org.bwcdock.format.AuditRows;
import org.bwcdock.format.io.FileTrees;
import org.bwcdock.format.FormatException;
import org.bwcdock.format.pki.PemFiles;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SignatureException;
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code bwcdock-agent audit verify}: prints the chain's state; 0 when intact, 1 when broken, 2 when
 * it cannot tell. {@code audit export}: the rows for a court packet ({@link AuditRows}).
 */
public final class AuditCommand {
    private AuditCommand() {
    }

    /** A signed checkpoint to hold the chain against, and the agency CA(s) its dock certificate must chain to. */
    public record Checkpoint(Path json, Path signature, Path agencyCas) {
    }

    public static int verify(Path ledgerFile, PrintWriter out) {
        return verify(ledgerFile, Optional.empty(), out);
    }

    /**
     * Writes the rows from {@code fromSeq} on to {@code out} (a new file, 0600): for
     * {@code provision evidence packet --audit}. The chain is verified first; a broken one is not exported.
     */
    public static int export(Path ledgerFile, long fromSeq, Path outFile, PrintWriter out) {
        if (!Files.isRegularFile(ledgerFile)) {
            out.println("error: " + ledgerFile + " does not exist");
            return 2;
        }
        try (Ledger ledger = Ledgers.open(ledgerFile, Clock.systemUTC())) {
            AuditVerification v = ledger.verifyAudit();
            if (!v.ok()) {
                out.println("error: not exported: audit chain broken at row " + v.firstBrokenRow().getAsLong() + ": " + v.problem());
                return 1;
            }
            List<AuditRows.Row> rows = ledger.auditRows(fromSeq);
            FileTrees.writeSynced(outFile, AuditRows.format(rows), Set.of(StandardOpenOption.CREATE_NEW, LinkOption.NOFOLLOW_LINKS),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            out.println("exported " + rows.size() + " audit rows" + (rows.isEmpty() ? "" : " (" + rows.get(0).seq() + ".."
                    + rows.get(rows.size() - 1).seq() + ")") + " to " + outFile);
            return 0;
        } catch (LedgerException e) {
            out.println("error: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            out.println("error: " + outFile + ": " + e.getMessage());
            return 2;
        }
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
