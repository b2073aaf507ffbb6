package org.bwcdock.agent.custody;

/** The file changed while it was read (size, mtime or length differ): it is retried later, not ingested. */
public final class FileChangedException extends IngestException {
    public FileChangedException(String message) {
        super(message, true, null);
    }
}
