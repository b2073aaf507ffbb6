package org.bwcdock.agent.ledger;

import org.bwcdock.agent.events.EventClass;

/**
 * The dock's durable memory: cameras, evidence files and their parts, assignments, the MQTT
 * outbox and the audit chain.
 *
 * <p>Every method that changes something is one SQLite transaction, durable when it returns
 * (WAL, {@code synchronous=FULL}). Every file-state change writes, in that same transaction, an
 * audit row and an {@link EventClass#EVIDENCE} outbox event, so nothing that happened can be
 * published without being recorded, or recorded without being published later.
 *
 * <p>Thread-safe: calls are serialised. Each stage receives only the role it uses
 * ({@link EvidenceFiles}, {@link Outbox}, {@link Cameras}, {@link Assignments}, {@link AuditLog});
 * the composition root and the bays, which orchestrate, hold the whole.
 */
public interface Ledger extends Cameras, EvidenceFiles, ManifestTimestamps, Assignments, Outbox, AuditLog, AutoCloseable {
    /**
     * Adds someone to tell, after each commit, that the outbox grew or a file became INGESTED (so the
     * publisher and the uploader wake at once instead of polling). Called on the committing thread,
     * inside the ledger's lock: it must only wake a thread, never block or call the ledger back.
     */
    void addListener(LedgerListener listener);

    @Override
    void close();
}
