package org.bwcdock.agent.bay;

import org.bwcdock.agent.custody.Ingestor;
import org.bwcdock.agent.ledger.EvidenceFile;
import org.bwcdock.agent.ledger.FileState;
import org.bwcdock.agent.ledger.Ledger;
import org.bwcdock.agent.ledger.PartRecord;
import org.bwcdock.agent.volume.FootageFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;

/**
 * Parts an interrupted ingest left durable (kill -9, stop, camera pulled): a resumed ingest keeps the
 * prefix still whole in the spool, and parts of a file that changed on the camera since leave.
 */
final class KeptParts {
    private static final Logger log = LoggerFactory.getLogger(KeptParts.class);

    private final Ledger ledger;
    private final Ingestor ingestor;
    private final int bay;

    KeptParts(Ledger ledger, Ingestor ingestor, int bay) {
        this.ledger = ledger;
        this.ingestor = ingestor;
        this.bay = bay;
    }

    /** The parts of file {@code id} (DISCOVERED, about to be ingested) to keep; the ledger forgets the rest. */
    List<PartRecord> forResume(long id) {
        List<PartRecord> kept = ingestor.keepable(ledger.parts(id));
        ledger.discardParts(id, kept.size());
        return kept;
    }

    /**
     * Kept parts of a file that is no longer on the camera as it was (other size or mtime, or gone):
     * that ingest will never resume, so its parts leave the spool and the ledger.
     */
    void discardStale(String cameraId, List<FootageFile> listed) throws IOException {
        for (EvidenceFile ef : ledger.filesOf(cameraId)) {
            boolean there = listed.stream().anyMatch(f -> f.relativePath().equals(ef.relativePath())
                    && f.size() == ef.size() && f.mtimeMillis() == ef.mtimeMillis());
            if (ef.state() == FileState.DISCOVERED && !there && !ledger.parts(ef.id()).isEmpty()) {
                ingestor.discard(ef.id());
                ledger.discardParts(ef.id(), 0);
                log.info("camera {} bay {}: {}: changed since its ingest was interrupted; its kept parts discarded",
                        cameraId, bay, ef.relativePath());
            }
        }
    }
}
