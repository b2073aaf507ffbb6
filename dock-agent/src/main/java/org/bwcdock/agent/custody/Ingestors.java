package org.bwcdock.agent.custody;

import org.bwcdock.agent.spool.Spool;

/** Makes the ingestor. */
public final class Ingestors {
    private Ingestors() {
    }

    public static Ingestor create(CustodySettings settings, Spool spool) {
        return new CmsIngestor(settings, spool);
    }
}
