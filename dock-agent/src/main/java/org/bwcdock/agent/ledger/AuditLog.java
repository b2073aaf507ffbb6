package org.bwcdock.agent.ledger;

import org.bwcdock.format.AuditRows;

import java.util.List;

/**
 * The audit hash chain: a role of the {@link Ledger}.
 */
public interface AuditLog {
    /** Appends an audit row chained to the previous one. */
    void audit(String actor, String action, String subject, String detail);

    /** SHA-256 (hex) of the newest audit row: what a manifest quotes. */
    String auditHead();

    /** The newest row's sequence number and hash: what an audit checkpoint signs. */
    AuditPosition auditPosition();

    /** Re-computes the whole chain; names the first broken row, if any. */
    AuditVerification verifyAudit();

    /** {@link #verifyAudit()}, and row {@code seq} still has hash {@code head}, as a signed checkpoint says. */
    AuditVerification verifyAudit(long seq, String head);

    /**
     * The rows from {@code fromSeq} to the newest, for an export ({@link AuditRows}).
     *
     * @throws LedgerException if one of them was written before scheme 2 (it cannot be checked by a shell)
     */
    List<AuditRows.Row> auditRows(long fromSeq);
}
