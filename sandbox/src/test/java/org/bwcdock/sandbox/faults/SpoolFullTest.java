package org.bwcdock.sandbox.faults;

import com.fasterxml.jackson.databind.JsonNode;
import org.bwcdock.agent.ledger.EvidenceFile;
import org.bwcdock.agent.ledger.FileState;
import org.bwcdock.sandbox.Custody;
import org.bwcdock.sandbox.Footage;
import org.bwcdock.sandbox.Site;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A shift end through a spool far smaller than the footage: four cameras with 42 MB between them,
 * 10 MiB of spool, parts of 4 MiB, so every camera's big file has three parts and ingest must wait
 * for receipted evidence to leave the spool. The shift end still completes; the waiting is
 * reported (a "spool-full" event, the bay's status); the spool never holds more than its quota;
 * and no camera file is gone before its receipt.
 */
@Timeout(150)
class SpoolFullTest {
    private static final long[] SIZES = {50_000, 1_500_000, 9_000_000};
    private static final String[] PATHS = {Footage.relativePath(0), Footage.relativePath(1), Footage.relativePath(2)};
    private static final long QUOTA = 10L << 20;
    private static final Site.AgentOptions SMALL_SPOOL = Site.AgentOptions.DEFAULT.withSpool("10 MiB", "4 MiB");

    @Test
    void shiftEndCompletesThroughASpoolAQuarterOfItsSize(@TempDir Path work) throws Exception {
        try (Shift shift = Shift.start(work, SMALL_SPOOL, Clock.systemUTC())) {
            Map<String, String> before = shift.footage(SIZES);
            Path cameras = shift.site().work().resolve("cameras");
            // No throttle needed: ingest outruns uploads (encrypted parts over TLS, a receipt each), so the spool fills.
            shift.dockAll();

            AtomicLong mostInSpool = new AtomicLong();
            Set<Integer> baysWaited = new java.util.TreeSet<>();
            shift.await("every file released through the small spool", Shift.COMPLETE, () -> {
                mostInSpool.accumulateAndGet(spoolBytes(shift.spool()), Math::max);
                shift.agent().bays().stream().filter(b -> "waiting for spool space".equals(b.lastEvent()))
                        .forEach(b -> baysWaited.add(b.bay()));
                untouchedUntilReceipted(shift, cameras, before);
                List<EvidenceFile> files = shift.files();
                return files.size() == before.size() && files.stream().allMatch(f -> f.state() == FileState.RELEASED);
            });
            shift.awaitReleased(before.size());

            assertTrue(mostInSpool.get() <= QUOTA, "the spool held " + mostInSpool.get() + " bytes, over its quota of " + QUOTA);
            assertFalse(baysWaited.isEmpty(), "no bay showed \"waiting for spool space\": the spool never filled");
            shift.assertCustody(before);
            // Reported where the back office looks: a spool-full event naming the camera and file that waited.
            List<JsonNode> full = shift.distinctEvents().stream().filter(e -> e.path("type").asText().equals("spool-full")).toList();
            assertFalse(full.isEmpty(), "no spool-full event reached the back office: " + shift.eventTypes());
            for (JsonNode e : full) {
                String subject = Custody.subject(e.path("cameraId").asText(), e.path("path").asText());
                assertTrue(before.containsKey(subject), "spool-full event for an unknown file: " + e);
            }
        }
    }

    /** Bytes of every file in the spool now (parts, manifests, files being written). */
    private static long spoolBytes(Path spool) throws Exception {
        long total = 0;
        try (Stream<Path> files = Files.list(spool)) {
            for (Path f : files.toList()) {
                try {
                    total += Files.size(f);
                } catch (java.nio.file.NoSuchFileException gone) {
                    // renamed or deleted between the listing and the size: counted under its new name or no longer there
                }
            }
        }
        return total;
    }

    /** A camera file that is gone now was receipted before; one that is there is unchanged. */
    private static void untouchedUntilReceipted(Shift shift, Path cameras, Map<String, String> before) throws Exception {
        Map<String, FileState> states = new HashMap<>();
        shift.files().forEach(f -> states.put(Custody.subject(f.cameraId(), f.relativePath()), f.state()));
        for (String subject : before.keySet()) {
            String[] cp = subject.split(":", 2);
            Path file = cameras.resolve(cp[0]).resolve(cp[1]);
            if (!Files.exists(file)) {
                FileState s = states.get(subject);
                if (s == null || !s.isReceipted()) {
                    fail(subject + " left its camera while " + s + ": " + shift.describe());
                }
            } else {
                int index = java.util.Arrays.asList(PATHS).indexOf(cp[1]);
                assertEquals(SIZES[index], Files.size(file), subject + " changed size on its camera");
            }
        }
    }
}
