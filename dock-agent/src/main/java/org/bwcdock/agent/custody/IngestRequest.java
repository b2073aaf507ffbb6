package org.bwcdock.agent.custody;

import java.util.Objects;

/**
 * One camera file to ingest, with the facts the manifest records about it.
 *
 * @param officerId the officer assigned to the camera at ingest, or null
 * @param rawPath the name's bytes for the manifest's pathBytesHex; null: the UTF-8 encoding of {@code relativePath}
 *                (names that do not decode as UTF-8 are skipped at listing today, docs/manifest.md)
 * @param auditHead the ledger's audit-chain head when the ingest starts
 */
public record IngestRequest(long fileId, String cameraId, int bay, String officerId, String relativePath,
                            byte[] rawPath, long size, long mtimeMillis, String auditHead) {
    public IngestRequest {
        Objects.requireNonNull(cameraId, "cameraId");
        Objects.requireNonNull(relativePath, "relativePath");
        rawPath = rawPath == null ? relativePath.getBytes(java.nio.charset.StandardCharsets.UTF_8) : rawPath.clone();
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative: " + size);
        }
        Objects.requireNonNull(auditHead, "auditHead");
    }

    @Override
    public byte[] rawPath() {
        return rawPath.clone();
    }

    /** "camera X bay N: path" — the prefix of every error about this file. */
    String where() {
        return "camera " + cameraId + " bay " + bay + ": " + relativePath;
    }
}
