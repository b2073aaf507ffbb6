package org.bwcdock.agent.ledger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Per camera, what the back office reconciles each morning (docs/mqtt-api.yaml, Health.cameras):
 * where it sits, when it was last docked here, how many of its files still wait for a receipt and
 * since when, how many were quarantined. Read from the ledger, so it survives restarts.
 */
public final class CameraSummaries {
    /** Not yet receipted: the evidence server does not have these files (FAILED ones are retried). */
    private static final Set<FileState> WAITING = EnumSet.of(FileState.DISCOVERED, FileState.INGESTING, FileState.INGESTED,
            FileState.UPLOADING, FileState.UPLOADED, FileState.FAILED);

    /**
     * One camera; instants as ISO-8601 text, {@code null} when unknown.
     *
     * @param bay the bay it sits in now, {@code null} when it is out of the dock
     */
    public record CameraSummary(String cameraId, Integer bay, String lastDockedAt, int filesWaiting, String oldestUnreceiptedAt,
                                int quarantined) {
    }

    private CameraSummaries() {
    }

    /** @param docked camera id → the bay it sits in now */
    public static List<CameraSummary> of(Ledger ledger, Map<String, Integer> docked) {
        Map<String, Instant> lastSeen = new TreeMap<>(ledger.camerasLastSeen());
        Map<String, int[]> counts = new TreeMap<>();
        Map<String, Long> oldest = new TreeMap<>();
        List<FileState> states = new ArrayList<>(WAITING);
        for (EvidenceFile f : ledger.filesIn(FileState.QUARANTINED, states.toArray(FileState[]::new))) {
            int[] c = counts.computeIfAbsent(f.cameraId(), k -> new int[2]);
            if (f.state() == FileState.QUARANTINED) {
                c[1]++;
            } else {
                c[0]++;
                oldest.merge(f.cameraId(), f.discoveredAtMillis(), Math::min);
            }
            lastSeen.putIfAbsent(f.cameraId(), null);
        }
        docked.keySet().forEach(id -> lastSeen.putIfAbsent(id, null));
        List<CameraSummary> out = new ArrayList<>();
        lastSeen.forEach((id, seen) -> {
            int[] c = counts.getOrDefault(id, new int[2]);
            Long o = oldest.get(id);
            out.add(new CameraSummary(id, docked.get(id), seen == null ? null : seen.toString(), c[0],
                    o == null ? null : Instant.ofEpochMilli(o).toString(), c[1]));
        });
        return out;
    }
}
