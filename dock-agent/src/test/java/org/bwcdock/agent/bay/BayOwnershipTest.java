package org.bwcdock.agent.bay;

import org.bwcdock.agent.config.AgentConfig;
import org.bwcdock.agent.system.ClockSync;
import org.bwcdock.agent.custody.CustodySettings;
import org.bwcdock.agent.custody.Ingestor;
import org.bwcdock.agent.custody.Ingestors;
import org.bwcdock.agent.events.BayPhase;
import org.bwcdock.agent.events.BayView;
import org.bwcdock.agent.ledger.EvidenceFile;
import org.bwcdock.agent.ledger.FileState;
import org.bwcdock.agent.ledger.Ledger;
import org.bwcdock.agent.ledger.Ledgers;
import org.bwcdock.testing.ThrowawayPki;
import org.bwcdock.agent.spool.Spool;
import org.bwcdock.agent.spool.Spools;
import org.bwcdock.agent.usb.UsbDevice;
import org.bwcdock.agent.volume.Mounter;
import org.bwcdock.agent.volume.VolumeLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.bwcdock.agent.bay.DockPipelineTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bay's view has one writer at a time: upload progress (an upload worker's thread) racing the
 * bay thread's "safe" never turns the bay back to "uploading". A worker thread hammers progress
 * reports for the camera's file from before its receipt until long after the bay went safe; every
 * view published after the first "safe" is still "safe".
 */
@Timeout(60)
class BayOwnershipTest {
    private static final String CAMERA = "CAM-OWN-1";

    @TempDir
    Path dir;

    @Test
    void uploadProgressNeverOverwritesSafe() throws Exception {
        ThrowawayPki pki = new ThrowawayPki(Files.createDirectories(dir.resolve("pki")));
        ThrowawayPki.Leaf dockId = pki.issue("dock-own", ThrowawayPki.Kind.EC, ThrowawayPki.Use.CLIENT);
        ThrowawayPki.Leaf recipient = pki.issue("evidence", ThrowawayPki.Kind.EC, ThrowawayPki.Use.RECIPIENT);
        Path cameras = dir.resolve("cameras");
        Files.write(Files.createDirectories(cameras.resolve(CAMERA).resolve("DCIM/100")).resolve("VID0001.MP4"), new byte[100_000]);
        List<BayView> published = new ArrayList<>();
        CameraPolicy policy = new CameraPolicy("p", VolumeLimits.defaults(List.of("DCIM/**/*.MP4"), 1L << 30,
                Duration.ofMillis(50), Duration.ofSeconds(10)), Optional.empty(), false,
                AgentConfig.CameraClockSource.FILE_TIMES, Duration.ofMinutes(2));
        try (Ledger ledger = Ledgers.open(dir.resolve("ledger.db"), Clock.systemUTC());
             Spool spool = Spools.open(dir.resolve("spool"), 1L << 30);
             Ingestor ingestor = Ingestors.create(new CustodySettings("dock-own", 1 << 20, List.of(recipient.certificate()),
                     dockId.key(), pki.chain(dockId), "test", Duration.ofSeconds(30), Clock.systemUTC()), spool);
             Dock dock = new Dock(List.of(1), ledger, ingestor, Mounter.directories(cameras), Map.of("p", policy), false,
                     v -> {
                         synchronized (published) {
                             published.add(v);
                         }
                     }, Clock.systemUTC(), ClockSync.kernel())) {
            dock.docked(1, new UsbDevice("sdz1", Path.of("/dev/sdz1"), "2a3b:0001", CAMERA, "1-1.1"), "p");
            await("the file ingested and the bay uploading", () -> dock.bays().get(0).phase() == BayPhase.UPLOADING
                    && ledger.filesOf(CAMERA).stream().allMatch(f -> f.state() == FileState.INGESTED));
            EvidenceFile file = ledger.filesOf(CAMERA).get(0);

            // An upload worker: progress reports, as fast as it can, until told to stop.
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong reports = new AtomicLong();
            Thread worker = new Thread(() -> {
                while (!stop.get()) {
                    long n = reports.incrementAndGet();
                    dock.progress(file, n % 1000, 1000);
                }
            }, "test-upload-progress");
            worker.start();
            try {
                await("progress shown", () -> dock.bays().get(0).uploadDone() > 0);
                // What the uploader does on a receipt, while its progress reports are still arriving.
                ledger.transition(file.id(), FileState.INGESTED, FileState.UPLOADING, null);
                ledger.transition(file.id(), FileState.UPLOADING, FileState.UPLOADED, null);
                ledger.recordReceipt(file.id(), "receipt".getBytes());
                dock.receipted(ledger.file(file.id()).orElseThrow());
                await("the bay safe", () -> dock.bays().get(0).phase() == BayPhase.SAFE);
                long atSafe = reports.get();
                await("many more progress reports after safe", () -> reports.get() > atSafe + 20_000);
            } finally {
                stop.set(true);
                worker.join(10_000);
            }

            List<BayView> seen;
            synchronized (published) {
                seen = List.copyOf(published);
            }
            int firstSafe = -1;
            for (int i = 0; i < seen.size(); i++) {
                if (seen.get(i).phase() == BayPhase.SAFE && firstSafe < 0) {
                    firstSafe = i;
                }
                if (firstSafe >= 0) {
                    BayView v = seen.get(i);
                    assertEquals(BayPhase.SAFE, v.phase(), "view " + i + " after \"safe\" at " + firstSafe + ": " + v);
                }
            }
            assertTrue(firstSafe >= 0, "never safe");
            assertTrue(seen.size() > firstSafe + 1, "no progress was published after safe: the race was not run");
            assertEquals(BayPhase.SAFE, dock.bays().get(0).phase());
        }
    }
}
