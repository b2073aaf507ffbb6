package org.bwcdock.agent.ledger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What the dock's health tells the back office per camera, read from the ledger (docs/mqtt-api.yaml, Health.cameras). */
@Timeout(30)
class CameraSummariesTest {
    private static final Instant T0 = Instant.parse("2026-12-01T06:00:00Z");

    @Test
    void waitingQuarantinedAndLastDockedPerCamera(@TempDir Path dir) {
        Ledger ledger = Ledgers.open(dir.resolve("ledger.db"), Clock.fixed(T0, ZoneOffset.UTC));
        try {
            ledger.recordCamera(new CameraRecord("BWC-1", "2a3b:0001", "S1", false));
            ledger.recordCamera(new CameraRecord("BWC-2", "2a3b:0001", "S2", false));
            long a = ledger.discover("BWC-1", "DCIM/100/A.MP4", 10, 1);
            long b = ledger.discover("BWC-1", "DCIM/100/B.MP4", 10, 1);
            long c = ledger.discover("BWC-2", "DCIM/100/C.MP4", 10, 1);
            ledger.transition(b, FileState.DISCOVERED, FileState.QUARANTINED, "symlink");
            ledger.transition(c, FileState.DISCOVERED, FileState.FAILED, "camera removed");
            List<CameraSummaries.CameraSummary> s = CameraSummaries.of(ledger, Map.of("BWC-1", 3));
            assertEquals(List.of(
                    new CameraSummaries.CameraSummary("BWC-1", 3, T0.toString(), 1, T0.toString(), 1),
                    new CameraSummaries.CameraSummary("BWC-2", null, T0.toString(), 1, T0.toString(), 0)), s);
            assertEquals(Map.of("BWC-1", T0, "BWC-2", T0), ledger.camerasLastSeen());
            assertEquals(a, ledger.filesIn(FileState.DISCOVERED).get(0).id());
        } finally {
            ledger.close();
        }
    }
}
