package org.bwcdock.agent.bay;

import org.bwcdock.agent.config.AgentConfig.CameraClockSource;
import org.bwcdock.agent.custody.CustodySettings;
import org.bwcdock.agent.custody.Ingestor;
import org.bwcdock.agent.custody.Ingestors;
import org.bwcdock.agent.events.BayPhase;
import org.bwcdock.agent.ledger.EvidenceFile;
import org.bwcdock.agent.ledger.Ledger;
import org.bwcdock.agent.ledger.Ledgers;
import org.bwcdock.agent.ledger.OutboxEvent;
import org.bwcdock.agent.spool.Spool;
import org.bwcdock.agent.spool.Spools;
import org.bwcdock.agent.system.ClockSync;
import org.bwcdock.agent.usb.UsbDevice;
import org.bwcdock.agent.volume.FootageFile;
import org.bwcdock.agent.volume.Mounter;
import org.bwcdock.agent.volume.VolumeLimits;
import org.bwcdock.format.Manifest;
import org.bwcdock.testing.ThrowawayPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.bwcdock.agent.bay.DockPipelineTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Clock evidence (issue #20, point 2): the manifest says whether the dock's clock is disciplined and
 * how far the camera's clock was off at docking; a camera beyond its profile's limit is flagged in
 * the manifest and by one event.
 */
@Timeout(60)
class CameraClockTest {
    private static final Duration LIMIT = Duration.ofMinutes(2);

    @TempDir
    Path dir;

    private static CameraPolicy policy(CameraClockSource source) {
        return new CameraPolicy("p", VolumeLimits.defaults(List.of("DCIM/**/*.MP4"), 1L << 30, Duration.ofMillis(50),
                Duration.ofSeconds(10)), Optional.of("DEVICE.TXT"), false, source, LIMIT);
    }

    /** Docks one camera with one file; returns its manifest and the events the docking wrote. */
    private record Docking(Manifest manifest, List<OutboxEvent> events) {
    }

    private Docking dock(String camera, CameraClockSource source, String deviceInfo, Instant fileTime) throws Exception {
        Path cameras = dir.resolve("cameras");
        Path clip = Files.createDirectories(cameras.resolve(camera).resolve("DCIM/100")).resolve("VID0001.MP4");
        Files.write(clip, new byte[50_000]);
        Files.setLastModifiedTime(clip, FileTime.from(fileTime));
        Files.writeString(cameras.resolve(camera).resolve("DEVICE.TXT"), deviceInfo);
        ThrowawayPki pki = new ThrowawayPki(Files.createDirectories(dir.resolve("pki-" + camera)));
        ThrowawayPki.Leaf dockId = pki.issue("dock-clock", ThrowawayPki.Kind.EC, ThrowawayPki.Use.CLIENT);
        ThrowawayPki.Leaf recipient = pki.issue("evidence", ThrowawayPki.Kind.EC, ThrowawayPki.Use.RECIPIENT);
        try (Ledger ledger = Ledgers.open(dir.resolve(camera + ".db"), Clock.systemUTC());
             Spool spool = Spools.open(dir.resolve("spool-" + camera), 1L << 30);
             Ingestor ingestor = Ingestors.create(new CustodySettings("dock-clock", 1 << 20, List.of(recipient.certificate()),
                     dockId.key(), pki.chain(dockId), "test", Duration.ofSeconds(30), Clock.systemUTC()), spool);
             Dock dock = new Dock(List.of(1), ledger, ingestor, Mounter.directories(cameras), Map.of("p", policy(source)), false,
                     v -> { }, Clock.systemUTC(), ClockSync.kernel())) {
            dock.docked(1, new UsbDevice("sdz1", Path.of("/dev/sdz1"), "2a3b:0001", camera, "1-1.1"), "p");
            await("the file ingested", () -> dock.bays().get(0).phase() == BayPhase.UPLOADING);
            EvidenceFile file = ledger.filesOf(camera).get(0);
            return new Docking(Manifest.decode(ledger.manifest(file.id()).orElseThrow()), ledger.pendingEvents(1000));
        }
    }

    private static List<OutboxEvent> skewEvents(Docking d) {
        return d.events().stream().filter(e -> e.type().equals("camera-clock-skewed")).toList();
    }

    @Test
    void aCameraWhoseInfoFileStatesATimeTenMinutesAheadIsFlagged() throws Exception {
        long ahead = Instant.now().plus(Duration.ofMinutes(10)).getEpochSecond();
        Docking d = dock("CAM-FAST", CameraClockSource.DEVICE_INFO, "id=CAM-FAST\nclock=" + ahead + "\n", Instant.now().minusSeconds(600));
        Manifest.CameraClock c = d.manifest().clock().camera();
        assertEquals("device-info", c.source());
        assertFalse(c.lowerBound());
        assertTrue(Math.abs(c.offsetMillis() - 600_000) < 30_000, "about ten minutes ahead: " + c.offsetMillis());
        assertTrue(c.skewed());
        assertEquals(LIMIT.toMillis(), c.skewLimitMillis());
        List<OutboxEvent> events = skewEvents(d);
        assertEquals(1, events.size(), "one event per docking: " + events);
        assertTrue(events.get(0).payloadJson().contains("\"cameraId\":\"CAM-FAST\""), events.get(0).payloadJson());
        assertTrue(events.get(0).payloadJson().contains("\"source\":\"device-info\""), events.get(0).payloadJson());
    }

    @Test
    void aCameraWithinTheLimitIsMeasuredAndNotFlagged() throws Exception {
        String behind = java.time.format.DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withZone(java.time.ZoneOffset.UTC)
                .format(Instant.now().minusSeconds(30));
        Docking d = dock("CAM-OK", CameraClockSource.DEVICE_INFO, "id=CAM-OK\nclock=" + behind + "\n", Instant.now().minusSeconds(600));
        Manifest.CameraClock c = d.manifest().clock().camera();
        assertTrue(c.offsetMillis() < -20_000 && c.offsetMillis() > -60_000, "about 30 s behind: " + c.offsetMillis());
        assertFalse(c.skewed());
        assertTrue(skewEvents(d).isEmpty());
    }

    @Test
    void footageFromTheFutureShowsACameraRunningAheadAsALowerBound() throws Exception {
        Docking d = dock("CAM-FUTURE", CameraClockSource.FILE_TIMES, "id=CAM-FUTURE\n", Instant.now().plus(Duration.ofHours(1)));
        Manifest.CameraClock c = d.manifest().clock().camera();
        assertEquals("file-times", c.source());
        assertTrue(c.lowerBound());
        assertTrue(c.offsetMillis() > 3_500_000, "at least about an hour: " + c.offsetMillis());
        assertTrue(c.skewed());
        assertEquals(1, skewEvents(d).size());
    }

    @Test
    void aMalformedClockMeasuresNothingAndTheDockClockIsTheKernels() throws Exception {
        Docking d = dock("CAM-ODD", CameraClockSource.DEVICE_INFO, "id=CAM-ODD\nclock=tomorrow\n", Instant.now());
        Manifest.CameraClock c = d.manifest().clock().camera();
        assertEquals("none", c.source());
        assertNull(c.offsetMillis());
        assertFalse(c.skewed());
        assertEquals(ClockSync.kernel().read().source(), d.manifest().clock().dock().source());
        assertEquals("adjtimex", d.manifest().clock().dock().source(), "libc's adjtimex is there on every Linux");
    }

    @Test
    void fileTimesWithinTheFatGranularityAreNotASkew() {
        Instant docked = Instant.parse("2026-12-04T10:00:00Z");
        FootageFile f = new FootageFile("DCIM/A.MP4", 1, docked.plus(LIMIT).plusMillis(1_500).toEpochMilli(), null);
        Manifest.CameraClock c = CameraClocks.measure(policy(CameraClockSource.FILE_TIMES), Map.of(), docked, List.of(f), docked);
        assertEquals(LIMIT.toMillis() + 1_500, c.offsetMillis());
        assertFalse(c.skewed(), "2 s of FAT rounding is not evidence of a fast clock");
        assertEquals("none", CameraClocks.measure(policy(CameraClockSource.FILE_TIMES), Map.of(), docked, List.of(), docked).source());
        assertEquals(Optional.empty(), CameraClocks.parse("1e9"));
        assertEquals(Optional.of(Instant.parse("2026-12-04T19:30:00Z")), CameraClocks.parse("20261204T193000Z"));
    }
}
