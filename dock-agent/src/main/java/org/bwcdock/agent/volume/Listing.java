package org.bwcdock.agent.volume;

import java.util.List;

/**
 * The footage to ingest, everything passed over with its reason, and the footage the camera's
 * filesystem will not give: names it lists but finds no file by (a FAT short name in an OEM code
 * page, through fusefat). Those are refused for good, not merely skipped: the ledger records them.
 */
public record Listing(List<FootageFile> files, List<Skipped> skipped, List<Skipped> refused) {
    public Listing {
        files = List.copyOf(files);
        skipped = List.copyOf(skipped);
        refused = List.copyOf(refused);
    }
}
