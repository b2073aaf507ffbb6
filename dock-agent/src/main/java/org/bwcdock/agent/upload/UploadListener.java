package org.bwcdock.agent.upload;

import org.bwcdock.agent.ledger.EvidenceFile;

/** What the uploader tells the rest of the dock. Called from upload threads. */
public interface UploadListener {
    /** Ciphertext bytes of this file the server has confirmed so far. */
    void progress(EvidenceFile file, long confirmed, long total);

    /** The file is RECEIPTED: its camera may now be released. */
    void receipted(EvidenceFile file);
}
