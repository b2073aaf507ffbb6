package org.bwcdock.agent.custody;

import org.bwcdock.format.Manifest;
import org.bwcdock.format.NameBytes;
import org.bwcdock.format.SafeText;

import java.util.Objects;

/**
 * One camera file to ingest, with the facts the manifest records about it.
 *
 * @param officerId the officer assigned to the camera at ingest, or null
 * @param relativePath the name as a {@link NameBytes} string (lossless also where it is not UTF-8)
 * @param rawPath the name's bytes for the manifest's pathBytesHex; null: {@link NameBytes#encode} of {@code relativePath}
 * @param auditHead the ledger's audit-chain head when the ingest starts
 * @param clock the dock's clock state and the camera's offset, for the manifest
 */
public record IngestRequest(long fileId, String cameraId, int bay, String officerId, String relativePath,
                            byte[] rawPath, long size, long mtimeMillis, String auditHead, Manifest.ClockEvidence clock) {
    public IngestRequest {
        Objects.requireNonNull(cameraId, "cameraId");
        Objects.requireNonNull(relativePath, "relativePath");
        rawPath = rawPath == null ? NameBytes.encode(relativePath) : rawPath.clone();
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative: " + size);
        }
        Objects.requireNonNull(auditHead, "auditHead");
        Objects.requireNonNull(clock, "clock");
    }

    /** Outside a dock (the bench, tools): no clock was measured, and the manifest says so. */
    public IngestRequest(long fileId, String cameraId, int bay, String officerId, String relativePath, byte[] rawPath,
                         long size, long mtimeMillis, String auditHead) {
        this(fileId, cameraId, bay, officerId, relativePath, rawPath, size, mtimeMillis, auditHead, new Manifest.ClockEvidence(
                new Manifest.DockClock("unavailable", false, -1, -1), Manifest.CameraClock.unmeasured(0)));
    }

    @Override
    public byte[] rawPath() {
        return rawPath.clone();
    }

    /** The manifest's {@code path}: the name, or its SafeText form where it is not UTF-8 (docs/manifest.md). */
    String displayPath() {
        return NameBytes.hasRawBytes(relativePath) ? SafeText.fromBytes(rawPath) : relativePath;
    }

    /** "camera X bay N: path" — the prefix of every error about this file. */
    String where() {
        return "camera " + cameraId + " bay " + bay + ": " + relativePath;
    }
}
