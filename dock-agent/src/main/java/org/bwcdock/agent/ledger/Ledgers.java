package org.bwcdock.agent.ledger;

import java.nio.file.Path;
import java.time.Clock;

/** Opens the dock's ledger. */
public final class Ledgers {
    /** Outbox capacity when none is configured: days of events for a busy dock. */
    public static final int DEFAULT_OUTBOX_CAPACITY = 100_000;

    private Ledgers() {
    }

    /**
     * Opens (creating, 0600, and migrating as needed) the SQLite ledger at {@code file}.
     *
     * @throws LedgerException if the file is not a ledger, fails its integrity check, or was written by a newer agent
     */
    public static Ledger open(Path file, Clock clock, int outboxCapacity) {
        if (outboxCapacity < 1) {
            throw new IllegalArgumentException("outboxCapacity must be positive, not " + outboxCapacity);
        }
        return SqliteLedger.open(file, clock, outboxCapacity);
    }

    public static Ledger open(Path file, Clock clock) {
        return open(file, clock, DEFAULT_OUTBOX_CAPACITY);
    }
}
