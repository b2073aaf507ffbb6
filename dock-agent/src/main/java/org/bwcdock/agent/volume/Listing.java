package org.bwcdock.agent.volume;

import java.util.List;

/** The footage to ingest, and everything passed over with its reason. */
public record Listing(List<FootageFile> files, List<Skipped> skipped) {
    public Listing {
        files = List.copyOf(files);
        skipped = List.copyOf(skipped);
    }
}
