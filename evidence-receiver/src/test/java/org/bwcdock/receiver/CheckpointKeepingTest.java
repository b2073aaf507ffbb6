package org.bwcdock.receiver;

import org.bwcdock.format.AuditCheckpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The store keeps the newest audit checkpoint per dock, never an older one, and a half-written one never counts. */
@Timeout(30)
class CheckpointKeepingTest {
    @TempDir
    Path dir;

    private static AuditCheckpoint.Signed signed(AuditCheckpoint cp) {
        return new AuditCheckpoint.Signed(cp.encode(), ("signature of " + cp.seq()).getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void theNewestCheckpointPerDockIsKept() throws Exception {
        FileEvidenceStore store = new FileEvidenceStore(dir.resolve("evidence"),
                new FileUploadStore(dir.resolve("uploads"), Duration.ofDays(1), Clock.systemUTC(), 10, 1L << 30));
        AuditCheckpoint five = new AuditCheckpoint("dock-1", 5, "a".repeat(64), Instant.parse("2026-12-04T10:00:00Z"));
        AuditCheckpoint nine = new AuditCheckpoint("dock-1", 9, "b".repeat(64), Instant.parse("2026-12-04T10:05:00Z"));
        AuditCheckpoint other = new AuditCheckpoint("dock-2", 3, "c".repeat(64), Instant.parse("2026-12-04T10:01:00Z"));
        assertEquals(Optional.empty(), store.checkpoint("dock-1"));
        store.keepCheckpoint(five, signed(five));
        store.keepCheckpoint(nine, signed(nine));
        store.keepCheckpoint(five, signed(five)); // a late, older one: ignored
        store.keepCheckpoint(other, signed(other));
        assertArrayEquals(nine.encode(), store.checkpoint("dock-1").orElseThrow().json(), "the newest of dock-1");
        assertArrayEquals(other.encode(), store.checkpoint("dock-2").orElseThrow().json(), "each dock its own");
        try (var files = Files.list(dir.resolve("checkpoints/dock-1"))) {
            assertEquals(2, files.count(), "the older checkpoint's files are gone");
        }
        // A crash after the signature but before the checkpoint of row 12 was written: row 9's stays in force.
        Files.write(dir.resolve("checkpoints/dock-1/12.p7s"), new byte[] {1});
        assertArrayEquals(nine.encode(), store.checkpoint("dock-1").orElseThrow().json());
        assertTrue(store.checkpoint("../dock-1").isEmpty(), "a dock id is never a path");
    }
}
