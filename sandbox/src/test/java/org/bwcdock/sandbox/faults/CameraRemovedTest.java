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

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An officer pulls the camera out while a big file is being ingested: the parts already durable stay
 * in the spool and the ledger (issue #21: recorded one by one, maybe uploading already), nothing else
 * of that file is left (no temporary, no manifest), the file goes back to DISCOVERED, the back office
 * hears of it, and on the next dock the ingest resumes after the kept parts and the file goes all the
 * way to its receipt and release.
 */
@Timeout(150)
class CameraRemovedTest {
    /**
     * Sparse (no disk blocks until read). The camera is read at 64 MB/s, as a USB 3 camera delivers
     * it, so its ingest lasts about 4 s whatever this machine's speed: many times what an undock
     * takes to reach the bay (the USB watcher debounces 300 ms).
     */
    private static final long BIG = 256L << 20;
    /** Parts of 16 MiB: the first is in the spool early, and the interrupted ingest leaves several to discard. */
    private static final Site.AgentOptions ONE_BAY = Site.AgentOptions.DEFAULT.withSpool("2 GiB", "16 MiB").withBays(1, "simulated")
            .withCameraReadRate("64 MB");

    @Test
    void undockedMidIngestKeepsTheDurablePartsAndResumesOnTheNextDock(@TempDir Path work) throws Exception {
        try (Shift shift = Shift.start(work, ONE_BAY, Clock.systemUTC())) {
            Site site = shift.site();
            Site.Camera camera = shift.cameras().get(0);
            site.footage(camera, new long[] {300_000});
            String bigPath = Footage.relativePath(1);
            try (RandomAccessFile f = new RandomAccessFile(site.volume(camera).resolve(bigPath).toFile(), "rw")) {
                f.setLength(BIG);
                f.write("a camera file".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
            Map<String, String> before = Custody.footageHashes(site.work().resolve("cameras"));
            String subject = Custody.subject(camera.serial(), bigPath);

            site.dock(camera);
            long[] id = new long[1];
            shift.await("the big file ingesting with a part in the spool", Shift.COMPLETE, () -> {
                EvidenceFile f = file(shift, camera, bigPath);
                if (f == null || f.state() != FileState.INGESTING) {
                    return false;
                }
                id[0] = f.id();
                return shift.spoolFiles().contains("f" + f.id() + "-p0.cms");
            });
            site.undock(camera);
            shift.await("the undock to reach the bay", Shift.COMPLETE,
                    () -> shift.agent().bays().get(0).phase() == org.bwcdock.agent.events.BayPhase.EMPTY);

            EvidenceFile cut = file(shift, camera, bigPath);
            assertEquals(FileState.DISCOVERED, cut.state(), "the big file after the undock: " + shift.describe());
            List<String> leftovers = shift.spoolFiles().stream().filter(n -> n.startsWith("f" + id[0] + "-") || n.startsWith("f" + id[0] + "."))
                    .sorted().toList();
            List<String> kept = shift.agent().ledger().parts(id[0]).stream().map(org.bwcdock.agent.ledger.PartRecord::spoolFile)
                    .sorted().toList();
            assertFalse(kept.isEmpty(), "no durable part kept in the ledger");
            assertEquals(kept, leftovers, "spool files of the interrupted ingest: exactly its durable parts");
            assertTrue(shift.spoolFiles().stream().noneMatch(n -> n.endsWith(".tmp")), "temporaries left: " + shift.spoolFiles());

            site.dock(camera);
            shift.awaitReleased(before.size());
            assertEquals(id[0], file(shift, camera, bigPath).id(), "the same ledger row, its ingest resumed");
            // The file's state changes (its trusted-time rows, manifest-timestamp*, come in between).
            List<String> history = shift.auditOf(subject).stream().map(a -> a.substring(0, a.indexOf(':')))
                    .filter(a -> a.startsWith("file-")).toList();
            assertEquals(List.of("file-discovered", "file-ingesting", "file-discovered", "file-ingesting", "file-ingested",
                    "file-uploading", "file-uploaded", "file-receipted", "file-released"), history, "audit of " + subject
                    + ": " + shift.auditOf(subject));
            assertTrue(shift.auditOf(subject).get(2).contains("camera removed"), shift.auditOf(subject).get(2));
            assertTrue(shift.auditOf(subject).get(3).contains("resumed after " + kept.size() + " durable part(s)"),
                    shift.auditOf(subject).get(3));
            shift.assertCustody(before, false); // hundreds of MB: copies counted, not decrypted

            // The back office heard of it: the undock, and the file going back to DISCOVERED with the reason.
            List<JsonNode> events = shift.distinctEvents();
            assertTrue(events.stream().anyMatch(e -> e.path("type").asText().equals("undocked")
                    && e.path("cameraId").asText().equals(camera.serial())), "no undocked event: " + shift.eventTypes());
            assertTrue(events.stream().anyMatch(e -> e.path("type").asText().equals("evidence-state")
                    && e.path("path").asText().equals(bigPath) && e.path("from").asText().equals("INGESTING")
                    && e.path("to").asText().equals("DISCOVERED")
                    && e.path("reason").asText().contains("camera removed")), "no event for the interrupted ingest");
            assertFalse(events.stream().anyMatch(e -> e.path("type").asText().equals("bay-error")), "the undock was an error: "
                    + events);
        }
    }

    private static EvidenceFile file(Shift shift, Site.Camera camera, String path) {
        return shift.agent().ledger().filesOf(camera.serial()).stream().filter(f -> f.relativePath().equals(path)).findFirst()
                .orElse(null);
    }
}
