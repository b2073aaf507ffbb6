package org.bwcdock.agent.bay;

import java.time.Duration;
import org.bwcdock.testing.Poll;
import org.bwcdock.agent.DockAgent;
import org.bwcdock.agent.TestConfigs;
import org.bwcdock.agent.config.ConfigLoader;
import org.bwcdock.agent.ledger.EvidenceFile;
import org.bwcdock.agent.ledger.FileState;
import org.bwcdock.agent.ledger.OutboxEvent;
import org.bwcdock.agent.usb.SimulatedUsb;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real agent on simulated USB: dock → mount → list → ingest, and undock mid-ingest. */
@Timeout(60)
class DockPipelineTest {
    @TempDir
    Path dir;
    DockAgent agent;
    SimulatedUsb usb;

    @BeforeEach
    void start() throws Exception {
        agent = DockAgent.create(ConfigLoader.load(TestConfigs.minimal(dir)), Clock.systemUTC());
        agent.start();
        usb = new SimulatedUsb(dir.resolve("sys"), dir.resolve("dev"));
    }

    @AfterEach
    void stop() {
        agent.close();
    }

    private Path camera(String serial, int files, int size) throws Exception {
        Path dcim = Files.createDirectories(dir.resolve("cameras").resolve(serial).resolve("DCIM/100"));
        Random r = new Random(serial.hashCode());
        for (int i = 0; i < files; i++) {
            byte[] b = new byte[size];
            r.nextBytes(b);
            Files.write(dcim.resolve("VID" + i + ".MP4"), b);
        }
        return dcim;
    }

    static void await(String what, Poll.Condition condition) throws Exception {
        Poll.until(what, Duration.ofSeconds(30), condition);
    }

    /** Ingested, whatever the uploader has done with it since: the hash and parts are recorded in one transaction. */
    private static boolean ingested(EvidenceFile f) {
        return f.plaintextSha256() != null && f.state() != FileState.DISCOVERED && f.state() != FileState.INGESTING;
    }

    private List<EvidenceFile> files(String camera) {
        return agent.ledger().filesOf(camera);
    }

    @Test
    void dockedCameraIsIngestedOnce() throws Exception {
        camera("CAM0001", 3, 300_000);
        usb.plug("1-1.2", "2a3b", "0001", "CAM0001");
        await("3 files ingested", () -> files("CAM0001").size() == 3
                && files("CAM0001").stream().allMatch(DockPipelineTest::ingested));
        for (EvidenceFile f : files("CAM0001")) {
            assertEquals(1, agent.ledger().parts(f.id()).size());
            assertTrue(Files.exists(dir.resolve("state/spool/f" + f.id() + "-p0.cms")));
            assertTrue(agent.ledger().manifest(f.id()).isPresent());
        }
        assertTrue(agent.ledger().pendingEvents(1000).stream().map(OutboxEvent::type).anyMatch("docked"::equals));
        await("bay 2 shows the camera", () -> "CAM0001".equals(agent.bays().get(1).cameraId()));

        // Undock and dock again: nothing is read twice.
        usb.unplug("1-1.2");
        await("bay 2 empty", () -> agent.bays().get(1).cameraId() == null);
        usb.plug("1-1.2", "2a3b", "0001", "CAM0001");
        await("bay 2 shows the camera again", () -> "CAM0001".equals(agent.bays().get(1).cameraId()));
        assertEquals(3, files("CAM0001").size());
        assertTrue(agent.ledger().verifyAudit().ok());
    }

    /**
     * Issue #21: parts are recorded one by one as they become durable, so a camera pulled mid-ingest
     * leaves those parts in the spool and the ledger; at the next dock the ingest resumes after them:
     * they are read again for the whole-file hash but neither encrypted nor written again.
     */
    @Test
    void cameraRemovedMidIngestKeepsDurablePartsAndResumesAfterThem() throws Exception {
        Path dcim = camera("CAM0002", 0, 0);
        try (OutputStream out = Files.newOutputStream(dcim.resolve("LONG.MP4"))) {
            byte[] b = new byte[1 << 20];
            for (int i = 0; i < 300; i++) {
                b[0] = (byte) i;
                out.write(b);
            }
        }
        usb.plug("1-1.1", "2a3b", "0001", "CAM0002");
        await("some parts durable", () -> files("CAM0002").stream().anyMatch(f -> f.state() == FileState.INGESTING
                && agent.ledger().parts(f.id()).size() >= 3));
        usb.unplug("1-1.1");
        await("ingest undone", () -> files("CAM0002").stream().allMatch(f -> f.state() == FileState.DISCOVERED));
        long id = files("CAM0002").get(0).id();
        var kept = agent.ledger().parts(id);
        assertTrue(kept.size() >= 3 && kept.size() < 300, "parts kept: " + kept.size());
        java.util.Map<String, Object> before = new java.util.HashMap<>();
        try (var s = Files.list(dir.resolve("state/spool"))) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith("f" + id + "-")).toList()) {
                before.put(p.getFileName().toString(), Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class).fileKey());
            }
        }
        assertEquals(kept.stream().map(org.bwcdock.agent.ledger.PartRecord::spoolFile).collect(java.util.stream.Collectors.toSet()),
                before.keySet(), "the spool holds exactly the parts the ledger kept (nothing half-written)");
        assertTrue(agent.ledger().pendingEvents(1000).stream().anyMatch(e -> e.type().equals("evidence-state")
                && e.payloadJson().contains("durable parts are kept")));

        usb.plug("1-1.1", "2a3b", "0001", "CAM0002");
        await("ingested", () -> ingested(files("CAM0002").get(0)));
        assertEquals(300, agent.ledger().parts(id).size());
        for (var p : kept) {
            Path f = dir.resolve("state/spool").resolve(p.spoolFile());
            assertEquals(before.get(p.spoolFile()), Files.readAttributes(f, java.nio.file.attribute.BasicFileAttributes.class).fileKey(),
                    p.spoolFile() + " was written again");
            assertEquals(p.ciphertextSha256(), agent.ledger().parts(id).get(p.index()).ciphertextSha256());
        }
        assertTrue(agent.ledger().pendingEvents(1000).stream().anyMatch(e -> e.type().equals("evidence-state")
                && e.payloadJson().contains("resumed after " + kept.size() + " durable part(s)")));
    }
}
