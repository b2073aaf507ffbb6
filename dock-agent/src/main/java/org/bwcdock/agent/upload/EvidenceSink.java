package org.bwcdock.agent.upload;

import org.bwcdock.format.BadReceiptException;
import java.nio.file.Path;
import java.util.List;

/**
 * Where evidence goes: uploads a file's encrypted parts, commits its signed manifest, and returns
 * the receiver's receipt — only after verifying it (signature and every hash).
 */
public interface EvidenceSink extends AutoCloseable {

    /** One encrypted part in the spool; {@code uploadUrl} is where an earlier attempt left it, or null. */
    record Part(int index, Path file, long length, String sha256, String uploadUrl) {
    }

    /** @param manifestTimestamp the TSA's response on {@code signature}, sent with the commit if there is one */
    record Delivery(long fileId, String where, List<Part> parts, byte[] manifest, byte[] signature, String plaintextSha256,
                    java.util.Optional<byte[]> manifestTimestamp) {
        public Delivery {
            parts = List.copyOf(parts);
        }

        public Delivery(long fileId, String where, List<Part> parts, byte[] manifest, byte[] signature, String plaintextSha256) {
            this(fileId, where, parts, manifest, signature, plaintextSha256, java.util.Optional.empty());
        }
    }

    /** Told as soon as the server has confirmed something, so a restart resumes from there. */
    interface Listener {
        void partCreated(int index, String url);

        void partProgress(int index, long confirmedOffset);
    }

    /**
     * @return the verified receipt, DER, to store verbatim
     * @throws UploadException the delivery did not complete (retryable or not, as it says)
     * @throws BadReceiptException the server answered with a receipt that must not count
     */
    byte[] deliver(Delivery delivery, Listener listener) throws UploadException, BadReceiptException, InterruptedException;

    /**
     * Hands the receiver a manifest token the dock got after the commit (docs/evidence-upload.md,
     * "Timestamps"): {@code POST /timestamp}.
     *
     * @return empty when the receiver holds it now; otherwise why it will not take it (asking again is useless)
     * @throws UploadException the receiver could not be asked now (try again later)
     */
    java.util.Optional<String> attachManifestTimestamp(String evidenceId, byte[] tsr) throws UploadException, InterruptedException;

    /**
     * Uploads one part before its file can be committed (the file is still being ingested; the
     * commit comes later with {@link #deliver}, which finds the part complete). One attempt: the caller
     * retries later. Resumes from {@code part.uploadUrl()} if the server still has it.
     *
     * @throws UploadException the part is not (all) at the server; retryable or not, as it says
     */
    void sendPart(String where, Part part, Listener listener) throws UploadException, InterruptedException;

    /** Bytes per second for all uploads together; 0 = unlimited. Takes effect at once. */
    void bandwidth(long bytesPerSecond);

    @Override
    void close();
}
