package org.bwcdock.agent.ledger;

import java.util.EnumSet;
import java.util.Set;

/**
 * Life of one evidence file on the dock (DESIGN.md, "The flow of one camera").
 *
 * <p>The allowed moves are fixed here so that no caller can invent one; {@link Ledger#transition}
 * rejects everything else.
 */
public enum FileState {
    DISCOVERED,
    INGESTING,
    INGESTED,
    UPLOADING,
    UPLOADED,
    RECEIPTED,
    RELEASED,
    /** Retryable failure (file changed during read, camera removed, server refused); reason kept. */
    FAILED,
    /** Never retried automatically: the file itself is hostile or unreadable; reason kept. */
    QUARANTINED,
    /**
     * The dock cannot read the file for a reason that will not go away by itself (permission
     * denied, a name the filesystem cannot give back); reason kept. It stays on the camera, is
     * reported, and does not hold back the wipe of the camera's receipted files. Tried once more at
     * the camera's next docking (someone may have fixed it), never again during the same one.
     */
    REFUSED;

    /** States from which this one may be entered. */
    public boolean canMoveTo(FileState next) {
        return successors().contains(next);
    }

    public Set<FileState> successors() {
        return switch (this) {
            // INGESTING → DISCOVERED: an interrupted ingest (crash, undock) starts again from scratch.
            case DISCOVERED -> EnumSet.of(INGESTING, FAILED, QUARANTINED, REFUSED);
            case INGESTING -> EnumSet.of(INGESTED, DISCOVERED, FAILED, QUARANTINED, REFUSED);
            case INGESTED -> EnumSet.of(UPLOADING);
            // UPLOADING → INGESTED: the spool parts stay; the upload is started again later.
            case UPLOADING -> EnumSet.of(UPLOADED, INGESTED, FAILED);
            // UPLOADED → UPLOADING: the receiver refused the commit; parts are sent again.
            case UPLOADED -> EnumSet.of(RECEIPTED, UPLOADING, FAILED);
            case RECEIPTED -> EnumSet.of(RELEASED);
            case RELEASED -> EnumSet.noneOf(FileState.class);
            // A failed file is retried from scratch: it is found again when its camera is docked.
            case FAILED -> EnumSet.of(DISCOVERED);
            case QUARANTINED -> EnumSet.noneOf(FileState.class);
            case REFUSED -> EnumSet.of(DISCOVERED);
        };
    }

    /** True once the server holds a verified copy: the only states in which wiping may be considered. */
    public boolean isReceipted() {
        return this == RECEIPTED || this == RELEASED;
    }
}
