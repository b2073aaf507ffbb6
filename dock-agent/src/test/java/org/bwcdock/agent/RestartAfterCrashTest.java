package org.bwcdock.agent;

import java.time.Duration;
import org.bwcdock.testing.Poll;
import org.bwcdock.agent.config.ConfigLoader;
import org.bwcdock.agent.ledger.CameraRecord;
import org.bwcdock.agent.ledger.EvidenceFile;
import org.bwcdock.agent.ledger.FileState;
import org.bwcdock.agent.ledger.Ledger;
import org.bwcdock.agent.ledger.Ledgers;
import org.bwcdock.agent.ledger.PartRecord;
import org.bwcdock.format.pki.Digests;
import org.bwcdock.agent.spool.Spool;
import org.bwcdock.agent.usb.SimulatedUsb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a kill -9 leaves between two steps that cannot share a transaction, and how the next start
 * finishes it: a wipe that deleted a receipted file but died before recording it, and a receipt
 * recorded before its spool files were removed. (The sandbox's CrashLoopTest finds these at random.)
 */
@Timeout(60)
class RestartAfterCrashTest {
    private static final String CAMERA = "CAM0007";

    @TempDir
    Path dir;

    @Test
    void wipeInterruptedAfterADeleteIsFinishedAndReceiptedSpoolFilesAreRemoved() throws Exception {
        Path config = TestConfigs.minimal(dir);
        Path dcim = Files.createDirectories(dir.resolve("cameras").resolve(CAMERA).resolve("DCIM/100"));
        Path kept = footage(dcim.resolve("VID1.MP4"));
        Path gone = footage(dcim.resolve("VID2.MP4"));
        long keptId;
        long goneId;
        // The crashed run: both receipted, the wipe began and deleted VID2, then the process died.
        try (Ledger ledger = Ledgers.open(Files.createDirectories(dir.resolve("state")).resolve("ledger.db"), Clock.systemUTC())) {
            ledger.recordCamera(new CameraRecord(CAMERA, "2a3b:0001", CAMERA, false));
            keptId = receipted(ledger, kept);
            goneId = receipted(ledger, gone);
            ledger.audit("agent", "wipe-start", CAMERA, "2 receipted file(s)");
        }
        Files.delete(gone);
        // ... and VID1's receipt was recorded, but its spool files were still there.
        Path spool = Files.createDirectories(dir.resolve("state/spool"));
        Files.write(spool.resolve(Spool.partName(keptId, 0)), new byte[64]);
        Files.write(spool.resolve(Spool.manifestName(keptId)), "{}".getBytes(StandardCharsets.UTF_8));
        Files.write(spool.resolve(Spool.signatureName(keptId)), new byte[16]);

        try (DockAgent agent = DockAgent.create(ConfigLoader.load(config), Clock.systemUTC())) {
            agent.start();
            try (Stream<Path> left = Files.list(spool)) {
                assertEquals(List.of(), left.toList(), "spool files of a receipted file are removed at start");
            }
            new SimulatedUsb(dir.resolve("sys"), dir.resolve("dev")).plug("1-1.1", "2a3b", "0001", CAMERA);
            await("both files released", () -> state(agent, keptId) == FileState.RELEASED && state(agent, goneId) == FileState.RELEASED);
            assertFalse(Files.exists(kept), "the file still on the camera is wiped");
            assertTrue(agent.ledger().pendingEvents(1000).stream().anyMatch(e -> e.type().equals("evidence-state")
                    && e.payloadJson().contains("\"fileId\":" + goneId) && e.payloadJson().contains("wipe interrupted")));
            assertTrue(agent.ledger().verifyAudit().ok());
        }
    }

    private static Path footage(Path file) throws Exception {
        byte[] b = new byte[150_000];
        new Random(file.getFileName().toString().hashCode()).nextBytes(b);
        return Files.write(file, b);
    }

    /** Walks the file through the ledger to RECEIPTED as a run with a reachable receiver would. */
    private static long receipted(Ledger ledger, Path file) throws Exception {
        String path = "DCIM/100/" + file.getFileName();
        long size = Files.size(file);
        long id = ledger.discover(CAMERA, path, size, Files.getLastModifiedTime(file).toMillis());
        String sha = Digests.sha256Hex(file);
        ledger.transition(id, FileState.DISCOVERED, FileState.INGESTING, null);
        ledger.recordIngest(id, sha, List.of(new PartRecord(0, 0, size, sha, "00".repeat(32), 64, Spool.partName(id, 0), null, 0)),
                "{}".getBytes(StandardCharsets.UTF_8), new byte[16]);
        ledger.transition(id, FileState.INGESTED, FileState.UPLOADING, null);
        ledger.transition(id, FileState.UPLOADING, FileState.UPLOADED, null);
        ledger.recordReceipt(id, new byte[16]);
        return id;
    }

    private static FileState state(DockAgent agent, long id) {
        return agent.ledger().file(id).map(EvidenceFile::state).orElseThrow();
    }

    static void await(String what, Poll.Condition condition) throws Exception {
        Poll.until(what, Duration.ofSeconds(30), condition);
    }
}
