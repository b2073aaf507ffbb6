package org.bwcdock.agent.upload;

import org.bwcdock.agent.ledger.EvidenceFile;
import org.bwcdock.agent.ledger.EvidenceFiles;
import org.bwcdock.agent.ledger.FileState;
import org.bwcdock.agent.ledger.LedgerException;
import org.bwcdock.agent.ledger.PartRecord;
import org.bwcdock.agent.spool.Spool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Uploads the parts of a file that is still being ingested, each as soon as the ledger records it
 * durable, so that part k travels while part k+1 is read from the camera. Never commits, and never
 * moves the file's state: the bay owns an INGESTING file. If the ingest fails or is cancelled meanwhile
 * (its parts leave the spool and the ledger), the upload of that part just stops; what reached the
 * server unused expires there.
 */
final class PartsAhead {
    private static final Logger log = LoggerFactory.getLogger(PartsAhead.class);

    private final EvidenceFiles files;
    private final Spool spool;
    private final EvidenceSink sink;

    PartsAhead(EvidenceFiles files, Spool spool, EvidenceSink sink) {
        this.files = files;
        this.spool = spool;
        this.sink = sink;
    }

    /**
     * @return empty, or if the server failed a part the least wait it asked for (zero if it did not say): the caller
     *         backs off at least that long
     */
    java.util.Optional<java.time.Duration> sendReadyParts(EvidenceFile f, String where) throws InterruptedException {
        for (PartRecord p : files.parts(f.id())) {
            if (p.uploadUrl() != null && p.confirmedOffset() >= p.ciphertextLength()) {
                continue;
            }
            Path file = spool.resolve(p.spoolFile());
            if (!stillIngesting(f) || !Files.isRegularFile(file)) {
                return java.util.Optional.empty();
            }
            try {
                sink.sendPart(where, new EvidenceSink.Part(p.index(), file, p.ciphertextLength(), p.ciphertextSha256(),
                        p.uploadUrl()), new EvidenceSink.Listener() {
                            private String url = p.uploadUrl();

                            @Override
                            public void partCreated(int index, String created) {
                                url = created;
                                record(f, index, created, 0);
                            }

                            @Override
                            public void partProgress(int index, long confirmedOffset) {
                                record(f, index, url, confirmedOffset);
                            }
                        });
            } catch (UploadException e) {
                if (!stillIngesting(f) || !Files.isRegularFile(file)) {
                    return java.util.Optional.empty(); // the ingest discarded the part under us: not the server's trouble
                }
                log.warn("{}: part {} (sent while the file is ingested): {}", where, p.index(), e.getMessage());
                if (e.uploadsLost()) {
                    record(f, p.index(), null, 0);
                }
                return java.util.Optional.of(e.retryAfter());
            }
        }
        return java.util.Optional.empty();
    }

    private boolean stillIngesting(EvidenceFile f) {
        return files.file(f.id()).map(EvidenceFile::state).orElse(null) == FileState.INGESTING;
    }

    /** A part the ledger no longer has (its ingest failed meanwhile) is not an error here. */
    private void record(EvidenceFile f, int index, String url, long confirmed) {
        try {
            files.recordPartUpload(f.id(), index, url, confirmed);
        } catch (LedgerException e) {
            log.debug("camera {}: {}: part {} no longer recorded: {}", f.cameraId(), f.relativePath(), index, e.getMessage());
        }
    }
}
