package org.bwcdock.agent.custody;

import org.bwcdock.agent.ledger.PartRecord;

import java.util.List;

/** What the ledger records at INGESTED: every part durable in the spool, and the signed manifest. */
public record IngestResult(String plaintextSha256, List<PartRecord> parts, byte[] manifestJson, byte[] manifestSignature) {
    public IngestResult {
        parts = List.copyOf(parts);
    }
}
