package org.bwcdock.agent.custody;

import java.io.IOException;
import java.io.InputStream;

/** The camera file, as the volume package opens it safely (no symlinks, read deadlines). */
public interface IngestSource {
    /** Opened exactly once per ingest. */
    InputStream open() throws IOException;

    /** Checked after the last byte: true if size and mtime are still those of the request. */
    boolean unchanged() throws IOException;
}
